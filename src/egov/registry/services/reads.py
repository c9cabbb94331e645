"""What the registry's back office and API show of people, reported to the exchange's access
log (through `egov.core.reads`, the registry sitting below the exchange) so each person sees
it on "who looked at my data". The pages call these after their selectors and before they
render: one transaction, and on PostgreSQL one round trip, per page."""

from collections.abc import Iterable

from egov.core.reads import people_shown
from egov.registry.models import Business, Household, Resident, Vehicle

PURPOSE = "주민등록 사무 처리 (resident registration work)"
LEGAL_BASIS = "주민등록법 제2조 (Resident Registration Act art. 2)"
REVEAL_PURPOSE = "주민등록번호 전체 확인 (full ID number checked)"


def _report(*, actor, shown: list[tuple[Resident | int | None, str]], purpose: str = PURPOSE) -> None:
    people_shown(actor=actor, shown=[(s, w) for s, w in shown if s is not None], purpose=purpose,
                 legal_basis=LEGAL_BASIS)  # fmt: skip


def resident_record_shown(*, actor, resident: Resident, family: dict, members: Iterable[Resident]) -> None:
    """An official opened `resident`'s record, which also lists their family and household."""
    shown = [(resident, "registry.resident")]
    shown += [(r.relative_id, "registry.family") for r in [*family["parents"], *family["spouses"]]]
    shown += [(r.person_id, "registry.family") for r in family["children"]]
    shown += [(m, "registry.household") for m in members if m.pk != resident.pk]
    _report(actor=actor, shown=shown)


def resident_shown(*, actor, resident: Resident) -> None:
    """An official read `resident`'s record alone (the API's resident)."""
    _report(actor=actor, shown=[(resident, "registry.resident")])


def household_shown(*, actor, household: Household, members: Iterable[Resident]) -> None:
    """An official opened a household, which lists its members."""
    _report(actor=actor, shown=[(m, "registry.household") for m in members])


def residents_listed(*, actor, found: Iterable[Resident]) -> None:
    """An official's search listed these residents."""
    _report(actor=actor, shown=[(r, "registry.search") for r in found])


def vehicle_shown(*, actor, vehicle: Vehicle) -> None:
    """An official opened a vehicle, which names its owner (a resident; a business is no person)."""
    _report(actor=actor, shown=[(vehicle.owner_resident_id, "registry.vehicle")])


def vehicles_listed(*, actor, found: Iterable[Vehicle]) -> None:
    """An official's search listed these vehicles, each with its owner's name."""
    _report(actor=actor, shown=[(v.owner_resident_id, "registry.search") for v in found])


def business_shown(*, actor, business: Business) -> None:
    """An official opened a business, which names its representative."""
    _report(actor=actor, shown=[(business.representative_id, "registry.business")])


def businesses_listed(*, actor, found: Iterable[Business]) -> None:
    """An official's search listed these businesses, each with its representative's name."""
    _report(actor=actor, shown=[(b.representative_id, "registry.search") for b in found])


def rrn_revealed(*, actor, resident: Resident) -> None:
    """An official was shown `resident`'s full ID number (in `resident_rrn_reveal`'s transaction)."""
    _report(actor=actor, shown=[(resident, "registry.rrn_reveal")], purpose=REVEAL_PURPOSE)
