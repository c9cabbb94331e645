"""Duty assessment (세액 산출), item by item and explained line by line.

All money is Decimal then whole won, truncated as the law does (국고금관리법 제47조: less
than one won is not collected); never a float. For each import item:

    customs value (과세가격)  = value x customs exchange rate of the week     -> won, truncated
    duty (관세)               = customs value x the rate that applies          -> the lower of the
                                basic rate and a claimed FTA rate the origin qualifies for
    excise (개별소비세)        = (customs value + duty) x the excise rate, where the line has one
    VAT (부가가치세)           = (customs value + duty + excise) x 10 %

Exports owe nothing; their items still get their customs value (for statistics).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.customs.models import ExchangeRate, TariffHeading, TariffRate

VAT_RATE = Decimal("10")
HUNDRED = Decimal("100")


def won(amount: Decimal) -> int:
    return int(amount.quantize(Decimal("1"), rounding=ROUND_DOWN))


def exchange_rate_on(currency: str, day: dt.date, *, field_name: str = "currency") -> Decimal:
    """The customs exchange rate of `currency` for the week containing `day` (the latest
    weekly rate that took effect on or before it); KRW is 1."""
    if currency == "KRW":
        return Decimal("1")
    rate = (
        ExchangeRate.objects.filter(currency=currency, week_from__lte=day)
        .order_by("-week_from")
        .values_list("won_per_unit", flat=True)
        .first()
    )
    if rate is None:
        raise ValidationFailed(
            _("No customs exchange rate for the currency %(code)s.") % {"code": currency}, field=field_name
        )
    return rate


@dataclass
class Rates:
    """The rates of some tariff lines in force on one day: basic, excise and per FTA."""

    basic: dict[int, TariffRate] = field(default_factory=dict)
    excise: dict[int, TariffRate] = field(default_factory=dict)
    fta: dict[tuple[int, str], TariffRate] = field(default_factory=dict)


def rates_on(headings: list[TariffHeading], day: dt.date) -> Rates:
    """Every rate of `headings` in force on `day`, in one query: the newest row of each kind
    (and agreement) whose effective date is not after `day`."""
    found = Rates()
    rows = TariffRate.objects.filter(
        Q(heading__in=[h.pk for h in headings]), effective_from__lte=day
    ).order_by("heading_id", "kind", "agreement", "-effective_from")
    for rate in rows:
        if rate.kind == TariffRate.Kind.BASIC:
            found.basic.setdefault(rate.heading_id, rate)
        elif rate.kind == TariffRate.Kind.EXCISE:
            found.excise.setdefault(rate.heading_id, rate)
        else:
            found.fta.setdefault((rate.heading_id, rate.agreement), rate)
    return found


@dataclass
class ItemTax:
    customs_value: int
    duty_rate: Decimal
    duty: int
    excise: int
    vat: int
    explanation: list[dict]


def item_assess(
    *,
    kind: str,
    heading: TariffHeading,
    rates: Rates,
    value: Decimal,
    won_per_unit: Decimal,
    currency: str,
    origin: str,
    preference: str,
    origin_proof: str,
    prefix: str,
) -> ItemTax:
    """The taxes of one item and the lines that explain them (each: what, basis, rate, amount).
    A preference claimed for an origin the agreement does not cover, or without its proof, is
    refused naming the item's field."""
    customs_value = won(value * won_per_unit)
    lines = [
        {"step": "customs_value", "basis": f"{value} {currency} x {won_per_unit}", "amount": customs_value}
    ]
    if kind == "export":
        return ItemTax(customs_value, Decimal("0"), 0, 0, 0, lines)
    basic = rates.basic.get(heading.pk)
    if basic is None:
        raise ValidationFailed(
            _("The tariff has no duty rate for %(code)s on this date.") % {"code": heading.code},
            field=f"{prefix}hs_code",
        )
    rate, source = basic.rate, "basic"
    if preference:
        fta = rates.fta.get((heading.pk, preference))
        if fta is None:
            raise ValidationFailed(
                _("No preferential rate under %(fta)s for this tariff line.") % {"fta": preference},
                field=f"{prefix}preference",
            )
        if origin not in fta.origin_countries:
            raise ValidationFailed(
                _("Goods of this origin do not qualify under %(fta)s.") % {"fta": preference},
                field=f"{prefix}origin",
            )
        if fta.proof_required and not origin_proof:
            raise ValidationFailed(
                _("A preference under %(fta)s needs its proof of origin: %(proof)s.")
                % {"fta": preference, "proof": fta.proof_required},
                field=f"{prefix}origin_proof",
            )
        if fta.rate < rate:
            rate, source = fta.rate, f"fta:{preference}"
    duty = won(customs_value * rate / HUNDRED)
    lines.append(
        {
            "step": "duty",
            "basis": str(customs_value),
            "rate": str(rate),
            "source": source,
            "effective_from": (
                basic if source == "basic" else rates.fta[(heading.pk, preference)]
            ).effective_from.isoformat(),
            "amount": duty,
        }
    )
    excise = 0
    excise_rate = rates.excise.get(heading.pk)
    if excise_rate is not None and excise_rate.rate:
        excise = won((customs_value + duty) * excise_rate.rate / HUNDRED)
        lines.append(
            {
                "step": "excise",
                "basis": str(customs_value + duty),
                "rate": str(excise_rate.rate),
                "effective_from": excise_rate.effective_from.isoformat(),
                "amount": excise,
            }
        )
    vat_base = customs_value + duty + excise
    vat = won(vat_base * VAT_RATE / HUNDRED)
    lines.append({"step": "vat", "basis": str(vat_base), "rate": str(VAT_RATE), "amount": vat})
    return ItemTax(customs_value, rate, duty, excise, vat, lines)
