import datetime as dt

import pytest

from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.registry import services
from egov.registry.models import FamilyRelation, Household, LifeEvent, Resident
from tests import factories

WHY = {"reason": "전입신고 처리", "legal_basis": "주민등록법 제16조"}
ADDRESS = {"road_address": "서울특별시 종로구 사직로 161", "address_detail": "2층", "postal_code": "03045"}


def register(actor, agency, **overrides):
    values = {
        "rrn": factories.rrn(dt.date(1988, 4, 2), "F"),
        "name_ko": "박지우",
        "name_en": "Park Jiwoo",
        "agency": agency,
        "occurred_on": dt.date(2024, 1, 2),
        **ADDRESS,
        **WHY,
    }
    values.update(overrides)
    return services.resident_register(actor=actor, **values)


def test_bob_registers_a_resident_with_the_number_encrypted_and_masked(bob, jongno):
    number = factories.rrn(dt.date(1988, 4, 2), "F")
    person = register(bob, jongno, rrn=number)
    assert person.rrn_reveal() == number
    assert person.rrn_masked == number[:8] + "******"
    assert number.replace("-", "").encode() not in bytes(person.rrn_encrypted)
    assert person.household.head == person
    assert person.events.get().kind == LifeEvent.Kind.REGISTRATION
    audit = AuditEvent.objects.get(action="resident.registration")
    assert number not in str(audit.after)


def test_a_second_registration_of_the_same_number_is_refused_and_changes_nothing(bob, jongno):
    number = factories.rrn()
    register(bob, jongno, rrn=number)
    before = Resident.objects.count(), Household.objects.count(), LifeEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        register(bob, jongno, rrn=number.replace("-", ""), name_ko="홍길동")
    assert exc.value.field == "rrn"
    assert (Resident.objects.count(), Household.objects.count(), LifeEvent.objects.count()) == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("rrn", "900101-1234567"),
        ("name_ko", "Kim"),
        ("name_en", "김"),
        ("postal_code", "123"),
        ("road_address", " "),
        ("reason", ""),
        ("legal_basis", ""),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(bob, jongno, field, value):
    with pytest.raises(ValidationFailed) as exc:
        register(bob, jongno, **{field: value})
    assert exc.value.field == field
    assert not Resident.objects.exists()
    assert not AuditEvent.objects.exists()


def test_carol_of_gangnam_cannot_register_in_jongno(carol, jongno):
    with pytest.raises(PermissionDenied):
        register(carol, jongno)


def test_a_viewer_cannot_change_a_register(seoul_supervisor, jongno):
    with pytest.raises(PermissionDenied):
        register(seoul_supervisor, jongno)


def test_a_citizen_cannot_change_a_register(alice, jongno):
    with pytest.raises(PermissionDenied):
        register(alice, jongno)


def test_a_birth_links_the_child_to_both_parents_in_their_household(bob, jongno):
    mother = factories.resident(jongno, "최수아", "Choi Sua", dt.date(1990, 2, 3), "F")
    father = factories.resident(jongno, "정우진", "Jung Woojin", dt.date(1989, 7, 8), "M")
    services.marriage_register(
        actor=bob, spouse_a=mother, spouse_b=father, occurred_on=dt.date(2018, 5, 5), **WHY
    )
    child = services.birth_register(
        actor=bob,
        rrn=factories.rrn(dt.date(2019, 9, 9), "M"),
        name_ko="정하준",
        name_en="Jung Hajun",
        parents=[mother, father],
        reason="출생신고",
    )
    assert child.household == mother.household
    assert child.relation_to_head == Resident.Relation.CHILD
    assert set(child.relations.values_list("relative_id", flat=True)) == {mother.pk, father.pk}
    assert child.events.get().kind == LifeEvent.Kind.BIRTH


