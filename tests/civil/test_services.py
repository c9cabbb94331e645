"""Civil services: instant certificates through exchange and documents; applications decided
by officials on a business-day clock; once-only; idempotency; authorisation; counters."""

import datetime as dt
import io
import uuid

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from egov.civil import selectors, services
from egov.civil.models import Application, Notice
from egov.civil.selectors import _counters_live, counters
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.documents.services import document_pdf
from egov.documents.verification import verify_pdf
from egov.exchange.models import AccessLogEntry
from tests import factories
from tests.kpi.conftest import advance


def key():
    return uuid.uuid4().hex


def test_instant_abstract_is_fetched_through_exchange_signed_and_verifiable(catalogue, citizen):
    before = AccessLogEntry.objects.count()
    application = services.certificate_issue(
        consent=True,
        actor=citizen,
        service=catalogue["resident-abstract"],
        options={"address_history": True},
        idempotency_key=key(),
    )
    assert application.state == "issued" and application.document is not None
    assert AccessLogEntry.objects.count() == before + 1  # in "who looked at my data"
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.outcome == "granted" and entry.case_ref == application.number
    pdf = document_pdf(application.document)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert citizen.resident.name_ko in text and "주민등록표 초본" in text
    assert verify_pdf(pdf).status == "valid"
    assert application.fetched[0]["item"] == "resident.abstract"


def test_english_edition_and_full_number_option(catalogue, citizen):
    application = services.certificate_issue(
        consent=True,
        actor=citizen, service=catalogue["resident-abstract"], options={"reveal_numbers": True},
        language="en", idempotency_key=key(),
    )  # fmt: skip
    text = PdfReader(io.BytesIO(document_pdf(application.document))).pages[0].extract_text()
    assert "Resident Registration Abstract" in text
    assert citizen.resident.rrn_reveal() in text


def test_household_copy_masks_members_unless_asked(catalogue, citizen):
    masked = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-copy"], idempotency_key=key()
    )
    text = PdfReader(io.BytesIO(document_pdf(masked.document))).pages[0].extract_text()
    assert citizen.resident.rrn_masked in text and citizen.resident.rrn_reveal() not in text
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert "member_numbers" not in entry.fields  # not even fetched
    full = services.certificate_issue(
        consent=True,
        actor=citizen,
        service=catalogue["resident-copy"],
        options={"reveal_numbers": True},
        idempotency_key=key(),
    )
    text = PdfReader(io.BytesIO(document_pdf(full.document))).pages[0].extract_text()
    assert citizen.resident.rrn_reveal() in text


def test_family_vehicle_and_business_certificates(catalogue, citizen, jongno):
    resident = citizen.resident
    parent = factories.resident(jongno, "이정호", "Lee Jungho", birth_date=dt.date(1960, 5, 5))
    from egov.registry.models import FamilyRelation

    FamilyRelation.objects.create(person=resident, relative=parent, kind="parent", since=dt.date(1990, 1, 1))
    family = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["family-relations"], idempotency_key=key()
    )
    assert "이정호" in PdfReader(io.BytesIO(document_pdf(family.document))).pages[0].extract_text()
    with pytest.raises(ValidationFailed) as refused:
        services.certificate_issue(
            consent=True, actor=citizen, service=catalogue["vehicle-registration"], idempotency_key=key()
        )
    assert refused.value.field == "service"
    vehicle = factories.vehicle(jongno, resident)
    catalogue["vehicle-registration"].fee = 0  # its fee is tests/payments/test_instant_fees.py's
    catalogue["vehicle-registration"].save(update_fields=["fee"])
    issued = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["vehicle-registration"], idempotency_key=key()
    )
    assert vehicle.plate in PdfReader(io.BytesIO(document_pdf(issued.document))).pages[0].extract_text()
    business = factories.business(jongno, resident)
    issued = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["business-registration"], idempotency_key=key()
    )
    assert business.name in PdfReader(io.BytesIO(document_pdf(issued.document))).pages[0].extract_text()


def test_same_idempotency_key_gives_one_issuance(catalogue, citizen):
    k = key()
    first = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=k
    )
    again = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=k
    )
    assert first.pk == again.pk and Application.objects.count() == 1


