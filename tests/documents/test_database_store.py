"""With EGOV_FILE_STORE=database a document's signed PDF lives in the database: written under
its pending name inside the issuing transaction, moved into place after the COMMIT, gone with a
rollback, and verified at /verify from any node."""

import pytest

from egov.core.models import StoredFile
from egov.documents.models import Document
from egov.documents.services import document_files_atomic, document_files_sweep, document_pdf


@pytest.fixture(autouse=True)
def database_store(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "egov.core.storage.DatabaseStorage"}}


class Boom(Exception):
    pass


def test_a_committed_document_keeps_its_pdf_in_the_database(issue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = issue()
    assert list(StoredFile.objects.values_list("name", flat=True)) == [document.pdf_path]
    assert document_pdf(document).startswith(b"%PDF-")


def test_a_rolled_back_issuance_leaves_no_file_row(issue):
    with pytest.raises(Boom), document_files_atomic():
        number = issue().number
        raise Boom
    assert not Document.objects.filter(number=number).exists()
    assert not StoredFile.objects.exists()


def test_a_document_whose_move_was_lost_is_read_from_its_pending_name_and_swept_into_place(issue):
    document = issue()  # the on-commit move never runs in this test's transaction
    assert StoredFile.objects.get().name == f"documents/pending/{document.number}.pdf.enc"
    assert document_pdf(document).startswith(b"%PDF-")
    assert document_files_sweep()["published"] == 1
    assert StoredFile.objects.get().name == document.pdf_path


def test_the_pdf_read_back_from_the_database_verifies(issue, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = issue()
    upload = SimpleUploadedFile("doc.pdf", document_pdf(document), content_type="application/pdf")
    assert client.post("/api/v1/documents/verify", {"file": upload}).json()["status"] == "valid"
