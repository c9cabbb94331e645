"""Declarations: submission, routing by lane, payment and release, the officials' case work,
amendments and withdrawal.

`declaration_submit` is the one service behind the portal form, the JSON API and EDIFACT
CUSDEC. It checks everything before writing anything, then in one transaction creates the
declaration and its items, assesses the taxes, scores the risk under the active rule set,
checks other agencies' permits through the single window, and routes the declaration: a
green lane with nothing to pay (an export), or an AEO's, is released at once with its signed
release notice; a green import waits for its payment order; yellow and red go to the office.

Who may act: a business representative for a trader they represent, or for a trader that
gave their broker firm a mandate valid today; officials of the office (or above) holding the
registrar or agency-administrator role for the case work.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import AgencySystem, BusinessRepresentation
from egov.cases.services import (
    case_files_atomic,
    case_files_store,
    case_lock_for,
    case_number_allocate,
    case_transition,
)
from egov.core import deadlines
from egov.core import files as core_files
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import CaseClock
from egov.customs import risk
from egov.customs.assessment import item_assess, rates_on
from egov.customs.codes import COUNTRIES, INCOTERMS, TRANSPORT_MODES, UNITS
from egov.customs.models import (
    AeoCertificate,
    Amendment,
    Broker,
    Declaration,
    DeclarationDraft,
    DeclarationItem,
    Mandate,
    ManifestLine,
    TariffHeading,
)
from egov.customs.offices import KCS, office_code_for
from egov.customs.periods import EXAMINATION
from egov.customs.procedure import DECLARATION
from egov.customs.reference_cache import reference_current
from egov.customs.services.rules import draw_for
from egov.customs.services.securities import security_to_cover
from egov.exchange.models import Grant
from egov.exchange.services import ExchangeRefused, shared_item_fetch
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_cancel, payment_order_create, payment_order_for_case
from egov.registry.models import Business

MAX_ITEMS = 200
MAX_AMOUNT = Decimal("1e15")
AEO_DEFERRED_DAYS = 20  # business days: the monthly deferred payment (월별납부) of an AEO
UNIPASS = "UNI-PASS"  # the customs service's agency system that checks permits
PORT_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,34}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
PHOTO = "inspection_photo"
SUPPORTING = "supporting_document"


# --- cleaning input --------------------------------------------------------------------------


def _decimal(value, field: str, *, label: str, places: int = 2) -> Decimal:
    """A positive decimal with at most `places` decimals; floats are refused (money and
    quantities are never binary fractions)."""
    if isinstance(value, (bool, float)) or value is None:
        raise ValidationFailed(
            _("%(label)s is a decimal number written as text.") % {"label": label}, field=field
        )
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("%(label)s is not a number.") % {"label": label}, field=field) from None
    if not number.is_finite() or number <= 0:
        raise ValidationFailed(_("%(label)s must be more than zero.") % {"label": label}, field=field)
    if number >= MAX_AMOUNT or -number.as_tuple().exponent > places:
        raise ValidationFailed(
            _("%(label)s has too many digits (at most %(places)d decimals).")
            % {"label": label, "places": places},
            field=field,
        )
    return number


def _code(value, field: str, pattern: re.Pattern, *, message: str) -> str:
    text = str(value or "").strip().upper()
    if not pattern.match(text):
        raise ValidationFailed(message, field=field)
    return text


def _brn(value, field: str) -> str:
    digits = re.sub(r"[\s-]", "", str(value or ""))
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationFailed(_("A business registration number has 10 digits."), field=field)
    return digits


def _businesses_of(actor) -> set[int]:
    if not getattr(actor, "is_business", False):
        return set()
    return set(BusinessRepresentation.objects.filter(user=actor).values_list("business_id", flat=True))


def _mandate_valid(broker: Broker, trader: Business, day: dt.date) -> bool:
    return Mandate.objects.filter(
        broker=broker, trader=trader, valid_from__lte=day, valid_until__gte=day, revoked_at__isnull=True
    ).exists()


def _aeo_of(trader: Business, day: dt.date) -> AeoCertificate | None:
    return (
        AeoCertificate.objects.filter(business=trader, valid_from__lte=day, valid_until__gte=day)
        .order_by("-grade")
        .first()
    )


def _items_clean(items, *, kind: str) -> list[dict]:
    if not isinstance(items, (list, tuple)) or not items:
        raise ValidationFailed(_("A declaration has at least one item."), field="items")
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(_("A declaration has at most %(n)d items.") % {"n": MAX_ITEMS}, field="items")
    cleaned = []
    for index, item in enumerate(items):
        p = f"items[{index}]."
        if not isinstance(item, dict):
            raise ValidationFailed(_("An item is an object."), field=f"items[{index}]")
        hs = re.sub(r"[\s.]", "", str(item.get("hs_code") or ""))
        if not re.fullmatch(r"[0-9]{10}", hs):
            raise ValidationFailed(_("An HS code here has 10 digits (HSK)."), field=f"{p}hs_code")
        origin = str(item.get("origin") or "").strip().upper()
        if origin not in COUNTRIES:
            raise ValidationFailed(_("Give the origin as an ISO 3166 country code."), field=f"{p}origin")
        unit = str(item.get("unit") or "").strip().upper()
        if unit not in UNITS:
            raise ValidationFailed(_("Give the unit as a UN/ECE Recommendation 20 code."), field=f"{p}unit")
        preference = str(item.get("preference") or "").strip().upper()
        if preference and kind == Declaration.Kind.EXPORT:
            raise ValidationFailed(_("A preference is claimed on imports only."), field=f"{p}preference")
        cleaned.append(
            {
                "sequence": index + 1,
                "description": require_text(
                    item.get("description"), f"{p}description", label=_("The description"), max_length=200
                ),
                "hs_code": hs,
                "origin": origin,
                "unit": unit,
                "quantity": _decimal(item.get("quantity"), f"{p}quantity", label=_("The quantity"), places=3),
                "value": _decimal(item.get("value"), f"{p}value", label=_("The value")),
                "preference": preference[:16],
                "origin_proof": str(item.get("origin_proof") or "").strip()[:35],
            }
        )
    return cleaned


# --- submission -----------------------------------------------------------------------------


def declaration_submit(
    *,
    actor,
    kind: str,
    declarant_reference: str,
    trader_brn: str,
    transport_mode: str,
    port_of_loading: str,
    port_of_discharge: str,
    incoterm: str,
    currency: str,
    invoice_amount,
    items: list[dict],
    conveyance: str = "",
    transport_document: str = "",
    declarant_brn: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> Declaration:
    """Submit an import or export declaration and take it as far as it goes by itself.

    `declarant_reference` is the declarant's own reference (LRN): submitting again with the
    same one returns the declaration the first submission made, even when both arrive at once
    (unique constraint). Every refusal names the field at fault (`items[2].hs_code`) and
    writes nothing."""
    mine = _businesses_of(actor)
    if not mine:
        raise PermissionDenied(_("Declarations are submitted by business representatives."))
    reference = _code(
        declarant_reference,
        "declarant_reference",
        REFERENCE_RE,
        message=_("Give your reference for this declaration (up to 35 letters, digits, / . _ -)."),
    )
    reference = str(declarant_reference).strip()
    trader_digits = _brn(trader_brn, "trader_brn")
    trader = Business.objects.filter(brn=trader_digits, status=Business.Status.ACTIVE).first()
    if trader is None:
        raise ValidationFailed(_("No active business has this registration number."), field="trader_brn")
    if declarant_brn:
        declarant = Business.objects.filter(brn=_brn(declarant_brn, "declarant_brn"), pk__in=mine).first()
        if declarant is None:
            raise PermissionDenied(_("You do not represent this declarant."), field="declarant_brn")
    elif trader.pk in mine:
        declarant = trader
    else:
        declarant = Business.objects.filter(pk__in=mine, customs_broker__is_active=True).first()
        if declarant is None:
            raise PermissionDenied(
                _("You represent neither this trader nor a customs broker."), field="trader_brn"
            )
    existing = Declaration.objects.filter(declarant=declarant, declarant_reference=reference).first()
    if existing is not None:
        return existing
    try:
        with case_files_atomic():
            return _submit(
                actor=actor,
                kind=kind,
                reference=reference,
                trader=trader,
                declarant=declarant,
                transport_mode=transport_mode,
                port_of_loading=port_of_loading,
                port_of_discharge=port_of_discharge,
                incoterm=incoterm,
                currency=currency,
                invoice_amount=invoice_amount,
                items=items,
                conveyance=conveyance,
                transport_document=transport_document,
                now=submitted_at or timezone.now(),
            )
    except IntegrityError:
        existing = Declaration.objects.filter(declarant=declarant, declarant_reference=reference).first()
        if existing is not None:  # the same declaration, submitted at the same moment
            return existing
        raise


def _submit(
    *,
    actor,
    kind,
    reference,
    trader,
    declarant,
    transport_mode,
    port_of_loading,
    port_of_discharge,
    incoterm,
    currency,
    invoice_amount,
    items,
    conveyance,
    transport_document,
    now,
) -> Declaration:
    day = timezone.localdate(now)
    if kind not in Declaration.Kind.values:
        raise ValidationFailed(_("Choose import or export."), field="kind")
    broker = None
    if declarant.pk != trader.pk:
        broker = Broker.objects.filter(business=declarant, is_active=True).first()
        if broker is None:
            raise PermissionDenied(
                _("Only a customs broker declares for another business."), field="declarant_brn"
            )
        if not _mandate_valid(broker, trader, day):
            raise ValidationFailed(
                _("Your firm holds no mandate from this trader valid today."),
                field="trader_brn",
                code="no_mandate",
            )
    transport_mode = str(transport_mode or "").strip()
    if transport_mode not in TRANSPORT_MODES:
        raise ValidationFailed(
            _("Give the transport mode as a UN/ECE Recommendation 19 code."), field="transport_mode"
        )
    port_message = _("Give the port as a UN/LOCODE (5 letters, as KRPUS).")
    port_of_loading = _code(port_of_loading, "port_of_loading", PORT_RE, message=port_message)
    port_of_discharge = _code(port_of_discharge, "port_of_discharge", PORT_RE, message=port_message)
    incoterm = str(incoterm or "").strip().upper()
    if incoterm not in INCOTERMS:
        raise ValidationFailed(_("Give an Incoterms 2020 rule (as FOB or CIF)."), field="incoterm")
    currency = _code(currency, "currency", CURRENCY_RE, message=_("Give the currency as an ISO 4217 code."))
    reference_data = reference_current()
    won_per_unit = reference_data.exchange_rate_on(currency, day)
    invoice_amount = _decimal(invoice_amount, "invoice_amount", label=_("The invoice amount"))
    lines = _items_clean(items, kind=kind)
    headings = reference_data.headings({line["hs_code"] for line in lines})
    for index, line in enumerate(lines):
        if line["hs_code"] not in headings:
            raise ValidationFailed(
                _("The tariff has no line with this HS code."), field=f"items[{index}].hs_code"
            )
    total = sum((line["value"] for line in lines), Decimal("0"))
    if total != invoice_amount:
        raise ValidationFailed(
            _("The items' values add up to %(total)s, not the invoice amount %(amount)s.")
            % {"total": total, "amount": invoice_amount},
            field="invoice_amount",
            code="totals",
        )
    conveyance = str(conveyance or "").strip()[:40]
    transport_document = str(transport_document or "").strip().upper()[:35]
    if kind == Declaration.Kind.IMPORT:
        if not transport_document:
            raise ValidationFailed(_("Give the B/L or AWB number."), field="transport_document")
        line = (
            ManifestLine.objects.filter(transport_document=transport_document)
            .select_related("manifest")
            .first()
        )
        if line is None:
            raise ValidationFailed(
                _("No cargo manifest has this B/L or AWB."), field="transport_document", code="no_manifest"
            )
        if line.consignee_id is not None and line.consignee_id != trader.pk:
            raise ValidationFailed(
                _("The manifest names another consignee for this B/L or AWB."),
                field="transport_document",
                code="no_manifest",
            )
        conveyance = conveyance or line.manifest.conveyance
    office = reference_data.office(
        office_code_for(kind=kind, port_of_loading=port_of_loading, port_of_discharge=port_of_discharge)
    )
    if office is None:
        raise Conflict(_("The customs office of this port is not set up."), field="port_of_discharge")

    rates = reference_data.rates_on(list(headings.values()), day)
    taxed = []
    for index, line in enumerate(lines):
        heading = headings[line["hs_code"]]
        tax = item_assess(
            kind=kind,
            heading=heading,
            rates=rates,
            value=line["value"],
            won_per_unit=won_per_unit,
            currency=currency,
            origin=line["origin"],
            preference=line["preference"],
            origin_proof=line["origin_proof"],
            prefix=f"items[{index}].",
        )
        taxed.append((line, heading, tax))
    aeo = _aeo_of(trader, day)
    declaration = Declaration(
        kind=kind,
        filed_by=actor,
        declarant=declarant,
        declarant_reference=reference,
        trader=trader,
        broker=broker,
        agency=office,
        state=Declaration.State.ACCEPTED,
        transport_mode=transport_mode,
        conveyance=conveyance,
        port_of_loading=port_of_loading,
        port_of_discharge=port_of_discharge,
        transport_document=transport_document,
        incoterm=incoterm,
        currency=currency,
        invoice_amount=invoice_amount,
        won_per_unit=won_per_unit,
        customs_value=sum(t.customs_value for _l, _h, t in taxed),
        duty_total=sum(t.duty for _l, _h, t in taxed),
        excise_total=sum(t.excise for _l, _h, t in taxed),
        vat_total=sum(t.vat for _l, _h, t in taxed),
        submitted_at=now,
    )
    declaration.tax_total = declaration.duty_total + declaration.excise_total + declaration.vat_total
    facts = _facts(declaration, taxed, aeo)
    rule_set = reference_data.active_rule_set()
    declaration.number = case_number_allocate(procedure=DECLARATION, at=now, sequenced=False)
    record = {"facts": risk.facts_jsonable(facts), "version": None, "fired": [], "draw": None}
    lane, score = Declaration.Lane.GREEN, 0
    if rule_set is not None:
        compiled = risk.compiled_rule_set(rule_set)
        result = risk.evaluate(compiled, facts)
        lane, score = result.lane, result.score
        record.update(version=rule_set.version, fired=result.fired, score_lane=result.lane)
        if lane == Declaration.Lane.GREEN and compiled.quota_bp:
            draw = draw_for(day)
            selected = risk.drawn(draw.seed, declaration.number, compiled.quota_bp)
            record["draw"] = {
                "day": day.isoformat(),
                "commitment": draw.row.seed_commitment,
                "quota_bp": compiled.quota_bp,
                "selected": selected,
            }
            if selected:
                lane = Declaration.Lane.RED
    declaration.lane, declaration.risk_score, declaration.rule_set, declaration.risk = (
        lane,
        score,
        rule_set,
        record,
    )
    declaration.save(force_insert=True)
    created_items = DeclarationItem.objects.bulk_create(
        [
            DeclarationItem(
                declaration=declaration,
                sequence=line["sequence"],
                description=line["description"],
                heading=heading,
                origin=line["origin"],
                unit=line["unit"],
                quantity=line["quantity"],
                value=line["value"],
                preference=line["preference"],
                origin_proof=line["origin_proof"],
                customs_value=tax.customs_value,
                duty_rate=tax.duty_rate,
                duty=tax.duty,
                excise=tax.excise,
                vat=tax.vat,
                explanation=tax.explanation,
            )
            for line, heading, tax in taxed
        ]
    )
    case_transition(
        actor=actor,
        case=declaration,
        action="submit",
        at=now,
        notify=False,
        data={"lane": lane, "score": score, "rule_set": record["version"]},
        after={
            "kind": kind,
            "reference": reference,
            "trader": trader.brn,
            "lane": lane,
            "score": score,
            "tax_total": declaration.tax_total,
        },
    )
    _route(declaration, aeo=aeo, headings=list(headings.values()), items=created_items)
    declaration.created_now = True  # for the API's 201 (a resubmission answers 200)
    for item in created_items:  # as the database gives them back, for the answer
        for name in ("quantity", "value", "duty_rate"):
            places = DeclarationItem._meta.get_field(name).decimal_places
            setattr(item, name, Decimal(getattr(item, name)).quantize(Decimal(1).scaleb(-places)))
    declaration.created_items = created_items  # in order, with their tariff lines: the answer's

    return declaration


def _facts(declaration: Declaration, taxed, aeo: AeoCertificate | None) -> dict:
    ratios = []
    for line, heading, tax in taxed:
        if heading.reference_unit_price:
            unit_price = Decimal(tax.customs_value) / line["quantity"]
            ratios.append((unit_price / Decimal(heading.reference_unit_price)).quantize(Decimal("0.0001")))
    return {
        "kind": declaration.kind,
        "trader": declaration.trader.brn,
        "declarant": declaration.declarant.brn,
        "aeo_grade": aeo.grade if aeo else "",
        "transport_mode": declaration.transport_mode,
        "port_of_loading": declaration.port_of_loading,
        "origin": frozenset(line["origin"] for line, _h, _t in taxed),
        "hs_chapter": frozenset(h.code[:2] for _l, h, _t in taxed),
        "hs_code": frozenset(h.code for _l, h, _t in taxed),
        "customs_value": declaration.customs_value,
        "unit_price_ratio_min": min(ratios) if ratios else None,
        "unit_price_ratio_max": max(ratios) if ratios else None,
        "item_count": len(taxed),
        "preference_claimed": int(any(line["preference"] for line, _h, _t in taxed)),
    }


# --- routing, payment, release ---------------------------------------------------------------


def _permits_missing(
    declaration: Declaration, headings: list[TariffHeading], items: list[DeclarationItem] | None = None
) -> str:
    """What the single window could not find, as a reason for the trader; "" when every
    permit the items need is held. Each check is a shared-item fetch through `exchange`."""
    needed: dict[str, list[DeclarationItem]] = {}
    by_pk = {h.pk: h for h in headings}
    if declaration.kind != Declaration.Kind.IMPORT:
        return ""  # permits are asked for at import
    items = list(declaration.items.all()) if items is None else items
    for item in items:
        heading = by_pk.get(item.heading_id) or item.heading
        if heading.permit_item and declaration.kind == Declaration.Kind.IMPORT:
            needed.setdefault(heading.permit_item, []).append((item, heading))
    if not needed:
        return ""
    system = (
        AgencySystem.objects.filter(agency__code=KCS, name=UNIPASS, is_active=True)
        .select_related("agency")
        .first()
    )
    reasons = []
    for item_code, pairs in needed.items():
        grant = (
            Grant.objects.filter(
                consumer=system.agency if system else None,
                item__code=item_code,
                status=Grant.Status.APPROVED,
                valid_from__lte=timezone.localdate(),
                valid_until__gte=timezone.localdate(),
            )
            .order_by("-valid_until")
            .first()
        )
        if system is None or grant is None:
            reasons.append(_("The single window cannot check the permits these goods need yet."))
            continue
        try:
            data, _entry = shared_item_fetch(
                actor=system,
                item=item_code,
                subject=declaration.trader.brn,
                purpose=f"통관 요건 확인 (customs requirement check) {declaration.number}",
                basis=f"grant:{grant.pk}",
                fields=["permits"],
                case_ref=f"customs.declaration:{declaration.number}",
            )
        except ExchangeRefused as refused:
            reasons.append(
                _("The single window refused the permit check: %(why)s") % {"why": refused.message}
            )
            continue
        held = data["permits"]  # the trader's own: the item is asked about the trader
        for item, heading in pairs:
            if not any(heading.code.startswith(p["hs_prefix"]) for p in held):
                reasons.append(
                    _("Item %(n)d (%(code)s): the single window found no permit of the issuing agency.")
                    % {"n": item.sequence, "code": heading.code}
                )
    return " ".join(reasons)[:300]


def _route(
    declaration: Declaration,
    *,
    aeo,
    headings: list[TariffHeading],
    items: list[DeclarationItem] | None = None,
    actor=None,
) -> None:
    reason = _permits_missing(declaration, headings, items)
    if reason:
        declaration.hold_reason = reason
        case_transition(
            actor=None,
            case=declaration,
            action="hold",
            fields=["hold_reason"],
            note=reason,
            after={"reason": reason},
        )
        return
    if declaration.lane in (Declaration.Lane.RED, Declaration.Lane.YELLOW):
        declaration.clock = deadlines.clock_start(
            case_type=EXAMINATION,
            case_ref=declaration.case_ref,
            agency=declaration.agency,
            received_at=declaration.submitted_at,
        )
        declaration.save(update_fields=["clock"])
    if declaration.lane == Declaration.Lane.RED:
        case_transition(actor=None, case=declaration, action="route_inspection", note=_lane_note(declaration))
    elif declaration.lane == Declaration.Lane.YELLOW:
        case_transition(actor=None, case=declaration, action="route_review", note=_lane_note(declaration))
    else:
        _settle(declaration, aeo=aeo)


def _lane_note(declaration: Declaration) -> str:
    reasons = [f["reason"] for f in declaration.risk.get("fired", []) if f["weight"] > 0]
    draw = declaration.risk.get("draw") or {}
    if draw.get("selected"):
        reasons.append(_("Selected by the random inspection draw."))
    return " / ".join(reasons)[:1000]


def _settle(declaration: Declaration, *, aeo) -> None:
    """Nothing to pay (an export, or taxes of zero): released now. An AEO: released now, its
    taxes charged for the monthly deferred payment. Anyone else: charged, released once paid."""
    owed = declaration.tax_total + declaration.penalty_total
    if declaration.kind == Declaration.Kind.EXPORT or owed == 0:
        _release(declaration)
        return
    order = payment_order_create(
        actor=None,
        payer=declaration.filed_by,
        business=declaration.trader,
        agency=declaration.agency,
        amount=owed,
        case=declaration,
        purpose=f"관세 등 {declaration.number}",
        due_days=AEO_DEFERRED_DAYS if aeo is not None else None,
    )
    note = f"{owed:,}원 · 가상계좌 {order.virtual_account_display} · ~{order.due_date:%Y-%m-%d}"
    if aeo is not None:
        declaration.deferred_payment = True
        _release(
            declaration,
            note=_("AEO %(grade)s: released before payment; %(note)s") % {"grade": aeo.grade, "note": note},
            fields=["deferred_payment"],
        )
        return
    security = security_to_cover(trader=declaration.trader, amount=owed)
    if security is not None:
        declaration.deferred_payment = True
        declaration.security, declaration.secured_amount = security, owed
        _release(
            declaration,
            note=_("Released before payment against security %(reference)s; %(note)s")
            % {"reference": security.reference, "note": note},
            fields=["deferred_payment", "security", "secured_amount"],
        )
        return
    case_transition(
        actor=None,
        case=declaration,
        action="charge",
        note=note,
        after={"order": order.pk, "amount": owed, "virtual_account": order.virtual_account},
    )


def _clock_close(declaration: Declaration, reason: str) -> None:
    if declaration.clock_id and declaration.clock.state != CaseClock.State.CLOSED:
        deadlines.clock_close(case_ref=declaration.case_ref, reason=reason)


def _release(declaration: Declaration, *, note: str = "", fields: list[str] | None = None) -> None:
    """Release the goods now (수리), in the caller's transaction. The release notice is rendered
    and signed out of the request (`services.notices`, run by `egov worker`), which also tells
    the trader: signing is most of a green declaration's cost, and the release does not wait
    for it."""
    _clock_close(declaration, "released")
    declaration.decided_at = timezone.now()
    declaration.release_note = note[:1000]
    case_transition(
        actor=None,
        case=declaration,
        action="release",
        note=note,
        fields=["decided_at", "release_note", *(fields or [])],
        notify=False,
    )


@transaction.atomic
def declaration_paid(*, order) -> None:
    """The payment order of a declaration is paid (payments calls this back through
    `customs.fees`): one awaiting payment is released; an AEO's, released already, is noted."""
    declaration = Declaration.objects.select_for_update().filter(pk=order.case_id).first()
    if declaration is None:
        return
    if declaration.state == Declaration.State.AWAITING_PAYMENT:
        _release(declaration, note=f"{order.paid_amount:,}원 납부 (paid)")
    elif declaration.secured_amount:
        freed = declaration.secured_amount
        declaration.secured_amount = 0
        declaration.save(update_fields=["secured_amount"])
        audit_record(
            actor=None,
            action="customs.security_free",
            obj=declaration,
            before={"secured_amount": freed},
            after={"secured_amount": 0, "security": declaration.security_id},
        )


