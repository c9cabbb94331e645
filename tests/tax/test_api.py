"""The e-tax invoice API under /api/v1/tax/, with the representative's portal session."""

import pytest
from django.test import Client

from egov.tax import cii
from egov.tax.models import TaxInvoice
from tests.tax.conftest import invoice_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/tax/invoices"


@pytest.fixture
def hana_client(hana):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hana)
    return client


def _csrf(client):
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return token


def test_hana_issues_an_invoice_through_the_api_and_reads_it_back(hana_client, hanbit, daon):
    token = _csrf(hana_client)
    body = {"issuer_brn": hanbit.brn_formatted, **invoice_data(daon)}
    response = hana_client.post(URL, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    number = response.json()["approval_number"]
    again = hana_client.post(URL, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert again.status_code == 200 and again.json()["already"] is True
    assert hana_client.get(f"{URL}/{number}").json()["total_amount"] == 1_100_000
    xml = hana_client.get(f"{URL}/{number}/xml")
    assert xml["Content-Type"] == "application/xml"
    cii.xml_validate(xml.content)
    pdf = hana_client.get(f"{URL}/{number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content))
    assert reader.attachments["factur-x.xml"][0] == xml.content


def test_the_api_refuses_a_float_and_a_bad_check_digit_naming_the_field(hana_client, hanbit, daon):
    token = _csrf(hana_client)
    body = {"issuer_brn": hanbit.brn, **invoice_data(daon, supply_amount=1_000_000.5)}
    response = hana_client.post(URL, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 422 and response.json()["field"] == "supply_amount"
    body = {"issuer_brn": hanbit.brn, **invoice_data(daon, buyer_brn="1234567890")}
    response = hana_client.post(URL, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400 and response.json()["field"] == "buyer_brn"


def test_a_business_hana_does_not_represent_is_404(hana_client, daon, hanbit):
    token = _csrf(hana_client)
    body = {"issuer_brn": daon.brn, **invoice_data(hanbit)}
    response = hana_client.post(URL, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 404 and response.json()["field"] == "issuer_brn"


def test_without_a_session_or_csrf_token_nothing_is_issued(client, hana, hanbit, daon):
    body = {"issuer_brn": hanbit.brn, **invoice_data(daon)}
    assert client.post(URL, body, content_type="application/json").status_code == 401
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(hana)
    assert strict.post(URL, body, content_type="application/json").status_code == 403
    assert not TaxInvoice.objects.exists()


def test_a_batch_is_answered_item_by_item(hana_client, hanbit, daon, closed_shop):
    token = _csrf(hana_client)
    items = [invoice_data(daon, f"B-{n}") for n in range(3)] + [invoice_data(closed_shop, "B-x")]
    response = hana_client.post(
        f"{URL}/batch", {"issuer_brn": hanbit.brn, "invoices": items}, content_type="application/json",
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["received"], body["already"], body["refused"]) == (3, 0, 1)
    assert body["results"][3]["error"]["field"] == "buyer_brn"


def test_cii_xml_posted_as_the_body_is_received_or_refused_naming_xml(hana_client, hanbit, daon):
    token = _csrf(hana_client)
    document = cii.Invoice(
        approval_number="H-1", kind_code="380", write_date="20260715",
        seller=cii.Party(hanbit.brn, hanbit.name, "", ""), buyer=cii.Party(daon.brn, daon.name, "", ""),
        lines=(cii.Line("노트북", 1, 1_000_000, 1_000_000, 100_000, 10),),
        supply_amount=1_000_000, tax_amount=100_000, total_amount=1_100_000,
    )  # fmt: skip
    url = f"{URL}/xml?issuer_brn={hanbit.brn}"
    response = hana_client.post(
        url, cii.invoice_xml(document), content_type="application/xml", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
    bad = hana_client.post(url, b"<x/>", content_type="application/xml", headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and bad.json()["field"] == "xml"


def test_minsu_reads_the_purchase_and_a_stranger_gets_404(hana_client, hanbit, daon, minsu):
    token = _csrf(hana_client)
    body = {"issuer_brn": hanbit.brn, **invoice_data(daon)}
    number = hana_client.post(
        URL, body, content_type="application/json", headers={"X-CSRFToken": token}
    ).json()["approval_number"]
    buyer = Client()
    buyer.force_login(minsu)
    assert buyer.get(f"{URL}/{number}").status_code == 200
    buyer.logout()
    assert buyer.get(f"{URL}/{number}").status_code == 401
