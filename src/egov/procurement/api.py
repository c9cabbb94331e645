"""Procurement APIs under /api/v1/procurement/.

Public (no login): the search of tender notices, a notice with its opening key (raw point
and JWK, what a bidder seals to), its amendments and answered questions, the opening record
once opened, and the platform key that signs bid receipts. A business representative submits
and withdraws sealed bids with their bidding software's token (`Authorization: Bearer
egovbid_…`, issued in the portal: `BidToken`) or with their portal session (send the CSRF token).

What a role sees is decided here: before the opening nobody — the bidder included — gets a
price back, only the sealed string's hash and the signed receipt.
"""

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from egov.core import keys
from egov.core.api_schemas import BRN_PATTERN, Error
from egov.core.errors import NotFound
from egov.procurement import crypto, ocds, reserve, selectors, services
from egov.procurement.categories import CATEGORIES
from egov.procurement.models import Award, Bid, ReserveDraw, Tender

router = Router(tags=["procurement"])


class BidTokenAuth(HttpBearer):
    """A live bidding software token (`services.token_user`). Its user becomes `request.auth`
    and `request.user`, as a session's user would be; no CSRF token is needed, since the
    browser never sends this header on its own."""

    def authenticate(self, request: HttpRequest, token: str):
        user = services.token_user(token)
        if user is not None:
            request.user = user
        return user


class PortalSessionAuth(SessionAuth):
    """The portal session, with its CSRF check; not consulted when the request presents an
    Authorization header, so a dead token is answered 401, not judged as a session."""

    def __call__(self, request: HttpRequest):
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        return super().__call__(request)


# Bidding software first (one query, no session), then the portal session.
BIDDER_AUTH = [BidTokenAuth(), PortalSessionAuth()]


class TenderAgencyOut(Schema):
    code: str
    name_ko: str
    name_en: str


class TenderSummaryOut(Schema):
    number: str
    title: str
    agency: TenderAgencyOut
    categories: list[str]
    budget: int
    base_price: int
    award_method: str
    deadline: dt.datetime
    opening_at: dt.datetime
    state: str


class ProcurementItemOut(Schema):
    description: str
    quantity: int
    unit: str


class DocumentOut(Schema):
    title: str
    url: str


class AmendmentOut(Schema):
    amended_at: dt.datetime
    reason: str
    changes: dict


class ClarificationOut(Schema):
    asked_at: dt.datetime
    question: str
    answer: str
    answered_at: dt.datetime | None


class OpeningKeyOut(Schema):
    alg: str
    raw: str
    jwk: dict


class OpenedBidOut(Schema):
    supplier: str
    brn: str
    submitted_at: dt.datetime
    sealed_sha256: str
    price: int | None
    picks: list[int]
    rank: int | None
    valid: bool
    invalid_reason: str
    excluded_reason: str
    score: dict | None


class ScoreOut(Schema):
    supplier: str
    brn: str
    price: int
    rank: int
    score: dict


class AwardOut(Schema):
    supplier: str
    brn: str
    amount: int
    reason: str
    awarded_at: dt.datetime
    scores: list[ScoreOut]


class ReserveDrawOut(Schema):
    derivation: str
    seed: str
    seed_commitment: str
    bid_hashes: list[str]
    base_price: int
    range_bp: int
    prices: list[int]
    pick_counts: list[int]
    chosen: list[int]
    tie_rule: str
    estimated_price: int
    floor_rate: str
    floor_amount: int
    drawn_at: dt.datetime


class ContractSupplierOut(Schema):
    name: str
    brn: str


class MilestoneSummaryOut(Schema):
    description: str
    due_date: dt.date
    amount: int
    state: str
    paid: int


class ContractOut(Schema):
    number: str
    tender: str
    supplier: ContractSupplierOut
    amount: int
    start_date: dt.date
    end_date: dt.date
    signed_at: dt.datetime
    status: str
    completed_at: dt.datetime | None
    document_number: str
    verification_url: str
    milestones: list[MilestoneSummaryOut]
    paid_total: int


class CancellationOut(Schema):
    cancelled_at: dt.datetime
    reason: str


