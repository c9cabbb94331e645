"""Residents, households and family relations (주민등록, 가족관계)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.core.audit import audit_record
from egov.core.crypto import blind_index, encrypt_id
from egov.core.errors import Conflict, ValidationFailed
from egov.core.ids import IdentifierError, rrn_parse
from egov.registry.models import Agency, FamilyRelation, Household, LifeEvent, Resident
from egov.registry.services.common import (
    address_of,
    changed_fields,
    check_address,
    check_address_change,
    check_correctable,
    check_date,
    check_name_en,
    check_name_ko,
    require_registrar,
    require_text,
    require_why,
)
from egov.registry.services.reads import rrn_revealed

MARRIAGE_MIN_AGE = 18  # Civil Act art. 807
MAX_PARENTS = 2
BASIS_BIRTH = "가족관계의 등록 등에 관한 법률 제44조 (Family Relationship Registration Act art. 44)"
BASIS_DEATH = "가족관계의 등록 등에 관한 법률 제84조 (Family Relationship Registration Act art. 84)"
CORRECTABLE_FIELDS = ("name_ko", "name_en", "road_address", "address_detail", "postal_code", "address_key")


def _age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _household_number(agency: Agency) -> str:
    """Agency code, year and a per-agency serial, made unique by the database constraint."""
    year = timezone.localdate().year
    prefix = f"{agency.code}-{year}-"
    last = (
        Household.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:07d}"


def _household_create(*, agency: Agency, head: Resident, address: dict, formed_on: dt.date) -> Household:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                household = Household.objects.create(
                    number=_household_number(agency),
                    agency=agency,
                    head=head,
                    formed_on=formed_on,
                    **address,
                )
            break
        except IntegrityError:
            continue
    else:
        raise Conflict(_("Could not allocate a household number; try again."))
    head.household = household
    head.relation_to_head = Resident.Relation.HEAD
    head.save(update_fields=["household", "relation_to_head", "updated_at"])
    return household


def _leave_household(resident: Resident, *, on: dt.date) -> dict:
    """Take a resident out of their household; pass headship to the eldest remaining member,
    or dissolve the household when nobody remains. Returns what changed, for the history."""
    household = resident.household
    if household is None:
        return {}
    resident.household = None
    resident.relation_to_head = ""
    resident.save(update_fields=["household", "relation_to_head", "updated_at"])
    change = {"left_household": household.number}
    if household.head_id == resident.pk:
        successor = (
            household.members.filter(status=Resident.Status.RESIDENT).order_by("birth_date", "id").first()
        )
        household.head = successor
        if successor is None:
            household.dissolved_on = on
        else:
            successor.relation_to_head = Resident.Relation.HEAD
            successor.save(update_fields=["relation_to_head", "updated_at"])
            change["new_head_id"] = successor.pk
        household.save(update_fields=["head", "dissolved_on"])
    return change


def _lock(resident: Resident) -> Resident:
    return Resident.objects.select_for_update().get(pk=resident.pk)


@transaction.atomic
def resident_register(
    *,
    actor,
    rrn: str,
    name_ko: str,
    name_en: str,
    road_address: str,
    address_detail: str = "",
    postal_code: str,
    address_key: str = "",
    agency: Agency,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str,
    household: Household | None = None,
    relation_to_head: str = "",
    kind: str = LifeEvent.Kind.REGISTRATION,
) -> Resident:
    """Register a person under a national ID number, in `household` or as head of a new one."""
    require_registrar(actor, agency.pk)
    reason, legal_basis = require_why(reason, legal_basis)
    try:
        parsed = rrn_parse(rrn)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="rrn") from None
    name_ko, name_en = check_name_ko(name_ko), check_name_en(name_en)
    if household is not None and " ".join(road_address.split()) == household.road_address and not address_key:
        address = {
            **address_of(household),
            **check_address_change(household, {"address_detail": address_detail}),
        }
    else:
        address = check_address(
            road_address, address_detail, postal_code, address_key=address_key, agency=agency
        )
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date"))
    if occurred_on < parsed.birth_date:
        raise ValidationFailed(_("The date is before the birth date."), field="occurred_on")
    if household is not None:
        if household.dissolved_on:
            raise ValidationFailed(_("That household is dissolved."), field="household")
        if relation_to_head not in Resident.Relation.values or relation_to_head == "head":
            raise ValidationFailed(
                _("Choose the relation to the head of household."), field="relation_to_head"
            )
    index = blind_index(parsed.digits)
    if Resident.objects.filter(rrn_index=index).exists():
        raise Conflict(_("A resident with this ID number is already registered."), field="rrn")
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                rrn_encrypted=encrypt_id(parsed.digits),
                rrn_index=index,
                rrn_head=parsed.digits[:7],
                name_ko=name_ko,
                name_en=name_en,
                birth_date=parsed.birth_date,
                sex=parsed.sex,
                agency=agency,
                household=household,
                relation_to_head=relation_to_head if household else "",
                **address,
            )
    except IntegrityError:
        raise Conflict(_("A resident with this ID number is already registered."), field="rrn") from None
    if household is None:
        household = _household_create(agency=agency, head=resident, address=address, formed_on=occurred_on)
    LifeEvent.objects.create(
        resident=resident,
        kind=kind,
        occurred_on=occurred_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"household": household.number, "agency": agency.code, **address},
    )
    audit_record(
        actor=actor,
        action=f"resident.{kind}",
        obj=resident,
        after={"rrn": parsed.masked, "name_ko": name_ko, "household": household.number},
        reason=reason,
        legal_basis=legal_basis,
    )
    return resident


def _parent_check(*, child: Resident, parent: Resident) -> None:
    if child.pk == parent.pk:
        raise ValidationFailed(_("No one is their own parent."), field="parent")
    if parent.birth_date >= child.birth_date:
        raise ValidationFailed(_("A parent must be born before the child."), field="parent")
    if FamilyRelation.objects.filter(
        person=parent, relative=child, kind="parent", ended_on__isnull=True
    ).exists():
        raise ValidationFailed(_("That person is registered as the child's child."), field="parent")
    current = FamilyRelation.objects.filter(person=child, kind="parent", ended_on__isnull=True)
    if current.filter(relative=parent).exists():
        raise Conflict(_("That parent is already registered."), field="parent")
    if current.count() >= MAX_PARENTS:
        raise ValidationFailed(_("The child already has two registered parents."), field="parent")


@transaction.atomic
def parent_link(
    *, actor, child: Resident, parent: Resident, since: dt.date, reason: str, legal_basis: str
) -> FamilyRelation:
    """Record that `parent` is `child`'s parent (birth, adoption, acknowledgement)."""
    require_registrar(actor, child.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    since = check_date(since, "since", label=_("The date"))
    child = _lock(child)
    _parent_check(child=child, parent=parent)
    relation = FamilyRelation.objects.create(person=child, relative=parent, kind="parent", since=since)
    LifeEvent.objects.create(
        resident=child,
        kind=LifeEvent.Kind.CORRECTION,
        occurred_on=since,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"parent_added": parent.pk},
    )
    audit_record(
        actor=actor,
        action="family.parent_link",
        obj=relation,
        after={"child": child.pk, "parent": parent.pk},
        reason=reason,
        legal_basis=legal_basis,
    )
    return relation


