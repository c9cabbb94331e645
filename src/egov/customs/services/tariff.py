"""The dated tariff: a new rate or exchange rate is a new row from its effective date; nothing
is overwritten, so a declaration is always assessed under the schedule of its acceptance date."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.customs.codes import COUNTRIES
from egov.customs.models import ExchangeRate, TariffHeading, TariffRate

TARIFF_ROLE = "agency_admin"


def _rate(value, field: str, *, places: int, top: Decimal) -> Decimal:
    if isinstance(value, (bool, float)):
        raise ValidationFailed(_("Write the rate as a decimal number."), field=field)
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Write the rate as a decimal number."), field=field) from None
    if not rate.is_finite() or rate < 0 or rate >= top or -rate.as_tuple().exponent > places:
        raise ValidationFailed(_("The rate is out of range."), field=field)
    return rate


def _effective(value: dt.date) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Give the date it takes effect."), field="effective_from")
    if value < timezone.localdate():
        raise ValidationFailed(
            _("A rate takes effect today or later; the past is not rewritten."), field="effective_from"
        )
    return value


@transaction.atomic
def tariff_rate_record(
    *,
    actor,
    code: str,
    kind: str,
    rate,
    effective_from: dt.date,
    agreement: str = "",
    origin_countries: list[str] | None = None,
    proof_required: str = "",
) -> TariffRate:
    """Record a rate of a tariff line from `effective_from` (today or later)."""
    require_role(actor, TARIFF_ROLE)
    heading = TariffHeading.objects.filter(code=str(code or "").strip()).first()
    if heading is None:
        raise ValidationFailed(_("The tariff has no line with this HS code."), field="code")
    if kind not in TariffRate.Kind.values:
        raise ValidationFailed(_("Choose the kind of rate."), field="kind")
    agreement = (agreement or "").strip().upper()[:16]
    countries = [c.strip().upper() for c in origin_countries or [] if c.strip()]
    if kind == TariffRate.Kind.FTA:
        if not agreement:
            raise ValidationFailed(_("Name the agreement."), field="agreement")
        bad = [c for c in countries if c not in COUNTRIES]
        if not countries or bad:
            raise ValidationFailed(
                _("List the origin countries as ISO 3166 codes."), field="origin_countries"
            )
    else:
        agreement, countries = "", []
    row = TariffRate(
        heading=heading,
        kind=kind,
        agreement=agreement,
        origin_countries=countries,
        proof_required=(proof_required or "").strip()[:100],
        rate=_rate(rate, "rate", places=3, top=Decimal(1000)),
        effective_from=_effective(effective_from),
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(
            _("A rate of this kind already takes effect on that date."), field="effective_from"
        ) from None
    audit_record(
        actor=actor,
        action="customs.tariff_rate_record",
        obj=row,
        after={
            "code": heading.code,
            "kind": kind,
            "agreement": agreement,
            "rate": str(row.rate),
            "effective_from": row.effective_from.isoformat(),
        },
    )
    return row


@transaction.atomic
def exchange_rate_record(*, actor, currency: str, won_per_unit, week_from: dt.date) -> ExchangeRate:
    """Record the customs exchange rate of a currency for the week from `week_from`."""
    require_role(actor, TARIFF_ROLE)
    currency = str(currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha() or currency == "KRW":
        raise ValidationFailed(_("Give the currency as an ISO 4217 code."), field="currency")
    row = ExchangeRate(
        currency=currency,
        won_per_unit=_rate(won_per_unit, "won_per_unit", places=4, top=Decimal(10**7)),
        week_from=_effective(week_from),
    )
    if row.won_per_unit == 0:
        raise ValidationFailed(_("The rate is out of range."), field="won_per_unit")
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(_("This week's rate is already recorded."), field="week_from") from None
    audit_record(
        actor=actor,
        action="customs.exchange_rate_record",
        obj=row,
        after={
            "currency": currency,
            "won_per_unit": str(row.won_per_unit),
            "week_from": row.week_from.isoformat(),
        },
    )
    return row
