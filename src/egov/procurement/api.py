"""Procurement APIs under /api/v1/procurement/.

Public (no login): the search of tender notices, a notice with its opening key (raw point
and JWK, what a bidder seals to), its amendments and answered questions, the opening record
once opened, and the platform key that signs bid receipts. A business representative's
session (the portal login; send the CSRF token) submits and withdraws sealed bids.

What a role sees is decided here: before the opening nobody — the bidder included — gets a
price back, only the sealed string's hash and the signed receipt.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from egov.core import keys
from egov.procurement import crypto, ocds, selectors, services
from egov.procurement.categories import CATEGORIES
from egov.procurement.models import Award, Bid, Tender

router = Router(tags=["procurement"])


class Error(Schema):
    code: str
    message: str
    field: str | None


class AgencyOut(Schema):
    code: str
    name_ko: str
    name_en: str


class TenderSummaryOut(Schema):
    number: str
    title: str
    agency: AgencyOut
    categories: list[str]
    budget: int
    base_price: int
    award_method: str
    deadline: dt.datetime
    opening_at: dt.datetime
    state: str


class ItemOut(Schema):
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
    rank: int | None
    valid: bool
    invalid_reason: str


class AwardOut(Schema):
    supplier: str
    brn: str
    amount: int
    reason: str
    awarded_at: dt.datetime


class TenderOut(TenderSummaryOut):
    description: str
    items: list[ItemOut]
    documents: list[DocumentOut]
    published_at: dt.datetime
    bids_open: bool
    opening_key: OpeningKeyOut
    amendments: list[AmendmentOut]
    clarifications: list[ClarificationOut]
    opened_at: dt.datetime | None
    opening_record: list[OpenedBidOut]
    award: AwardOut | None
    ocid: str


class CategoryOut(Schema):
    code: str
    name_ko: str
    name_en: str


class BidIn(Schema):
    brn: str
    sealed: str


class WithdrawIn(Schema):
    brn: str


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
        "rank": bid.rank,
        "valid": bid.is_valid,
        "invalid_reason": bid.invalid_reason,
    }


def tender_detail(tender: Tender) -> dict:
    point = bytes(tender.opening_public_key)
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
        "opening_record": [opened_bid(b) for b in selectors.opening_record(tender=tender)],
        "award": _award(tender),
        "ocid": ocds.ocid_of(tender),
    }


def _award(tender: Tender) -> dict | None:
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
    answered questions and — once opened — the opening record."""
    return tender_detail(selectors.tender_get_public(number=number))


@router.post(
    "/tenders/{number}/bids",
    auth=django_auth,
    response={201: ReceiptOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Submit (or replace) a sealed bid",
)
def bid_create(request: HttpRequest, number: str, payload: BidIn):
    """`sealed` is the bid sealed on your side (`v1.<epk>.<iv>.<ciphertext>`); a live bid of the
    same supplier is replaced. The answer is the platform-signed receipt: keep it."""
    bid = services.bid_submit(actor=request.user, number=number, brn=payload.brn, sealed=payload.sealed)
    return Status(201, _receipt(bid))


@router.post(
    "/tenders/{number}/bids/withdraw",
    auth=django_auth,
    response={200: ReceiptOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Withdraw the supplier's live bid",
)
def bid_withdraw(request: HttpRequest, number: str, payload: WithdrawIn):
    return _receipt(services.bid_withdraw(actor=request.user, number=number, brn=payload.brn))


@router.get("/receipt-key", response=ReceiptKeyOut, summary="The key that signs bid receipts")
def receipt_key(request: HttpRequest):
    """The platform's Ed25519 public key: a receipt's `signature` (base64url) is its signature of
    the `receipt` string's UTF-8 bytes."""
    key = keys.platform_key()
    return {"key_id": key.key_id, "alg": "Ed25519", "public_key_pem": key.public_pem().decode()}


@router.get(
    "/ocds/{ocid}",
    response={200: dict, 404: Error},
    summary="OCDS 1.1 release package of a tender",
    url_name="procurement_ocds",
)
def ocds_release(request: HttpRequest, ocid: str):
    """The tender's current stage as an Open Contracting Data Standard 1.1 release, in a release
    package (with the bids extension): tender, bids (count before the opening, details after)
    and award."""
    number = ocds.number_of(ocid)
    tender = selectors.tender_get_public(number=number or "")
    return ocds.release_package(tender, uri=request.build_absolute_uri())
