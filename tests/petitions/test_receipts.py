"""The petition's 접수증 through documents: signed, with the QR, issued once, only to the
petitioner (a citizen or a business representative)."""

import pytest

from egov.core.errors import NotFound
from egov.documents.models import Document
from egov.petitions import services
from egov.petitions.receipts import petition_receipt_issue


def file_one(actor, categories):
    return services.petition_file(
        actor=actor, kind="complaint", category=categories["road-jongno"], title="보도블록 파손",
        body="종로 1가 보도블록이 깨져 있습니다.",
    )  # fmt: skip


def test_the_petitioner_gets_one_signed_receipt(petitioner, categories):
    petition = file_one(petitioner, categories)
    document = petition_receipt_issue(actor=petitioner, number=petition.number)
    assert document.doc_type == "petitions.receipt" and document.subject_resident_id == petitioner.resident_id
    assert petition_receipt_issue(actor=petitioner, number=petition.number) == document
    assert Document.objects.filter(doc_type="petitions.receipt").count() == 1


def test_nobody_else_gets_the_petitioners_receipt(petitioner, categories, frank, bob):
    petition = file_one(petitioner, categories)
    for other in (frank, bob):
        with pytest.raises(NotFound):
            petition_receipt_issue(actor=other, number=petition.number)


def test_the_receipt_button_leads_to_the_signed_pdf(client, petitioner, categories):
    petition = file_one(petitioner, categories)
    client.force_login(petitioner)
    assert 'data-testid="receipt"' in client.get(f"/my/petitions/{petition.number}/").content.decode()
    answer = client.post(f"/my/petitions/{petition.number}/receipt")
    assert answer.status_code == 302 and answer["Location"].endswith(".pdf")
    assert client.get(answer["Location"]).content.startswith(b"%PDF")
