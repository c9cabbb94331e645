"""Every register stores an address structured (issue 13, item 6): the full road-name address
with its 시도 and 시군구, its parts (시도, 시군구, 도로명, 건물번호), the postal code, the detail,
and the register's key when it was chosen from the address register. An official's move, a
moving-in approval, a business correction and the data migration of old rows all agree."""

import datetime as dt
import importlib
import uuid

import pytest
from django.apps import apps
from django.utils import timezone

from egov.civil import services as civil
from egov.core.errors import ValidationFailed
from egov.registry import addresses
from egov.registry.models import Business, Household, Resident
from egov.registry.services import business_correct, move_register, resident_correct
from tests import factories
from tests.conftest import login_official
from tests.registry.test_addresses import GANGNAM

PARTS = ("road_address", "sido", "sigungu", "road_name", "building_number", "postal_code")
WHY = {"reason": "전입", "legal_basis": "주민등록법 제16조"}


@pytest.fixture
def register(tmp_path, db):
    path = tmp_path / "rnaddrkor_seoul.txt"
    path.write_text("\n".join(GANGNAM) + "\n", encoding="utf-8")
    addresses.addresses_load(path=path)


def parts(holder) -> tuple[str, ...]:
    return tuple(getattr(holder, field) for field in PARTS)


def test_carol_records_a_move_typed_as_road_and_number_and_it_gets_province_and_district(
    client, carol, gangnam
):
    person = factories.resident(gangnam)
    login_official(client, carol)
    response = client.post(
        f"/office/residents/{person.pk}/move/",
        {"road_address": "테헤란로 152", "address_detail": "12층 1201호", "postal_code": "06236",
         "agency": gangnam.code, "occurred_on": "2024-05-01", **WHY},
    )  # fmt: skip
    assert response.status_code == 302
    person.refresh_from_db()
    expected = ("서울특별시 강남구 테헤란로 152", "서울특별시", "강남구", "테헤란로", "152", "06236")
    assert parts(person) == expected and person.address_detail == "12층 1201호"
    assert parts(person.household) == expected
    assert person.full_address == "서울특별시 강남구 테헤란로 152 12층 1201호"


def test_the_move_page_offers_the_picker_and_the_register_key(client, carol, jongno, gangnam):
    person = factories.resident(gangnam)
    login_official(client, carol)
    page = client.get(f"/office/residents/{person.pk}/move/").content.decode()
    assert "data-address-picker" in page and 'name="address_key"' in page
    assert f'value="{gangnam.code}"' in page  # the picker fills the district by its code


def test_approving_a_whole_household_move_stores_the_register_row_for_every_member(
    register, moving_in_catalogue, gangnam, jongno, carol
):
    head = factories.resident(jongno, "한병철", "Han Byeongcheol")
    spouse = factories.resident(
        jongno, "김지은", "Kim Jieun", sex="F", household=head.household, relation_to_head="spouse"
    )
    citizen = factories.citizen("han", head)
    application = civil.application_submit(
        actor=citizen, service=moving_in_catalogue, idempotency_key=uuid.uuid4().hex,
        data={"agency": gangnam.code, "road_address": "테헤란로 152", "address_detail": "12층 1201호",
              "address_key": "11680101001737000000000001", "postal_code": "06236",
              "moved_on": timezone.localdate().isoformat(), "whole_household": True},
    )  # fmt: skip
    civil.application_approve(actor=carol, application=application)
    for holder in (head, spouse, head.household):
        holder.refresh_from_db()
        assert parts(holder) == (
            "서울특별시 강남구 테헤란로 152",
            "서울특별시",
            "강남구",
            "테헤란로",
            "152",
            "06236",
        )
        assert holder.address_key == "11680101001737000000000001"
        assert holder.address_detail == "12층 1201호"


def test_a_move_to_an_address_outside_the_register_is_refused_and_changes_nothing(register, carol, gangnam):
    person = factories.resident(gangnam)
    before = parts(person)
    with pytest.raises(ValidationFailed) as refused:
        move_register(
            actor=carol, resident=person, road_address="테헤란로 999", postal_code="06236",
            agency=gangnam, occurred_on=dt.date(2024, 5, 1), reason="전입",
        )  # fmt: skip
    assert refused.value.field == "road_address"
    person.refresh_from_db()
    assert parts(person) == before


