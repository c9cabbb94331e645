"""Customs' step of `egov seed`: the customs offices, the demonstration tariff (a few hundred
tariff lines, labelled as demonstration data), the single window's quarantine agency and its
permits, traders, a broker with its mandate, an AEO, a carrier with its manifest, rule set v1,
and declarations in every lane and state — all submitted through the services, as traders and
officials would. The demo's own business user ("business") is the importer; "customs.broker"
declares for it; officials "customs.busan" (Busan Customs) and "customs.kcs" (rule sets, tariff).
"""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import BusinessRepresentation, OfficialRole, User
from egov.accounts.services import DEMO_PASSWORD
from egov.core.notifications import notifications_suppressed
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.customs import reference, services
from egov.customs.models import (
    AeoCertificate,
    Broker,
    Carrier,
    Declaration,
    InspectionDraw,
    Mandate,
    Manifest,
    ManifestLine,
    Permit,
    Rule,
    RuleSet,
)
from egov.customs.offices import BUSAN, KCS
from egov.customs.services.notices import release_notices_issue_pending
from egov.customs.shared import QUARANTINE, QUARANTINE_ITEM
from egov.payments.iso20022 import Credit, notification_build
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from egov.registry.models import Agency, Business
from egov.registry.seed.demo import demo_totp_key

DEMO_BUSINESS_USER = "business"
OFFICIALS = [
    ("customs.busan", BUSAN, ("viewer", "registrar")),
    ("customs.kcs", KCS, ("viewer", "agency_admin")),
]
RULES = [
    ("APPAREL-61", "hs_chapter", "in", ["61", "62"], 25, "의류: 원산지 위장 우려 (apparel: origin risk)"),
    ("ORIGIN-CN", "origin", "in", ["CN"], 20, "원산지 중국 (origin China)"),
    (
        "LOW-PRICE",
        "unit_price_ratio_min",
        "lt",
        "0.5",
        90,
        "기준가격의 절반 미만 신고",
    ),
    ("HIGH-VALUE", "customs_value", "gte", "500000000", 30, "고액 신고"),
    ("GOLD", "hs_code", "prefix", "7108", 45, "금괴"),
    ("AEO", "aeo_grade", "in", ["A", "AA", "AAA"], -50, "AEO 공인업체"),
]


def seed_present() -> bool:
    return Declaration.objects.exists()


def seed_step(*, options: SeedOptions) -> SeedReport:
    counts = customs_seed(seed=options.seed)
    return SeedReport(
        lines=[summary_line("customs", counts)] if counts else ["customs: skipped"],
        demo_users=[o[0] for o in OFFICIALS] + (["customs.broker"] if counts else []),
    )


def _official(username: str, agency: Agency, roles, seed: int, password_hash: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"kind": User.Kind.OFFICIAL, "agency": agency, "password": password_hash, "is_demo": True},
    )
    if created:
        OfficialRole.objects.bulk_create(OfficialRole(user=user, role=role) for role in roles)
        TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True, key=demo_totp_key(seed=seed, username=username)
        )
    return user


def _business_user(username: str, business: Business, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"kind": User.Kind.BUSINESS, "password": password_hash, "is_demo": True}
    )
    BusinessRepresentation.objects.get_or_create(
        user=user, business=business, defaults={"since": dt.date(2020, 1, 1)}
    )
    return user


