"""Read queries shared by pages and APIs. Every `_for(actor=...)` selector enforces who may see
what: an official sees the registers of their agency and the agencies below it; a citizen
sees only themselves and their household."""

import re

from django.db import connection
from django.db.models import Case, Prefetch, QuerySet, When
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core.crypto import blind_index
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.ids import IdentifierError, brn_parse, plate_parse, rrn_parse, vin_parse
from egov.registry.models import (
    Agency,
    Business,
    FamilyRelation,
    Household,
    LifeEvent,
    Resident,
    Vehicle,
)

SEARCH_LIMIT = 50
HANGUL_RE = re.compile(r"^[가-힣]+$")
NAME_PREFIX_MIN = 2


def resident_get_by_rrn(*, rrn: str) -> Resident | None:
    """Look up a resident by national ID through the blind index; None if not registered.

    Raises ValidationFailed(field="rrn") for a malformed number. No permission check: for
    services (exchange, registration) that do their own.
    """
    try:
        parsed = rrn_parse(rrn)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="rrn") from None
    # rrn_index is unique, so get() is exact; `.first()` would add an ORDER BY id that costs
    # a sort in the plan and a good share of the ORM's query compilation on this hot path.
    try:
        return Resident.objects.get(rrn_index=blind_index(parsed.digits))
    except Resident.DoesNotExist:
        return None


def _byte_collation() -> str:
    return "C" if connection.vendor == "postgresql" else "BINARY"


def _official_sees(actor, agency_id: int) -> bool:
    return agency_id in agency_scope_ids(actor) and (
        has_role(actor, "viewer") or has_role(actor, "registrar")
    )


def _require_viewer(actor) -> set[int]:
    scope = agency_scope_ids(actor)
    if not scope or not (has_role(actor, "viewer") or has_role(actor, "registrar")):
        raise PermissionDenied(_("Only officials with a register role may browse the registers."))
    return scope


def resident_search_for(*, actor, query: str) -> QuerySet[Resident]:
    """Search residents in the official's scope by full ID number or name prefix."""
    scope = _require_viewer(actor)
    query = (query or "").strip()
    base = Resident.objects.filter(agency_id__in=scope).select_related("agency")
    if any(ch.isdigit() for ch in query):
        resident = resident_get_by_rrn(rrn=query)
        return base.filter(pk=resident.pk if resident else None)
    if len(query) < NAME_PREFIX_MIN:
        raise ValidationFailed(
            _("Enter at least %(n)d characters of the name, or a full ID number.") % {"n": NAME_PREFIX_MIN},
            field="q",
        )
    if not HANGUL_RE.match(query):
        raise ValidationFailed(_("Names are searched in Hangul."), field="q")
    # Filter and order on the byte-ordered name so the (name COLLATE "C", id) index made in
    # migration 0002 serves both and the scan stops after SEARCH_LIMIT entries.
    return (
        base.alias(name_bytes=Collate("name_ko", _byte_collation()))
        .filter(name_bytes__startswith=query)
        .order_by("name_bytes", "id")[:SEARCH_LIMIT]
    )


def resident_get_for(*, actor, resident_id: int) -> Resident:
    """A resident the actor may see: an official in scope, or the citizen themselves.

    Anything else is NotFound, so nobody learns whether a record exists.
    """
    resident = (
        Resident.objects.select_related("agency", "household", "household__head")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None:
        raise NotFound(_("No such resident."))
    if getattr(actor, "is_citizen", False) and actor.resident_id == resident.pk:
        return resident
    if _official_sees(actor, resident.agency_id):
        return resident
    raise NotFound(_("No such resident."))


def resident_events(*, resident: Resident) -> QuerySet[LifeEvent]:
    return resident.events.select_related("recorded_by").order_by("-occurred_on", "-id")


def resident_family(*, resident: Resident) -> dict[str, list[FamilyRelation]]:
    """Current parents, spouse and children of a resident (already authorised)."""
    current = FamilyRelation.objects.filter(ended_on__isnull=True)
    parents = list(current.filter(person=resident, kind="parent").select_related("relative"))
    spouses = list(current.filter(person=resident, kind="spouse").select_related("relative"))
    children = list(current.filter(relative=resident, kind="parent").select_related("person"))
    return {"parents": parents, "spouses": spouses, "children": children}


def vehicles_of(*, resident: Resident) -> QuerySet[Vehicle]:
    """The resident's registered vehicles (not deregistered); the caller got the resident from
    `resident_get_for`."""
    return resident.vehicles.filter(deregistered_on__isnull=True)


def household_members(*, household: Household) -> QuerySet[Resident]:
    """Members as the register lists them: the head first, then by age."""
    head_first = Case(When(relation_to_head=Resident.Relation.HEAD, then=0), default=1)
    return household.members.order_by(head_first, "birth_date", "id")


def household_get_for(*, actor, household_id: int) -> Household:
    household = Household.objects.select_related("agency", "head").filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("No such household."))
    if getattr(actor, "is_citizen", False) and actor.resident.household_id == household.pk:
        return household
    if _official_sees(actor, household.agency_id):
        return household
    raise NotFound(_("No such household."))


