"""The customs cast, on top of the agencies of tests/conftest.py.

The Korea Customs Service (KCS) above Busan, Incheon and Seoul Customs. Hana represents
한빛상사, an importer; Jisoo represents 세계전자, an exporter certified AEO AA; Minho works for
정직관세사무소, a customs broker holding 한빛상사's mandate (but not 동해수산's); Sora represents
동해수산, an importer of frozen fish that needs quarantine clearance. Officer Park works at
Busan Customs, officer Yoon at Incheon Customs (she must never see Busan's declarations), and
Kang administers the rule sets at the KCS.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from egov.accounts.models import BusinessRepresentation, User
from egov.customs import reference
from egov.customs.models import (
    AeoCertificate,
    Broker,
    Carrier,
    Mandate,
    Manifest,
    ManifestLine,
    Permit,
    Rule,
    RuleSet,
)
from egov.customs.offices import BUSAN, INCHEON, KCS
from egov.customs.shared import QUARANTINE, QUARANTINE_ITEM
from egov.registry.models import Agency
from tests import factories


@pytest.fixture(autouse=True)
def customs_data_dir(settings, tmp_path_factory):
    settings.DATA_DIR = tmp_path_factory.getbasetemp() / "customs-data"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def business_user(username: str, business, email: str = "") -> User:
    user = User.objects.create_user(username=username, password="pw", kind="business", email=email)
    BusinessRepresentation.objects.create(user=user, business=business, since=dt.date(2020, 1, 1))
    return user


@pytest.fixture
def offices(mois, jongno):
    return reference.offices_ensure()


@pytest.fixture
def kang(offices):
    """Kang administers the rule sets and the tariff at the KCS."""
    return factories.official("kang", offices[KCS], roles=("viewer", "registrar", "agency_admin"))


@pytest.fixture
def park(offices):
    """Officer Park works at Busan Customs."""
    return factories.official("park", offices[BUSAN], roles=("viewer", "registrar"))


@pytest.fixture
def yoon(offices):
    """Officer Yoon works at Incheon Customs."""
    return factories.official("yoon", offices[INCHEON], roles=("viewer", "registrar"))


@pytest.fixture
def tariff(offices):
    return reference.tariff_ensure(lines_per_heading=2)


@pytest.fixture
def single_window(kang, tariff):
    return reference.single_window_ensure(approver=kang)


@pytest.fixture
def hanbit(jongno):
    owner = factories.resident(jongno, "박하나", "Park Hana", sex="F")
    return factories.business(jongno, owner, name="한빛상사")


@pytest.fixture
def hana(hanbit):
    return business_user("hana", hanbit, "hana@hanbit.example")


@pytest.fixture
def segye(jongno):
    owner = factories.resident(jongno, "이지수", "Lee Jisoo", sex="F")
    business = factories.business(jongno, owner, name="세계전자")
    today = timezone.localdate()
    AeoCertificate.objects.create(
        business=business,
        grade="AA",
        valid_from=today - dt.timedelta(days=100),
        valid_until=today + dt.timedelta(days=900),
    )
    return business


@pytest.fixture
def jisoo(segye):
    return business_user("jisoo", segye)


@pytest.fixture
def donghae(gangnam):
    owner = factories.resident(gangnam, "최소라", "Choi Sora", sex="F")
    return factories.business(gangnam, owner, name="동해수산")


@pytest.fixture
def sora(donghae):
    return business_user("sora", donghae)


@pytest.fixture
def broker(jongno, hanbit):
    owner = factories.resident(jongno, "김민호", "Kim Minho")
    firm = factories.business(jongno, owner, name="정직관세사무소")
    broker = Broker.objects.create(business=firm, licence_number="KCB-2019-0042")
    today = timezone.localdate()
    Mandate.objects.create(
        broker=broker,
        trader=hanbit,
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=335),
    )
    return broker


@pytest.fixture
def minho(broker):
    return business_user("minho", broker.business)


@pytest.fixture
def manifest(jongno, hanbit, donghae):
    owner = factories.resident(jongno, "정해운", "Jung Haeun")
    carrier = Carrier.objects.create(business=factories.business(jongno, owner, name="동방해운"), code="DBHU")
    manifest = Manifest.objects.create(
        carrier=carrier,
        transport_mode="1",
        conveyance="HANJIN KOREA 042E",
        port_of_discharge="KRPUS",
        arrival_date=timezone.localdate(),
    )
    ManifestLine.objects.create(
        manifest=manifest,
        transport_document="DBHU2026001",
        consignee=hanbit,
        description="T-SHIRTS",
        packages=40,
        gross_mass_kg=Decimal("820.5"),
    )
    ManifestLine.objects.create(
        manifest=manifest,
        transport_document="DBHU2026002",
        consignee=donghae,
        description="FROZEN FISH",
        packages=100,
        gross_mass_kg=Decimal("5000"),
    )
    ManifestLine.objects.create(
        manifest=manifest,
        transport_document="DBHU2026003",
        consignee=None,
        description="CARS",
        packages=2,
        gross_mass_kg=Decimal("3000"),
    )
    return manifest


@pytest.fixture
def quarantine_permit(single_window, donghae):
    issuer = Agency.objects.get(code=QUARANTINE)
    today = timezone.localdate()
    return Permit.objects.create(
        issuer=issuer,
        item_code=QUARANTINE_ITEM,
        business=donghae,
        number="QIA-2026-1",
        hs_prefix="0303",
        valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=60),
    )


@pytest.fixture
def rules(kang):
    """Rule set v1, active: Chinese-origin T-shirts to review, a watch-listed trader and
    unit prices below half the reference price to inspection; AEOs relieved."""
    rule_set = RuleSet.objects.create(
        version=1,
        state="active",
        yellow_from=40,
        red_from=80,
        inspection_quota_bp=0,
        created_by=kang,
        activated_at=timezone.now(),
    )
    Rule.objects.bulk_create(
        [
            Rule(
                rule_set=rule_set,
                code="ORIGIN-CN-61",
                field="hs_chapter",
                operator="in",
                value=["61"],
                weight=25,
                reason="의류 원산지 위장 우려 (apparel origin risk)",
            ),
            Rule(
                rule_set=rule_set,
                code="ORIGIN-CN",
                field="origin",
                operator="in",
                value=["CN"],
                weight=20,
                reason="원산지 중국 (origin China)",
            ),
            Rule(
                rule_set=rule_set,
                code="WATCH",
                field="trader",
                operator="in",
                value=["0000000000"],
                weight=100,
                reason="감시 대상 업체 (watch list)",
            ),
            Rule(
                rule_set=rule_set,
                code="LOW-PRICE",
                field="unit_price_ratio_min",
                operator="lt",
                value="0.5",
                weight=90,
                reason="저가 신고 의심 (unit price below half the reference)",
            ),
            Rule(
                rule_set=rule_set,
                code="AEO",
                field="aeo_grade",
                operator="in",
                value=["A", "AA", "AAA"],
                weight=-50,
                reason="AEO 공인업체 (AEO)",
            ),
        ]
    )
    return rule_set


@pytest.fixture
def customs(tariff, single_window, manifest, rules):
    """Everything a declaration needs."""
    return True


def tshirts(**overrides) -> dict:
    """An import of 1,000 US cotton T-shirts for 한빛상사 under B/L DBHU2026001 (US$ 5,000)."""
    data = {
        "kind": "import",
        "declarant_reference": "HB-2026-0001",
        "transport_mode": "1",
        "port_of_loading": "USLAX",
        "port_of_discharge": "KRPUS",
        "transport_document": "DBHU2026001",
        "incoterm": "CIF",
        "currency": "USD",
        "invoice_amount": "5000.00",
        "items": [
            {
                "description": "Cotton T-shirts",
                "hs_code": "6109100000",
                "origin": "US",
                "unit": "H87",
                "quantity": "1000",
                "value": "5000.00",
            }
        ],
    }
    data.update(overrides)
    return data


def laptops_export(**overrides) -> dict:
    """An export of 10 laptops by 세계전자 from Incheon airport (US$ 12,000)."""
    data = {
        "kind": "export",
        "declarant_reference": "SG-EX-0001",
        "transport_mode": "4",
        "conveyance": "KE081",
        "port_of_loading": "KRICN",
        "port_of_discharge": "USJFK",
        "incoterm": "FCA",
        "currency": "USD",
        "invoice_amount": "12000",
        "items": [
            {
                "description": "Laptop computers",
                "hs_code": "8471300000",
                "origin": "KR",
                "unit": "H87",
                "quantity": "10",
                "value": "12000",
            }
        ],
    }
    data.update(overrides)
    return data