class TenderOut(TenderSummaryOut):
    description: str
    items: list[ProcurementItemOut]
    documents: list[DocumentOut]
    published_at: dt.datetime
    bids_open: bool
    opening_key: OpeningKeyOut
    amendments: list[AmendmentOut]
    clarifications: list[ClarificationOut]
    opened_at: dt.datetime | None
    cancellation: CancellationOut | None  # a cancelled notice (취소공고): when and why
    opening_record: list[OpenedBidOut]
    reserve_range_bp: int | None
    floor_rate: str | None
    reserve_seed_commitment: str | None
    scoring_rules: dict | None
    reserve_draw: ReserveDrawOut | None
    award: AwardOut | None
    contract: ContractOut | None
    ocid: str


class CategoryOut(Schema):
    code: str
    name_ko: str
    name_en: str


# "v1.<epk>.<iv>.<ciphertext+tag>" in base64url: a P-256 point (33 or 65 bytes), a 12-byte IV
# and at least 17 bytes of ciphertext (crypto.sealed_parse; whether the point lies on the
# curve is checked there, not here).
SEALED_PATTERN = r"^v1\.([A-Za-z0-9_-]{44}|[A-Za-z0-9_-]{87})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{23,}$"


class BidIn(Schema):
    brn: str = Field(pattern=BRN_PATTERN, description="The supplier's business registration number.")
    sealed: str = Field(
        pattern=SEALED_PATTERN, max_length=crypto.MAX_SEALED_LENGTH, description="The sealed bid."
    )


class WithdrawIn(Schema):
    brn: str = Field(pattern=BRN_PATTERN, description="The supplier's business registration number.")


class ReceiptOut(Schema):
    bid: int
    state: str
    submitted_at: dt.datetime
    sealed_sha256: str
    receipt: str
    signature: str
    key_id: str


class ReceiptKeyOut(Schema):
    key_id: str
    alg: str
    public_key_pem: str


def _summary(tender: Tender) -> dict:
    return {
        "number": tender.number,
        "title": tender.title,
        "agency": tender.agency,
        "categories": tender.categories,
        "budget": tender.budget,
        "base_price": tender.base_price,
        "award_method": tender.award_method,
        "deadline": tender.deadline,
        "opening_at": tender.opening_at,
        "state": tender.state,
    }


def opened_bid(bid: Bid) -> dict:
    return {
        "supplier": bid.supplier.business.name,
        "brn": bid.supplier.business.brn,
        "submitted_at": bid.submitted_at,
        "sealed_sha256": bid.sealed_sha256,
        "price": bid.price,
        "picks": bid.picks or [],
        "rank": bid.rank,
        "valid": bid.is_valid,
        "invalid_reason": bid.invalid_reason,
        "excluded_reason": bid.excluded_reason,
        "score": bid.score,
    }


def tender_detail(tender: Tender) -> dict:
    point = bytes(tender.opening_public_key)
    record = selectors.opening_record(tender=tender)
    return {
        **_summary(tender),
        "description": tender.description,
        "items": tender.items,
        "documents": tender.documents,
        "published_at": tender.published_at,
        "bids_open": selectors.bids_open(tender),
        "opening_key": {
            "alg": "ECDH-P256+HKDF-SHA256+A256GCM",
            "raw": crypto.b64u(point),
            "jwk": crypto.public_jwk(point),
        },
        "amendments": list(tender.amendments.all()),
        "clarifications": [c for c in tender.clarifications.all() if c.answered_at],
        "opened_at": tender.opened_at,
        "cancellation": (
            {"cancelled_at": tender.cancelled_at, "reason": tender.cancel_reason}
            if tender.state == Tender.State.CANCELLED
            else None
        ),
        "opening_record": [opened_bid(b) for b in record],
        "reserve_range_bp": tender.reserve_range_bp,
        "floor_rate": str(tender.floor_rate) if tender.floor_rate is not None else None,
        "reserve_seed_commitment": tender.reserve_seed_commitment or None,
        "scoring_rules": tender.scoring_rules,
        "reserve_draw": _reserve_draw(tender),
        "award": _award(tender, record),
        "contract": contract_summary(tender),
        "ocid": ocds.ocid_of(tender),
    }