def business_search_for(*, actor, query: str) -> QuerySet[Business]:
    scope = _require_viewer(actor)
    query = (query or "").strip()
    base = Business.objects.filter(agency_id__in=scope).select_related("representative")
    if query.replace("-", "").isdigit():
        try:
            return base.filter(brn=brn_parse(query))
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="q") from None
    if len(query) < NAME_PREFIX_MIN:
        raise ValidationFailed(
            _("Enter at least %(n)d characters of the name, or a business number.") % {"n": NAME_PREFIX_MIN},
            field="q",
        )
    if not query.isprintable():
        raise ValidationFailed(_("The search contains characters that cannot be searched."), field="q")
    return base.filter(name__startswith=query).order_by("name", "id")[:SEARCH_LIMIT]


def business_get_for(*, actor, business_id: int) -> Business:
    business = Business.objects.select_related("agency", "representative").filter(pk=business_id).first()
    if business is None:
        raise NotFound(_("No such business."))
    if (
        getattr(actor, "is_business", False)
        and actor.representations.filter(business_id=business.pk).exists()
    ):
        return business
    if _official_sees(actor, business.agency_id):
        return business
    raise NotFound(_("No such business."))


def businesses_of(*, user) -> QuerySet[Business]:
    return Business.objects.filter(pk__in=user.representations.values("business_id")).order_by("name")


def vehicle_search_for(*, actor, query: str) -> QuerySet[Vehicle]:
    scope = _require_viewer(actor)
    query = (query or "").strip().replace(" ", "")
    base = Vehicle.objects.filter(agency_id__in=scope).select_related("owner_resident", "owner_business")
    if len(query) == 17:
        try:
            return base.filter(vin=vin_parse(query))
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field="q") from None
    try:
        return base.filter(plate=plate_parse(query))
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="q") from None


def vehicle_get_for(*, actor, vehicle_id: int) -> Vehicle:
    vehicle = (
        Vehicle.objects.select_related("agency", "owner_resident", "owner_business")
        .prefetch_related(Prefetch("events", queryset=_vehicle_events()))
        .filter(pk=vehicle_id)
        .first()
    )
    if vehicle is None:
        raise NotFound(_("No such vehicle."))
    if getattr(actor, "is_citizen", False) and vehicle.owner_resident_id == actor.resident_id:
        return vehicle
    if _official_sees(actor, vehicle.agency_id):
        return vehicle
    raise NotFound(_("No such vehicle."))


def _vehicle_events():
    from egov.registry.models import VehicleEvent

    return VehicleEvent.objects.select_related("recorded_by").order_by("-occurred_on", "-id")


def register_counts_for(*, actor) -> dict[str, int]:
    """How many living residents, current households and businesses the official's scope holds
    (totals only, so any official of the agency may see them)."""
    scope = agency_scope_ids(actor)
    return {
        "resident_count": Resident.objects.filter(agency_id__in=scope, status="resident").count(),
        "household_count": Household.objects.filter(agency_id__in=scope, dissolved_on__isnull=True).count(),
        "business_count": Business.objects.filter(agency_id__in=scope).count(),
    }


def agencies_for(*, actor) -> QuerySet[Agency]:
    """The agencies an official acts for: theirs and those below it."""
    return Agency.objects.filter(id__in=agency_scope_ids(actor)).order_by("code")


def household_get_by_number_for(*, actor, number: str) -> Household | None:
    """A household in the official's scope by its number; None if there is none."""
    return Household.objects.filter(number=number.strip(), agency_id__in=agency_scope_ids(actor)).first()


def business_get_by_brn(*, brn: str) -> Business | None:
    """A business by registration number, or None. Raises ValidationFailed(field="brn") for a
    malformed number. No permission check: a business's registration status is public
    (like the NTS's 사업자등록상태조회)."""
    try:
        digits = brn_parse(brn)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="brn") from None
    return Business.objects.filter(brn=digits).first()


def resident_vehicles(*, resident: Resident) -> QuerySet:
    """The vehicles a resident owns (the caller got the resident from `resident_get_for`)."""
    return resident.vehicles.all()


def resident_businesses(*, resident: Resident) -> QuerySet:
    """The businesses a resident represents (the caller got the resident from `resident_get_for`)."""
    return resident.businesses.all()


def business_events(*, business: Business) -> QuerySet:
    """A business's history, newest first, with who recorded each step (the caller got the
    business from `business_get_for`)."""
    return business.events.select_related("recorded_by").order_by("-occurred_on", "-id")


def business_vehicles(*, business: Business) -> QuerySet:
    """The vehicles a business owns (the caller got the business from `business_get_for`)."""
    return business.vehicles.all()
