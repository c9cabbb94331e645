"""The business register (사업자등록)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.audit import audit_record, jsonable
from egov.core.errors import Conflict, ValidationFailed
from egov.core.ids import IdentifierError, brn_parse
from egov.registry.models import Agency, Business, BusinessEvent, Resident
from egov.registry.services.common import (
    changed_fields,
    check_address,
    check_address_change,
    check_correctable,
    check_date,
    require_registrar,
    require_text,
    require_why,
)

# status -> the history kind that records entering it, and the statuses it may follow
TRANSITIONS = {
    Business.Status.SUSPENDED: (BusinessEvent.Kind.SUSPENDED, {Business.Status.ACTIVE}),
    Business.Status.ACTIVE: (BusinessEvent.Kind.RESUMED, {Business.Status.SUSPENDED}),
    Business.Status.CLOSED: (
        BusinessEvent.Kind.CLOSED,
        {Business.Status.ACTIVE, Business.Status.SUSPENDED},
    ),
}
CORRECTABLE_FIELDS = (
    "name",
    "road_address",
    "address_detail",
    "postal_code",
    "address_key",
    "representative",
)


def _check_representative(representative: Resident) -> Resident:
    if not isinstance(representative, Resident):
        raise ValidationFailed(
            _("Choose the representative from the resident register."), field="representative"
        )
    if not representative.is_alive:
        raise ValidationFailed(_("The representative is registered as deceased."), field="representative")
    return representative


@transaction.atomic
def business_register(
    *,
    actor,
    brn: str,
    name: str,
    representative: Resident,
    road_address: str,
    address_detail: str = "",
    postal_code: str,
    address_key: str = "",
    agency: Agency,
    opened_on: dt.date,
    reason: str,
    legal_basis: str = "부가가치세법 제8조 (VAT Act art. 8)",
) -> Business:
    """Register a business under its 10-digit registration number."""
    require_registrar(actor, agency.pk)
    reason, legal_basis = require_why(reason, legal_basis)
    try:
        brn = brn_parse(brn)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="brn") from None
    name = require_text(name, "name", label=_("The business name"), max_length=100)
    _check_representative(representative)
    address = check_address(road_address, address_detail, postal_code, address_key=address_key, agency=agency)
    opened_on = check_date(opened_on, "opened_on", label=_("The opening date"))
    if Business.objects.filter(brn=brn).exists():
        raise Conflict(_("A business with this registration number exists."), field="brn")
    try:
        with transaction.atomic():
            business = Business.objects.create(
                brn=brn,
                name=name,
                representative=representative,
                agency=agency,
                opened_on=opened_on,
                **address,
            )
    except IntegrityError:
        raise Conflict(_("A business with this registration number exists."), field="brn") from None
    BusinessEvent.objects.create(
        business=business,
        kind=BusinessEvent.Kind.OPENED,
        occurred_on=opened_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"name": name, "representative": representative.pk},
    )
    audit_record(
        actor=actor,
        action="business.register",
        obj=business,
        after={"brn": brn, "name": name},
        reason=reason,
        legal_basis=legal_basis,
    )
    return business


@transaction.atomic
def business_status_change(
    *, actor, business: Business, status: str, occurred_on: dt.date, reason: str, legal_basis: str
) -> Business:
    """Suspend, resume or close a business; closing is final."""
    require_registrar(actor, business.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    business = Business.objects.select_for_update().get(pk=business.pk)
    if status not in TRANSITIONS:
        raise ValidationFailed(_("Choose active, suspended or closed."), field="status")
    kind, allowed_from = TRANSITIONS[status]
    if business.status not in allowed_from:
        raise Conflict(
            _("A business that is %(current)s cannot become %(new)s.")
            % {"current": business.get_status_display(), "new": Business.Status(status).label},
            field="status",
        )
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date"))
    if occurred_on < business.opened_on:
        raise ValidationFailed(_("The date is before the business opened."), field="occurred_on")
    before = {"status": business.status}
    business.status = status
    if status == Business.Status.SUSPENDED:
        business.suspended_on = occurred_on
    elif status == Business.Status.ACTIVE:
        business.suspended_on = None
    else:
        business.closed_on = occurred_on
    business.save(update_fields=["status", "suspended_on", "closed_on"])
    BusinessEvent.objects.create(
        business=business,
        kind=kind,
        occurred_on=occurred_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": before, "after": {"status": status}},
    )
    audit_record(
        actor=actor,
        action="business.status_change",
        obj=business,
        before=before,
        after={"status": status},
        reason=reason,
        legal_basis=legal_basis,
    )
    return business


@transaction.atomic
def business_correct(*, actor, business: Business, changes: dict, reason: str, legal_basis: str) -> Business:
    """Correct a business's name, address or representative; the old values stay in the history."""
    require_registrar(actor, business.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    check_correctable(changes, CORRECTABLE_FIELDS)
    business = Business.objects.select_for_update().get(pk=business.pk)
    if business.status == Business.Status.CLOSED:
        raise Conflict(_("A closed business cannot be corrected."), field=None)
    clean = dict(changes)
    if "name" in clean:
        clean["name"] = require_text(clean["name"], "name", label=_("The business name"), max_length=100)
    if "representative" in clean:
        _check_representative(clean["representative"])
    if {"road_address", "address_detail", "postal_code", "address_key"} & set(clean):
        address = check_address_change(business, clean)
        clean.pop("address_key", None)  # the resolved address brings its key (or none)
        clean.update(address)
    before, after = changed_fields(business, clean)
    if not after:
        raise ValidationFailed(_("Nothing would change."), field=None)
    for field, value in after.items():
        setattr(business, field, value)
    business.save(update_fields=list(after))
    BusinessEvent.objects.create(
        business=business,
        kind=BusinessEvent.Kind.CORRECTION,
        occurred_on=timezone.localdate(),
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": jsonable(before), "after": jsonable(after)},
    )
    audit_record(
        actor=actor,
        action="business.correct",
        obj=business,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return business
