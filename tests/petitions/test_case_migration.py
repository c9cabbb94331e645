"""Migration 0004 moves the petitions' history, attachments, reminders and escalations into the
case kernel's tables: every row and every field arrives (the times they were written, who, the
state, the action, the note, the data, the stored files' names), the petitions and their
clocks are untouched, and going back restores the old tables as they were."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from egov.cases.models import CaseAttachment, CaseEvent, CaseReminder
from egov.core.models import CaseClock
from egov.petitions.models import Petition

BEFORE = [("petitions", "0003_petition_idempotency_key"), ("cases", "0001_kernel")]
MOVE = ("petitions", "0004_history_files_reminders_to_case_kernel")

EVENT_FIELDS = ("at", "actor_id", "state", "action", "note", "data")


def migrate_to(targets):
    """Migrate the test database to `targets` and return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_rows(apps) -> dict:
    """The petitions' own history, attachments, reminders and escalations, in id order."""

    def rows(name, *fields):
        return list(apps.get_model("petitions", name).objects.order_by("id").values(*fields))

    return {
        "events": rows("PetitionEvent", "petition_id", *EVENT_FIELDS),
        "attachments": rows(
            "Attachment",
            "petition_id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "storage_name",
            "uploaded_at",
        ),
        "reminders": rows("Reminder", "petition_id", "due_at", "recipients", "reminded_at"),
        "escalations": rows(
            "Escalation", "petition_id", "escalated_for_due_at", "agency_id", "supervisor_id", "escalated_at"
        ),
    }


