"""The synthetic nation: deterministic for a seed, valid by the platform's own rules, and
seeded all at once or not at all."""

import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import BusinessRepresentation, User
from egov.core.crypto import blind_index, decrypt_id
from egov.core.errors import NotFound
from egov.core.ids import brn_parse, plate_parse, rrn_parse, vin_parse
from egov.registry.models import (
    Business,
    BusinessEvent,
    FamilyRelation,
    Household,
    LifeEvent,
    Resident,
    Vehicle,
    VehicleEvent,
)
from egov.registry.seed import DEMO_PASSWORD, demo_totp_key, nation_seed
from egov.registry.services.common import NAME_EN_RE, NAME_KO_RE
from tests import factories

RESIDENTS = 300


@pytest.fixture
def nation(db):
    """A small nation seeded with the default seed."""
    return nation_seed(residents=RESIDENTS, seed=1)


def _years_between(earlier: dt.date, later: dt.date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _snapshot() -> dict:
    """What a seed decides, in plain values (ciphertexts differ run to run: random nonces)."""
    return {
        "residents": [
            (
                decrypt_id(r.rrn_encrypted),
                r.name_ko,
                r.name_en,
                r.birth_date,
                r.road_address,
                r.address_detail,
                r.postal_code,
                r.relation_to_head,
                r.household.number if r.household else None,
                r.agency.code,
                r.status,
            )
            for r in Resident.objects.select_related("household", "agency").order_by("id")
        ],
        "households": [
            (h.number, h.head.name_ko, h.formed_on, h.members.count())
            for h in Household.objects.select_related("head").order_by("id")
        ],
        "relations": sorted(
            FamilyRelation.objects.values_list("person__name_ko", "relative__name_ko", "kind", "since")
        ),
        "businesses": list(Business.objects.order_by("id").values_list("brn", "name", "status", "opened_on")),
        "vehicles": list(Vehicle.objects.order_by("id").values_list("plate", "vin", "model_name")),
    }


def _seed_and_forget(seed: int) -> dict:
    with transaction.atomic():
        nation_seed(residents=RESIDENTS, seed=seed)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


def _row_counts() -> dict[str, int]:
    models = (Resident, Household, FamilyRelation, LifeEvent, Business, BusinessEvent, Vehicle, VehicleEvent)
    return {model.__name__: model.objects.count() for model in (*models, User)}


def test_it_seeds_the_same_nation_for_the_same_seed_and_another_for_another(db):
    first, again, other = _seed_and_forget(1), _seed_and_forget(1), _seed_and_forget(2)
    assert len(first["residents"]) == RESIDENTS
    assert first == again
    assert first["residents"] != other["residents"]
    assert first["households"] != other["households"]


def test_every_id_number_decrypts_to_a_valid_number_that_the_blind_index_finds(nation):
    for resident in Resident.objects.all():
        digits = decrypt_id(resident.rrn_encrypted)
        parsed = rrn_parse(digits)
        assert parsed.birth_date == resident.birth_date
        assert parsed.sex == resident.sex
        assert resident.rrn_head == digits[:7]
        assert resident.rrn_index == blind_index(digits)


def test_names_and_addresses_pass_the_registers_own_checks(nation):
    for name_ko, name_en, postal_code in Resident.objects.values_list("name_ko", "name_en", "postal_code"):
        assert NAME_KO_RE.match(name_ko), name_ko
        assert NAME_EN_RE.match(name_en), name_en
        assert len(postal_code) == 5 and postal_code.isdigit()
    for household in Household.objects.prefetch_related("members"):
        addresses = {(m.road_address, m.address_detail, m.postal_code) for m in household.members.all()}
        assert addresses == {(household.road_address, household.address_detail, household.postal_code)}
    # Stored structured: the full address is 시도 시군구 도로명 건물번호, each part kept.
    for model in (Resident, Household, Business):
        for row in model.objects.values("road_address", "sido", "sigungu", "road_name", "building_number"):
            assert row["sido"] and row["road_name"] and row["building_number"], row
            parts = [row["sido"], row["sigungu"], row["road_name"], row["building_number"]]
            assert row["road_address"] == " ".join(p for p in parts if p), row


def test_ages_are_spread_like_a_real_population(nation):
    today = dt.date.today()  # noqa: DTZ011
    ages = [_years_between(b, today) for b in Resident.objects.values_list("birth_date", flat=True)]
    assert min(ages) < 10 and max(ages) >= 75
    assert 0.08 < sum(a < 18 for a in ages) / len(ages) < 0.35
    assert 0.08 < sum(a >= 65 for a in ages) / len(ages) < 0.35


def test_every_business_number_vin_and_plate_is_valid_and_unique(nation):
    brns = list(Business.objects.values_list("brn", flat=True))
    assert brns and len(set(brns)) == len(brns)
    for brn in brns:
        assert brn_parse(brn) == brn
    vehicles = list(Vehicle.objects.values_list("plate", "vin"))
    assert vehicles
    for plate, vin in vehicles:
        assert plate_parse(plate) == plate
        assert vin_parse(vin) == vin


def test_family_relations_follow_the_civil_rules(nation):
    births = dict(Resident.objects.values_list("id", "birth_date"))
    parents, spouses = defaultdict(list), defaultdict(list)
    for relation in FamilyRelation.objects.all():
        if relation.kind == "parent":
            gap = _years_between(births[relation.relative_id], births[relation.person_id])
            assert 20 <= gap <= 40, relation
            assert relation.since == births[relation.person_id]
            parents[relation.person_id].append(relation.relative_id)
        else:
            for person in (relation.person_id, relation.relative_id):
                assert _years_between(births[person], relation.since) >= 18
            assert FamilyRelation.objects.filter(
                person=relation.relative_id, relative=relation.person_id, kind="spouse", since=relation.since
            ).exists()
            if relation.ended_on is None:
                spouses[relation.person_id].append(relation.relative_id)
    assert parents and spouses
    assert max(len(p) for p in parents.values()) <= 2
    assert max(len(s) for s in spouses.values()) == 1


def test_every_resident_has_a_birth_or_registration_and_the_dead_a_death(nation):
    first_events = Counter(
        LifeEvent.objects.filter(kind__in=["birth", "registration"]).values_list("resident_id", flat=True)
    )
    assert set(first_events) == set(Resident.objects.values_list("id", flat=True))
    assert set(first_events.values()) == {1}
    dead = Resident.objects.filter(status="deceased")
    assert dead.exists()
    for person in dead:
        death = person.events.get(kind="death")
        assert person.status_since == death.occurred_on
        assert person.household_id is None and person.relation_to_head == ""
        assert not FamilyRelation.objects.filter(person=person, kind="spouse", ended_on__isnull=True).exists()
    assert LifeEvent.objects.filter(kind="marriage").exists()
    assert LifeEvent.objects.filter(kind="move").exists()


def test_every_household_has_one_head_who_is_a_living_member(nation):
    assert not Resident.objects.filter(status="resident", household__isnull=True).exists()
    assert not Resident.objects.filter(status="resident", relation_to_head="").exists()
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        heads = [m for m in members if m.relation_to_head == "head"]
        assert heads == [household.head]
        assert household.head.is_alive
        assert household.formed_on >= household.head.birth_date


def test_businesses_have_dates_that_match_their_status_and_history(nation):
    statuses = Counter()
    for business in Business.objects.prefetch_related("events"):
        statuses[business.status] += 1
        kinds = [e.kind for e in business.events.all()]
        assert kinds[0] == "opened"
        assert business.representative.is_alive
        if business.status == "closed":
            assert business.closed_on >= business.opened_on and "closed" in kinds
        elif business.status == "suspended":
            assert business.suspended_on >= business.opened_on and "suspended" in kinds
        else:
            assert business.closed_on is None and business.suspended_on is None
    assert statuses["active"] > statuses["suspended"] + statuses["closed"]


def test_every_vehicle_was_registered_before_any_transfer(nation):
    for vehicle in Vehicle.objects.prefetch_related("events"):
        events = list(vehicle.events.all())
        assert events[0].kind == "registration" and events[0].occurred_on == vehicle.registered_on
        assert all(e.kind == "transfer" and e.occurred_on > vehicle.registered_on for e in events[1:])
        assert vehicle.agency.kind == "local"


def test_the_demo_citizen_heads_a_family_in_jongno_and_owns_a_car(nation, client):
    citizen = User.objects.get(username="citizen", is_demo=True)
    person = citizen.resident
    assert person.agency.code == "3000000"
    assert person.relation_to_head == "head" and person.household.head == person
    relations = set(person.household.members.values_list("relation_to_head", flat=True))
    assert {"head", "spouse", "child"} <= relations
    assert person.vehicles.exists()
    response = client.post("/accounts/login/", {"username": "citizen", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_business_user_represents_active_businesses(nation, client):
    user = User.objects.get(username="business", is_demo=True)
    businesses = [r.business for r in BusinessRepresentation.objects.filter(user=user)]
    assert 1 <= len(businesses) <= 2
    assert all(b.status == "active" and b.representative == user.resident for b in businesses)
    assert (
        client.post("/accounts/login/", {"username": "business", "password": DEMO_PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("username", "agency_code", "roles"),
    [
        ("official.jongno", "3000000", {"viewer", "registrar", "id_revealer"}),
        ("official.gangnam", "3220000", {"viewer", "registrar"}),
        ("official.seoul", "6110000", {"viewer"}),
        ("official.mois", "1741000", {"viewer", "agency_admin"}),
        ("official.busan", "6260000", {"viewer", "registrar"}),
        ("official.nts", "1210000", {"viewer", "registrar"}),
    ],
)
def test_each_demo_official_logs_in_with_the_password_and_a_seeded_totp_key(
    nation, client, username, agency_code, roles
):
    official = User.objects.get(username=username, is_demo=True)
    assert official.agency.code == agency_code
    assert set(official.roles.values_list("role", flat=True)) == roles
    device = TOTPDevice.objects.get(user=official, confirmed=True)
    assert device.key == demo_totp_key(seed=1, username=username)
    client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    response = client.post("/accounts/login/otp/", {"token": f"{token:06d}"})
    assert response.status_code == 302


def test_the_registry_keeps_working_through_the_orm_after_a_seed(nation, jongno):
    person = factories.resident(jongno, "최하늘", "Choi Haneul")
    assert person.pk > Resident.objects.exclude(pk=person.pk).order_by("-pk").first().pk
    assert person.household.pk == Household.objects.order_by("-pk").first().pk


def test_if_empty_does_nothing_on_a_seeded_database(nation):
    before = _row_counts()
    out = io.StringIO()
    call_command("seed", residents=50, if_empty=True, stdout=out)
    assert "not seeding" in out.getvalue()
    assert _row_counts() == before


def test_a_second_seed_refuses_and_changes_nothing(nation):
    before = _row_counts()
    with pytest.raises(CommandError, match="already holds residents"):
        call_command("seed", residents=50, stdout=io.StringIO())
    assert _row_counts() == before


def test_the_seed_command_reports_what_it_made(db):
    out = io.StringIO()
    call_command("seed", residents=40, seed=3, stdout=out)
    assert "Resident" in out.getvalue() and "Seeded in" in out.getvalue()
    assert Resident.objects.count() == 40


def test_demo_logins_prints_the_password_and_the_officials_totp_secrets(nation):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("citizen", "business", "official.jongno", "official.mois"):
        assert username in text
    assert text.count("otpauth://totp/") == User.objects.filter(is_demo=True, kind="official").count()
    assert "000000" in text and "EGOV_DEMO_TOTP_BYPASS=1" in text


def test_demo_logins_says_so_when_there_are_no_demo_users(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "No demo users" in out.getvalue()


def _schema() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'registry_%%' UNION ALL "
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'registry_%%'"
        )
        return set(cursor.fetchall())


def test_every_constraint_and_index_is_back_after_a_seed_on_postgresql(db, postgres_only):
    before = _schema()
    nation_seed(residents=RESIDENTS, seed=1)
    assert _schema() == before


def test_it_refuses_when_a_demo_username_is_taken_and_leaves_no_trace(alice_resident):
    factories.citizen("citizen", alice_resident)
    before = _row_counts()
    with pytest.raises(CommandError, match="demo users"):
        call_command("seed", residents=50, stdout=io.StringIO())
    assert _row_counts() == before


def test_it_refuses_a_nation_too_small_for_the_demo_households(db):
    with pytest.raises(CommandError, match="at least 10"):
        call_command("seed", residents=3, stdout=io.StringIO())
    assert not Resident.objects.exists()


def test_history_rows_say_what_changed_in_their_details(nation):
    for event in LifeEvent.objects.filter(kind="marriage"):
        assert FamilyRelation.objects.filter(
            person=event.resident, relative_id=event.details["spouse"], kind="spouse"
        ).exists()
    move = LifeEvent.objects.filter(kind="move").first()
    assert move.details["after"]["postal_code"] == move.resident.postal_code
    assert move.details["before"]["agency"] != "" and move.details["household"]
    registration = LifeEvent.objects.filter(kind="registration").select_related("resident__agency").first()
    assert registration.details["agency"] == registration.resident.agency.code
    for event in VehicleEvent.objects.filter(kind="transfer").select_related("vehicle"):
        assert event.details["after"] == {"owner_resident": event.vehicle.owner_resident_id}
        assert event.details["before"] != event.details["after"]


def test_the_demo_tax_official_finds_the_demo_business_and_the_mois_viewer_does_not(nation, client):
    from egov.registry import selectors

    business = User.objects.get(username="business").representations.first().business
    nts = User.objects.get(username="official.nts")
    mois = User.objects.get(username="official.mois")
    assert selectors.business_get_for(actor=nts, business_id=business.pk) == business
    with pytest.raises(NotFound):
        selectors.business_get_for(actor=mois, business_id=business.pk)