def test_a_parent_must_be_born_before_the_child(bob, jongno):
    older = factories.resident(jongno, "김하나", "Kim Hana", dt.date(1980, 1, 1), "F")
    younger = factories.resident(jongno, "김두리", "Kim Duri", dt.date(1995, 1, 1), "F")
    with pytest.raises(ValidationFailed, match="born before"):
        services.parent_link(actor=bob, child=older, parent=younger, since=dt.date(2000, 1, 1), **WHY)
    assert not FamilyRelation.objects.exists()


def test_no_one_is_their_own_parent(bob, jongno):
    person = factories.resident(jongno)
    with pytest.raises(ValidationFailed, match="own parent"):
        services.parent_link(actor=bob, child=person, parent=person, since=dt.date(2000, 1, 1), **WHY)


def test_a_child_has_at_most_two_parents(bob, jongno):
    child = factories.resident(jongno, birth_date=dt.date(2000, 1, 1))
    for year in (1970, 1971):
        parent = factories.resident(jongno, birth_date=dt.date(year, 1, 1))
        services.parent_link(actor=bob, child=child, parent=parent, since=dt.date(2000, 1, 1), **WHY)
    third = factories.resident(jongno, birth_date=dt.date(1972, 1, 1))
    with pytest.raises(ValidationFailed, match="two"):
        services.parent_link(actor=bob, child=child, parent=third, since=dt.date(2000, 1, 1), **WHY)


def test_one_current_spouse_at_a_time(bob, jongno):
    a = factories.resident(jongno, "김철수", "Kim Cheolsu", dt.date(1980, 1, 1), "M")
    b = factories.resident(jongno, "이영희", "Lee Younghee", dt.date(1981, 1, 1), "F")
    c = factories.resident(jongno, "박민지", "Park Minji", dt.date(1982, 1, 1), "F")
    services.marriage_register(actor=bob, spouse_a=a, spouse_b=b, occurred_on=dt.date(2010, 1, 1), **WHY)
    with pytest.raises(Conflict, match="current spouse"):
        services.marriage_register(actor=bob, spouse_a=a, spouse_b=c, occurred_on=dt.date(2012, 1, 1), **WHY)
    services.divorce_register(actor=bob, resident=a, occurred_on=dt.date(2015, 1, 1), **WHY)
    services.marriage_register(actor=bob, spouse_a=a, spouse_b=c, occurred_on=dt.date(2016, 1, 1), **WHY)
    assert FamilyRelation.objects.get(person=a, kind="spouse", ended_on__isnull=True).relative == c
    assert FamilyRelation.objects.get(person=b, kind="spouse").ended_on == dt.date(2015, 1, 1)


def test_a_minor_cannot_marry(bob, jongno):
    a = factories.resident(jongno, birth_date=dt.date(2010, 1, 1))
    b = factories.resident(jongno, birth_date=dt.date(2000, 1, 1), sex="F")
    with pytest.raises(ValidationFailed, match="under 18"):
        services.marriage_register(actor=bob, spouse_a=a, spouse_b=b, occurred_on=dt.date(2024, 1, 1), **WHY)


def test_a_death_ends_the_marriage_and_passes_headship_to_the_eldest_member(bob, jongno):
    head = factories.resident(jongno, "김철수", "Kim Cheolsu", dt.date(1950, 1, 1), "M")
    spouse = factories.resident(
        jongno,
        "이영희",
        "Lee Younghee",
        dt.date(1952, 1, 1),
        "F",
        household=head.household,
        relation_to_head="spouse",
    )
    factories.resident(
        jongno,
        "김민수",
        "Kim Minsu",
        dt.date(1980, 1, 1),
        "M",
        household=head.household,
        relation_to_head="child",
    )
    services.marriage_register(
        actor=bob, spouse_a=head, spouse_b=spouse, occurred_on=dt.date(1975, 1, 1), **WHY
    )
    services.death_register(actor=bob, resident=head, occurred_on=dt.date(2024, 3, 1), reason="사망신고")
    head.refresh_from_db()
    spouse.refresh_from_db()
    assert head.status == Resident.Status.DECEASED and head.household is None
    assert spouse.household.head == spouse and spouse.relation_to_head == "head"
    assert not FamilyRelation.objects.filter(kind="spouse", ended_on__isnull=True).exists()
    with pytest.raises(Conflict, match="already"):
        services.death_register(actor=bob, resident=head, occurred_on=dt.date(2024, 3, 1), reason="again")


