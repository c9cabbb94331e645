"""The disclosure request's 접수증 through documents: signed, with the QR, issued once, only to
the requester."""

import pytest

from egov.core.errors import NotFound
from egov.disclosure import services
from egov.disclosure.receipts import request_receipt_issue
from egov.documents.models import Document


@pytest.fixture
def request_filed(requester, jongno):
    return services.request_file(
        actor=requester, agency=jongno, title="도로공사 심의위원회 회의록",
        content="2025년 종로구 도로공사 심의위원회 회의록 전부", release_form="electronic",
    )  # fmt: skip


def test_the_requester_gets_one_signed_receipt_with_the_due_date(requester, request_filed):
    document = request_receipt_issue(actor=requester, number=request_filed.number)
    assert document.doc_type == "disclosure.receipt" and document.title == "정보공개청구 접수증"
    assert document.subject_resident_id == requester.resident_id and document.agency == request_filed.agency
    assert request_receipt_issue(actor=requester, number=request_filed.number) == document
    assert Document.objects.filter(doc_type="disclosure.receipt").count() == 1


def test_nobody_else_gets_the_requesters_receipt(request_filed, frank, bob):
    for other in (frank, bob):
        with pytest.raises(NotFound):
            request_receipt_issue(actor=other, number=request_filed.number)


def test_the_receipt_button_leads_to_the_signed_pdf(client, requester, request_filed, frank):
    client.force_login(requester)
    page = client.get(f"/my/disclosure/{request_filed.number}/")
    assert 'data-testid="receipt"' in page.content.decode()
    answer = client.post(f"/my/disclosure/{request_filed.number}/receipt")
    assert answer.status_code == 302 and answer["Location"].endswith(".pdf")
    assert client.get(answer["Location"]).content.startswith(b"%PDF")
    client.force_login(frank)
    assert client.post(f"/my/disclosure/{request_filed.number}/receipt").status_code == 404
    assert client.get(answer["Location"]).status_code == 404
