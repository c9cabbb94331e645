"""Customs APIs under /api/v1/customs/: declarations (submit, read, amend, withdraw), UN/EDIFACT
CUSDEC in with CUSRES out, and the public statistics and inspection draws.

A declarant's software logs in as a business representative (portal session; send the CSRF
token). The same service stands behind the portal form, this API and EDIFACT
(`services.declaration_submit`); errors are `core.api_schemas.Error` with the field at fault."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth

from egov.core.api_schemas import BRN_PATTERN, Error
from egov.core.errors import ValidationFailed
from egov.customs import edifact, selectors, services
from egov.customs.models import Declaration

router = Router(tags=["customs"])
AUTH = [SessionAuth()]
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
NUMBER = r"^[0-9]{1,15}(\.[0-9]{1,3})?$"


class DeclarationItemIn(Schema):
    description: str = Field(..., min_length=1, max_length=200)
    hs_code: str = Field(..., pattern=r"^[0-9]{4}\.?[0-9]{2}\.?[0-9]{4}$", description="HSK, 10 digits")
    origin: str = Field(..., pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    unit: str = Field(..., pattern=r"^[A-Za-z0-9]{2,3}$", description="UN/ECE Recommendation 20 code")
    quantity: str = Field(..., pattern=NUMBER, description="decimal, as text (up to 3 decimals)")
    value: str = Field(..., pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$", description="in the invoice currency")
    preference: str = Field("", max_length=16, description="the FTA claimed (KORUS, KR-EU, RCEP...)")
    origin_proof: str = Field("", max_length=35)


class DeclarationIn(Schema):
    kind: str = Field(..., pattern="^(import|export)$")
    declarant_reference: str = Field(
        ...,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,34}$",
        description="your reference (LRN): resubmitting it returns the same declaration",
    )
    trader_brn: str = Field(..., pattern=BRN_PATTERN)
    declarant_brn: str | None = Field(None, pattern=BRN_PATTERN)
    transport_mode: str = Field(..., pattern="^[1-57]$", description="UN/ECE Recommendation 19")
    conveyance: str = Field("", max_length=40)
    port_of_loading: str = Field(..., pattern="^[A-Za-z]{2}[A-Za-z2-9]{3}$", description="UN/LOCODE")
    port_of_discharge: str = Field(..., pattern="^[A-Za-z]{2}[A-Za-z2-9]{3}$", description="UN/LOCODE")
    transport_document: str = Field("", max_length=35, description="B/L or AWB (imports)")
    incoterm: str = Field(..., pattern="^[A-Za-z]{3}$")
    currency: str = Field(..., pattern="^[A-Za-z]{3}$", description="ISO 4217")
    invoice_amount: str = Field(..., pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$")
    items: list[DeclarationItemIn] = Field(..., min_length=1, max_length=200)


class DeclarationItemOut(Schema):
    sequence: int
    description: str
    hs_code: str
    origin: str
    unit: str
    quantity: Decimal
    value: Decimal
    preference: str
    customs_value: int
    duty_rate: Decimal
    duty: int
    excise: int
    vat: int
    explanation: list[dict]


class DeclarationStepOut(Schema):
    at: dt.datetime
    state: str
    action: str
    note: str


class DeclarationOut(Schema):
    number: str
    kind: str
    declarant_reference: str
    trader_brn: str
    state: str
    lane: str
    risk_score: int
    rule_set_version: int | None
    fired_rules: list[dict]
    random_draw: dict | None
    hold_reason: str
    customs_value: int
    duty_total: int
    excise_total: int
    vat_total: int
    penalty_total: int
    tax_total: int
    deferred_payment: bool
    release_document: str = Field(
        ...,
        description="The release notice's issuance number; empty until it is issued, a moment after release",
    )
    release_notice_pending: bool = Field(
        ..., description="Released, its notice being signed (issued within seconds by the worker)"
    )
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    items: list[DeclarationItemOut]
    history: list[DeclarationStepOut]


class DeclarationAmendIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
    items: dict[str, dict[str, str]] = Field(default_factory=dict, description="{sequence: {field: value}}")
    conveyance: str | None = Field(None, max_length=40)


class DeclarationWithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


def _out(declaration: Declaration, *, history: bool = True) -> dict:
    record = declaration.risk or {}
    return {
        "number": declaration.number,
        "kind": declaration.kind,
        "declarant_reference": declaration.declarant_reference,
        "trader_brn": declaration.trader.brn,
        "state": declaration.state,
        "lane": declaration.lane,
        "risk_score": declaration.risk_score,
        "rule_set_version": record.get("version"),
        "fired_rules": record.get("fired") or [],
        "random_draw": record.get("draw"),
        "hold_reason": declaration.hold_reason,
        "customs_value": declaration.customs_value,
        "duty_total": declaration.duty_total,
        "excise_total": declaration.excise_total,
        "vat_total": declaration.vat_total,
        "penalty_total": declaration.penalty_total,
        "tax_total": declaration.tax_total,
        "deferred_payment": declaration.deferred_payment,
        "release_document": declaration.release_document,
        "release_notice_pending": declaration.release_notice_pending,
        "submitted_at": declaration.submitted_at,
        "decided_at": declaration.decided_at,
        "items": [
            {
                "sequence": i.sequence,
                "description": i.description,
                "hs_code": i.heading.code,
                "origin": i.origin,
                "unit": i.unit,
                "quantity": i.quantity,
                "value": i.value,
                "preference": i.preference,
                "customs_value": i.customs_value,
                "duty_rate": i.duty_rate,
                "duty": i.duty,
                "excise": i.excise,
                "vat": i.vat,
                "explanation": i.explanation,
            }
            for i in getattr(declaration, "created_items", None) or selectors.declaration_items(declaration)
        ],
        "history": [
            {"at": e.at, "state": e.state, "action": e.action, "note": e.note}
            for e in declaration.events.order_by("at", "id")
        ]
        if history
        else [],
    }


@router.post(
    "/declarations",
    auth=AUTH,
    response={201: DeclarationOut, 200: DeclarationOut, **ERRORS},
    summary="Submit a declaration",
)
def declaration_create(request: HttpRequest, payload: DeclarationIn):
    """Submit an import or export declaration. 201 with what became of it (lane, taxes, the
    release notice's number for a green lane released at once); 200 with the same declaration
    when its `declarant_reference` was submitted before."""
    data = payload.dict()
    items = data.pop("items")
    declaration = services.declaration_submit(actor=request.auth, items=items, **data)
    return Status(201 if getattr(declaration, "created_now", False) else 200, _out(declaration))


@router.get(
    "/declarations", auth=AUTH, response={200: list[DeclarationOut], **ERRORS}, summary="Your declarations"
)
def declaration_list(request: HttpRequest, state: str = ""):
    return [
        _out(d, history=False)
        for d in selectors.declaration_list_for(actor=request.auth, state=state[:16], limit=100)
    ]


@router.get(
    "/declarations/{number}",
    auth=AUTH,
    response={200: DeclarationOut, **ERRORS},
    summary="A declaration, its assessment and every step",
)
def declaration_get(request: HttpRequest, number: str):
    return _out(selectors.declaration_get_for(actor=request.auth, number=number))


@router.post(
    "/declarations/{number}/amendments",
    auth=AUTH,
    response={200: DeclarationOut, **ERRORS},
    summary="Amend a declaration (정정)",
)
def declaration_amend(request: HttpRequest, number: str, payload: DeclarationAmendIn):
    declaration = selectors.declaration_get_for(actor=request.auth, number=number)
    declaration = services.declaration_amend(
        actor=request.auth,
        declaration=declaration,
        reason=payload.reason,
        items=payload.items or None,
        conveyance=payload.conveyance,
    )
    return _out(declaration)


@router.post(
    "/declarations/{number}/withdrawal",
    auth=AUTH,
    response={200: DeclarationOut, **ERRORS},
    summary="Withdraw a declaration (취하)",
)
def declaration_withdraw(request: HttpRequest, number: str, payload: DeclarationWithdrawIn):
    declaration = selectors.declaration_get_for(actor=request.auth, number=number)
    return _out(
        services.declaration_withdraw(actor=request.auth, declaration=declaration, reason=payload.reason)
    )


@router.post(
    "/edifact",
    auth=AUTH,
    response={200: None, 400: Error, 401: Error, 403: Error},
    summary="Submit a UN/EDIFACT CUSDEC (D96B subset); the answer is a CUSRES",
    openapi_extra={
        "requestBody": {
            "content": {"text/plain": {"schema": {"type": "string", "minLength": 1}}},
            "required": True,
        }
    },
)
def edifact_post(request: HttpRequest):
    """The body is the interchange (UNA/UNB...UNZ) as text; the answer, always 200 with
    `application/edifact`, is a CUSRES giving the declaration's number and status, or the error
    code and the segment and element at fault (docs/customs.md)."""
    if not request.body:  # no body at all is a malformed request (the body is required)
        raise ValidationFailed("Send the interchange as the request body.", field="body")
    if not request.body.strip():  # a blank interchange is refused in CUSRES like any syntax error
        error = edifact.CusdecError("SYNTAX", "UNB", "The interchange is empty: send it as the request body.")
        answer = edifact.cusres_build(control="", recipient="", error=error)
    else:
        text = request.body.decode("utf-8", errors="replace")
        answer = edifact.cusdec_receive(actor=request.auth, text=text)
    return HttpResponse(answer, content_type="application/edifact; charset=utf-8")


class InspectionDrawOut(Schema):
    day: dt.date
    seed_commitment: str
    seed_revealed: str


@router.get(
    "/draws",
    response=list[InspectionDrawOut],
    summary="Random inspection draws: commitments and revealed seeds",
)
def draws(request: HttpRequest):
    """Each day's SHA-256 commitment, published before the day's draw, and its seed once the
    day is over: a green declaration numbered N was drawn when the first 8 bytes of
    HMAC-SHA256(seed, N), times 10000, shifted right by 64, fall below the quota (basis points)."""
    return list(selectors.draws_public())


@router.get("/statistics", response=dict, summary="Trade by month, HS chapter and country; clearance times")
def statistics(request: HttpRequest):
    return {"trade": selectors.trade_statistics(), "clearance": selectors.clearance_times()}
