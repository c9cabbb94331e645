"""An instant certificate that fails after its document was signed leaves no PDF behind."""

import uuid

import pytest

from egov.civil import services
from egov.civil.models import Application
from egov.documents.models import Document


def test_a_certificate_that_fails_after_signing_leaves_no_pdf_in_the_storage_dir(
    catalogue, citizen, settings, monkeypatch
):
    def refuse(**_values):
        raise RuntimeError("the application row could not be written")

    folder = settings.DATA_DIR / "documents"

    def files() -> set:
        return {p for p in folder.rglob("*") if p.is_file()}

    before = files()
    monkeypatch.setattr(Application.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        services.certificate_issue(
            actor=citizen,
            service=catalogue["resident-abstract"],
            idempotency_key=uuid.uuid4().hex,
            consent=True,
        )
    assert not Document.objects.exists()
    assert files() == before
