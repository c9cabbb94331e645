"""The registry's shared items: what other agencies may fetch through `exchange`.

Each item's `serve(resident, fields)` reads only the fields asked for (see
`egov.core.shared_items`)."""

from collections.abc import Callable, Collection

from django.db.models import Max

from egov.core.shared_items import shared_item
from egov.registry.models import Business, FamilyRelation, LifeEvent, Resident

MOIS = "1741000"  # Ministry of the Interior and Safety
MOLIT = "1613000"  # Ministry of Land, Infrastructure and Transport
NTS = "1210000"  # National Tax Service


def _address_history(resident: Resident) -> list[dict]:
    moves = resident.events.filter(kind=LifeEvent.Kind.MOVE).order_by("occurred_on", "id")
    return [
        {"moved_on": e.occurred_on.isoformat(), "address": e.details.get("after", {}).get("road_address", "")}
        for e in moves
    ]


# Each field of the abstract and how to read it: only the fields asked for are read, so the
# address history (a query of its own) costs nothing to a query that does not want it.
_ABSTRACT: dict[str, Callable[[Resident], object]] = {
    "name_ko": lambda r: r.name_ko,
    "name_en": lambda r: r.name_en,
    "birth_date": lambda r: r.birth_date.isoformat(),
    "sex": lambda r: r.sex,
    "status": lambda r: r.status,
    "address": lambda r: r.full_address,
    "postal_code": lambda r: r.postal_code,
    "address_history": _address_history,
}


@shared_item(
    code="resident.abstract",
    provider_code=MOIS,
    name_ko="주민등록표 초본",
    name_en="Resident registration abstract",
    fields=tuple(_ABSTRACT),
)
def resident_abstract(resident: Resident, fields: Collection[str]) -> dict:
    return {field: _ABSTRACT[field](resident) for field in fields}


def _person(resident: Resident) -> dict:
    return {
        "name_ko": resident.name_ko,
        "birth_date": resident.birth_date.isoformat(),
        "rrn": resident.rrn_masked,
    }


@shared_item(
    code="family.relations",
    provider_code=MOIS,
    name_ko="가족관계증명",
    name_en="Family relations",
    fields=("parents", "spouse", "children"),
)
def family_relations(resident: Resident, fields: Collection[str]) -> dict:
    current = FamilyRelation.objects.filter(ended_on__isnull=True).select_related("person", "relative")
    served = {}
    if "parents" in fields:
        served["parents"] = [_person(r.relative) for r in current.filter(person=resident, kind="parent")]
    if "spouse" in fields:
        spouse = current.filter(person=resident, kind="spouse").first()
        served["spouse"] = _person(spouse.relative) if spouse else None
    if "children" in fields:
        served["children"] = [_person(r.person) for r in current.filter(relative=resident, kind="parent")]
    return served


@shared_item(
    code="vehicle.registration",
    provider_code=MOLIT,
    name_ko="자동차 등록원부",
    name_en="Vehicle registration",
    fields=("vehicles",),
)
def vehicle_registration(resident: Resident, fields: Collection[str]) -> dict:
    return {
        "vehicles": [
            {
                "plate": v.plate,
                "vin": v.vin,
                "model_name": v.model_name,
                "model_year": v.model_year,
                "registered_on": v.registered_on.isoformat(),
            }
            for v in resident.vehicles.filter(deregistered_on__isnull=True).order_by("id")
        ]
    }


@shared_item(
    code="business.status",
    provider_code=NTS,
    name_ko="사업자등록 상태",
    name_en="Business registration status",
    fields=("businesses",),
)
def business_status(resident: Resident, fields: Collection[str]) -> dict:
    return {
        "businesses": [
            {
                "brn": b.brn_formatted,
                "name": b.name,
                "status": b.status,
                "opened_on": b.opened_on.isoformat(),
                "closed_on": b.closed_on.isoformat() if b.closed_on else None,
            }
            for b in Business.objects.filter(representative=resident).order_by("id")
        ]
    }


def _household_members(household) -> list[Resident]:
    return list(
        household.members.filter(status=Resident.Status.RESIDENT).order_by("birth_date", "id")
        if household
        else []
    )


def _joined_on(members: list[Resident]) -> dict[int, str]:
    """Each member's 전입일: the day they came to the current address (their last move, or their
    registration or birth when they never moved), in one query for the household."""
    rows = (
        LifeEvent.objects.filter(
            resident__in=members,
            kind__in=(LifeEvent.Kind.MOVE, LifeEvent.Kind.REGISTRATION, LifeEvent.Kind.BIRTH),
        )
        .values("resident_id")
        .annotate(last=Max("occurred_on"))
    )
    return {row["resident_id"]: row["last"].isoformat() for row in rows}


@shared_item(
    code="resident.household",
    provider_code=MOIS,
    name_ko="주민등록표 등본 (세대)",
    name_en="Resident registration copy (household)",
    fields=("household_number", "address", "members", "member_numbers"),
)
def resident_household(resident: Resident, fields: Collection[str]) -> dict:
    """The household the resident belongs to. `member_numbers` (full ID numbers, keyed by
    member) is a field of its own so that a grant or a request can leave it out."""
    household = resident.household
    members = _household_members(household)
    served = {}
    if "household_number" in fields:
        served["household_number"] = household.number if household else ""
    if "address" in fields:
        served["address"] = resident.full_address
    if "members" in fields:
        joined = _joined_on(members)
        served["members"] = [
            {
                "ref": str(m.pk),
                "name_ko": m.name_ko,
                "relation": m.get_relation_to_head_display() if m.relation_to_head else "",
                "birth_date": m.birth_date.isoformat(),
                "rrn": m.rrn_masked,
                "joined_on": joined.get(m.pk, ""),
            }
            for m in members
        ]
    if "member_numbers" in fields:
        served["member_numbers"] = {str(m.pk): m.rrn_reveal() for m in members}
    return served
