"""The registry's shared items: what other agencies may fetch through `exchange`."""

from egov.exchange.catalogue import shared_item
from egov.registry.models import Business, FamilyRelation, LifeEvent, Resident

MOIS = "1741000"  # Ministry of the Interior and Safety
MOLIT = "1613000"  # Ministry of Land, Infrastructure and Transport
NTS = "1210000"  # National Tax Service


@shared_item(
    code="resident.abstract",
    provider_code=MOIS,
    name_ko="주민등록표 초본",
    name_en="Resident registration abstract",
    fields=("name_ko", "name_en", "birth_date", "sex", "status", "address", "postal_code", "address_history"),
)
def resident_abstract(resident: Resident) -> dict:
    moves = resident.events.filter(kind=LifeEvent.Kind.MOVE).order_by("occurred_on", "id")
    return {
        "name_ko": resident.name_ko,
        "name_en": resident.name_en,
        "birth_date": resident.birth_date.isoformat(),
        "sex": resident.sex,
        "status": resident.status,
        "address": resident.full_address,
        "postal_code": resident.postal_code,
        "address_history": [
            {
                "moved_on": e.occurred_on.isoformat(),
                "address": e.details.get("after", {}).get("road_address", ""),
            }
            for e in moves
        ],
    }


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
def family_relations(resident: Resident) -> dict:
    current = FamilyRelation.objects.filter(ended_on__isnull=True).select_related("person", "relative")
    spouse = current.filter(person=resident, kind="spouse").first()
    return {
        "parents": [_person(r.relative) for r in current.filter(person=resident, kind="parent")],
        "spouse": _person(spouse.relative) if spouse else None,
        "children": [_person(r.person) for r in current.filter(relative=resident, kind="parent")],
    }


@shared_item(
    code="vehicle.registration",
    provider_code=MOLIT,
    name_ko="자동차 등록원부",
    name_en="Vehicle registration",
    fields=("vehicles",),
)
def vehicle_registration(resident: Resident) -> dict:
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
def business_status(resident: Resident) -> dict:
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
