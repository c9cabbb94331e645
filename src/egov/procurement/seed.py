"""Demo procurement for `egov seed`: suppliers and tenders of Jongno-gu at every stage.

Suppliers are active businesses of the seeded register: the demo `business` user's first
business (so the demo login bids, and sees its contract) and a few others, each with a business
user of its own (no usable password). Tenders are published by `official.jongno` with three
committee officials of Jongno-gu, all through the services:

| stage | tender |
| --- | --- |
| open | taking bids (two sealed bids in; the demo business has not bid) |
| closed | the deadline has passed, awaiting the opening |
| opened | opened by two committee shares (one bid invalid: sealed for another supplier) |
| awarded | lowest price; and one by the multiple reserve price method (picks sealed with the bids) |
| contracted | awarded to the demo business, contract signed, two milestones, one accepted and paid |

Jongno-gu holds an approved grant for the shared item `tax.clearance` (when the exchange's
seed has synced it), so the contract's tax clearance is fetched through `exchange`; without the
item the registrar records the paper 납세증명서 they checked.

Bids are real sealed bids (`client.seal_bid` with the tender's public key); the seed collects the
committee's shares through the service, holds them in memory and hands two in to open.

The services take the time from the clock. For the stages past their deadline, each tender is
published and bid on now, then its dates are moved into the past *before* the opening, consistently:
publication (and the number's date), collection of shares, bids (their receipts signed again
with the platform key over the moved time), deadline and opening time; the opening and award are
then moved to just after the opening time. One audit event per tender records the move. Sealed
contents, receipts and the opening's checks are therefore all genuine.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from egov.accounts.models import BusinessRepresentation, OfficialRole, User
from egov.core import keys
from egov.core.audit import audit_record
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.exchange.models import Grant, SharedItem
from egov.procurement import crypto, services
from egov.procurement.client import seal_bid
from egov.procurement.models import Award, Bid, CommitteeMember, ReserveDraw, Supplier, Tender
from egov.procurement.services.bids import receipt_payload
from egov.registry.models import Business

REGISTRAR = "official.jongno"
DEMO_BUSINESS_USER = "business"
OTHER_SUPPLIERS = 4
CATEGORIES = ["43", "44", "56", "72", "80"]


def _committee(registrar: User) -> list[User]:
    unusable = make_password(None)
    members = []
    for n in range(1, 4):
        user, created = User.objects.get_or_create(
            username=f"committee.jongno.{n}",
            defaults={"kind": User.Kind.OFFICIAL, "agency_id": registrar.agency_id, "password": unusable},
        )
        if created:
            OfficialRole.objects.create(user=user, role="viewer")
        members.append(user)
    return members


def _candidates(demo: User) -> tuple[Business | None, list[int]]:
    """The demo business user's first active business, and active businesses nobody represents."""
    represented = BusinessRepresentation.objects.values("business_id")
    demo_business = (
        Business.objects.filter(pk__in=represented.filter(user=demo), status=Business.Status.ACTIVE)
        .order_by("pk")
        .first()
    )
    pool = list(
        Business.objects.filter(status=Business.Status.ACTIVE)
        .exclude(pk__in=represented)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    return demo_business, pool


def _suppliers(rng: random.Random, demo: User, demo_business: Business, pool: list[int]):
    """The demo business, then others drawn from `pool`, each with a business user of its own."""
    out = [(demo, services.supplier_register(actor=demo, brn=demo_business.brn, categories=CATEGORIES))]
    unusable = make_password(None)
    for n, pk in enumerate(sorted(rng.sample(pool, OTHER_SUPPLIERS)), start=1):
        business = Business.objects.get(pk=pk)
        user = User.objects.create(
            username=f"supplier.{n}",
            kind=User.Kind.BUSINESS,
            resident=business.representative,
            password=unusable,
        )
        BusinessRepresentation.objects.create(user=user, business=business, since=business.opened_on)
        out.append((user, services.supplier_register(actor=user, brn=business.brn, categories=CATEGORIES)))
    return out


class _Stage:
    """One tender moving through the services, with its committee's shares held in memory."""

    def __init__(self, *, registrar: User, committee: list[User], **kwargs):
        now = timezone.now()
        self.committee = committee
        self.tender = services.tender_publish(
            actor=registrar,
            committee=committee,
            deadline=now + dt.timedelta(days=services.NOTICE_MIN_DAYS, hours=1),
            opening_at=now + dt.timedelta(days=services.NOTICE_MIN_DAYS, hours=2),
            **kwargs,
        )
        self.shares = [
            services.committee_share_collect(actor=m, number=self.tender.number) for m in committee
        ]
        self.moved: dict = {}

    def publish_at(self, published_at: dt.datetime) -> None:
        """Move the publication (and the number's date) into the past, before any bid."""
        tender = self.tender
        tender.published_at = published_at
        tender.number = f"{timezone.localtime(published_at):%Y%m%d}-{tender.pk:05d}"
        tender.save(update_fields=["published_at", "number"])
        CommitteeMember.objects.filter(tender=tender).update(
            collected_at=published_at + dt.timedelta(hours=1)
        )
        self.moved["published_at"] = published_at.isoformat()

    def bid(
        self, user: User, supplier: Supplier, price: int, *, picks=None, seal_as: str | None = None
    ) -> Bid:
        sealed = seal_bid(
            opening_key=crypto.b64u(bytes(self.tender.opening_public_key)),
            tender=self.tender.number,
            brn=seal_as or supplier.business.brn,
            price=price,
            picks=picks,
        )
        return services.bid_submit(
            actor=user, number=self.tender.number, brn=supplier.business.brn, sealed=sealed
        )

    def close_at(self, deadline: dt.datetime, opening_at: dt.datetime) -> None:
        """Move the bids (receipts signed again over their new time) and the deadline into the past."""
        tender = self.tender
        key = keys.platform_key()
        bids = list(
            Bid.objects.filter(tender=tender).select_related("tender", "supplier__business").order_by("pk")
        )
        span = (deadline - tender.published_at) / (len(bids) + 1)
        for n, bid in enumerate(bids, start=1):
            bid.submitted_at = tender.published_at + span * n
            bid.receipt = crypto.canonical(receipt_payload(bid)).decode()
            bid.receipt_signature = crypto.b64u(key.sign(bid.receipt.encode()))
            bid.receipt_key_id = key.key_id
            bid.save(update_fields=["submitted_at", "receipt", "receipt_signature", "receipt_key_id"])
        tender.deadline, tender.opening_at = deadline, opening_at
        tender.save(update_fields=["deadline", "opening_at"])
        self.moved.update(deadline=deadline.isoformat(), opening_at=opening_at.isoformat())

    def open(self) -> None:
        for member, share in list(zip(self.committee, self.shares, strict=True))[:2]:
            self.tender = services.opening_share_submit(actor=member, number=self.tender.number, share=share)
        opened_at = self.tender.opening_at + dt.timedelta(minutes=10)
        Tender.objects.filter(pk=self.tender.pk).update(opened_at=opened_at)
        ReserveDraw.objects.filter(tender=self.tender).update(drawn_at=opened_at)
        CommitteeMember.objects.filter(tender=self.tender, submitted_at__isnull=False).update(
            submitted_at=opened_at
        )
        self.tender.refresh_from_db()
        self.moved["opened_at"] = opened_at.isoformat()

    def award(self, registrar: User) -> Award:
        award = services.tender_award(actor=registrar, number=self.tender.number)
        award.awarded_at = self.tender.opened_at + dt.timedelta(hours=20)
        award.save(update_fields=["awarded_at"])
        self.moved["awarded_at"] = award.awarded_at.isoformat()
        return award

    def record_move(self) -> None:
        if self.moved:
            audit_record(
                actor=None,
                action="procurement.seed_dates",
                obj=self.tender,
                after=self.moved,
                reason="Demo data: the tender's dates moved into the past before its opening",
            )


def _clearance_grant(registrar: User, today: dt.date) -> dict:
    """The registrar's agency may check suppliers' tax clearance through `exchange`; the paper
    check to record (contract_issue's arguments) when the item is not there."""
    item = SharedItem.objects.filter(code="tax.clearance").first()
    if item is None:
        return {"clearance_document": "0000-000-0001", "clearance_checked_on": today}
    Grant.objects.get_or_create(
        consumer=registrar.agency, item=item, status=Grant.Status.APPROVED,
        purpose="계약 체결 전 납세사실 확인 (tax clearance before the contract)",
        defaults={
            "fields": ["businesses"],
            "legal_basis": "국가를 당사자로 하는 계약에 관한 법률 시행령 제12조",
            "valid_from": today - dt.timedelta(days=365), "valid_until": today + dt.timedelta(days=3 * 365),
            "requested_by": registrar, "decided_by": registrar, "decided_at": timezone.now(),
        },
    )  # fmt: skip
    return {}


def _items(description: str, quantity: int, unit: str = "EA") -> list[dict]:
    return [{"description": description, "quantity": quantity, "unit": unit}]


def seed_step(*, options: SeedOptions) -> SeedReport:
    """Procurement's step of `egov seed`: suppliers and tenders at every stage."""
    return SeedReport(lines=[summary_line("procurement", procurement_seed(seed=options.seed))])


@transaction.atomic
def procurement_seed(*, seed: int) -> dict[str, int]:
    """Suppliers and tenders at every stage (see the module). Skips when tenders exist, when the
    demo registrar or the demo business user is missing, or with fewer than four other active
    businesses."""
    registrar = User.objects.filter(username=REGISTRAR).first()
    demo = User.objects.filter(username=DEMO_BUSINESS_USER, kind=User.Kind.BUSINESS).first()
    if registrar is None or demo is None or Tender.objects.exists():
        return {}
    demo_business, pool = _candidates(demo)
    if demo_business is None or len(pool) < OTHER_SUPPLIERS:
        return {}  # a nation too small for the demo
    rng = random.Random(f"egov-procurement:{seed}")  # noqa: S311 - demo data, not secrets
    committee = _committee(registrar)
    suppliers = _suppliers(rng, demo, demo_business, pool)
    demo_user, demo_supplier = suppliers[0]
    others = suppliers[1:]
    now = timezone.now()
    day = dt.timedelta(days=1)
    stage_kwargs = {"registrar": registrar, "committee": committee}

    def price(base: int) -> int:
        return base * rng.randint(9_000, 9_900) // 10_000 // 1000 * 1000

    # 1. Open: taking bids until 10 days from now (the demo business can bid).
    base = 48_000_000
    open_stage = _Stage(
        **stage_kwargs,
        title="종로구청 민원실 노트북 구매",
        items=_items("노트북 14인치 (14-inch laptop)", 30),
        budget=54_000_000,
        base_price=base,
        award_method="lowest_price",
        categories=["43"],
        description="민원실 업무용 노트북 30대와 3년 무상 보증.",
        documents=[{"title": "규격서 (specification)", "url": "/static/procurement/specs/laptop-14.html"}],
    )
    open_stage.publish_at(now - 2 * day)
    Tender.objects.filter(pk=open_stage.tender.pk).update(
        deadline=now + 10 * day, opening_at=now + 10 * day + dt.timedelta(hours=1)
    )
    open_stage.tender.refresh_from_db()
    for user, supplier in others[:2]:
        open_stage.bid(user, supplier, price(base))

    # 2. Closed: the deadline passed yesterday; the opening is due.
    base = 31_000_000
    closed = _Stage(
        **stage_kwargs,
        title="종로구청 청사 사무용 의자 교체 (office chairs)",
        items=_items("사무용 의자 (office chair)", 150),
        budget=35_000_000,
        base_price=base,
        award_method="lowest_price",
        categories=["56"],
    )
    closed.publish_at(now - 12 * day)
    for user, supplier in others[:3]:
        closed.bid(user, supplier, price(base))
    closed.close_at(now - day, now + dt.timedelta(hours=2))

    def past(stage: _Stage, published_days: int, bidders, base: int, *, reserve: bool = False) -> None:
        stage.publish_at(now - published_days * day)
        for user, supplier in bidders:
            picks = sorted(rng.sample(range(1, 16), 2)) if reserve else None
            stage.bid(user, supplier, price(base), picks=picks)
        deadline = now - (published_days - 10) * day
        stage.close_at(deadline, deadline + dt.timedelta(hours=1))

    # 3. Opened, not yet awarded; one bid sealed for another supplier is listed invalid.
    base = 22_000_000
    opened = _Stage(
        **stage_kwargs,
        title="종로구청 복합기 임차 (printer lease)",
        items=_items("복합기 임차 24개월 (multifunction printer, 24-month lease)", 12),
        budget=25_000_000,
        base_price=base,
        award_method="lowest_price",
        categories=["44"],
    )
    opened.publish_at(now - 14 * day)
    for user, supplier in others[:2]:
        opened.bid(user, supplier, price(base))
    user, supplier = others[2]
    opened.bid(user, supplier, price(base), seal_as=others[3][1].business.brn)
    opened.close_at(now - 4 * day, now - 4 * day + dt.timedelta(hours=1))
    opened.open()

    # 4. Awarded at the lowest price.
    base = 64_000_000
    lowest = _Stage(
        **stage_kwargs,
        title="종로구청 전산실 서버 교체 (server room upgrade)",
        items=_items("서버 (rack server)", 8),
        budget=70_000_000,
        base_price=base,
        award_method="lowest_price",
        categories=["43"],
    )
    past(lowest, 20, others, base)
    lowest.open()
    lowest.award(registrar)

    # 5. Awarded by the multiple reserve price method (복수예비가격).
    base = 120_000_000
    multiple = _Stage(
        **stage_kwargs,
        title="종로구 경로당 보수공사 (senior centre repairs)",
        items=_items("경로당 보수공사 (repair works)", 1, "식"),
        budget=130_000_000,
        base_price=base,
        award_method="multiple_reserve_price",
        reserve_range_bp=200,
        floor_rate="87.745",
        categories=["72"],
    )
    multiple.publish_at(now - 24 * day)
    for user, supplier in others:
        picks = sorted(rng.sample(range(1, 16), 2))
        multiple.bid(user, supplier, base * rng.randint(9_000, 9_400) // 10_000 // 1000 * 1000, picks=picks)
    deadline = now - 12 * day
    multiple.close_at(deadline, deadline + dt.timedelta(hours=1))
    multiple.open()
    multiple.award(registrar)

    # 6. Contracted with the demo business: two milestones, the first accepted and paid.
    base = 40_000_000
    contracted = _Stage(
        **stage_kwargs,
        title="종로구청 홈페이지 접근성 개선 용역",
        items=_items("웹 접근성 개선 용역", 1, "식"),
        budget=45_000_000,
        base_price=base,
        award_method="lowest_price",
        categories=["80"],
    )
    contracted.publish_at(now - 40 * day)
    contracted.bid(demo_user, demo_supplier, 36_300_000)
    for user, supplier in others[:2]:
        contracted.bid(user, supplier, rng.randint(37_000, 39_000) * 1000)
    deadline = now - 30 * day
    contracted.close_at(deadline, deadline + dt.timedelta(hours=1))
    contracted.open()
    award = contracted.award(registrar)
    today = timezone.localdate()
    paper = _clearance_grant(registrar, today)
    contract = services.contract_issue(
        actor=registrar,
        number=contracted.tender.number,
        start_date=today,
        end_date=today + 90 * day,
        terms="1. 과업 범위: 구청 홈페이지 웹 접근성 인증 기준 충족.\n"
        "2. 대금 지급: 단계별 검수 후 14일 이내 지급.\n"
        "3. 지체상금: 지체 1일마다 계약금액의 0.05%.",
        **paper,
    )
    first = services.milestone_add(
        actor=registrar,
        contract=contract.number,
        description="1단계: 접근성 진단 보고서",
        due_date=today,
        amount=award.amount * 4 // 10,
    )
    services.milestone_add(
        actor=registrar,
        contract=contract.number,
        description="2단계: 개선 완료 및 인증",
        due_date=today + 80 * day,
        amount=award.amount - award.amount * 4 // 10,
    )
    services.milestone_decide(
        actor=registrar, milestone_id=first.pk, accepted=True, note="진단 보고서 검수 완료"
    )
    services.payment_record(
        actor=registrar,
        milestone_id=first.pk,
        amount=first.amount,
        paid_on=today,
        reference="JONGNO-2026-0001",
    )
    stages = (open_stage, closed, opened, lowest, multiple, contracted)
    for stage in stages:
        stage.record_move()
    return {"suppliers": len(suppliers), "tenders": len(stages), "contracts": 1}