@transaction.atomic
def birth_register(
    *,
    actor,
    rrn: str,
    name_ko: str,
    name_en: str,
    parents: list[Resident],
    reason: str,
    legal_basis: str = BASIS_BIRTH,
) -> Resident:
    """Register a newborn in the household of its first parent, linked to its parents."""
    if not parents:
        raise ValidationFailed(_("Name at least one parent."), field="parents")
    if len(parents) > MAX_PARENTS:
        raise ValidationFailed(_("A child has at most two parents."), field="parents")
    first = parents[0]
    if first.household is None:
        raise ValidationFailed(
            _("The first parent has no household to register the child in."), field="parents"
        )
    try:
        birth_date = rrn_parse(rrn).birth_date
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="rrn") from None
    head = first.household.head
    relation = (
        Resident.Relation.CHILD
        if head is None or head.pk in {p.pk for p in parents}
        else Resident.Relation.GRANDCHILD
    )
    child = resident_register(
        actor=actor,
        rrn=rrn,
        name_ko=name_ko,
        name_en=name_en,
        road_address=first.household.road_address,
        address_detail=first.household.address_detail,
        postal_code=first.household.postal_code,
        agency=first.household.agency,
        occurred_on=birth_date,
        reason=reason,
        legal_basis=legal_basis,
        household=first.household,
        relation_to_head=relation,
        kind=LifeEvent.Kind.BIRTH,
    )
    for parent in parents:
        _parent_check(child=child, parent=parent)
        FamilyRelation.objects.create(person=child, relative=parent, kind="parent", since=birth_date)
    return child


