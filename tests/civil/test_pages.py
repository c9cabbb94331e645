"""The portal and back-office pages of civil services."""

import uuid

from django.utils import timezone

from egov.civil import services
from egov.civil.models import Application, Service
from tests.conftest import login_official


def test_catalogue_is_public_and_searchable(catalogue, client):
    page = client.get("/services/")
    assert page.status_code == 200 and "Resident registration abstract" in page.content.decode()
    found = client.get("/services/", {"q": "자동차"}).content.decode()
    assert "Vehicle registration certificate" in found and "Resident registration abstract" not in found
    detail = client.get("/services/resident-abstract/")
    assert detail.status_code == 200 and 'data-testid="fetch-plan"' in detail.content.decode()
    assert client.get("/services/no-such/").status_code == 404


def test_citizen_issues_a_certificate_from_the_service_page(catalogue, citizen, client):
    client.force_login(citizen)
    page = client.get("/services/resident-abstract/")
    assert "idempotency_key" in page.content.decode()
    k = uuid.uuid4().hex
    response = client.post(
        "/services/resident-abstract/apply",
        {"idempotency_key": k, "language": "ko", "address_history": "on", "consent": "on"},
    )
    assert response.status_code == 302
    application = Application.objects.get(idempotency_key=k)
    detail = client.get(response["Location"])
    assert application.document.number_display in detail.content.decode()
    again = client.post(
        "/services/resident-abstract/apply", {"idempotency_key": k, "language": "ko", "consent": "on"}
    )
    assert again.status_code == 302 and Application.objects.count() == 1  # double submit: one


def test_apply_errors_are_field_errors(catalogue, citizen, client):
    client.force_login(citizen)
    response = client.post(
        "/services/moving-in/apply",
        {
            "idempotency_key": uuid.uuid4().hex,
            "agency": "3220000",
            "road_address": "",
            "postal_code": "1",
            "moved_on": "x",
        },
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_official_decides_from_the_queue(catalogue, citizen, gangnam, carol, client):
    application = services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    login_official(client, carol)
    queue = client.get("/office/civil/")
    assert application.number in queue.content.decode()
    page = client.get(f"/office/civil/applications/{application.number}/")
    assert page.status_code == 200
    done = client.post(f"/office/civil/applications/{application.number}/approve", {"note": "확인"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.state == "approved"
    assert client.get("/office/civil/statistics/").status_code == 200


def test_another_agency_official_gets_404(catalogue, citizen, gangnam, dave, client):
    application = services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    login_official(client, dave)
    assert client.get(f"/office/civil/applications/{application.number}/").status_code == 404
    assert (
        client.post(f"/office/civil/applications/{application.number}/approve", {"note": ""}).status_code
        == 404
    )


def test_another_citizen_cannot_see_an_application(catalogue, citizen, client, jongno):
    from tests import factories

    issued = services.certificate_issue(
        consent=True, actor=citizen, service=catalogue["resident-abstract"], idempotency_key=uuid.uuid4().hex
    )
    mallory = factories.citizen("mallory", factories.resident(jongno, "김민준", "Kim Minjun"))
    client.force_login(mallory)
    assert client.get(f"/my/applications/{issued.number}/").status_code == 404


def test_agency_admin_publishes_a_configurable_service(nation, client, mois):
    from tests import factories

    admin = factories.official("admin.mois", mois, roles=("viewer", "agency_admin"))
    login_official(client, admin)
    response = client.post(
        "/office/civil/services/",
        {
            "code": "youth-rent", "name_ko": "청년 월세 지원", "name_en": "Youth rent support",
            "legal_basis": "주거급여법 제7조", "fee": 0, "processing_days": 30,
            "form_schema": '[{"name": "rent", "type": "number", "label_ko": "월세", "label_en": "Rent", "required": true}]',
            "approval_steps": '[{"role": "registrar"}]',
            "items": ["resident.abstract"], "papers_replaced": 1,
        },
    )  # fmt: skip
    assert response.status_code == 302
    service = Service.objects.get(code="youth-rent")
    assert service.handler == "configurable" and service.form_schema[0]["name"] == "rent"
    assert service.items == ["resident.abstract"] and service.papers_replaced == 1
    bad = client.post(
        "/office/civil/services/",
        {"code": "bad", "name_ko": "x", "name_en": "x", "legal_basis": "x", "fee": 0, "processing_days": 3, "papers_replaced": 0,
         "form_schema": '[{"name": "1x", "type": "text"}]', "approval_steps": '[{"role": "registrar"}]'},
    )  # fmt: skip
    assert bad.status_code == 200 and "form_schema" in bad.content.decode()
    assert not Service.objects.filter(code="bad").exists()
