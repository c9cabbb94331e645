"""The bank's statement API and the payer's and officials' pages."""

import pytest

from egov.accounts.systems import agency_system_register
from egov.payments.models import Reconciliation
from egov.payments.statements import statement_import
from tests import factories
from tests.conftest import login_official
from tests.exchange.test_api import token_for
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/statements"


@pytest.fixture
def bank(mois, settings):
    """The collecting bank's system, registered at the console and listed as a bank."""
    agency = factories.agency("9880000", "신한은행", "Shinhan Bank", kind="third_party")
    system, secret = agency_system_register(actor=None, name="collections", agency=agency)
    settings.EGOV_PAYMENT_BANK_CLIENTS = [system.client_id]
    return system, secret


def _token(client, system, secret, scope="payments"):
    import base64

    response = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials", "scope": scope},
        headers={
            "Authorization": "Basic " + base64.b64encode(f"{system.client_id}:{secret}".encode()).decode()
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_the_bank_posts_a_camt054_and_alices_fine_is_paid(client, bank, fine):
    token = _token(client, *bank)
    body = camt054([credit(fine, 40000, "API-1")])
    response = client.post(
        URL, body, content_type="application/xml", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["matched"] == 1 and not response.json()["already"]
    again = client.post(
        URL, body, content_type="application/xml", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.json()["already"] is True
    fine.refresh_from_db()
    assert fine.state == "paid"


def test_a_malformed_statement_gets_400_naming_the_element(client, bank, fine):
    token = _token(client, *bank)
    body = camt054([credit(fine, "forty", "API-1")])
    response = client.post(
        URL, body, content_type="application/xml", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "statement_invalid" and response.json()["field"] == "Amt"


def test_a_system_that_is_not_the_bank_is_refused(client, bank, fine, settings):
    token = _token(client, *bank)
    settings.EGOV_PAYMENT_BANK_CLIENTS = []
    response = client.post(
        URL, b"<x/>", content_type="application/xml", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_an_exchange_token_is_not_a_payments_token(client, bank, fine):
    token = token_for(client, *bank)  # default scope: exchange
    response = client.post(
        URL, b"<x/>", content_type="application/xml", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_alice_sees_her_order_with_its_virtual_account(client, fine):
    client.force_login(fine.payer)
    response = client.get("/my/payments/")
    assert response.status_code == 200
    assert fine.virtual_account_display in response.content.decode()
    assert "40,000" in response.content.decode()


def test_tess_resolves_an_unknown_payment_from_the_queue_page(client, treasury, fine):
    statement_import(actor=None, content=camt054([credit("56209999999995", 7000, "B1")]), source="test")
    item = Reconciliation.objects.get()
    login_official(client, treasury)
    page = client.get("/office/payments/")
    assert page.status_code == 200 and "B1" in page.content.decode()
    refused = client.post(f"/office/payments/items/{item.pk}/resolve", {"note": ""})
    assert refused.status_code == 400
    done = client.post(f"/office/payments/items/{item.pk}/resolve", {"note": "납부자에게 직접 반환"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.resolution == "resolved"


def test_alice_cannot_open_the_queue(client, fine):
    client.force_login(fine.payer)
    assert client.get("/office/payments/").status_code in (302, 403)