@transaction.atomic
def marriage_register(
    *,
    actor,
    spouse_a: Resident,
    spouse_b: Resident,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = "민법 제812조 (Civil Act art. 812)",
) -> FamilyRelation:
    """Record a marriage: both living, of age, not already married, not parent and child.

    Returns the relation as seen from `spouse_a`."""
    require_registrar(actor, spouse_a.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date of marriage"))
    if spouse_a.pk == spouse_b.pk:
        raise ValidationFailed(_("A person cannot marry themselves."), field="spouse")
    a, b = sorted([spouse_a, spouse_b], key=lambda r: r.pk)
    a, b = _lock(a), _lock(b)
    for person in (a, b):
        if not person.is_alive:
            raise ValidationFailed(
                _("%(name)s is registered as deceased.") % {"name": person.name_ko}, field="spouse"
            )
        if _age_on(person.birth_date, occurred_on) < MARRIAGE_MIN_AGE:
            raise ValidationFailed(
                _("%(name)s is under %(age)d on that date.")
                % {"name": person.name_ko, "age": MARRIAGE_MIN_AGE},
                field="spouse",
            )
        if FamilyRelation.objects.filter(person=person, kind="spouse", ended_on__isnull=True).exists():
            raise Conflict(
                _("%(name)s already has a current spouse.") % {"name": person.name_ko}, field="spouse"
            )
    if FamilyRelation.objects.filter(person__in=[a, b], relative__in=[a, b], kind="parent").exists():
        raise ValidationFailed(_("A parent and child cannot marry."), field="spouse")
    relations = {}
    for person, other in ((a, b), (b, a)):
        relations[person.pk] = FamilyRelation.objects.create(
            person=person, relative=other, kind="spouse", since=occurred_on
        )
        LifeEvent.objects.create(
            resident=person,
            kind=LifeEvent.Kind.MARRIAGE,
            occurred_on=occurred_on,
            reason=reason,
            legal_basis=legal_basis,
            recorded_by=actor,
            details={"spouse": other.pk},
        )
    audit_record(
        actor=actor,
        action="family.marriage",
        obj=a,
        after={"spouse": b.pk},
        reason=reason,
        legal_basis=legal_basis,
    )

    return relations[spouse_a.pk]


@transaction.atomic
def divorce_register(
    *,
    actor,
    resident: Resident,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = "민법 제836조 (Civil Act art. 836)",
) -> FamilyRelation:
    """End a resident's current marriage on both sides; returns the ended relation."""
    require_registrar(actor, resident.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date of divorce"))
    current = (
        FamilyRelation.objects.select_for_update()
        .filter(person=resident, kind="spouse", ended_on__isnull=True)
        .first()
    )
    if current is None:
        raise ValidationFailed(_("This resident has no current spouse."), field="resident")
    if occurred_on < current.since:
        raise ValidationFailed(_("The divorce date is before the marriage."), field="occurred_on")
    spouse = current.relative
    FamilyRelation.objects.filter(
        person__in=[resident, spouse],
        relative__in=[resident, spouse],
        kind="spouse",
        ended_on__isnull=True,
    ).update(ended_on=occurred_on)
    for person, other in ((resident, spouse), (spouse, resident)):
        LifeEvent.objects.create(
            resident=person,
            kind=LifeEvent.Kind.DIVORCE,
            occurred_on=occurred_on,
            reason=reason,
            legal_basis=legal_basis,
            recorded_by=actor,
            details={"spouse": other.pk},
        )
    audit_record(
        actor=actor,
        action="family.divorce",
        obj=resident,
        after={"spouse": spouse.pk},
        reason=reason,
        legal_basis=legal_basis,
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def death_register(
    *,
    actor,
    resident: Resident,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = BASIS_DEATH,
) -> Resident:
    """Record a death: status, end of marriage, household headship passes on."""
    require_registrar(actor, resident.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    resident = _lock(resident)
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date of death"))
    if not resident.is_alive:
        raise Conflict(_("This resident is already registered as deceased."), field="resident")
    if occurred_on < resident.birth_date:
        raise ValidationFailed(_("The date of death is before the birth date."), field="occurred_on")
    FamilyRelation.objects.filter(kind="spouse", ended_on__isnull=True, person=resident).update(
        ended_on=occurred_on
    )
    FamilyRelation.objects.filter(kind="spouse", ended_on__isnull=True, relative=resident).update(
        ended_on=occurred_on
    )
    household_change = _leave_household(resident, on=occurred_on)
    before = {"status": resident.status}
    resident.status = Resident.Status.DECEASED
    resident.status_since = occurred_on
    resident.save(update_fields=["status", "status_since", "updated_at"])
    LifeEvent.objects.create(
        resident=resident,
        kind=LifeEvent.Kind.DEATH,
        occurred_on=occurred_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details=household_change,
    )
    audit_record(
        actor=actor,
        action="resident.death",
        obj=resident,
        before=before,
        after={"status": resident.status, **household_change},
        reason=reason,
        legal_basis=legal_basis,
    )
    return resident


@transaction.atomic
def move_register(
    *,
    actor,
    resident: Resident,
    road_address: str,
    address_detail: str = "",
    postal_code: str,
    address_key: str = "",
    agency: Agency,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = "주민등록법 제16조 (Resident Registration Act art. 16)",
    household: Household | None = None,
    relation_to_head: str = "",
) -> Resident:
    """Record a move-in (전입): the new address, joining `household` or forming a new one.

    The official acts for the new municipality (`agency`); the previous household passes
    its headship on if the mover was head.
    """
    require_registrar(actor, agency.pk)
    reason, legal_basis = require_why(reason, legal_basis)
    resident = _lock(resident)
    if not resident.is_alive:
        raise ValidationFailed(_("This resident is registered as deceased."), field="resident")
    address = check_address(road_address, address_detail, postal_code, address_key=address_key, agency=agency)
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date of the move"))
    if household is not None:
        if household.dissolved_on:
            raise ValidationFailed(_("That household is dissolved."), field="household")
        if household.pk == resident.household_id:
            raise ValidationFailed(_("The resident already belongs to that household."), field="household")
        if relation_to_head not in Resident.Relation.values or relation_to_head == "head":
            raise ValidationFailed(
                _("Choose the relation to the head of household."), field="relation_to_head"
            )
    before = {
        "agency": resident.agency.code,
        "household": resident.household.number if resident.household else None,
        "road_address": resident.road_address,
        "address_detail": resident.address_detail,
        "postal_code": resident.postal_code,
    }
    household_change = _leave_household(resident, on=occurred_on)
    for field, value in address.items():
        setattr(resident, field, value)
    resident.agency = agency
    resident.save(update_fields=[*address, "agency", "updated_at"])
    if household is None:
        household = _household_create(agency=agency, head=resident, address=address, formed_on=occurred_on)
    else:
        resident.household = household
        resident.relation_to_head = relation_to_head
        resident.save(update_fields=["household", "relation_to_head", "updated_at"])
    after = {"agency": agency.code, "household": household.number, **address}
    LifeEvent.objects.create(
        resident=resident,
        kind=LifeEvent.Kind.MOVE,
        occurred_on=occurred_on,
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": before, "after": after, **household_change},
    )
    audit_record(
        actor=actor,
        action="resident.move",
        obj=resident,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return resident


@transaction.atomic
def household_move(
    *,
    actor,
    household: Household,
    road_address: str,
    address_detail: str = "",
    postal_code: str,
    address_key: str = "",
    agency: Agency,
    occurred_on: dt.date,
    reason: str,
    legal_basis: str = "주민등록법 제16조 (Resident Registration Act art. 16)",
) -> Household:
    """Move a whole household (all living members) to a new address and municipality."""
    require_registrar(actor, agency.pk)
    reason, legal_basis = require_why(reason, legal_basis)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.dissolved_on:
        raise ValidationFailed(_("That household is dissolved."), field="household")
    address = check_address(road_address, address_detail, postal_code, address_key=address_key, agency=agency)
    occurred_on = check_date(occurred_on, "occurred_on", label=_("The date of the move"))
    before = {
        "agency": household.agency.code,
        "road_address": household.road_address,
        "address_detail": household.address_detail,
        "postal_code": household.postal_code,
    }
    after = {"agency": agency.code, **address}
    Household.objects.filter(pk=household.pk).update(agency=agency, **address)
    members = list(household.members.select_for_update().filter(status=Resident.Status.RESIDENT))
    for member in members:
        for field, value in address.items():
            setattr(member, field, value)
        member.agency = agency
        member.save(update_fields=[*address, "agency", "updated_at"])
    LifeEvent.objects.bulk_create(
        LifeEvent(
            resident=m,
            kind=LifeEvent.Kind.MOVE,
            occurred_on=occurred_on,
            reason=reason,
            legal_basis=legal_basis,
            recorded_by=actor,
            details={"before": before, "after": after, "household": household.number},
        )
        for m in members
    )
    household.refresh_from_db()
    audit_record(
        actor=actor,
        action="household.move",
        obj=household,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return household


@transaction.atomic
def resident_correct(*, actor, resident: Resident, changes: dict, reason: str, legal_basis: str) -> Resident:
    """Correct names or address fields of a register entry; the old values stay in the history."""
    require_registrar(actor, resident.agency_id)
    reason, legal_basis = require_why(reason, legal_basis)
    check_correctable(changes, CORRECTABLE_FIELDS)
    resident = _lock(resident)
    clean = dict(changes)
    if "name_ko" in clean:
        clean["name_ko"] = check_name_ko(clean["name_ko"])
    if "name_en" in clean:
        clean["name_en"] = check_name_en(clean["name_en"])
    if {"road_address", "address_detail", "postal_code", "address_key"} & set(clean):
        address = check_address_change(resident, clean)
        clean.pop("address_key", None)  # the resolved address brings its key (or none)
        clean.update(address)
    before, after = changed_fields(resident, clean)
    if not after:
        raise ValidationFailed(_("Nothing would change."), field=None)
    for field, value in after.items():
        setattr(resident, field, value)
    resident.save(update_fields=[*after, "updated_at"])
    LifeEvent.objects.create(
        resident=resident,
        kind=LifeEvent.Kind.CORRECTION,
        occurred_on=timezone.localdate(),
        reason=reason,
        legal_basis=legal_basis,
        recorded_by=actor,
        details={"before": before, "after": after},
    )
    audit_record(
        actor=actor,
        action="resident.correct",
        obj=resident,
        before=before,
        after=after,
        reason=reason,
        legal_basis=legal_basis,
    )
    return resident


@transaction.atomic
def resident_rrn_reveal(*, actor, resident: Resident, reason: str) -> str:
    """Show a full ID number to an official allowed to see it, and record why."""
    require_role(actor, "id_revealer", agency_id=resident.agency_id)
    reason = require_text(reason, "reason", label=_("The reason"), max_length=500)
    audit_record(actor=actor, action="resident.rrn_reveal", obj=resident, reason=reason)
    rrn_revealed(actor=actor, resident=resident)
    return resident.rrn_reveal()