def _reserve_draw(tender: Tender) -> dict | None:
    """The public draw (after the opening only; before it, only the seed's commitment is out)."""
    draw = ReserveDraw.objects.filter(tender=tender).first()
    if draw is None:
        return None
    return {
        "derivation": reserve.DERIVATION,
        "seed": draw.seed,
        "seed_commitment": draw.seed_commitment,
        "bid_hashes": draw.bid_hashes,
        "base_price": draw.base_price,
        "range_bp": draw.range_bp,
        "prices": draw.prices,
        "pick_counts": draw.pick_counts,
        "chosen": draw.chosen,
        "tie_rule": "most picks first; on equal counts the lower number first",
        "estimated_price": draw.estimated_price,
        "floor_rate": str(draw.floor_rate),
        "floor_amount": draw.floor_amount,
        "drawn_at": draw.drawn_at,
        "rows": [  # for the notice page; not in the API schema
            {"number": n, "price": price, "picks": count, "chosen": n in draw.chosen}
            for n, (price, count) in enumerate(zip(draw.prices, draw.pick_counts, strict=True), start=1)
        ],
    }


def _award(tender: Tender, record: list[Bid]) -> dict | None:
    award = Award.objects.filter(tender=tender).select_related("bid__supplier__business").first()
    if award is None:
        return None
    business = award.bid.supplier.business
    return {
        "supplier": business.name,
        "brn": business.brn,
        "amount": award.amount,
        "reason": award.reason,
        "awarded_at": award.awarded_at,
        "scores": [
            {
                "supplier": b.supplier.business.name,
                "brn": b.supplier.business.brn,
                "price": b.price,
                "rank": b.rank,
                "score": b.score,
            }
            for b in record
            if b.score
        ],
    }


def contract_summary(tender: Tender) -> dict | None:
    """What the public sees of the contract: no notes, no payment references, no officials."""
    contract = selectors.contract_of(tender)
    if contract is None:
        return None
    business = contract.supplier.business
    milestones = list(contract.milestones.annotate(paid=Coalesce(Sum("payments__amount"), 0)))
    return {
        "number": contract.number,
        "tender": tender.number,
        "supplier": {"name": business.name, "brn": business.brn},
        "amount": contract.amount,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "signed_at": contract.issued_at,
        "status": contract.state,
        "completed_at": contract.completed_at,
        "document_number": contract.document.number,
        "verification_url": selectors.document_verification_url(contract.document),
        "milestones": [
            {
                "description": m.description,
                "due_date": m.due_date,
                "amount": m.amount,
                "state": m.state,
                "paid": m.paid,
                "state_label": m.get_state_display(),  # for the notice page; not in the API schema
            }
            for m in milestones
        ],
        "paid_total": sum(m.paid for m in milestones),
    }


def _receipt(bid: Bid) -> dict:
    return {
        "bid": bid.pk,
        "state": bid.state,
        "submitted_at": bid.submitted_at,
        "sealed_sha256": bid.sealed_sha256,
        "receipt": bid.receipt,
        "signature": bid.receipt_signature,
        "key_id": bid.receipt_key_id,
    }


@router.get("/categories", response=list[CategoryOut], summary="Product categories (UNSPSC segments)")
def category_list(request: HttpRequest):
    return [{"code": code, "name_ko": ko, "name_en": en} for code, (ko, en) in CATEGORIES.items()]


@router.get("/tenders", response=list[TenderSummaryOut], summary="Search tender notices")
def tender_list(request: HttpRequest, q: str = "", category: str = "", open_only: bool = True):
    """Tender notices by title, number or agency (`q`), product category; by default only those
    still taking bids, soonest deadline first (at most 200)."""
    return [_summary(t) for t in selectors.tender_search(query=q, category=category, open_only=open_only)]


@router.get("/tenders/{number}", response={200: TenderOut, 404: Error}, summary="A tender notice")
def tender_get(request: HttpRequest, number: str):
    """The notice, its opening key (seal bids to it: see `egov.procurement.crypto`), amendments,
    answered questions and — once opened — the opening record (with each bid's picks, rank,
    and why it cannot win, if so). A multiple reserve price tender shows the SHA-256 commitment
    of its seed before the opening and the whole draw after it (`reserve_draw`: recompute it
    with `egov.procurement.reserve`); the award carries the qualification scores."""
    return tender_detail(selectors.tender_get_public(number=number))


