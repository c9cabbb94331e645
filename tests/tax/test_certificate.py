"""납세증명서 through the civil catalogue: issued as a signed document, refused while in arrears."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.civil import services as civil
from egov.civil.models import Service
from egov.civil.seed import catalogue_seed
from egov.core.errors import ValidationFailed
from egov.documents.models import Document
from egov.exchange.services import shared_item_sync
from egov.tax.services.invoices import tax_invoice_issue
from egov.tax.services.vat import vat_return_file, vat_return_prepare
from tests import factories
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(nts, tom):
    factories.agency("1613000", "국토교통부", "MOLIT", kind="ministry")
    shared_item_sync()
    catalogue_seed()
    return Service.objects.get(code="tax-clearance")


@pytest.fixture
def hana_citizen(hanbit):
    """Hana, 한빛상사's representative, logs in as a citizen for her own certificates."""
    return factories.citizen("hana.citizen", hanbit.representative)


def test_hana_gets_a_tax_clearance_certificate_at_once(catalogue, hana_citizen, hanbit):
    application = civil.certificate_issue(
        actor=hana_citizen, service=catalogue, idempotency_key="tax-0001", consent=True
    )
    document = Document.objects.get(pk=application.document_id)
    assert document.doc_type == "civil.tax_clearance"
    assert document.subject_resident == hanbit.representative and document.title == "납세증명서"


def test_it_is_refused_while_tax_is_in_arrears(catalogue, hana_citizen, hana, hanbit, daon, monkeypatch):
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=dt.date(2027, 1, 10))
    vat_return_file(actor=hana, vat_return=draft, today=dt.date(2027, 1, 10))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 2, 1))
    with pytest.raises(ValidationFailed) as refused:
        civil.certificate_issue(
            actor=hana_citizen, service=catalogue, idempotency_key="tax-0002", consent=True
        )
    assert refused.value.code == "tax_arrears"
