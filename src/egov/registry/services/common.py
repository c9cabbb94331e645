"""Checks shared by the registry services."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.checks import require_text
from egov.core.errors import ValidationFailed
from egov.registry.addresses import address_structure

NAME_KO_RE = re.compile(r"^[가-힣]{2,20}$")
NAME_EN_RE = re.compile(r"^[A-Za-z][A-Za-z .'\-]{1,79}$")
POSTAL_CODE_RE = re.compile(r"^[0-9]{5}$")


def require_registrar(actor, agency_id: int) -> None:
    require_role(actor, "registrar", agency_id=agency_id)


def require_why(reason: str, legal_basis: str) -> tuple[str, str]:
    """Every register change names why and under which law."""
    return (
        require_text(reason, "reason", label=_("The reason")),
        require_text(legal_basis, "legal_basis", label=_("The legal basis"), max_length=200),
    )


def check_date(value: dt.date | None, field: str, *, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("%(label)s is required.") % {"label": label}, field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    return value


def check_name_ko(value: str) -> str:
    value = (value or "").strip()
    if not NAME_KO_RE.match(value):
        raise ValidationFailed(_("The name in Hangul is 2 to 20 Hangul syllables."), field="name_ko")
    return value


def check_name_en(value: str) -> str:
    value = " ".join((value or "").split())
    if not NAME_EN_RE.match(value):
        raise ValidationFailed(
            _("The romanised name uses Latin letters, spaces, hyphens or apostrophes."),
            field="name_en",
        )
    return value


def check_address(
    road_address: str, address_detail: str, postal_code: str, *, address_key: str = "", agency=None
) -> dict[str, str]:
    """The structured address every register stores (registry.addresses.address_structure)."""
    return address_structure(
        road_address=road_address,
        address_detail=address_detail,
        postal_code=postal_code,
        address_key=address_key,
        agency=agency,
    )


ADDRESS_FIELDS = (
    "road_address", "address_detail", "postal_code", "sido", "sigungu", "road_name", "building_number",
    "address_key",
)  # fmt: skip


def address_of(holder) -> dict[str, str]:
    """The structured address of a resident, household or business, to copy onto another."""
    return {field: getattr(holder, field) for field in ADDRESS_FIELDS}


def check_address_change(current, changes: dict) -> dict[str, str]:
    """The address fields after a correction of some of them on `current` (a resident, household
    or business): a new road-name address (or register key) is resolved as on registration; a
    correction of the detail or the postal code alone keeps the address's parts."""
    typed = " ".join(str(changes.get("road_address", current.road_address) or "").split())
    if typed != current.road_address or changes.get("address_key"):
        return check_address(
            typed,
            changes.get("address_detail", current.address_detail),
            changes.get("postal_code", current.postal_code),
            address_key=changes.get("address_key", ""),
            agency=current.agency,
        )
    detail = " ".join(str(changes.get("address_detail", current.address_detail) or "").split())
    if len(detail) > 100:
        raise ValidationFailed(_("The address detail is longer than 100 characters."), field="address_detail")
    postal = str(changes.get("postal_code", current.postal_code) or "").strip()
    if not POSTAL_CODE_RE.match(postal):
        raise ValidationFailed(_("The postal code is 5 digits."), field="postal_code")
    return {"address_detail": detail, "postal_code": postal}


def check_correctable(changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Refuse, naming the first, any field a correction may not change."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be corrected here: %(fields)s.") % {"fields": ", ".join(unknown)},
            field=unknown[0],
        )


def changed_fields(obj, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) for the fields whose value actually changes."""
    before, after = {}, {}
    for field, value in changes.items():
        current = getattr(obj, field)
        if current != value:
            before[field] = current
            after[field] = value
    return before, after
