import datetime as dt

import pytest

from egov.accounts.models import AgencySystem
from egov.exchange import services
from egov.exchange.models import Grant, SharedItem
from tests import factories


@pytest.fixture
def nts(db):
    return factories.agency("1210000", "국세청", "National Tax Service", kind="office")


@pytest.fixture
def molit(mois):
    return factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )


@pytest.fixture
def catalogue(mois, molit, nts):
    services.shared_item_sync()
    return {item.code: item for item in SharedItem.objects.all()}


@pytest.fixture
def mois_admin(mois):
    """Minho administers MOIS's shared items (the provider of resident data)."""
    return factories.official("minho", mois, roles=("viewer", "agency_admin"))


@pytest.fixture
def pension(mois):
    """The National Pension Service consumes resident data."""
    return factories.agency("1352000", "국민연금공단", "National Pension Service", mois, "office")


@pytest.fixture
def pension_admin(pension):
    return factories.official("pia", pension, roles=("agency_admin",))


@pytest.fixture
def pension_system(pension):
    return AgencySystem.objects.create(agency=pension, name="benefits", client_id="nps-benefits")


@pytest.fixture
def approved_grant(catalogue, pension_admin, mois_admin):
    grant = services.grant_request(
        actor=pension_admin, item=catalogue["resident.abstract"], fields=["name_ko", "address"],
        purpose="연금 수급자격 확인", legal_basis="국민연금법 제123조",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31),
    )  # fmt: skip
    return services.grant_approve(actor=mois_admin, grant=grant)


@pytest.fixture
def grant_basis(approved_grant):
    return f"grant:{approved_grant.pk}"


__all__ = ["Grant"]
