"""The vehicle register (자동차등록원부): registration and transfers of ownership."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.audit import audit_record, jsonable
from egov.core.errors import Conflict, ValidationFailed
from egov.core.ids import IdentifierError, plate_parse, vin_parse
from egov.registry.models import Agency, Business, Resident, Vehicle, VehicleEvent
from egov.registry.services.common import (
    changed_fields,
    check_correctable,
    check_date,
    require_registrar,
    require_text,
    require_why,
)

CORRECTABLE_FIELDS = ("plate", "model_name", "model_year")


def _owner_fields(owner: Resident | Business) -> dict:
    if isinstance(owner, Resident):
        if not owner.is_alive:
            raise ValidationFailed(_("The owner is registered as deceased."), field="owner")
        return {"owner_resident": owner, "owner_business": None}
    if isinstance(owner, Business):
        if owner.status != Business.Status.ACTIVE:
            raise ValidationFailed(_("The owning business is not active."), field="owner")
        return {"owner_resident": None, "owner_business": owner}
    raise ValidationFailed(_("The owner is a resident or a business from the registers."), field="owner")


def _owner_label(vehicle: Vehicle) -> dict:
    if vehicle.owner_resident_id:
        return {"owner_resident": vehicle.owner_resident_id}
    return {"owner_business": vehicle.owner_business_id}


def _check_model_year(model_year: int) -> int:
    this_year = timezone.localdate().year
    if not isinstance(model_year, int) or not 1900 <= model_year <= this_year + 1:
        raise ValidationFailed(
            _("The model year is between 1900 and %(max)d.") % {"max": this_year + 1}, field="model_year"
        )
    return model_year


def _parse(parser, value: str, field: str) -> str:
    try:
        return parser(value)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field=field) from None


@transaction.atomic
def vehicle_register(
    *,
    actor,
    plate: str,
    vin: str,
    model_name: str,
    model_year: int,
    owner: Resident | Business,
    agency: Agency,
    registered_on: dt.date,
    reason: str,
    legal_basis: str = "자동차관리법 제8조 (Motor Vehicle Management Act art. 8)",
) -> Vehicle:
    """Register a vehicle: a unique plate, a VIN with a valid check digit, one owner."""
    require_registrar(actor, agency.pk)
    reason, legal_basis = require_why(reason, legal_basis)
    plate = _parse(plate_parse, plate, "plate")
    vin = _parse(vin_parse, vin, "vin")
    model_name = require_text(model_name, "model_name", label=_("The model"), max_length=80)
    model_year = _check_model_year(model_year)
    owner_fields = _owner_fields(owner)
    registered_on = check_date(registered_on, "registered_on", label=_("The registration date"))
    if Vehicle.objects.filter(plate=plate).exists():
        raise Conflict(_("This plate number is already registered."), field="plate")
    if Vehicle.objects.filter(vin=vin).exists():
        raise Conflict(_("A vehicle with this VIN is already registered."), field="vin")
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(
                plate=plate,
                vin=vin,
                model_name=model_name,
                model_year=model_year,
                agency=agency,
                registered_on=registered_on,
                **owner_fields,
            )
    except IntegrityError:
        raise Conflict(_("This plate or VIN is already registered."), field="plate") from None
    VehicleEvent.objects.create(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.REGISTRATION,
        occurred_on=registered_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details=_owner_label(vehicle),
    )
    audit_record(
        actor=actor,
        action="vehicle.register",
        obj=vehicle,
        after={"plate": plate, "vin": vin, **_owner_label(vehicle)},
        reason=reason,
        legal_basis=legal_basis,
    )
    return vehicle


@transaction.atomic
def vehicle_transfer(
    *,
    actor,
    vehicle: Vehicle,
    new_owner: Resident | Business,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = "자동차관리법 제12조 (Motor Vehicle Management Act art. 12)",
) -> Vehicle:
    """Transfer ownership (이전등록) to a living resident or an active business."""
    require_registrar(actor, vehicle.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if vehicle.deregistered_on:
        raise Conflict(_("This vehicle is deregistered."), field=None)
    owner_fields = _owner_fields(new_owner)
    if (
        owner_fields["owner_resident"] and owner_fields["owner_resident"].pk == vehicle.owner_resident_id
    ) or (owner_fields["owner_business"] and owner_fields["owner_business"].pk == vehicle.owner_business_id):
        raise ValidationFailed(_("The new owner is the current owner."), field="owner")
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The transfer date"))
    last = vehicle.events.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
    if last and occurred_on < last:
        raise ValidationFailed(
            _("The transfer date is before the last recorded change."), field="occurred_on"
        )
    before = _owner_label(vehicle)
    for field, value in owner_fields.items():
        setattr(vehicle, field, value)
    vehicle.save(update_fields=list(owner_fields))
    after = _owner_label(vehicle)
    VehicleEvent.objects.create(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.TRANSFER,
        occurred_on=occurred_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": before, "after": after},
    )
    audit_record(
        actor=actor,
        action="vehicle.transfer",
        obj=vehicle,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return vehicle


@transaction.atomic
def vehicle_correct(*, actor, vehicle: Vehicle, changes: dict, reason: str, legal_basis: str) -> Vehicle:
    """Correct a vehicle's plate, model or model year; the old values stay in the history."""
    require_registrar(actor, vehicle.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    check_correctable(changes, CORRECTABLE_FIELDS)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    clean = dict(changes)
    if "plate" in clean:
        clean["plate"] = _parse(plate_parse, clean["plate"], "plate")
        if Vehicle.objects.filter(plate=clean["plate"]).exclude(pk=vehicle.pk).exists():
            raise Conflict(_("This plate number is already registered."), field="plate")
    if "model_name" in clean:
        clean["model_name"] = require_text(
            clean["model_name"], "model_name", label=_("The model"), max_length=80
        )
    if "model_year" in clean:
        clean["model_year"] = _check_model_year(clean["model_year"])
    before, after = changed_fields(vehicle, clean)
    if not after:
        raise ValidationFailed(_("Nothing would change."), field=None)
    for field, value in after.items():
        setattr(vehicle, field, value)
    try:
        with transaction.atomic():
            vehicle.save(update_fields=list(after))
    except IntegrityError:
        raise Conflict(_("This plate number is already registered."), field="plate") from None
    VehicleEvent.objects.create(
        vehicle=vehicle,
        kind=VehicleEvent.Kind.CORRECTION,
        occurred_on=timezone.localdate(),
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": jsonable(before), "after": jsonable(after)},
    )
    audit_record(
        actor=actor,
        action="vehicle.correct",
        obj=vehicle,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return vehicle