def test_only_citizens_apply_for_themselves(catalogue, bob):
    with pytest.raises(PermissionDenied):
        services.certificate_issue(
            consent=True, actor=bob, service=catalogue["resident-abstract"], idempotency_key=key()
        )


def _moving_in(citizen, catalogue, gangnam, k=None):
    return services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=k or key(),
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "address_detail": "1203호",
              "postal_code": "06236", "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip


def test_moving_in_approved_by_the_new_municipality_moves_the_resident(
    catalogue, citizen, gangnam, carol, bob, django_capture_on_commit_callbacks
):
    from egov.civil.models import Subscription

    Subscription.objects.create(agency=bob.agency, event="resident.moved")
    with django_capture_on_commit_callbacks(execute=True):
        application = _moving_in(citizen, catalogue, gangnam)
    assert application.agency == gangnam and application.state == "submitted" and application.due_at
    assert mail.outbox[-1].to == ["alice@example.kr"]
    with pytest.raises(NotFound):  # Jongno is not the new municipality
        services.application_approve(actor=bob, application=application)
    services.application_approve(actor=carol, application=application, note="확인")
    application.refresh_from_db()
    assert application.state == "approved" and application.decided_by == carol
    resident = citizen.resident
    resident.refresh_from_db()
    assert resident.agency == gangnam and resident.road_address == "서울특별시 강남구 테헤란로 152"
    assert resident.events.filter(kind="move").exists()
    assert Notice.objects.filter(agency=bob.agency, event="resident.moved", application=application).exists()
    assert [e.state for e in application.events.all()] == ["submitted", "approved"]
    with pytest.raises(Conflict):
        services.application_reject(actor=carol, application=application, reason="too late")


def test_double_submission_creates_one_application(catalogue, citizen, gangnam):
    k = key()
    assert _moving_in(citizen, catalogue, gangnam, k).pk == _moving_in(citizen, catalogue, gangnam, k).pk
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"agency": "9999999"}, "agency"),
        ({"postal_code": "12"}, "postal_code"),
        ({"moved_on": "2020-01-01"}, "moved_on"),
        ({"road_address": ""}, "road_address"),
    ],
)
def test_moving_in_form_is_validated_on_the_server(catalogue, citizen, gangnam, change, field):
    data = {
        "agency": gangnam.code,
        "road_address": "서울특별시 강남구 테헤란로 152",
        "postal_code": "06236",
        "moved_on": timezone.localdate().isoformat(),
    }
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=citizen, service=catalogue["moving-in"], idempotency_key=key(), data={**data, **change}
        )
    assert refused.value.field == field
    assert Application.objects.count() == 0


