"""Tax arrears and the shared item `tax.clearance`, fetched through `exchange` under a grant."""

import datetime as dt

import pytest

from egov.exchange import services as exchange
from egov.exchange.models import SharedItem
from egov.tax import selectors
from egov.tax.services.invoices import tax_invoice_issue
from egov.tax.services.vat import vat_return_file, vat_return_prepare
from tests import factories
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def owing(hana, hanbit, daon):
    """한빛상사 filed 2026-2 with 100,000 won to pay by 25 January 2027."""
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=dt.date(2027, 1, 10))
    return vat_return_file(actor=hana, vat_return=draft, today=dt.date(2027, 1, 10))


def test_tax_not_yet_due_is_no_arrears_and_after_the_due_date_it_is(owing, hanbit):
    assert selectors.arrears_of(business=hanbit, today=dt.date(2027, 1, 25)) == 0
    assert selectors.arrears_of(business=hanbit, today=dt.date(2027, 1, 26)) == 100_000


@pytest.fixture
def procurement_grant(nts, mois):
    """The Public Procurement Service may check a supplier's tax clearance (grant approved by NTS)."""
    exchange.shared_item_sync()
    pps = factories.agency("1230000", "조달청", "Public Procurement Service", kind="office")
    pps_admin = factories.official("pat", pps, roles=("agency_admin",))
    nts_admin = factories.official("nina", nts, roles=("agency_admin",))
    grant = exchange.grant_request(
        actor=pps_admin, item=SharedItem.objects.get(code="tax.clearance"), fields=["clear", "businesses"],
        purpose="계약 체결 전 납세사실 확인",
        legal_basis="국가를 당사자로 하는 계약에 관한 법률 시행령 제12조",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31),
    )  # fmt: skip
    exchange.grant_approve(actor=nts_admin, grant=grant)
    return pps_admin, grant


def test_an_agency_fetches_the_clearance_of_hanbits_representative_through_exchange(
    owing, hanbit, procurement_grant, settings
):
    official, grant = procurement_grant
    subject = hanbit.representative.rrn_reveal()  # what the buying agency holds for its supplier
    data, entry = exchange.shared_item_fetch(
        actor=official, item="tax.clearance", subject=subject, purpose="계약 체결 전 납세사실 확인",
        basis=f"grant:{grant.pk}",
    )  # fmt: skip
    assert data["clear"] is True
    [business] = data["businesses"]
    assert business["brn"] == hanbit.brn_formatted
    assert entry.outcome == "granted" and entry.item_code == "tax.clearance"


def test_after_the_due_date_the_clearance_says_arrears(owing, hanbit, procurement_grant, monkeypatch):
    official, grant = procurement_grant
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 2, 1))
    data, _ = exchange.shared_item_fetch(
        actor=official, item="tax.clearance", subject=hanbit.representative.rrn_reveal(),
        purpose="계약 체결 전 납세사실 확인", basis=f"grant:{grant.pk}", fields=["businesses"],
    )  # fmt: skip
    assert data["businesses"][0]["clear"] is False and data["businesses"][0]["arrears"] == 100_000
