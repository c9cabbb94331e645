"""The business's tax pages and the tax office's view, in Korean as citizens see them."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.tax.models import TaxInvoice, VatReturn
from egov.tax.services.invoices import tax_invoice_issue
from tests.conftest import login_official
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hana_client(client, hana):
    client.force_login(hana)
    return client


def test_hana_issues_an_invoice_from_the_form_and_sees_it_listed(hana_client, hanbit, daon):
    form = {
        "brn": hanbit.brn, "issuer_ref": "WEB-1", "buyer_brn": daon.brn_formatted, "write_date": "2026-11-30",
        "item": "노트북", "quantity": "2", "unit_price": "500000", "tax_rate": "10",
    }  # fmt: skip
    response = hana_client.post("/business/tax/invoices/new", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    invoice = TaxInvoice.objects.get()
    assert (invoice.supply_amount, invoice.tax_amount) == (1_000_000, 100_000)
    again = hana_client.post("/business/tax/invoices/new", form)  # the same form sent twice
    assert again.status_code == 302 and TaxInvoice.objects.count() == 1
    page = hana_client.get("/business/tax/invoices/", HTTP_ACCEPT_LANGUAGE="ko")
    text = page.content.decode()
    assert "다온유통" in text and "1,100,000" in text and "전자세금계산서" in text
    detail = hana_client.get(f"/business/tax/invoices/{invoice.approval_number}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "승인번호" in detail.content.decode()


def test_the_form_names_the_field_at_fault(hana_client, hanbit, closed_shop):
    form = {
        "brn": hanbit.brn, "issuer_ref": "WEB-2", "buyer_brn": closed_shop.brn, "write_date": "2026-11-30",
        "item": "노트북", "quantity": "1", "unit_price": "1000", "tax_rate": "10",
    }  # fmt: skip
    response = hana_client.post("/business/tax/invoices/new", form, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert 'id="id_buyer_brn_error"' in response.content.decode()
    form["buyer_brn"] = "123-45-67890"
    assert hana_client.post("/business/tax/invoices/new", form).status_code == 400
    assert not TaxInvoice.objects.exists()


def test_minsu_sees_the_purchase_and_cannot_open_another_businesss_page(client, hana, hanbit, daon, minsu):
    invoice, _ = tax_invoice_issue(
        actor=hana, issuer=hanbit, data=invoice_data(daon, write_date="2026-11-30")
    )
    client.force_login(minsu)
    assert "한빛상사" in client.get("/business/tax/invoices/").content.decode()
    assert client.get(f"/business/tax/invoices/{invoice.approval_number}/").status_code == 200
    assert client.get(f"/business/tax/invoices/?brn={hanbit.brn}").status_code == 404


def test_a_citizen_cannot_open_the_business_pages(client, alice):
    client.force_login(alice)
    assert client.get("/business/tax/invoices/").status_code == 403


def test_hana_reviews_and_files_her_vat_return_and_the_office_sees_it(client, hana, hanbit, daon, tom):
    tax_invoice_issue(actor=hana, issuer=hanbit, data=invoice_data(daon, write_date="2026-05-30"))
    client.force_login(hana)
    period = "2026-1"
    page = client.get(f"/business/tax/vat/{period}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200 and "100,000" in page.content.decode()
    assert period in client.get("/business/tax/vat/").content.decode()
    filed = client.post(
        f"/business/tax/vat/{period}/",
        {"brn": hanbit.brn, "other_sales_supply": "0", "other_sales_tax": "0", "other_purchase_tax": "0"},
    )
    assert filed.status_code == 302
    vat_return = VatReturn.objects.get()
    assert vat_return.state == "filed" and vat_return.payable == 100_000
    client.logout()
    office = login_official(client, tom)
    listing = office.get("/office/tax/vat/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert vat_return.number in listing and "한빛상사" in listing


def test_a_return_for_a_period_not_ended_is_a_400_naming_the_period(hana_client, hanbit):
    year = timezone.localdate().year + 1
    response = hana_client.get(f"/business/tax/vat/{year}-1/")
    assert response.status_code == 400


__all__ = ["dt"]