# --- the declarant after submission ----------------------------------------------------------


def _may_act_as_declarant(actor, declaration: Declaration) -> None:
    if declaration.declarant_id not in _businesses_of(actor):
        raise PermissionDenied(_("Only the declarant may do this."), field="declaration")


@transaction.atomic
def declaration_withdraw(*, actor, declaration: Declaration, reason: str) -> Declaration:
    """The declarant withdraws a declaration not yet released (취하); an open payment order is
    cancelled. Recorded with the reason."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    declaration = case_lock_for(actor=actor, case=declaration, action="withdraw")
    order = payment_order_for_case(declaration)
    if order is not None and order.state == PaymentOrder.State.OPEN:
        payment_order_cancel(actor=None, order=order, reason=reason)
    declaration.decided_at = timezone.now()
    _clock_close(declaration, "withdrawn")
    case_transition(
        actor=actor, case=declaration, action="withdraw", note=reason, reason=reason, fields=["decided_at"]
    )
    return declaration


AMENDABLE_HEADER = ("conveyance",)
AMENDABLE_ITEM = (
    "description",
    "quantity",
    "value",
    "hs_code",
    "origin",
    "unit",
    "preference",
    "origin_proof",
)


def _reassess_items(declaration: Declaration, changes: dict, *, prefix: str = "items") -> tuple[dict, dict]:
    """Apply item `changes` ({sequence: {field: value}}) and assess again under the rates of the
    acceptance date; returns (before, after) of what changed. The taxes and totals are saved."""
    items = {i.sequence: i for i in declaration.items.select_related("heading")}
    before, after = {}, {}
    if not isinstance(changes, dict) or not changes:
        raise ValidationFailed(_("Say what changes."), field=prefix)
    for key, fields in changes.items():
        try:
            sequence = int(key)
        except (TypeError, ValueError):
            sequence = 0
        if sequence not in items or not isinstance(fields, dict) or not fields:
            raise ValidationFailed(_("No such item."), field=f"{prefix}[{key}]")
        unknown = [f for f in fields if f not in AMENDABLE_ITEM]
        if unknown:
            raise ValidationFailed(_("This cannot be amended."), field=f"{prefix}[{key}].{unknown[0]}")
        item = items[sequence]
        current = {
            "description": item.description,
            "hs_code": item.heading.code,
            "origin": item.origin,
            "unit": item.unit,
            "quantity": str(item.quantity),
            "value": str(item.value),
            "preference": item.preference,
            "origin_proof": item.origin_proof,
        }
        try:
            merged = _items_clean([{**current, **fields}], kind=declaration.kind)[0]
        except ValidationFailed as refused:
            refused.field = (refused.field or "").replace("items[0]", f"{prefix}[{key}]")
            raise
        heading = TariffHeading.objects.filter(code=merged["hs_code"]).first()
        if heading is None:
            raise ValidationFailed(
                _("The tariff has no line with this HS code."), field=f"{prefix}[{key}].hs_code"
            )
        before[str(sequence)] = {f: current[f] for f in fields}
        after[str(sequence)] = {f: str(merged[f]) for f in fields}
        item.description, item.heading, item.origin, item.unit = (
            merged["description"],
            heading,
            merged["origin"],
            merged["unit"],
        )
        item.quantity, item.value = merged["quantity"], merged["value"]
        item.preference, item.origin_proof = merged["preference"], merged["origin_proof"]
    day = timezone.localdate(declaration.submitted_at)
    rates = rates_on([i.heading for i in items.values()], day)
    for item in items.values():
        tax = item_assess(
            kind=declaration.kind,
            heading=item.heading,
            rates=rates,
            value=item.value,
            won_per_unit=declaration.won_per_unit,
            currency=declaration.currency,
            origin=item.origin,
            preference=item.preference,
            origin_proof=item.origin_proof,
            prefix=f"{prefix}[{item.sequence}].",
        )
        item.customs_value, item.duty_rate, item.duty, item.excise, item.vat, item.explanation = (
            tax.customs_value,
            tax.duty_rate,
            tax.duty,
            tax.excise,
            tax.vat,
            tax.explanation,
        )
    DeclarationItem.objects.bulk_update(
        list(items.values()),
        [
            "description",
            "heading",
            "origin",
            "unit",
            "quantity",
            "value",
            "preference",
            "origin_proof",
            "customs_value",
            "duty_rate",
            "duty",
            "excise",
            "vat",
            "explanation",
        ],
    )
    old_total = declaration.tax_total
    declaration.invoice_amount = sum((i.value for i in items.values()), Decimal("0"))
    declaration.customs_value = sum(i.customs_value for i in items.values())
    declaration.duty_total = sum(i.duty for i in items.values())
    declaration.excise_total = sum(i.excise for i in items.values())
    declaration.vat_total = sum(i.vat for i in items.values())
    declaration.tax_total = declaration.duty_total + declaration.excise_total + declaration.vat_total
    before["tax_total"], after["tax_total"] = old_total, declaration.tax_total
    return before, after


TOTAL_FIELDS = ["invoice_amount", "customs_value", "duty_total", "excise_total", "vat_total", "tax_total"]


def _recharge(declaration: Declaration, reason: str) -> None:
    """A declaration awaiting payment whose amount changed: the open order is cancelled and a
    new one charged (an order already partly paid is left to the office)."""
    order = payment_order_for_case(declaration)
    owed = declaration.tax_total + declaration.penalty_total
    if order is not None and order.amount == owed:
        return
    if order is not None:
        if order.state != PaymentOrder.State.OPEN:
            raise Conflict(
                _("A payment has already arrived; the office settles the difference."), field="items"
            )
        payment_order_cancel(actor=None, order=order, reason=reason)
    if owed:
        payment_order_create(
            actor=None,
            payer=declaration.filed_by,
            business=declaration.trader,
            agency=declaration.agency,
            amount=owed,
            case=declaration,
            purpose=f"관세 등 {declaration.number}",
        )


@transaction.atomic
def declaration_amend(
    *, actor, declaration: Declaration, reason: str, items: dict | None = None, conveyance: str | None = None
) -> Declaration:
    """The declarant amends a declaration not yet released (정정): items (by sequence) and the
    conveyance. The taxes are assessed again at the acceptance date's rates; the amendment is
    recorded with before and after, and an open payment order is replaced by one of the new
    amount. The lane stays as decided."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    declaration = case_lock_for(actor=actor, case=declaration, action="amend")
    _may_act_as_declarant(actor, declaration)
    before, after = {}, {}
    if items:
        before, after = _reassess_items(declaration, items)
    if conveyance is not None:
        before["conveyance"], after["conveyance"] = declaration.conveyance, str(conveyance).strip()[:40]
        declaration.conveyance = after["conveyance"]
    if not after:
        raise ValidationFailed(_("Say what changes."), field="items")
    declaration.save(update_fields=[*TOTAL_FIELDS, "conveyance"])
    if declaration.state == Declaration.State.AWAITING_PAYMENT:
        _recharge(declaration, reason)
    Amendment.objects.create(declaration=declaration, actor=actor, reason=reason, before=before, after=after)
    case_transition(
        actor=actor,
        case=declaration,
        action="amend",
        note=reason,
        reason=reason,
        before=before,
        after=after,
        notify=False,
    )
    return declaration


