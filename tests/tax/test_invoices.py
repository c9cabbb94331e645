"""E-tax invoices: issued, signed, stored as received, seen by the buyer; every refusal names its field."""

import base64

import pytest

from egov.core import keys
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.models import AuditEvent
from egov.tax import cii, selectors
from egov.tax.models import TaxInvoice, Taxpayer
from egov.tax.services.invoices import (
    tax_invoice_issue,
    tax_invoice_issue_xml,
    tax_invoice_signature_valid,
    tax_invoices_issue,
)
from tests import factories
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db


def test_hana_issues_an_invoice_that_is_valid_cii_signed_and_stored(hana, hanbit, daon):
    invoice, already = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    assert not already
    assert len(invoice.approval_number) == 24 and invoice.period == "2026-2"
    assert (invoice.supply_amount, invoice.tax_amount, invoice.total_amount) == (
        1_000_000,
        100_000,
        1_100_000,
    )
    root = cii.xml_validate(bytes(invoice.xml))
    ns = {"ram": cii.RAM, "rsm": cii.RSM}
    assert root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=ns) == invoice.approval_number
    assert (
        root.findtext(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", namespaces=ns)
        == hanbit.brn
    )
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "1100000"
    key = keys.platform_key()
    assert keys.signature_valid(key.public_key, base64.b64decode(invoice.signature), bytes(invoice.xml))
    assert tax_invoice_signature_valid(invoice)
    assert AuditEvent.objects.filter(action="tax.invoice_issue", object_id=str(invoice.pk)).exists()


def test_the_issuer_is_registered_for_vat_with_its_tax_office(hana, hanbit, daon, jongno_office):
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    taxpayer = Taxpayer.objects.get(business=hanbit)
    assert taxpayer.vat_type == "general" and taxpayer.tax_office == jongno_office


def test_minsu_sees_the_invoice_as_a_purchase(hana, hanbit, daon, minsu):
    invoice, _ = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    assert list(selectors.invoices_received(business=daon)) == [invoice]
    assert selectors.invoice_get_for(actor=minsu, approval_number=invoice.approval_number) == invoice


def test_a_stranger_and_another_tax_office_cannot_see_it_but_the_issuers_office_can(
    hana, hanbit, daon, tom, jongno, gangnam
):
    invoice, _ = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    other = factories.business(gangnam, factories.resident(gangnam, "남", "Nam"), name="남의상사")
    from tests.tax.conftest import business_user

    stranger = business_user("stranger", other)
    with pytest.raises(NotFound):
        selectors.invoice_get_for(actor=stranger, approval_number=invoice.approval_number)
    assert selectors.invoice_get_for(actor=tom, approval_number=invoice.approval_number) == invoice
    busan_official = factories.official(
        "dave", factories.agency("6260000", "부산광역시", "Busan", kind="metropolitan")
    )
    with pytest.raises(NotFound):
        selectors.invoice_get_for(actor=busan_official, approval_number=invoice.approval_number)


def test_the_same_invoice_sent_twice_is_received_once(hana, hanbit, daon):
    first, _ = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    again, already = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    assert already and again.pk == first.pk
    assert TaxInvoice.objects.count() == 1


def test_another_invoice_under_a_used_id_is_refused(hana, hanbit, daon):
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    with pytest.raises(Conflict) as refused:
        tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon, supply=2_000_000))
    assert refused.value.field == "issuer_ref"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total_amount": 1_100_001}, "total_amount"),
        ({"supply_amount": 999_999}, "supply_amount"),
        ({"tax_amount": 100_001}, "tax_amount"),
        ({"buyer_brn": "123-45-67890"}, "buyer_brn"),
        ({"write_date": "2099-01-01"}, "write_date"),
        ({"write_date": "15/07/2026"}, "write_date"),
        ({"supply_amount": 1_000_000.0}, "supply_amount"),
        ({"lines": []}, "lines"),
        ({"amends": "202607150000000000000001"}, "amendment_reason"),
        ({"amendment_reason": "2"}, "amends"),
        ({"amends": "2026\x00", "amendment_reason": "1"}, "amends"),
    ],
)
def test_an_invoice_that_does_not_add_up_is_refused_naming_the_field(hana, hanbit, daon, change, field):
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon, **change))
    assert refused.value.field == field
    assert not TaxInvoice.objects.exists()


def test_a_line_whose_tax_is_not_ten_percent_is_refused(hana, hanbit, daon):
    data = invoice_data(daon)
    data["lines"][0]["tax_amount"] = 99_999
    data["tax_amount"] = 99_999
    data["total_amount"] = 1_099_999
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue(actor=hana, issuer=hanbit, data=data)
    assert refused.value.field == "lines[0].tax_amount"


def test_a_closed_buyer_is_refused(hana, hanbit, closed_shop):
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(closed_shop))
    assert refused.value.field == "buyer_brn" and refused.value.code == "buyer_closed"