def cases_and_clocks() -> tuple[list[dict], list[dict]]:
    return (
        list(Petition.objects.order_by("id").values()),
        list(CaseClock.objects.order_by("id").values()),
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_to_the_case_kernel_keeps_every_row_and_field(jongno, gangnam, alice, bob, seoul_supervisor):
    old = migrate_to(BEFORE)
    try:
        Category = old.get_model("petitions", "Category")
        Clock = old.get_model("core", "CaseClock")
        OldPetition = old.get_model("petitions", "Petition")
        PetitionEvent = old.get_model("petitions", "PetitionEvent")
        Attachment = old.get_model("petitions", "Attachment")
        Reminder = old.get_model("petitions", "Reminder")
        Escalation = old.get_model("petitions", "Escalation")
        category = Category.objects.create(
            code="road-jongno",
            name_ko="도로",
            name_en="Roads",
            agency_id=jongno.pk,
            period_code="petitions.complaint.other",
        )
        start = timezone.now().replace(microsecond=123456) - dt.timedelta(days=40)
        petitions = []
        for n, (state, agency) in enumerate(
            [("received", jongno), ("answered", jongno), ("closed", jongno), ("transferred", gangnam)]
        ):
            received = start + dt.timedelta(days=n, minutes=7 * n)
            clock = Clock.objects.create(
                case_type="petitions.complaint.other",
                case_ref=f"petitions.petition:1AA-2501-000000{n}",
                agency_id=agency.pk,
                received_at=received,
                counted_from=received,
                unit="business_days",
                length=7,
                due_at=received + dt.timedelta(days=9),
                state="closed" if n in (1, 2) else "running",
                closed_at=received + dt.timedelta(days=3) if n in (1, 2) else None,
            )
            petitions.append(
                OldPetition.objects.create(
                    number=f"1AA-2501-000000{n}",
                    kind="complaint",
                    category_id=category.pk,
                    title=f"제목 {n}",
                    body="본문",
                    petitioner_id=alice.pk,
                    agency_id=agency.pk,
                    assignee_id=bob.pk if agency == jongno and n else None,
                    state=state,
                    submitted_at=received,
                    answer="답변" if n in (1, 2) else "",
                    answered_by_id=bob.pk if n in (1, 2) else None,
                    answered_at=received + dt.timedelta(days=3) if n in (1, 2) else None,
                    satisfaction=4 if n == 2 else None,
                    clock_id=clock.pk,
                    idempotency_key=f"key-0000000{n}",
                )
            )
        steps = [
            (0, None, "received", "file", "", {"agency": "3000000"}),
            (1, alice, "received", "file", "", {}),
            (1, bob, "assigned", "assign", "맡겠습니다", {"assignee": bob.pk}),
            (1, bob, "answered", "answer", "답변", {"late": False}),
            (2, alice, "received", "file", "", {}),
            (2, None, "received", "escalate", "", {"supervisor": seoul_supervisor.pk}),
            (2, alice, "closed", "rate", "좋아요", {"satisfaction": 4}),
            (3, bob, "transferred", "transfer", "관할", {"source": "3000000", "target": gangnam.code}),
        ]
        for i, (n, actor, state, action, note, data) in enumerate(steps):
            event = PetitionEvent.objects.create(
                petition_id=petitions[n].pk,
                actor_id=getattr(actor, "pk", None),
                state=state,
                action=action,
                note=note,
                data=data,
            )
            same_moment = start + dt.timedelta(days=n, seconds=i // 2)  # two steps share each moment
            PetitionEvent.objects.filter(pk=event.pk).update(at=same_moment)
        for n, name in ((0, "사진.png"), (0, "a.pdf"), (3, "scan.jpg")):
            attachment = Attachment.objects.create(
                petition_id=petitions[n].pk,
                original_name=name,
                content_type="image/png",
                size=100 + n,
                sha256=f"{n:064d}",
                storage_name=f"{len(name):02d}" + "ab" * 23,
            )
            Attachment.objects.filter(pk=attachment.pk).update(uploaded_at=start + dt.timedelta(hours=n))
        reminder = Reminder.objects.create(
            petition_id=petitions[0].pk, due_at=start + dt.timedelta(days=9), recipients=2
        )
        Reminder.objects.filter(pk=reminder.pk).update(reminded_at=start + dt.timedelta(days=8))
        for due, supervisor, agency in (
            (start + dt.timedelta(days=9), seoul_supervisor, jongno),
            (start + dt.timedelta(days=19), None, gangnam),  # nobody to tell: the agency itself
        ):
            escalation = Escalation.objects.create(
                petition_id=petitions[2].pk,
                escalated_for_due_at=due,
                agency_id=agency.pk,
                supervisor_id=getattr(supervisor, "pk", None),
            )
            Escalation.objects.filter(pk=escalation.pk).update(escalated_at=due + dt.timedelta(minutes=5))
        before = old_rows(old)
        before_cases = cases_and_clocks()
        assert [len(rows) for rows in before.values()] == [8, 3, 1, 2]

        migrate_to(latest())

        petition_type = ContentType.objects.get_for_model(Petition)
        events = CaseEvent.objects.filter(case_type=petition_type).order_by("at", "id")
        assert [
            {"petition_id": e.case_id, **{f: getattr(e, f) for f in EVENT_FIELDS}} for e in events
        ] == before["events"]
        assert [
            {
                "petition_id": a.case_id,
                "original_name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "storage_name": a.storage_name,
                "uploaded_at": a.uploaded_at,
            }
            for a in CaseAttachment.objects.filter(case_type=petition_type).order_by("id")
        ] == before["attachments"]
        assert set(CaseAttachment.objects.values_list("purpose", "uploaded_by_id")) == {
            ("attachment", alice.pk)
        }
        clocks = CaseReminder.objects.filter(case_type=petition_type).order_by("id")
        assert [
            {"petition_id": r.case_id, "due_at": r.due_at, "recipients": r.recipients, "reminded_at": r.at}
            for r in clocks.filter(kind="reminder")
        ] == before["reminders"]
        assert [
            {
                "petition_id": x.case_id,
                "escalated_for_due_at": x.due_at,
                "agency_id": x.agency_id,
                "supervisor_id": x.supervisor_id,
                "escalated_at": x.at,
            }
            for x in clocks.filter(kind="escalation")
        ] == before["escalations"]
        assert set(clocks.values_list("watch", flat=True)) == {""}
        assert cases_and_clocks() == before_cases
        moved = Petition.objects.get(number="1AA-2501-0000001")
        assert [e.action for e in moved.events.all()] == ["file", "assign", "answer"]
        assert [e.action_label for e in moved.events.all()] == ["File", "Assign", "Answer"]

        back = migrate_to(BEFORE)  # and back again: the old tables as they were, the kernel's emptied
        assert old_rows(back) == before
        assert not CaseEvent.objects.exists() and not CaseAttachment.objects.exists()
        assert not CaseReminder.objects.exists()
    finally:
        migrate_to(latest())
