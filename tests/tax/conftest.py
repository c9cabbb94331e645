"""The tax cast, on top of the agencies of tests/conftest.py.

Hana represents 한빛상사 in Jongno-gu, which sells; Minsu represents 다온유통 in Gangnam-gu, which
buys; 폐업상회 is closed. 종로세무서 serves Jongno-gu and 삼성세무서 Gangnam-gu, both under the
National Tax Service; Tom is a registrar at 종로세무서, Sam at 삼성세무서.
"""

import datetime as dt

import pytest

from egov.accounts.models import BusinessRepresentation, User
from egov.tax.models import TaxOffice
from tests import factories


@pytest.fixture(autouse=True)
def tax_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "tax-data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def business_user(username: str, business) -> User:
    user = User.objects.create_user(username=username, password="pw", kind="business")
    BusinessRepresentation.objects.create(user=user, business=business, since=dt.date(2020, 1, 1))
    return user


@pytest.fixture
def nts(mois):
    return factories.agency("1210000", "국세청", "National Tax Service", kind="office")


@pytest.fixture
def jongno_office(nts, jongno):
    agency = factories.agency("1210101", "종로세무서", "Jongno Tax Office", nts, kind="office")
    office = TaxOffice.objects.create(agency=agency)
    office.jurisdictions.add(jongno)
    return office


@pytest.fixture
def samsung_office(nts, gangnam):
    agency = factories.agency("1210102", "삼성세무서", "Samsung Tax Office", nts, kind="office")
    office = TaxOffice.objects.create(agency=agency)
    office.jurisdictions.add(gangnam)
    return office


@pytest.fixture
def hanbit(jongno, jongno_office):
    owner = factories.resident(jongno, "박하나", "Park Hana", sex="F")
    return factories.business(jongno, owner, name="한빛상사")


@pytest.fixture
def daon(gangnam, samsung_office):
    owner = factories.resident(gangnam, "최민수", "Choi Minsu")
    return factories.business(gangnam, owner, name="다온유통")


@pytest.fixture
def closed_shop(jongno):
    owner = factories.resident(jongno, "정폐업", "Jung Pyeup")
    return factories.business(jongno, owner, name="폐업상회", status="closed")


@pytest.fixture
def hana(hanbit):
    """Hana represents 한빛상사."""
    return business_user("hana", hanbit)


@pytest.fixture
def minsu(daon):
    """Minsu represents 다온유통."""
    return business_user("minsu", daon)


@pytest.fixture
def tom(jongno_office):
    """Tom is a registrar at 종로세무서."""
    return factories.official("tom", jongno_office.agency)


@pytest.fixture
def sam(samsung_office):
    """Sam is a registrar at 삼성세무서."""
    return factories.official("sam", samsung_office.agency)


def invoice_data(buyer, ref="INV-1", *, supply=1_000_000, write_date="2026-07-15", **extra) -> dict:
    """One line of `supply` won at 10%: the shape the API and the portal send."""
    tax = supply * 10 // 100
    data = {
        "issuer_ref": ref,
        "buyer_brn": buyer.brn,
        "write_date": write_date,
        "supply_amount": supply,
        "tax_amount": tax,
        "total_amount": supply + tax,
        "lines": [
            {
                "name": "노트북",
                "quantity": 1,
                "unit_price": supply,
                "supply_amount": supply,
                "tax_amount": tax,
            }
        ],
    }
    data.update(extra)
    return data