@transaction.atomic
def declaration_recheck(*, actor, declaration: Declaration) -> Declaration:
    """The declarant asks for the permits of a held declaration to be checked again (once the
    issuing agency has issued them): it goes on as it would have at submission."""
    declaration = case_lock_for(actor=actor, case=declaration, action="recheck")
    declaration.hold_reason = ""
    case_transition(actor=actor, case=declaration, action="recheck", fields=["hold_reason"], notify=False)
    headings = [i.heading for i in declaration.items.select_related("heading")]
    _route(declaration, aeo=_aeo_of(declaration.trader, timezone.localdate()), headings=headings)
    return declaration


# --- the officials' case work ------------------------------------------------------------------


@transaction.atomic
def declaration_request_documents(*, actor, declaration: Declaration, note: str) -> Declaration:
    """Ask the declarant for documents (서류 제출 요구): the request is in the history and mail."""
    note = require_text(note, "note", label=_("What is requested"), max_length=2000)
    declaration = case_lock_for(actor=actor, case=declaration, action="request_documents")
    case_transition(actor=actor, case=declaration, action="request_documents", note=note)
    return declaration


def declaration_record_inspection(
    *, actor, declaration: Declaration, findings: str, photos=()
) -> Declaration:
    """Record an inspection's result (검사 결과) with its photos (checked by content, kept with
    the case): the findings are added to the declaration's."""
    findings = require_text(findings, "findings", label=_("The findings"), max_length=4000)
    checked = core_files.files_check(photos, field="photos")
    with case_files_atomic():
        declaration = case_lock_for(actor=actor, case=declaration, action="record_inspection")
        case_files_store(actor=actor, case=declaration, files=checked, purpose=PHOTO)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        declaration.findings = f"{declaration.findings}\n[{stamp}] {findings}".strip()
        case_transition(
            actor=actor,
            case=declaration,
            action="record_inspection",
            fields=["findings"],
            note=findings,
            after={"photos": len(checked)},
            notify=False,
        )
    return declaration


