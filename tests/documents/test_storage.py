"""A document's PDF is written before its row commits and must not outlive a rollback: it waits
under a pending name, moves into place once the row commits, and is removed when the
transaction fails (at once inside `document_files_atomic`, otherwise by the sweep)."""

import datetime as dt
import os

import pytest
from django.db import transaction
from django.utils import timezone

from egov.documents.models import Document
from egov.documents.services import (
    PENDING_GRACE,
    document_files_atomic,
    document_files_sweep,
    document_pdf,
)


class Boom(Exception):
    pass


def files_of(data_dir, number: str) -> list:
    return list((data_dir / "documents").rglob(f"{number}*"))


def test_a_rolled_back_issuance_leaves_no_pdf_file_in_the_storage_dir(issue, documents_data_dir):
    issued = []
    with pytest.raises(Boom), document_files_atomic():
        issued.append(issue())
        assert files_of(documents_data_dir, issued[0].number)  # written before the COMMIT
        raise Boom
    assert not Document.objects.filter(number=issued[0].number).exists()
    assert files_of(documents_data_dir, issued[0].number) == []


def test_a_committed_document_moves_its_pdf_into_place(
    issue, documents_data_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = issue()
    assert files_of(documents_data_dir, document.number) == [documents_data_dir / document.pdf_path]
    assert document_pdf(document).startswith(b"%PDF-")


def test_a_document_whose_move_a_crash_lost_is_read_from_its_pending_name_and_the_sweep_moves_it(
    issue, documents_data_dir
):
    document = issue()  # the test's transaction never commits: as after a crash at the COMMIT
    assert not (documents_data_dir / document.pdf_path).exists()
    assert document_pdf(document).startswith(b"%PDF-")
    assert document_files_sweep()["published"] >= 1
    assert files_of(documents_data_dir, document.number) == [documents_data_dir / document.pdf_path]


def test_a_rollback_the_caller_hides_is_swept_after_the_grace_and_not_before(issue, documents_data_dir):
    with pytest.raises(Boom), transaction.atomic():
        number = issue().number
        raise Boom
    [pending] = files_of(documents_data_dir, number)
    document_files_sweep()
    assert pending.exists()  # its transaction might still be open
    old = (timezone.now() - PENDING_GRACE - dt.timedelta(minutes=1)).timestamp()
    os.utime(pending, (old, old))
    assert document_files_sweep()["removed"] >= 1
    assert files_of(documents_data_dir, number) == []
