"""The cast of the API contract runs: every kind of caller the OpenAPI document declares.

The National Pension Service's benefits system (an OAuth2 client of the exchange), Bob (a
Jongno-gu registrar, logged in with both factors) and Hana (한빛상사's representative, with her
bidding software's token), over a small nation: an open tender, an approved grant, Alice.
"""

import datetime as dt

import pytest
from django.middleware.csrf import _get_new_csrf_string

from egov.accounts.systems import agency_system_register
from egov.exchange import services as exchange_services
from egov.procurement import services as procurement_services
from tests import factories
from tests.conftest import login_official
from tests.exchange.test_api import token_for
from tests.procurement.conftest import business_user, tender_kwargs


@pytest.fixture(autouse=True)
def api_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "api-data"


@pytest.fixture
def nation(jongno, alice_resident, bob):
    """Jongno-gu with Alice; MOIS's catalogue with a grant to the pension service; an open tender."""
    mois = jongno.parent.parent
    factories.agency("1210000", "국세청", "National Tax Service", kind="office")
    factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    exchange_services.shared_item_sync()
    pension = factories.agency("1352000", "국민연금공단", "National Pension Service", mois, "office")
    pia = factories.official("pia", pension, roles=("agency_admin",))
    minho = factories.official("minho", mois, roles=("viewer", "agency_admin"))
    from egov.exchange.models import SharedItem

    grant = exchange_services.grant_request(
        actor=pia, item=SharedItem.objects.get(code="resident.abstract"), fields=["name_ko", "address"],
        purpose="연금 수급자격 확인", legal_basis="국민연금법 제123조",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31),
    )  # fmt: skip
    exchange_services.grant_approve(actor=minho, grant=grant)
    committee = [factories.official(name, jongno, roles=("viewer",)) for name in ("kim", "lee", "park")]
    tender = procurement_services.tender_publish(actor=bob, **tender_kwargs(committee))
    return {"pia": pia, "grant": grant, "tender": tender}


@pytest.fixture
def oauth_headers(client, nation):
    """The benefits system's bearer token and X-Road client name."""
    system, secret = agency_system_register(actor=nation["pia"], name="benefits")
    return {"Authorization": f"Bearer {token_for(client, system, secret)}", "X-Road-Client": system.client_id}


@pytest.fixture
def official_headers(client, bob):
    """Bob's session cookie (password and TOTP), with a CSRF token for the unsafe methods."""
    login_official(client, bob)
    csrf = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


@pytest.fixture
def bid_token_headers(nation, jongno):
    """Hana's bidding software token (한빛상사 is a registered supplier)."""
    hanbit = factories.business(jongno, factories.resident(jongno, "박하나", "Park Hana", sex="F"))
    hana = business_user("hana", hanbit)
    procurement_services.supplier_register(actor=hana, brn=hanbit.brn, categories=["43", "44"])
    return {"Authorization": f"Bearer {procurement_services.bid_token_issue(actor=hana, name='입찰')[1]}"}