@transaction.atomic
def declaration_reassess(*, actor, declaration: Declaration, items: dict, reason: str) -> Declaration:
    """An official amends the assessment (경정): items (HS code, value, origin, preference...)
    are changed and assessed again; recorded as an amendment with before and after."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    declaration = case_lock_for(actor=actor, case=declaration, action="reassess")
    before, after = _reassess_items(declaration, items)
    declaration.save(update_fields=TOTAL_FIELDS)
    Amendment.objects.create(declaration=declaration, actor=actor, reason=reason, before=before, after=after)
    case_transition(
        actor=actor,
        case=declaration,
        action="reassess",
        note=reason,
        reason=reason,
        before=before,
        after=after,
    )
    return declaration


@transaction.atomic
def declaration_penalize(*, actor, declaration: Declaration, amount, reason: str) -> Declaration:
    """Impose a penalty (가산세·과태료) in whole won, added to what the trader pays."""
    from egov.payments.services import amount_clean

    amount = amount_clean(amount, field="amount")
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    declaration = case_lock_for(actor=actor, case=declaration, action="penalize")
    before = declaration.penalty_total
    declaration.penalty_total += amount
    case_transition(
        actor=actor,
        case=declaration,
        action="penalize",
        fields=["penalty_total"],
        note=f"{amount:,}원: {reason}",
        reason=reason,
        before={"penalty_total": before},
        after={"penalty_total": declaration.penalty_total},
    )
    return declaration


@transaction.atomic
def declaration_approve(*, actor, declaration: Declaration, note: str = "") -> Declaration:
    """Accept the declaration after review or inspection (수리): released now if nothing is
    owed or the trader is an AEO, else charged and released once paid."""
    declaration = case_lock_for(actor=actor, case=declaration, action="approve")
    case_transition(
        actor=actor, case=declaration, action="approve", note=(note or "").strip()[:1000], notify=False
    )
    _settle(declaration, aeo=_aeo_of(declaration.trader, timezone.localdate()))
    return declaration


@transaction.atomic
def declaration_reject(*, actor, declaration: Declaration, reason: str) -> Declaration:
    """Reject the declaration (각하) with the reason; it is closed."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=1000)
    declaration = case_lock_for(actor=actor, case=declaration, action="reject")
    declaration.decided_at = timezone.now()
    _clock_close(declaration, "rejected")
    case_transition(
        actor=actor, case=declaration, action="reject", note=reason, reason=reason, fields=["decided_at"]
    )
    return declaration


