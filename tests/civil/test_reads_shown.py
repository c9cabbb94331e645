"""What an official does with a civil application shows its subject, and the subject sees it on
"who looked at my data": a counter application recorded for them, the application page."""

import uuid

from django.test import Client
from django.utils import timezone

from egov.civil import services
from egov.exchange.models import AccessLogEntry
from tests.conftest import login_official


def alice_page(alice) -> str:
    browser = Client(HTTP_ACCEPT_LANGUAGE="ko")
    browser.force_login(alice)
    return browser.get("/my/access-log/").content.decode()


def _recorded_for_alice(catalogue, carol, alice_resident, gangnam):
    return services.counter_application_record(
        actor=carol, service=catalogue["moving-in"], resident=alice_resident, idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 봉은사로 1", "postal_code": "06000",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip


def test_an_application_recorded_for_alice_at_the_counter_appears_on_her_page(
    catalogue, carol, alice, alice_resident, gangnam
):
    application = _recorded_for_alice(catalogue, carol, alice_resident, gangnam)
    entry = AccessLogEntry.objects.get(item_code="civil.counter")
    assert entry.subject_id == alice_resident.pk and entry.case_ref == application.number
    page = alice_page(alice)
    assert "서울특별시 강남구 민원 담당 공무원" in page and "창구 민원 접수" in page
    assert application.number in page and "carol" not in page


def test_carol_opening_the_application_appears_on_alices_page(
    client, catalogue, carol, alice, alice_resident, gangnam
):
    application = _recorded_for_alice(catalogue, carol, alice_resident, gangnam)
    login_official(client, carol)
    assert client.get(f"/office/civil/applications/{application.number}/").status_code == 200
    assert AccessLogEntry.objects.filter(item_code="civil.application", subject=alice_resident).count() == 1
    assert "민원 신청서 열람" in alice_page(alice)


def test_a_decision_document_bob_issues_for_alice_appears_on_her_page(
    catalogue, citizen, bob, alice_resident
):
    application = services.application_submit(
        actor=citizen, service=catalogue["childbirth-grant"], idempotency_key=uuid.uuid4().hex,
        data={"child_name": "이하윤", "child_birth_date": "2026-11-01", "birth_order": "둘째", "bank_account": "국민 1"},
    )  # fmt: skip
    services.application_review(actor=bob, application=application)
    services.application_approve(actor=bob, application=application)
    services.application_approve(actor=bob, application=application, note="지급")
    entry = AccessLogEntry.objects.get(item_code="civil.certificate")
    assert entry.subject_id == alice_resident.pk and entry.case_ref == application.number
    assert "서울특별시 종로구 민원 담당 공무원" in alice_page(citizen)


def test_carol_records_a_counter_application_with_the_services_own_form(
    client, catalogue, carol, alice_resident, gangnam
):
    from egov.civil.models import Application
    from egov.core.crypto import decrypt_id

    login_official(client, carol)
    first = client.get("/office/civil/counter/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "전입신고" in first and "JSON" not in first
    second = client.get(
        "/office/civil/counter/?service=moving-in", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert 'name="road_address"' in second and 'name="rrn"' in second and "JSON" not in second
    form = {"service": "moving-in", "idempotency_key": uuid.uuid4().hex, "agency": gangnam.code,
            "road_address": "서울특별시 강남구 봉은사로 1", "postal_code": "06000",
            "moved_on": timezone.localdate().isoformat()}  # fmt: skip
    refused = client.post("/office/civil/counter/", {**form, "rrn": "900101-1234560"})
    assert refused.status_code == 200 and 'id="id_rrn_error"' in refused.content.decode()
    assert not Application.objects.exists()
    response = client.post(
        "/office/civil/counter/", {**form, "rrn": decrypt_id(alice_resident.rrn_encrypted)}
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.subject_id == alice_resident.pk and application.data["road_address"].endswith(
        "봉은사로 1"
    )