def test_supplement_stops_the_clock_and_the_answer_restarts_it(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    due = application.due_at
    services.application_request_supplement(
        actor=carol, application=application, note="상세주소를 적어 주세요"
    )
    application.refresh_from_db()
    assert application.state == "supplement_requested"
    services.application_supplement(actor=citizen, application=application, data={"address_detail": "1204호"})
    application.refresh_from_db()
    assert application.state == "in_review" and application.data["address_detail"] == "1204호"
    assert application.due_at >= due
    assert selectors.due_explanation(application=application, language="ko")


def test_reject_needs_a_reason(catalogue, citizen, gangnam, carol):
    application = _moving_in(citizen, catalogue, gangnam)
    with pytest.raises(ValidationFailed) as refused:
        services.application_reject(actor=carol, application=application, reason=" ")
    assert refused.value.field == "reason"


def test_configurable_service_two_approval_steps_then_a_signed_notice(catalogue, citizen, bob, jongno):
    service = catalogue["childbirth-grant"]
    application = services.application_submit(
        actor=citizen, service=service, idempotency_key=key(),
        data={"child_name": "이하윤", "child_birth_date": "2026-11-01", "birth_order": "둘째", "bank_account": "국민 1"},
    )  # fmt: skip
    assert application.agency == jongno and application.fetched  # family relations fetched, not asked
    services.application_approve(actor=bob, application=application)
    application.refresh_from_db()
    assert application.state == "in_review" and application.step == 1
    services.application_approve(actor=bob, application=application, note="지급")
    application.refresh_from_db()
    assert application.state == "issued" and application.document.doc_type == "civil.decision"
    assert verify_pdf(document_pdf(application.document)).status == "valid"


def test_configurable_form_rejects_bad_choice(catalogue, citizen):
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(
            actor=citizen, service=catalogue["childbirth-grant"], idempotency_key=key(),
            data={"child_name": "x", "child_birth_date": "2026-11-01", "birth_order": "넷째", "bank_account": "1"},
        )  # fmt: skip
    assert refused.value.field == "birth_order"


def test_consent_is_asked_where_no_grant_covers(catalogue, citizen):
    service = catalogue["dog-registration"]
    plan = services.fetch_plan(service=service, resident=citizen.resident)
    assert [f.needs_consent for f in plan] == [True]
    data = {"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001"}
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(actor=citizen, service=service, idempotency_key=key(), data=data)
    assert refused.value.field == "consent"
    application = services.application_submit(
        actor=citizen, service=service, idempotency_key=key(), data=data, consent=True
    )
    assert application.fetched[0]["basis"].startswith("consent:")


def test_queue_shows_overdue_first_and_only_the_agency(catalogue, citizen, gangnam, carol, dave):
    first = _moving_in(citizen, catalogue, gangnam)
    brian = factories.citizen("brian", factories.resident(gangnam, "최준호", "Choi Junho"))
    second = _moving_in(brian, catalogue, gangnam)
    from egov.core.models import CaseClock

    CaseClock.objects.filter(pk=second.clock_id).update(due_at=timezone.now() - dt.timedelta(days=1))
    rows = list(selectors.application_queue_for(actor=carol))
    assert [a.pk for a in rows] == [second.pk, first.pk]
    assert list(selectors.application_queue_for(actor=dave)) == []


def test_counter_application_and_counters(catalogue, citizen, gangnam, carol):
    online = _moving_in(citizen, catalogue, gangnam)
    other = factories.resident(gangnam, "박민수", "Park Minsu")
    counter = services.counter_application_record(
        actor=carol, service=catalogue["moving-in"], resident=other, idempotency_key=key(),
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 봉은사로 1", "postal_code": "06000",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert counter.channel == "counter" and counter.applicant is None
    services.application_approve(actor=carol, application=online)
    services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=key()
    )
    assert counters()[0] == []  # read from the rollups: nothing until the worker's tick
    advance()
    rows, _month = counters()
    by_code = {r["service"].code: r for r in rows}
    moving = by_code["moving-in"]
    assert (moving["total"], moving["online"], moving["counter"]) == (2, 1, 1)
    assert moving["visits_avoided"] == 1 and moving["papers_saved"] == 2
    assert moving["decided"] == 1 and moving["on_time_share"] == 1.0
    assert moving["average_days"] == 1.0 and moving["p95_days"] == 1.0  # decided the day filed
    assert by_code["resident-abstract"]["online"] == 1
    assert by_code["resident-abstract"]["decided"] == 1 and by_code["resident-abstract"]["p95_days"] == 0.0
    live, _month = _counters_live()
    for row in live:
        mine = by_code[row["service"].code]
        keys = ("total", "online", "counter", "papers_saved", "visits_avoided", "decided", "on_time_share")
        assert {k: mine[k] for k in keys} == {k: row[k] for k in keys}
        assert mine["average_days"] == pytest.approx(row["average_days"], abs=1e-6)
    # an official sees the services of their agencies only
    assert {r["service"].code for r in counters(official=carol)[0]} <= set(by_code)


def test_history_events_are_recorded(catalogue, citizen, gangnam, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = _moving_in(citizen, catalogue, gangnam)
        services.application_review(actor=carol, application=application)
        services.application_reject(actor=carol, application=application, reason="주소 불일치")
    assert list(application.events.values_list("state", flat=True)) == [
        "submitted",
        "in_review",
        "rejected",
    ]
    assert len(mail.outbox) == 3
