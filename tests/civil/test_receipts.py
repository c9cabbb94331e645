"""The application's 접수증 through documents: signed, with the QR, issued once, only to the
applicant; an instant certificate offers none."""

import uuid

import pytest
from django.utils import timezone

from egov.civil import services
from egov.civil.receipts import application_receipt_issue
from egov.core.errors import NotFound
from egov.documents.models import Document


@pytest.fixture
def application(citizen, catalogue, gangnam):
    return services.application_submit(
        actor=citizen, service=catalogue["moving-in"], idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236",
              "moved_on": timezone.localdate().isoformat()},
    )  # fmt: skip


def test_the_applicant_gets_one_signed_receipt_with_the_due_date(citizen, application):
    document = application_receipt_issue(actor=citizen, number=application.number)
    assert document.doc_type == "civil.application_receipt" and document.title == "민원 접수증"
    assert document.subject_resident_id == citizen.resident_id and document.agency == application.agency
    assert application_receipt_issue(actor=citizen, number=application.number) == document
    assert Document.objects.filter(doc_type="civil.application_receipt").count() == 1


def test_nobody_else_gets_the_applicants_receipt(application, carol, bob):
    for other in (carol, bob):
        with pytest.raises(NotFound):
            application_receipt_issue(actor=other, number=application.number)


def test_the_receipt_button_leads_to_the_signed_pdf(client, citizen, application):
    client.force_login(citizen)
    assert 'data-testid="receipt"' in client.get(f"/my/applications/{application.number}/").content.decode()
    answer = client.post(f"/my/applications/{application.number}/receipt")
    assert answer.status_code == 302 and answer["Location"].endswith(".pdf")
    assert client.get(answer["Location"]).content.startswith(b"%PDF")
