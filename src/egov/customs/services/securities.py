"""Securities (담보): a trader lodges a security with customs (cash, guarantee insurance, a bank
guarantee), recorded by a customs official; while its free balance covers a declaration's
duties, the goods are released before payment (`declarations._settle`), and paying frees the
balance again (`declarations.declaration_paid`). A security belongs to the customs office that
recorded it: only that office's officials (and those above it) see it and release it."""

import datetime as dt

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.customs.models import SecurityDeposit
from egov.customs.offices import customs_official_require
from egov.payments.services import amount_clean
from egov.registry.models import Business

SECURITY_ROLE = "registrar"


def _customs_official(actor) -> None:
    customs_official_require(actor, SECURITY_ROLE)


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field=field) from None


@transaction.atomic
def security_deposit_register(
    *, actor, trader_brn: str, kind: str, reference: str, amount, valid_from, valid_until
) -> SecurityDeposit:
    """Record a security a trader lodged (담보 제공) with the official's office, with its amount
    in won and validity."""
    _customs_official(actor)
    business = Business.objects.filter(brn=str(trader_brn or "").replace("-", "").strip()).first()
    if business is None:
        raise ValidationFailed(_("No business has this registration number."), field="trader_brn")
    if kind not in SecurityDeposit.Kind.values:
        raise ValidationFailed(_("Choose the kind of security."), field="kind")
    reference = require_text(reference, "reference", label=_("The security's number"), max_length=35)
    amount = amount_clean(amount, field="amount")
    valid_from, valid_until = _date(valid_from, "valid_from"), _date(valid_until, "valid_until")
    if valid_until < valid_from:
        raise ValidationFailed(_("The security ends before it starts."), field="valid_until")
    if SecurityDeposit.objects.filter(business=business, reference=reference).exists():
        raise ValidationFailed(_("This security is recorded already."), field="reference")
    deposit = SecurityDeposit.objects.create(
        business=business,
        kind=kind,
        reference=reference,
        amount=amount,
        valid_from=valid_from,
        valid_until=valid_until,
        office=actor.agency,
        registered_by=actor,
    )
    audit_record(
        actor=actor,
        action="customs.security_register",
        obj=deposit,
        after={
            "trader": business.brn,
            "kind": kind,
            "amount": amount,
            "valid_until": valid_until,
            "office": actor.agency.code,
        },
    )
    return deposit


def security_held(deposit: SecurityDeposit) -> int:
    """The part of the security that declarations released against it and not yet paid hold."""
    return deposit.declarations.aggregate(used=Sum("secured_amount"))["used"] or 0


@transaction.atomic
def security_deposit_release(*, actor, deposit_id: int, reason: str) -> SecurityDeposit:
    """Release a security (담보 해제) at the trader's request: it covers nothing from now on.
    Refused while unpaid released declarations hold part of it; a security of another office
    does not exist for the official (NotFound)."""
    _customs_official(actor)
    deposit = (
        SecurityDeposit.objects.select_for_update()
        .filter(pk=deposit_id, office_id__in=agency_scope_ids(actor))
        .select_related("business")
        .first()
    )
    if deposit is None:
        raise NotFound(_("No such security."), field="security")
    if deposit.released_at is not None:
        raise Conflict(_("This security is released already."), field="security", code="released")
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    held = security_held(deposit)
    if held:
        raise Conflict(
            _("Unpaid released declarations still hold %(held)s won of this security.")
            % {"held": f"{held:,}"},
            field="security",
            code="held",
        )
    deposit.released_at, deposit.released_by, deposit.release_reason = timezone.now(), actor, reason
    deposit.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_record(
        actor=actor,
        action="customs.security_release",
        obj=deposit,
        before={"released_at": None},
        after={"trader": deposit.business.brn, "reference": deposit.reference, "reason": reason},
    )
    return deposit


def security_free_balance(deposit: SecurityDeposit) -> int:
    """What the security still covers: its amount less what unpaid releases use of it."""
    return deposit.amount - security_held(deposit)


def security_to_cover(*, trader: Business, amount: int, day: dt.date | None = None) -> SecurityDeposit | None:
    """A valid security of `trader` whose free balance covers `amount`, locked until the
    caller's transaction ends (two releases never overdraw it); None when there is none."""
    day = day or timezone.localdate()
    for deposit in (
        SecurityDeposit.objects.select_for_update()
        .filter(business=trader, valid_from__lte=day, valid_until__gte=day, released_at__isnull=True)
        .order_by("valid_until", "id")
    ):
        if security_free_balance(deposit) >= amount:
            return deposit
    return None