def test_an_address_without_a_building_number_is_refused_naming_the_field(carol, gangnam):
    person = factories.resident(gangnam)
    with pytest.raises(ValidationFailed) as refused:
        move_register(
            actor=carol, resident=person, road_address="강남구 어딘가", postal_code="06236",
            agency=gangnam, occurred_on=dt.date(2024, 5, 1), reason="전입",
        )  # fmt: skip
    assert refused.value.field == "road_address"


def test_correcting_only_the_detail_keeps_an_address_the_register_does_not_hold(register, carol, gangnam):
    person = factories.resident(gangnam)  # 세종대로 209 in 종로구: not in the test register's rows
    resident_correct(actor=carol, resident=person, changes={"address_detail": "202호"}, **WHY)
    person.refresh_from_db()
    assert person.address_detail == "202호" and person.road_name == "세종대로"


def test_bob_corrects_a_business_address_from_the_register_through_the_page(
    register, client, bob, jongno, alice_resident
):
    business = factories.business(jongno, alice_resident)
    login_official(client, bob)
    url = f"/office/businesses/{business.pk}/correct/"
    assert "data-address-picker" in client.get(url).content.decode()
    response = client.post(
        url,
        {"name": business.name, "road_address": "세종대로 209", "address_key": "11110101001737000000000004",
         "address_detail": "3층", "postal_code": "00000", **WHY},
    )  # fmt: skip
    assert response.status_code == 302
    business.refresh_from_db()
    assert parts(business) == (
        "서울특별시 종로구 세종대로 209",
        "서울특별시",
        "종로구",
        "세종대로",
        "209",
        "03171",
    )
    assert business.address_key == "11110101001737000000000004"


def test_a_business_moved_within_the_wrong_district_is_refused(
    register, bob, jongno, gangnam, alice_resident
):
    business = factories.business(jongno, alice_resident)
    with pytest.raises(ValidationFailed) as refused:
        business_correct(actor=bob, business=business, changes={"road_address": "강남구 테헤란로 152"}, **WHY)
    assert refused.value.field == "agency"


def test_the_migration_completes_and_splits_the_addresses_stored_before(gangnam, jongno):
    person = factories.resident(gangnam)
    business = factories.business(jongno, person)
    Resident.objects.filter(pk=person.pk).update(
        road_address="테헤란로 152", sido="", sigungu="", road_name="", building_number=""
    )
    Household.objects.filter(pk=person.household_id).update(
        road_address="강남구 테헤란로 7-2", sido="", sigungu="", road_name="", building_number=""
    )
    Business.objects.filter(pk=business.pk).update(sido="", sigungu="", road_name="", building_number="")
    migration = importlib.import_module("egov.registry.migrations.0006_fill_address_parts")
    migration.fill(apps, None)
    person.refresh_from_db()
    person.household.refresh_from_db()
    business.refresh_from_db()
    assert parts(person)[:5] == ("서울특별시 강남구 테헤란로 152", "서울특별시", "강남구", "테헤란로", "152")
    assert parts(person.household)[:5] == (
        "서울특별시 강남구 테헤란로 7-2",
        "서울특별시",
        "강남구",
        "테헤란로",
        "7-2",
    )
    assert parts(business)[:5] == ("서울특별시 종로구 종로 1", "서울특별시", "종로구", "종로", "1")


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("서울특별시 강남구 테헤란로 152", ("서울특별시", "강남구", "테헤란로", "152")),
        ("경기도 수원시 장안구 정자로 7-2", ("경기도", "수원시 장안구", "정자로", "7-2")),
        ("세종특별자치시 한누리대로 2130", ("세종특별자치시", "", "한누리대로", "2130")),
        ("서울특별시 강남구 테헤란로 지하 12", ("서울특별시", "강남구", "테헤란로", "12")),
    ],
)
def test_a_full_road_address_splits_into_its_parts(full, expected):
    found = addresses.address_parts(full)
    assert (found["sido"], found["sigungu"], found["road_name"], found["building_number"]) == expected


def test_an_address_already_from_its_province_is_not_prefixed_again():
    assert (
        addresses.full_road_address("서울특별시 강남구 테헤란로 1", "서울특별시 종로구")
        == "서울특별시 강남구 테헤란로 1"
    )
    assert (
        addresses.full_road_address("장안구 정자로 7", "경기도 수원시 장안구")
        == "경기도 수원시 장안구 정자로 7"
    )


@pytest.fixture
def moving_in_catalogue(mois, gangnam, jongno, busan):
    from egov.civil.seed import catalogue_seed
    from egov.exchange.services import shared_item_sync

    factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    shared_item_sync()
    return {s.code: s for s in catalogue_seed()}["moving-in"]
