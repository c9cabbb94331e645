"""Revocation by the issuing agency; reading documents only for those allowed."""

import pytest

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.documents.services import document_for, document_revoke
from tests import factories
from tests.conftest import login_official


def test_the_issuing_agency_revokes_with_a_reason(abstract, bob):
    revoked = document_revoke(actor=bob, document=abstract, reason="정정 발급")
    assert revoked.revoked_at and revoked.revocation_reason == "정정 발급" and revoked.revoked_by == bob
    assert AuditEvent.objects.filter(action="document.revoke", object_id=str(abstract.pk)).exists()


def test_revoking_twice_is_a_conflict(abstract, bob):
    document_revoke(actor=bob, document=abstract, reason="first")
    with pytest.raises(Conflict):
        document_revoke(actor=bob, document=abstract, reason="second")


def test_a_reason_is_required(abstract, bob):
    with pytest.raises(ValidationFailed) as refused:
        document_revoke(actor=bob, document=abstract, reason="  ")
    assert refused.value.field == "reason"


def test_another_agency_cannot_revoke(abstract, carol):
    with pytest.raises(NotFound):
        document_revoke(actor=carol, document=abstract, reason="not mine")
    abstract.refresh_from_db()
    assert abstract.revoked_at is None


def test_a_viewer_cannot_revoke(abstract, seoul_supervisor):
    with pytest.raises(PermissionDenied):
        document_revoke(actor=seoul_supervisor, document=abstract, reason="x")


def test_a_citizen_cannot_revoke(abstract, alice):
    with pytest.raises(PermissionDenied):
        document_revoke(actor=alice, document=abstract, reason="x")


def test_the_subject_reads_their_document_and_nobody_else_does(
    abstract, alice, jongno, bob, carol, seoul_supervisor
):
    assert document_for(actor=alice, number=abstract.number) == abstract
    assert document_for(actor=bob, number=abstract.number) == abstract  # issuing agency
    assert document_for(actor=seoul_supervisor, number=abstract.number) == abstract  # above it
    stranger = factories.citizen("mallory", factories.resident(jongno, "김민준", "Kim Minjun"))
    for actor in (stranger, carol):
        with pytest.raises(NotFound):
            document_for(actor=actor, number=abstract.number)


def test_download_pages(abstract, alice, client, jongno):
    client.force_login(alice)
    pdf = client.get(f"/documents/{abstract.number}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "no-store"
    assert client.get(f"/documents/{abstract.number}.jws").content.count(b".") == 2
    listing = client.get("/my/documents/")
    assert abstract.number_display in listing.content.decode()
    stranger = factories.citizen("mallory", factories.resident(jongno, "김민준", "Kim Minjun"))
    client.force_login(stranger)
    assert client.get(f"/documents/{abstract.number}.pdf").status_code == 404
    assert abstract.number_display not in client.get("/my/documents/").content.decode()


def test_business_documents_are_read_by_its_representatives(issue, jongno, alice_resident):
    from egov.accounts.models import BusinessRepresentation, User

    business = factories.business(jongno, alice_resident)
    document = issue(subject=business, payload={"상호": business.name}, doc_type="resident.abstract")
    rep = User.objects.create_user("rep", password="pw", kind=User.Kind.BUSINESS)
    with pytest.raises(NotFound):
        document_for(actor=rep, number=document.number)
    BusinessRepresentation.objects.create(user=rep, business=business, since="2024-01-01")
    assert document_for(actor=rep, number=document.number) == document


def test_office_revocation_page(abstract, bob, client):
    login_official(client, bob)
    listing = client.get("/office/documents/")
    assert abstract.number_display in listing.content.decode()
    page = client.get(f"/office/documents/{abstract.number}/")
    assert page.status_code == 200
    empty = client.post(f"/office/documents/{abstract.number}/revoke", {"reason": ""})
    assert empty.status_code == 400
    done = client.post(f"/office/documents/{abstract.number}/revoke", {"reason": "오기재"})
    assert done.status_code == 302
    abstract.refresh_from_db()
    assert abstract.revocation_reason == "오기재"
    verified = client.get("/api/v1/documents/verify", {"number": abstract.number}).json()
    assert verified["status"] == "revoked"


def test_office_pages_of_another_agency_are_404(abstract, carol, client):
    login_official(client, carol)
    assert client.get(f"/office/documents/{abstract.number}/").status_code == 404
    assert client.post(f"/office/documents/{abstract.number}/revoke", {"reason": "x"}).status_code == 404
    assert abstract.number_display not in client.get("/office/documents/").content.decode()