# --- drafts of the portal form ----------------------------------------------------------------


@transaction.atomic
def draft_save(*, actor, data: dict, step: int, draft: DeclarationDraft | None = None) -> DeclarationDraft:
    """Save the multi-step form as it stands, to resume later (the actor's own drafts only)."""
    if not _businesses_of(actor):
        raise PermissionDenied(_("Declarations are prepared by business representatives."))
    if draft is not None:
        draft = DeclarationDraft.objects.select_for_update().filter(pk=draft.pk, owner=actor).first()
        if draft is None:
            raise PermissionDenied(_("This draft is not yours."), field="draft")
    else:
        draft = DeclarationDraft(owner=actor)
    draft.data, draft.step, draft.updated_at = data, max(1, min(int(step), 4)), timezone.now()
    draft.save()
    audit_record(actor=actor, action="customs.draft_save", obj=draft, after={"step": draft.step})
    return draft


@transaction.atomic
def draft_submit(*, actor, draft: DeclarationDraft | None, submission: dict):
    """Submit what the multi-step form holds (`declaration_submit`) and, in the same
    transaction, discard the actor's draft it came from: a refusal keeps the draft."""
    declaration = declaration_submit(actor=actor, **submission)
    if draft is not None:
        deleted, _rows = DeclarationDraft.objects.filter(pk=draft.pk, owner=actor).delete()
        if deleted:
            audit_record(
                actor=actor, action="customs.draft_submit", obj=declaration, after={"draft": draft.pk}
            )
    return declaration
