"""The procurement cast, on top of the agencies of tests/conftest.py.

Hana represents 한빛상사 (an IT supplier); Minsu represents 동해건설 (construction); Jongno-gu's
Bob publishes tenders, with Kim, Lee and Park (Jongno-gu officials) on the opening committee;
Carol in Gangnam-gu must never see Jongno-gu's tenders.
"""

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.models import BusinessRepresentation, User
from egov.procurement import client as bidder
from egov.procurement import services
from egov.procurement.models import Tender
from tests import factories


@pytest.fixture(autouse=True)
def procurement_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "procurement-data"


def business_user(username: str, business) -> User:
    user = User.objects.create_user(username=username, password="pw", kind="business")
    BusinessRepresentation.objects.create(user=user, business=business, since=dt.date(2020, 1, 1))
    return user


@pytest.fixture
def hanbit(jongno):
    owner = factories.resident(jongno, "박하나", "Park Hana", sex="F")
    return factories.business(jongno, owner, name="한빛상사")


@pytest.fixture
def hana(hanbit):
    """Hana represents 한빛상사."""
    return business_user("hana", hanbit)


@pytest.fixture
def donghae(gangnam):
    owner = factories.resident(gangnam, "최민수", "Choi Minsu")
    return factories.business(gangnam, owner, name="동해건설")


@pytest.fixture
def minsu(donghae):
    """Minsu represents 동해건설."""
    return business_user("minsu", donghae)


@pytest.fixture
def hanbit_supplier(hana, hanbit):
    return services.supplier_register(actor=hana, brn=hanbit.brn, categories=["43", "44"])


@pytest.fixture
def donghae_supplier(minsu, donghae):
    return services.supplier_register(actor=minsu, brn=donghae.brn, categories=["43", "72"])


@pytest.fixture
def committee(jongno):
    return [factories.official(name, jongno, roles=("viewer",)) for name in ("kim", "lee", "park")]


def tender_kwargs(committee, **overrides):
    now = timezone.now()
    kwargs = {
        "title": "종로구청 업무용 노트북 구매 (office laptops)",
        "items": [{"description": "Laptop, 14 inch", "quantity": 40, "unit": "EA"}],
        "budget": 80_000_000,
        "base_price": 72_000_000,
        "award_method": "lowest_price",
        "categories": ["43"],
        "deadline": now + dt.timedelta(days=10),
        "opening_at": now + dt.timedelta(days=10, hours=1),
        "committee": committee,
        "documents": [{"title": "Specification", "url": "https://example.kr/spec.pdf"}],
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def shares():
    return {}


@pytest.fixture
def tender(bob, committee, shares):
    """An open tender of Jongno-gu whose committee has collected its shares (kept in `shares`)."""
    t = services.tender_publish(actor=bob, **tender_kwargs(committee))
    for member in committee:
        shares[member.username] = services.committee_share_collect(actor=member, number=t.number)
    return t


def seal(tender: Tender, brn: str, price: int, content: str = "") -> str:
    from egov.procurement.crypto import b64u

    return bidder.seal_bid(
        opening_key=b64u(bytes(tender.opening_public_key)),
        tender=tender.number,
        brn=brn,
        price=price,
        content=content,
    )


def close(tender: Tender) -> None:
    """Move the tender's deadline and opening time into the past (what the clock would do)."""
    past = timezone.now() - dt.timedelta(minutes=5)
    Tender.objects.filter(pk=tender.pk).update(
        deadline=past, opening_at=past, published_at=past - dt.timedelta(days=8)
    )
    tender.refresh_from_db()