def test_a_move_forms_a_new_household_and_keeps_the_old_address_in_the_history(bob, jongno):
    person = factories.resident(jongno)
    old_household = person.household
    services.move_register(
        actor=bob, resident=person, agency=jongno, occurred_on=dt.date(2024, 6, 1), **ADDRESS, **WHY
    )
    person.refresh_from_db()
    old_household.refresh_from_db()
    assert person.road_address == ADDRESS["road_address"]
    assert person.household != old_household and person.household.head == person
    assert old_household.dissolved_on == dt.date(2024, 6, 1)
    move = person.events.get(kind="move")
    assert move.details["before"]["road_address"] == "서울특별시 종로구 세종대로 209"
    assert move.details["after"]["road_address"] == ADDRESS["road_address"]


def test_a_move_into_gangnam_is_recorded_by_gangnam_not_by_jongno(bob, carol, jongno, gangnam):
    person = factories.resident(jongno)
    with pytest.raises(PermissionDenied):
        services.move_register(
            actor=bob, resident=person, agency=gangnam, occurred_on=dt.date(2024, 6, 1), **ADDRESS, **WHY
        )
    services.move_register(
        actor=carol, resident=person, agency=gangnam, occurred_on=dt.date(2024, 6, 1), **ADDRESS, **WHY
    )
    person.refresh_from_db()
    assert person.agency == gangnam


def test_a_household_moves_together(bob, jongno):
    head = factories.resident(jongno, birth_date=dt.date(1970, 1, 1))
    child = factories.resident(
        jongno, birth_date=dt.date(2000, 1, 1), household=head.household, relation_to_head="child"
    )
    services.household_move(
        actor=bob, household=head.household, agency=jongno, occurred_on=dt.date(2024, 1, 1), **ADDRESS, **WHY
    )
    child.refresh_from_db()
    assert child.road_address == ADDRESS["road_address"]
    assert child.events.filter(kind="move").count() == 1


def test_a_correction_asks_a_reason_and_keeps_the_old_value(bob, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    with pytest.raises(ValidationFailed) as exc:
        services.resident_correct(
            actor=bob, resident=person, changes={"name_en": "Gim Minjun"}, reason="", legal_basis="x"
        )
    assert exc.value.field == "reason"
    services.resident_correct(
        actor=bob,
        resident=person,
        changes={"name_en": "Gim Minjun"},
        reason="여권 표기 일치",
        legal_basis="주민등록법 제14조",
    )
    person.refresh_from_db()
    assert person.name_en == "Gim Minjun"
    event = person.events.get(kind="correction")
    assert event.details == {"before": {"name_en": "Kim Minjun"}, "after": {"name_en": "Gim Minjun"}}
    assert event.recorded_by == bob


def test_the_id_number_itself_cannot_be_corrected_through_a_correction(bob, jongno):
    person = factories.resident(jongno)
    with pytest.raises(ValidationFailed) as exc:
        services.resident_correct(actor=bob, resident=person, changes={"rrn_index": "x"}, **WHY)
    assert exc.value.field == "rrn_index"


def test_revealing_a_full_number_needs_the_role_and_is_audited(bob, jongno):
    person = factories.resident(jongno)
    with pytest.raises(PermissionDenied):
        services.resident_rrn_reveal(actor=bob, resident=person, reason="본인확인")
    revealer = factories.official("ria", jongno, roles=("viewer", "id_revealer"))
    assert (
        services.resident_rrn_reveal(actor=revealer, resident=person, reason="본인확인")
        == person.rrn_reveal()
    )
    assert AuditEvent.objects.get(action="resident.rrn_reveal").reason == "본인확인"
