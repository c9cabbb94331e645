"""Moving disclosure onto the case kernel keeps every row: requests filed before the move keep
their numbers, states and clocks; their history, released files and reminders reappear as the
kernel's `CaseEvent`, `CaseAttachment` and `CaseReminder` rows, field by field — the files where
they were on disk, an objection's reminder on the objection's watch — and the way back restores
the old tables."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from egov.cases.models import CaseAttachment, CaseEvent, CaseReminder
from egov.cases.services import case_file_path
from egov.cases.sweeps import case_reminders_send
from egov.core import deadlines
from egov.core import files as core_files
from egov.core.models import CaseClock
from egov.disclosure.models import DisclosureRequest, Objection, WithheldPart
from egov.disclosure.periods import OBJECTION, REQUEST
from egov.disclosure.procedure import DISCLOSURE
from tests.disclosure.conftest import PDF

BEFORE = [("disclosure", "0002_reminder")]
LONG_AGO = timezone.now() - dt.timedelta(days=3)


def migrate(targets=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def at(hours: int) -> dt.datetime:
    return LONG_AGO + dt.timedelta(hours=hours)


def old_world(apps, alice, bob, jongno):
    """Before the move: Alice's open request (reminded once); her refused request, objected to,
    reminded of the decision and then of the objection; her request disclosed in full with a
    file released; each with its history."""
    Request = apps.get_model("disclosure", "DisclosureRequest")
    Event = apps.get_model("disclosure", "RequestEvent")
    Released = apps.get_model("disclosure", "ReleasedFile")
    Reminder = apps.get_model("disclosure", "Reminder")
    OldObjection = apps.get_model("disclosure", "Objection")
    Part = apps.get_model("disclosure", "WithheldPart")

    def request(number):
        clock = deadlines.clock_start(
            case_type=REQUEST, case_ref=f"disclosure.request:{number}", agency=jongno, received_at=at(0)
        )
        return Request.objects.create(
            number=number, agency_id=jongno.pk, requester_id=alice.pk, title=f"회의록 {number}",
            content="회의록 전부", release_form="electronic", submitted_at=at(0), clock_id=clock.pk,
        )  # fmt: skip

    def event(case, hours, state, action, note="", actor=alice, **data):
        row = Event.objects.create(
            request=case, actor_id=actor.pk, state=state, action=action, note=note, data=data
        )
        Event.objects.filter(pk=row.pk).update(at=at(hours))  # the old column stamps the insert

    def reminder(case, due_at, hours, recipients=1):
        row = Reminder.objects.create(request=case, due_at=due_at, recipients=recipients)
        Reminder.objects.filter(pk=row.pk).update(reminded_at=at(hours))

    def close(case):
        return deadlines.clock_close(case_ref=f"disclosure.request:{case.number}", reason="decided")

    open_one = request("DR-2601-4821337")
    event(open_one, 1, "received", "file", agency=jongno.code)
    reminder(open_one, CaseClock.objects.get(pk=open_one.clock_id).due_at, 2, recipients=0)

    refused = request("DR-2601-0000002")
    request_due = CaseClock.objects.get(pk=refused.clock_id).due_at
    event(refused, 1, "received", "file", agency=jongno.code)
    reminder(refused, request_due, 3)
    decided_at = close(refused).closed_at
    Request.objects.filter(pk=refused.pk).update(
        state="objected", outcome="refused", grounds="수사 중", exempt_categories=["4"],
        decided_at=decided_at, decided_by_id=bob.pk,
    )  # fmt: skip
    event(refused, 4, "decided", "decide", "수사 중", bob, outcome="refused", categories=["4"], late=False)
    objection_clock = deadlines.clock_start(
        case_type=OBJECTION, case_ref=f"disclosure.request:{refused.number}:objection", agency=jongno
    )
    OldObjection.objects.create(
        request=refused, reason="수사 종결", filed_at=at(5), clock_id=objection_clock.pk
    )
    event(refused, 5, "objected", "object", "수사 종결")
    reminder(refused, objection_clock.due_at, 6)

    full = request("DR-2601-0000003")
    event(full, 1, "received", "file", agency=jongno.code)
    decided_at = close(full).closed_at
    Request.objects.filter(pk=full.pk).update(
        state="decided", outcome="partial", grounds="연락처 제외", exempt_categories=["6"],
        decided_at=decided_at, decided_by_id=bob.pk,
    )  # fmt: skip
    Part.objects.create(request=full, description="위원 연락처", category="6")
    event(full, 7, "decided", "decide", "연락처 제외", bob, outcome="partial", categories=["6"], late=False)
    storage_name = core_files.file_write(PDF, folder="disclosure")
    released = Released.objects.create(
        request=full, original_name="회의록.pdf", content_type="application/pdf", size=len(PDF),
        sha256="ab" * 32, storage_name=storage_name, uploaded_by_id=bob.pk,
    )  # fmt: skip
    Released.objects.filter(pk=released.pk).update(uploaded_at=at(8))
    event(full, 8, "decided", "release", "", bob, files=1)
    return open_one.pk, refused.pk, full.pk


def rows(model, fields, order=("id",)):
    return list(model.objects.order_by(*order).values_list(*fields))


EVENT = ("at", "actor_id", "state", "action", "note", "data")
FILE = ("original_name", "content_type", "size", "sha256", "storage_name", "uploaded_at", "uploaded_by_id")
REMINDER = ("due_at", "recipients")


def every_field(*models) -> list[list[dict]]:
    return [list(model.objects.order_by("id").values()) for model in models]


def cases_and_clocks(apps=None) -> list[list]:
    """Every field of the requests, objections, withheld parts and clocks (of the historical
    models in `apps`, or the current ones)."""
    if apps is None:
        return every_field(DisclosureRequest, Objection, WithheldPart, CaseClock)
    names = ("DisclosureRequest", "Objection", "WithheldPart")
    return every_field(*(apps.get_model("disclosure", name) for name in names), CaseClock)


@pytest.mark.django_db(transaction=True)
def test_moving_onto_the_kernel_keeps_every_case_event_file_reminder_and_clock(
    requester, bob, jongno, disclosure_data_dir
):
    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE, at_end=True).apps
    open_one, refused, full = old_world(old, requester, bob, jongno)
    before = cases_and_clocks(old)
    events = rows(old.get_model("disclosure", "RequestEvent"), ("request_id", *EVENT), ("at", "id"))
    files = rows(old.get_model("disclosure", "ReleasedFile"), ("request_id", *FILE))
    reminders = rows(old.get_model("disclosure", "Reminder"), ("request_id", *REMINDER, "reminded_at"))
    assert len(events) == 7 and len(files) == 1 and len(reminders) == 3

    migrate()

    assert cases_and_clocks() == before
    assert rows(CaseEvent, ("case_id", *EVENT), ("at", "id")) == events
    assert rows(CaseAttachment, ("case_id", *FILE)) == files
    assert set(CaseAttachment.objects.values_list("purpose", flat=True)) == {"released"}
    assert rows(CaseReminder, ("case_id", *REMINDER, "at")) == reminders
    objection_due = Objection.objects.get(request_id=refused).clock.due_at
    assert rows(CaseReminder, ("case_id", "due_at", "watch")) == [
        (open_one, DisclosureRequest.objects.get(pk=open_one).clock.due_at, ""),
        (refused, DisclosureRequest.objects.get(pk=refused).clock.due_at, ""),
        (refused, objection_due, "objection"),
    ]
    assert set(CaseReminder.objects.values_list("kind", flat=True)) == {"reminder"}

    # The kernel reads the moved rows: the history with its Korean-translatable labels, the file
    # where it always was, and no second reminder of a due date already reminded.
    request = DisclosureRequest.objects.get(pk=full)
    assert [e.action_label for e in request.events.all()] == [
        "Request filed",
        "Decided",
        "Information released",
    ]
    assert case_file_path(request.files.get()).read_bytes() == PDF
    assert case_reminders_send(procedure=DISCLOSURE, now=objection_due - dt.timedelta(hours=20)) == 0

    # And back: the old tables hold what they held.
    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE, at_end=True).apps
    assert rows(old.get_model("disclosure", "RequestEvent"), ("request_id", *EVENT), ("at", "id")) == events
    assert rows(old.get_model("disclosure", "ReleasedFile"), ("request_id", *FILE)) == files
    assert sorted(
        rows(old.get_model("disclosure", "Reminder"), ("request_id", *REMINDER, "reminded_at"))
    ) == sorted(reminders)
    assert CaseEvent.objects.count() == CaseAttachment.objects.count() == CaseReminder.objects.count() == 0
    migrate()
    assert CaseEvent.objects.count() == 7