@transaction.atomic
def customs_seed(*, seed: int) -> dict[str, int]:
    """Skips when declarations exist, without the demo business user, or with fewer than four
    other active businesses."""
    demo = User.objects.filter(username=DEMO_BUSINESS_USER, kind=User.Kind.BUSINESS).first()
    if demo is None or Declaration.objects.exists():
        return {}
    represented = BusinessRepresentation.objects.values("business_id")
    importer = (
        Business.objects.filter(pk__in=represented.filter(user=demo), status="active").order_by("pk").first()
    )
    pool = list(Business.objects.filter(status="active").exclude(pk__in=represented).order_by("pk")[:40])
    if importer is None or len(pool) < 4:
        return {}
    rng = random.Random(f"egov-customs:{seed}")  # noqa: S311 - demo data, not secrets
    password_hash = make_password(DEMO_PASSWORD)
    offices = reference.offices_ensure()
    busan = _official(*OFFICIALS[0][:1], offices[BUSAN], OFFICIALS[0][2], seed, password_hash)
    kcs = _official(*OFFICIALS[1][:1], offices[KCS], OFFICIALS[1][2], seed, password_hash)
    lines = reference.tariff_ensure()
    reference.single_window_ensure(approver=kcs)
    today = timezone.localdate()
    broker_firm, aeo_firm, fish_firm, carrier_firm = pool[:4]
    broker = Broker.objects.create(business=broker_firm, licence_number="KCB-DEMO-0001")
    Mandate.objects.create(
        broker=broker,
        trader=importer,
        valid_from=today - dt.timedelta(days=90),
        valid_until=today + dt.timedelta(days=275),
    )
    broker_user = _business_user("customs.broker", broker_firm, password_hash)
    aeo_user = _business_user("customs.aeo", aeo_firm, password_hash)
    fish_user = _business_user("customs.fish", fish_firm, password_hash)
    AeoCertificate.objects.create(
        business=aeo_firm,
        grade="AA",
        valid_from=today - dt.timedelta(days=200),
        valid_until=today + dt.timedelta(days=900),
    )
    carrier = Carrier.objects.create(business=carrier_firm, code="DEMO")
    manifest = Manifest.objects.create(
        carrier=carrier,
        transport_mode="1",
        conveyance="HANBADA 2026E",
        port_of_discharge="KRPUS",
        arrival_date=today,
    )
    bls = [f"DEMO{today:%y%m%d}{n:03d}" for n in range(1, 13)]
    for n, bl in enumerate(bls):
        consignee = fish_firm if n in (8, 9) else aeo_firm if n == 10 else importer
        ManifestLine.objects.create(
            manifest=manifest,
            transport_document=bl,
            consignee=consignee,
            description="GENERAL CARGO",
            packages=10 + n,
            gross_mass_kg=Decimal(500 + 10 * n),
        )
    Permit.objects.create(
        issuer=Agency.objects.get(code=QUARANTINE),
        item_code=QUARANTINE_ITEM,
        business=fish_firm,
        number="QIA-DEMO-0001",
        hs_prefix="0306",
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=80),
    )
    rule_set = RuleSet.objects.create(
        version=1,
        state="active",
        note="데모 규칙",
        inspection_quota_bp=200,
        created_by=kcs,
        activated_at=timezone.now(),
    )
    Rule.objects.bulk_create(
        Rule(rule_set=rule_set, code=c, field=f, operator=o, value=v, weight=w, reason=r)
        for c, f, o, v, w, r in RULES
    )
    made: list[Declaration] = []

    def item(description, hs, origin, unit, quantity, value, **more):
        return {
            "description": description,
            "hs_code": hs,
            "origin": origin,
            "unit": unit,
            "quantity": str(quantity),
            "value": str(value),
            **more,
        }

    def submit(
        user,
        trader,
        ref,
        *,
        kind="import",
        bl="",
        items,
        currency="USD",
        port_from="CNSHA",
        port_to="KRPUS",
        mode="1",
        incoterm="CIF",
    ):
        total = sum(Decimal(i["value"]) for i in items)
        made.append(
            services.declaration_submit(
                actor=user,
                kind=kind,
                declarant_reference=ref,
                trader_brn=trader.brn,
                transport_mode=mode,
                port_of_loading=port_from,
                port_of_discharge=port_to,
                incoterm=incoterm,
                currency=currency,
                invoice_amount=str(total),
                items=items,
                transport_document=bl,
                conveyance="HANBADA 2026E",
            )
        )
        return made[-1]

    with notifications_suppressed():
        # Green import waiting for its payment; another paid and released.
        submit(
            demo,
            importer,
            "DEMO-IM-001",
            bl=bls[0],
            items=[item("노트북", "8471300000", "US", "H87", 20, 16000)],
            port_from="USLAX",
        )
        paid = submit(
            broker_user,
            importer,
            "DEMO-IM-002",
            bl=bls[1],
            items=[
                item(
                    "와인",
                    "2204210000",
                    "FR",
                    "LTR",
                    900,
                    9000,
                    preference="KR-EU",
                    origin_proof="FR-EUR1-2026-0042",
                ),
                item("위스키", "2208300000", "GB", "LTR", 120, 4800),
            ],
            currency="EUR",
            port_from="FRLEH",
        )
        _pay(paid)
        # Yellow: apparel from China, document review; red: a suspiciously low price, inspection.
        submit(
            broker_user,
            importer,
            "DEMO-IM-003",
            bl=bls[2],
            items=[item("면 티셔츠 (cotton T-shirts)", "6109100000", "CN", "H87", 3000, 12000)],
        )
        red = submit(
            demo,
            importer,
            "DEMO-IM-004",
            bl=bls[3],
            items=[item("리튬이온 배터리 (Li-ion batteries)", "8507600000", "CN", "H87", 2000, 20000)],
        )
        services.declaration_record_inspection(
            actor=busan, declaration=red, findings="수량 일치. 가격 자료 요청 예정"
        )
        # Reviewed and approved with an amended assessment; rejected; withdrawn.
        reviewed = submit(
            demo,
            importer,
            "DEMO-IM-005",
            bl=bls[4],
            items=[item("남성용 면바지", "6203420000", "CN", "H87", 500, 7000)],
        )
        services.declaration_request_documents(actor=busan, declaration=reviewed, note="상업송장 원본 제출")
        services.declaration_reassess(
            actor=busan,
            declaration=reviewed,
            items={"1": {"value": "8000"}},
            reason="가격 경정",
        )
        services.declaration_approve(actor=busan, declaration=reviewed)
        rejected = submit(
            demo,
            importer,
            "DEMO-IM-006",
            bl=bls[5],
            items=[item("완구", "9503000000", "CN", "H87", 4000, 1000)],
        )
        services.declaration_reject(actor=busan, declaration=rejected, reason="가격 자료 불충분")
        withdrawn = submit(
            demo,
            importer,
            "DEMO-IM-007",
            bl=bls[6],
            items=[item("선글라스", "9004100000", "IT", "H87", 100, 3000)],
            port_from="ITGOA",
        )
        services.declaration_withdraw(actor=demo, declaration=withdrawn, reason="중복 신고")
        # Held: frozen fish without a quarantine clearance; shrimps with one.
        submit(
            fish_user,
            fish_firm,
            "DEMO-IM-008",
            bl=bls[8],
            items=[item("냉동 고등어", "0303890000", "NO", "KGM", 8000, 16000)],
            port_from="NOBGO",
        )
        submit(
            fish_user,
            fish_firm,
            "DEMO-IM-009",
            bl=bls[9],
            items=[
                item(
                    "냉동 새우",
                    "0306170000",
                    "VN",
                    "KGM",
                    3000,
                    21000,
                    preference="KR-VN",
                    origin_proof="VN-CO-2026-118",
                )
            ],
            port_from="VNSGN",
        )
        # AEO: import released before payment; exports released at once (green, in seconds).
        submit(
            aeo_user,
            aeo_firm,
            "DEMO-IM-010",
            bl=bls[10],
            items=[item("집적회로", "8542310000", "TW", "H87", 5000, 50000)],
            port_from="TWKHH",
        )
        for n in range(1, 7):
            submit(
                aeo_user,
                aeo_firm,
                f"DEMO-EX-{n:03d}",
                kind="export",
                mode="4",
                port_from="KRICN",
                port_to=rng.choice(["USJFK", "DEFRA", "JPNRT", "VNSGN"]),
                incoterm="FCA",
                items=[item("휴대전화", "8517120000", "KR", "H87", 100 * n, 40000 * n)],
            )
    # The release notices `egov worker` would sign a moment after each release.
    release_notices_issue_pending()
    # Yesterday's draw, its seed revealed: the public page shows how to check it.
    yesterday = today - dt.timedelta(days=1)
    services.rules.draw_for(yesterday)
    services.draw_reveal(day=yesterday)
    states: dict[str, int] = {}
    for d in Declaration.objects.all():
        states[d.state] = states.get(d.state, 0) + 1
    return {
        "tariff lines": lines,
        "declarations": len(made),
        **{f"{k}": v for k, v in sorted(states.items())},
        "draws": InspectionDraw.objects.count(),
    }


def _pay(declaration: Declaration) -> None:
    order = payment_order_for_case(declaration)
    if order is None:
        return
    credit = Credit(
        bank_ref=f"CUS{declaration.number[-8:]}",
        account=order.virtual_account,
        amount=order.amount,
        booked_on=timezone.localdate(),
        debtor_name=declaration.trader.name[:70],
        debtor_account="110233334444",
        debtor_bank="004",
    )
    content = notification_build(
        message_id=f"CUS-{declaration.number}",
        created_at=timezone.now(),
        account=settings.EGOV_PAYMENT_ACCOUNT,
        credits=[credit],
    )
    statement_import(actor=None, content=content, source="seed")
