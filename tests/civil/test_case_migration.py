"""The move of civil applications onto the case kernel keeps every row: applications, their
deadline clocks and their history, which goes from `civil.ApplicationEvent` to
`cases.CaseEvent` named by the action each step now records — and back again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests import factories

BEFORE = [("civil", "0001_initial"), ("cases", "0001_kernel")]
AFTER = [("civil", "0003_delete_applicationevent")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _rows(model, **filters):
    return sorted(model.objects.filter(**filters).values(), key=lambda row: row["id"])


def _seed(apps, citizen, official, agency, resident, other):
    """Applications in every state with their clocks and histories, as the services wrote them."""
    Service = apps.get_model("civil", "Service")
    Application = apps.get_model("civil", "Application")
    Event = apps.get_model("civil", "ApplicationEvent")
    CaseClock = apps.get_model("core", "CaseClock")
    certificate = Service.objects.create(
        code="resident-abstract", name_ko="주민등록표 초본 발급", name_en="Resident registration abstract",
        agency_id=agency.pk, legal_basis="주민등록법 제29조", kind="instant", handler="resident.abstract",
    )  # fmt: skip
    grant = Service.objects.create(
        code="childbirth-grant", name_ko="출산지원금 신청", name_en="Childbirth grant", agency_id=agency.pk,
        legal_basis="조례", kind="processed", handler="configurable", processing_days=7,
        approval_steps=[{"role": "registrar", "label_ko": "담당자 확인"}, {"role": "agency_admin"}],
    )  # fmt: skip
    t0 = timezone.now().replace(microsecond=123456) - dt.timedelta(days=10)

    def application(
        number, service, state, *, applicant=citizen, subject=resident, channel="online", **extra
    ):
        clock = None
        if service.kind == "processed":
            clock = CaseClock.objects.create(
                case_type=f"civil.{service.code}.7d", case_ref=f"civil.application:{number}", agency_id=agency.pk,
                received_at=t0, counted_from=t0, unit="business_days", length=7, due_at=t0 + dt.timedelta(days=9),
                state="closed" if state in ("approved", "rejected", "issued") else "running",
                closed_at=t0 + dt.timedelta(days=3) if state in ("approved", "rejected", "issued") else None,
                pauses=[[t0.isoformat(), (t0 + dt.timedelta(days=1)).isoformat()]], paused_units=1,
            )  # fmt: skip
        return Application.objects.create(
            number=number, service=service, applicant_id=getattr(applicant, "pk", None), subject_id=subject.pk,
            agency_id=agency.pk, channel=channel, state=state, data={"child_name": "이하윤"}, idempotency_key=number,
            submitted_at=t0, clock=clock, **extra,
        )  # fmt: skip

    issued_at_once = application("20261120-48213377", certificate, "issued", decided_at=t0)
    issued = application(
        "20261120-00913342", grant, "issued", step=2, decided_at=t0 + dt.timedelta(days=3),
        decided_by_id=official.pk, decision_reason="지급",
    )  # fmt: skip
    rejected = application(
        "20261121-77120034", grant, "rejected", applicant=None, subject=other, channel="counter",
        recorded_by_id=official.pk, decided_at=t0 + dt.timedelta(days=3), decided_by_id=official.pk,
        decision_reason="중복 신청",
    )  # fmt: skip
    waiting = application("20261122-10000001", grant, "supplement_requested")
    steps = [  # (application, hours after filing, actor, state, note, the action it becomes)
        (issued_at_once, 0, citizen, "issued", "2611-0000-0001-2345", "issue"),
        (issued, 0, citizen, "submitted", "", "submit"),
        (issued, 1, official, "in_review", "", "review"),
        (issued, 2, official, "supplement_requested", "계좌를 확인해 주세요", "request_supplement"),
        (issued, 3, citizen, "in_review", "국민 2", "supplement"),
        (issued, 4, official, "in_review", "담당자 확인 ✔", "approve_step"),
        (issued, 5, official, "issued", "지급", "approve_issue"),
        (rejected, 0, official, "submitted", "", "record"),
        (rejected, 0, official, "rejected", "중복 신청", "reject"),  # same moment: the id keeps the order
        (waiting, 0, citizen, "submitted", "", "submit"),
        (waiting, 1, None, "supplement_requested", "칩 번호", "request_supplement"),  # the official left
    ]
    expected = []
    for case, hours, actor, state, note, action in steps:
        event = Event.objects.create(
            application=case, actor_id=getattr(actor, "pk", None), state=state, note=note
        )
        at = t0 + dt.timedelta(hours=hours)
        Event.objects.filter(pk=event.pk).update(at=at)  # at is auto_now_add
        expected.append((case.pk, at, getattr(actor, "pk", None), state, note, action))
    return expected


def _history(apps):
    """The old history table, in each application's order."""
    events = apps.get_model("civil", "ApplicationEvent").objects.order_by("application_id", "at", "id")
    return list(events.values_list("application_id", "at", "actor_id", "state", "note"))


@pytest.mark.django_db(transaction=True)
def test_the_move_to_the_kernel_keeps_every_application_clock_and_step(mois, jongno):
    citizen = factories.citizen("alice", factories.resident(jongno, "이서연", "Lee Seoyeon"))
    official = factories.official("bob", jongno)
    other = factories.resident(jongno, "박민수", "Park Minsu")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        expected = _seed(old, citizen, official, jongno, citizen.resident, other)
        expected.sort(key=lambda step: step[0])  # stable: each application's steps in their order
        applications = _rows(old.get_model("civil", "Application"))
        clocks = _rows(old.get_model("core", "CaseClock"))
        assert _history(old) == [step[:5] for step in expected]

        executor = _migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        assert "civil_applicationevent" not in connection.introspection.table_names()
        assert _rows(new.get_model("civil", "Application")) == applications
        assert _rows(new.get_model("core", "CaseClock")) == clocks
        application_type = new.get_model("contenttypes", "ContentType").objects.get(
            app_label="civil", model="application"
        )
        events = new.get_model("cases", "CaseEvent").objects.filter(case_type=application_type)
        moved = events.order_by("case_id", "at", "id")
        assert list(moved.values_list("case_id", "at", "actor_id", "state", "note", "action")) == expected
        assert all(data == {} for data in moved.values_list("data", flat=True))

        executor = _migrate(BEFORE)  # and back: the history returns to its own table as it was
        old = executor.loader.project_state(BEFORE).apps
        assert _history(old) == [step[:5] for step in expected]
        assert (
            not old.get_model("cases", "CaseEvent").objects.filter(case_type_id=application_type.pk).exists()
        )
    finally:
        _latest()