@router.get(
    "/tenders/{number}/contract",
    response={200: ContractOut, 404: Error},
    summary="The contract of an awarded tender",
)
def contract_get(request: HttpRequest, number: str):
    """The public summary of the tender's contract: number, supplier, amount, period, status,
    the milestones with what is paid, and the verification page of the signed contract (the
    document itself is for the agency and the supplier). 404 `not_found` before the contract."""
    contract = contract_summary(selectors.tender_get_public(number=number))
    if contract is None:
        raise NotFound(_("This tender has no contract yet."), field="contract")
    return contract


@router.post(
    "/tenders/{number}/bids",
    auth=BIDDER_AUTH,
    response={201: ReceiptOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Submit (or replace) a sealed bid",
)
def bid_create(request: HttpRequest, number: str, payload: BidIn):
    """`sealed` is the bid sealed on your side (`v1.<epk>.<iv>.<ciphertext>`); a live bid of the
    same supplier is replaced. The answer is the platform-signed receipt: keep it."""
    bid = services.bid_submit(actor=request.auth, number=number, brn=payload.brn, sealed=payload.sealed)
    return Status(201, _receipt(bid))


@router.post(
    "/tenders/{number}/bids/withdraw",
    auth=BIDDER_AUTH,
    response={200: ReceiptOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Withdraw the supplier's live bid",
)
def bid_withdraw(request: HttpRequest, number: str, payload: WithdrawIn):
    return _receipt(services.bid_withdraw(actor=request.auth, number=number, brn=payload.brn))


@router.get("/receipt-key", response=ReceiptKeyOut, summary="The key that signs bid receipts")
def receipt_key(request: HttpRequest):
    """The platform's Ed25519 public key: a receipt's `signature` (base64url) is its signature of
    the `receipt` string's UTF-8 bytes."""
    key = keys.platform_key()
    return {"key_id": key.key_id, "alg": "Ed25519", "public_key_pem": key.public_pem().decode()}


def _public_tenders():
    return Tender.objects.all()


@router.get(
    "/ocds/bulk/releases.json",
    response={200: dict},
    summary="OCDS 1.1 release package of every tender (bulk, streamed)",
    url_name="procurement_ocds_bulk_releases",
)
def ocds_bulk_releases(request: HttpRequest):
    """Every release of every tender, oldest tender first, in one release package streamed as it
    is read (100 tenders at a time)."""
    return _stream(ocds.bulk_package(_public_tenders(), kind="releases", uri=request.build_absolute_uri()))


@router.get(
    "/ocds/bulk/records.json",
    response={200: dict},
    summary="OCDS 1.1 record package of every tender (bulk, streamed)",
    url_name="procurement_ocds_bulk_records",
)
def ocds_bulk_records(request: HttpRequest):
    """Every tender's record (its releases embedded and the compiled release) in one record
    package, streamed."""
    return _stream(ocds.bulk_package(_public_tenders(), kind="records", uri=request.build_absolute_uri()))


def _stream(pieces) -> StreamingHttpResponse:
    return StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")


def _process(ocid: str) -> ocds.Process:
    tender = selectors.tender_get_public(number=ocds.number_of(ocid) or "")
    return ocds.process_of(tender)


@router.get(
    "/ocds/{ocid}",
    response={200: dict, 404: Error},
    summary="OCDS 1.1 release package of a tender",
    url_name="procurement_ocds",
)
def ocds_release(request: HttpRequest, ocid: str):
    """Every release of the tender as an Open Contracting Data Standard 1.1 release package (with
    our bids extension), oldest first: one per event — publication (`tender`), each amendment
    (`tenderAmendment`), the opening (`tenderUpdate`: bid details) and the award (`award`)."""
    return ocds.release_package(_process(ocid), uri=request.build_absolute_uri())


@router.get(
    "/ocds/{ocid}/record",
    response={200: dict, 404: Error},
    summary="OCDS 1.1 record package of a tender",
    url_name="procurement_ocds_record",
)
def ocds_record(request: HttpRequest, ocid: str):
    """The tender's record: every release embedded and the compiled release (merged by the OCDS
    1.1.5 merge rules)."""
    return ocds.record_package(_process(ocid), uri=request.build_absolute_uri())