def test_an_invoice_sent_as_cii_xml_is_validated_and_received(hana, hanbit, daon):
    document = cii.Invoice(
        approval_number="HANBIT-2026-0001", kind_code="380", write_date="20260715",
        seller=cii.Party(hanbit.brn, hanbit.name, "", ""), buyer=cii.Party(daon.brn, daon.name, "", ""),
        lines=(cii.Line("노트북", 2, 500_000, 1_000_000, 100_000, 10),),
        supply_amount=1_000_000, tax_amount=100_000, total_amount=1_100_000,
    )  # fmt: skip
    content = cii.invoice_xml(document)
    invoice, already = tax_invoice_issue_xml(actor=hana, issuer=hanbit, content=content)
    assert not already and invoice.issuer_ref == "HANBIT-2026-0001" and invoice.total_amount == 1_100_000
    assert invoice.buyer == daon


def test_xml_that_fails_the_schema_is_refused_naming_xml(hana, hanbit):
    bad = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="%s"><rsm:Nope/></rsm:CrossIndustryInvoice>' % cii.RSM.encode()
    )
    for content in (bad, b"<not-closed", b""):
        with pytest.raises(ValidationFailed) as refused:
            tax_invoice_issue_xml(actor=hana, issuer=hanbit, content=content)
        assert refused.value.field == "xml"
    assert not TaxInvoice.objects.exists()


def test_xml_whose_totals_do_not_add_up_is_refused_naming_the_total(hana, hanbit, daon):
    document = cii.Invoice(
        approval_number="HANBIT-2026-0002", kind_code="380", write_date="20260715",
        seller=cii.Party(hanbit.brn, hanbit.name, "", ""), buyer=cii.Party(daon.brn, daon.name, "", ""),
        lines=(cii.Line("노트북", 1, 1_000_000, 1_000_000, 100_000, 10),),
        supply_amount=1_000_000, tax_amount=100_000, total_amount=1_200_000,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue_xml(actor=hana, issuer=hanbit, content=cii.invoice_xml(document))
    assert refused.value.field == "total_amount"


def test_xml_from_another_seller_is_refused(hana, hanbit, daon):
    document = cii.Invoice(
        approval_number="X-1", kind_code="380", write_date="20260715",
        seller=cii.Party(daon.brn, daon.name, "", ""), buyer=cii.Party(hanbit.brn, hanbit.name, "", ""),
        lines=(cii.Line("노트북", 1, 1_000_000, 1_000_000, 100_000, 10),),
        supply_amount=1_000_000, tax_amount=100_000, total_amount=1_100_000,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue_xml(actor=hana, issuer=hanbit, content=cii.invoice_xml(document))
    assert refused.value.field == "seller_brn"


def test_an_amended_invoice_references_its_original_and_may_be_negative(hana, hanbit, daon):
    original, _ = tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon))
    data = invoice_data(
        daon, "INV-1-R", supply=-500_000, amends=original.approval_number, amendment_reason="3"
    )
    data["lines"][0].update(quantity=-1, unit_price=500_000)
    amended, _ = tax_invoice_issue(actor=hana, issuer=hanbit, data=data)
    assert amended.kind == "amended" and amended.original == original
    assert amended.total_amount == -550_000
    root = cii.xml_validate(bytes(amended.xml))
    ns = {"ram": cii.RAM, "rsm": cii.RSM}
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=ns) == "384"
    assert (
        root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=ns)
        == original.approval_number
    )


def test_an_amendment_of_someone_elses_invoice_is_refused(hana, hanbit, daon):
    data = invoice_data(daon, "R", amends="202607150000000000000001", amendment_reason="1")
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue(actor=hana, issuer=hanbit, data=data)
    assert refused.value.field == "amends"


def test_a_batch_answers_each_item_and_a_refusal_stops_no_other(hana, hanbit, daon, closed_shop):
    items = [invoice_data(daon, f"B-{n}") for n in range(5)]
    items.insert(2, invoice_data(closed_shop, "B-closed"))
    items.append(invoice_data(daon, "B-0"))  # twice in one batch
    results = tax_invoices_issue(actor=hana, issuer=hanbit, items=items)
    assert [r.error.field if r.error else "ok" for r in results] == [
        "ok",
        "ok",
        "buyer_brn",
        "ok",
        "ok",
        "ok",
        "issuer_ref",
    ]
    assert TaxInvoice.objects.count() == 5
    assert AuditEvent.objects.filter(action="tax.invoice_issue").count() == 5
    again = tax_invoices_issue(actor=hana, issuer=hanbit, items=items[:2])
    assert all(r.already for r in again) and TaxInvoice.objects.count() == 5


def test_a_closed_issuer_cannot_issue(hanbit, daon):
    from tests.tax.conftest import business_user

    hanbit.status = "closed"
    hanbit.save()
    with pytest.raises(ValidationFailed) as refused:
        tax_invoice_issue(actor=business_user("x", hanbit), issuer=hanbit, data=invoice_data(daon))
    assert refused.value.field == "issuer_brn"
