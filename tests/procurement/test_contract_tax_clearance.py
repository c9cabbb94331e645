"""The contract step checks the supplier's tax clearance through `exchange` (shared item
`tax.clearance` from the National Tax Service) instead of asking for a paper certificate."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.errors import Conflict, ValidationFailed
from egov.core.models import AuditEvent
from egov.exchange import services as exchange
from egov.exchange.models import AccessLogEntry, SharedItem
from egov.procurement.models import Contract
from egov.tax.models import TaxOffice
from egov.tax.services.invoices import tax_invoice_issue
from egov.tax.services.vat import vat_return_file, vat_return_prepare
from tests import factories
from tests.conftest import login_official
from tests.procurement import test_contracts
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db
awarded = test_contracts.awarded  # the awarded tender fixture
issue = test_contracts.issue


@pytest.fixture
def clearance_grant(jongno, mois):
    """Jongno-gu may check suppliers' tax clearance: its request approved by the NTS."""
    nts = factories.agency("1210000", "국세청", "National Tax Service", kind="office")
    office = TaxOffice.objects.create(
        agency=factories.agency("1210101", "종로세무서", "Jongno Tax Office", nts)
    )
    office.jurisdictions.add(jongno)
    exchange.shared_item_sync()
    admin = factories.official("jia", jongno, roles=("agency_admin",))
    grant = exchange.grant_request(
        actor=admin, item=SharedItem.objects.get(code="tax.clearance"), fields=["businesses"],
        purpose="계약 체결 전 납세사실 확인",
        legal_basis="국가를 당사자로 하는 계약에 관한 법률 시행령 제12조",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31),
    )  # fmt: skip
    return exchange.grant_approve(actor=factories.official("nina", nts, roles=("agency_admin",)), grant=grant)


@pytest.fixture
def hanbit_owes_vat(hana, hanbit, donghae):
    """한빛상사 filed its 2026-2 VAT return: 100,000 won due on 25 January 2027, unpaid."""
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(donghae))
    draft = vat_return_prepare(actor=hana, business=hanbit, period="2026-2", today=dt.date(2027, 1, 10))
    return vat_return_file(actor=hana, vat_return=draft, today=dt.date(2027, 1, 10))


def test_a_supplier_without_arrears_gets_its_contract_and_the_check_is_logged(awarded, bob, clearance_grant):
    contract = issue(bob, awarded)
    event = AuditEvent.objects.get(action="procurement.contract_issue", object_id=str(contract.pk))
    assert event.after["tax_clearance"]["checked"] is True and event.after["tax_clearance"]["clear"] is True
    entry = AccessLogEntry.objects.get(pk=event.after["tax_clearance"]["access_log_entry"])
    assert entry.item_code == "tax.clearance" and entry.outcome == "granted"


def test_a_supplier_in_arrears_is_refused_and_the_read_stays_logged(
    awarded, bob, clearance_grant, hanbit_owes_vat, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 2, 1))
    with pytest.raises(Conflict) as refused:
        issue(bob, awarded, start_date=dt.date(2027, 2, 1), end_date=dt.date(2027, 5, 1))
    assert refused.value.field == "tax_clearance" and refused.value.code == "tax_arrears"
    assert not Contract.objects.exists()
    assert AccessLogEntry.objects.filter(item_code="tax.clearance", outcome="granted").count() == 1


def test_with_a_grant_the_exchange_decides_and_a_paper_number_is_not_needed(awarded, bob, clearance_grant):
    contract = issue(bob, awarded, clearance_document="", clearance_checked_on=None)
    event = AuditEvent.objects.get(action="procurement.contract_issue", object_id=str(contract.pk))
    assert event.after["tax_clearance"]["method"] == "exchange"


def test_without_a_grant_or_a_paper_check_no_contract_is_issued(awarded, bob):
    """No silent "unchecked" path: without the exchange, the registrar must record the paper."""
    with pytest.raises(ValidationFailed) as refused:
        issue(bob, awarded, clearance_document="", clearance_checked_on=None)
    assert refused.value.field == "clearance_document" and refused.value.code == "tax_clearance_required"
    with pytest.raises(ValidationFailed) as refused:
        issue(bob, awarded, clearance_document="1234-567-8901", clearance_checked_on=None)
    assert refused.value.field == "clearance_checked_on"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        issue(bob, awarded, clearance_document="1234-567-8901", clearance_checked_on=tomorrow)
    assert refused.value.field == "clearance_checked_on"
    with pytest.raises(ValidationFailed) as refused:
        issue(bob, awarded, clearance_document="12\x00", clearance_checked_on=timezone.localdate())
    assert refused.value.field == "clearance_document"
    assert not Contract.objects.exists() and not AccessLogEntry.objects.exists()


def test_without_a_grant_the_paper_check_is_recorded_with_who_when_and_the_number(awarded, bob):
    checked = timezone.localdate() - dt.timedelta(days=2)
    contract = issue(
        bob, awarded, clearance_document=" 1234-567-8901 ", clearance_checked_on=checked.isoformat()
    )
    event = AuditEvent.objects.get(action="procurement.contract_issue", object_id=str(contract.pk))
    record = event.after["tax_clearance"]
    assert record["checked"] is True and record["method"] == "paper"
    assert record["document"] == "1234-567-8901" and record["checked_on"] == checked.isoformat()
    assert record["checked_by"] == bob.pk and record["recorded_at"]
    assert not AccessLogEntry.objects.exists()  # nothing was fetched


def test_the_contract_page_asks_for_the_paper_only_without_a_grant(client, awarded, bob):
    login_official(client, bob)
    page = client.get(
        f"/office/procurement/tenders/{awarded.number}/", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert 'name="clearance_document"' in page and "납세증명서" in page
    answer = client.post(
        f"/office/procurement/tenders/{awarded.number}/contract",
        {"start_date": timezone.localdate().isoformat(), "end_date": timezone.localdate().isoformat(),
         "terms": "t", "language": "ko"},
    )  # fmt: skip
    assert answer.status_code == 302 and not Contract.objects.exists()
    answer = client.post(
        f"/office/procurement/tenders/{awarded.number}/contract",
        {"start_date": timezone.localdate().isoformat(), "end_date": timezone.localdate().isoformat(),
         "terms": "t", "language": "ko", "clearance_document": "1234-567-8901",
         "clearance_checked_on": timezone.localdate().isoformat()},
    )  # fmt: skip
    assert answer.status_code == 302 and Contract.objects.count() == 1


def test_with_a_grant_the_contract_page_does_not_ask_for_the_paper(client, awarded, bob, clearance_grant):
    login_official(client, bob)
    page = client.get(
        f"/office/procurement/tenders/{awarded.number}/", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert 'name="clearance_document"' not in page and "국세청" in page
