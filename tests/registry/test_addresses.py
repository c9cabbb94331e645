"""The address register: `egov addresses load FILE` reads the road-name address DB layout
(adds, updates, removes retired addresses, loads nothing from a broken file), the search behind
the picker (prefix on the normalized road name, limited), its JSON endpoint and plain page, the
seed's generated file, and the moving-in report storing the address structured."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from egov.core.errors import ValidationFailed
from egov.registry import addresses
from egov.registry.models import RoadAddress


def line(key, sido, sigungu, road, main, sub=0, postal="06236", reason="31", building=""):
    fields = [
        key, "1168010100", sido, sigungu, "역삼동", "", "0", "737", "0", "116803122010", road, "0",
        str(main), str(sub), "1168064000", "역삼1동", postal, "", "20200101", "0", reason, "", building, "",
    ]  # fmt: skip
    return "|".join(fields)


GANGNAM = [
    line("11680101001737000000000001", "서울특별시", "강남구", "테헤란로", 152, building="강남파이낸스센터"),
    line("11680101001737000000000002", "서울특별시", "강남구", "테헤란로", 15, postal="06234"),
    line("11680101001737000000000003", "서울특별시", "강남구", "테헤란로", 7, 2, postal="06234"),
    line("11110101001737000000000004", "서울특별시", "종로구", "세종대로", 209, postal="03171"),
]


@pytest.fixture
def address_file(tmp_path):
    path = tmp_path / "rnaddrkor_seoul.txt"
    path.write_text("\n".join(GANGNAM) + "\n", encoding="utf-8")
    return path


def test_loading_the_file_fills_the_register_with_its_fields(db, address_file, capsys):
    call_command("addresses", "load", str(address_file))
    assert "4 added" in capsys.readouterr().out
    tower = RoadAddress.objects.get(key="11680101001737000000000001")
    assert (tower.sido, tower.sigungu, tower.road_name, tower.building_main, tower.postal_code) == (
        "서울특별시", "강남구", "테헤란로", 152, "06236",
    )  # fmt: skip
    assert (
        tower.road_address == "서울특별시 강남구 테헤란로 152" and tower.building_name == "강남파이낸스센터"
    )
    assert RoadAddress.objects.get(building_sub=2).road_address == "서울특별시 강남구 테헤란로 7-2"


def test_loading_a_change_file_updates_known_addresses_and_removes_retired_ones(db, address_file, tmp_path):
    addresses.addresses_load(path=address_file)
    changes = tmp_path / "changes.txt"
    changes.write_text(
        line("11680101001737000000000001", "서울특별시", "강남구", "테헤란로", 152, postal="06237")
        + "\n"
        + line("11680101001737000000000002", "서울특별시", "강남구", "테헤란로", 15, reason="63")
        + "\n",
        encoding="utf-8",
    )
    assert addresses.addresses_load(path=changes) == {"added": 0, "updated": 1, "removed": 1}
    assert RoadAddress.objects.get(key="11680101001737000000000001").postal_code == "06237"
    assert RoadAddress.objects.count() == 3


def test_a_broken_line_loads_nothing_and_names_the_line(db, tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(GANGNAM[0] + "\n" + GANGNAM[1].replace("06234", "6234") + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("addresses", "load", str(path))
    assert RoadAddress.objects.count() == 0


def test_a_cp949_file_loads_with_its_encoding_and_is_refused_without(db, tmp_path):
    path = tmp_path / "cp949.txt"
    path.write_bytes(("\n".join(GANGNAM) + "\n").encode("cp949"))
    with pytest.raises(CommandError, match="cp949"):
        call_command("addresses", "load", str(path))
    call_command("addresses", "load", str(path), "--encoding", "cp949")
    assert RoadAddress.objects.count() == 4


def test_a_missing_file_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("addresses", "load", "/nonexistent/rnaddrkor.txt")


def test_search_finds_by_road_name_prefix_number_and_district(db, address_file):
    addresses.addresses_load(path=address_file)
    assert [a.building_main for a in addresses.address_search("테헤란")] == [7, 15, 152]
    assert [a.building_main for a in addresses.address_search("테헤란 로 15")] == [15, 152]
    assert [a.building_main for a in addresses.address_search("종로구 테헤란로")] == []
    assert [a.road_name for a in addresses.address_search("종로구 세종대로 209")] == ["세종대로"]
    assert addresses.address_search("테") == [] and addresses.address_search("") == []
    assert len(addresses.address_search("테헤란로", limit=2)) == 2


def test_the_picker_endpoint_answers_json_and_the_plain_page_lists_results(client, db, address_file, gangnam):
    addresses.addresses_load(path=address_file)
    data = client.get(reverse("portal:address_search"), {"q": "테헤란로 152", "format": "json"}).json()
    assert data["results"] == [
        {
            "key": "11680101001737000000000001", "road_address": "서울특별시 강남구 테헤란로 152",
            "postal_code": "06236", "sido": "서울특별시", "sigungu": "강남구", "road_name": "테헤란로",
            "building_number": "152", "building_name": "강남파이낸스센터", "agency": gangnam.code,
        }
    ]  # fmt: skip
    page = client.get(reverse("portal:address_search"), {"q": "테헤란로"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200 and page.content.decode().count("서울특별시 강남구 테헤란로") == 3


def test_the_seed_generates_a_file_in_the_layout_and_loads_it(db, settings, tmp_path):
    from egov.registry.seed import addresses_seed

    settings.DATA_DIR = tmp_path
    count = addresses_seed(seed=7)
    assert count > 1000 and count == RoadAddress.objects.count()
    generated = (tmp_path / "addresses" / "demo-rnaddrkor.txt").read_text(encoding="utf-8").splitlines()
    assert len(generated) == count and all(len(row.split("|")) == len(addresses.LAYOUT) for row in generated)
    assert addresses.address_search("테헤란로 1")[0].sigungu == "강남구"


# --- the moving-in report stores the address structured --------------------------------------


@pytest.fixture
def moving_in(mois, gangnam, jongno, busan):
    from egov.civil.seed import catalogue_seed
    from egov.exchange.services import shared_item_sync
    from tests import factories

    factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    shared_item_sync()
    return {s.code: s for s in catalogue_seed()}["moving-in"]


def _file(citizen, service, **data):
    from egov.civil import services

    return services.application_submit(
        actor=citizen, service=service, idempotency_key=uuid.uuid4().hex,
        data={"moved_on": timezone.localdate().isoformat(), "postal_code": "00000", **data},
    )  # fmt: skip


def test_a_moving_in_report_keeps_the_chosen_address_as_the_register_has_it(
    alice, moving_in, gangnam, address_file, settings, tmp_path
):
    settings.DATA_DIR = tmp_path / "data"
    addresses.addresses_load(path=address_file)
    application = _file(
        alice, moving_in, agency=gangnam.code, road_address="테헤란로 152", address_detail="12층",
        address_key="11680101001737000000000001",
    )  # fmt: skip
    data = application.data
    assert data["road_address"] == "서울특별시 강남구 테헤란로 152" and data["postal_code"] == "06236"
    assert (data["sido"], data["sigungu"], data["road_name"], data["building_number"]) == (
        "서울특별시", "강남구", "테헤란로", "152",
    )  # fmt: skip


def test_a_typed_address_is_matched_and_one_outside_the_register_is_refused(
    alice, moving_in, gangnam, jongno, address_file, settings, tmp_path
):
    settings.DATA_DIR = tmp_path / "data"
    addresses.addresses_load(path=address_file)
    with pytest.raises(ValidationFailed) as unknown:
        _file(alice, moving_in, agency=gangnam.code, road_address="테헤란로 999")
    assert unknown.value.field == "road_address"
    with pytest.raises(ValidationFailed) as elsewhere:
        _file(alice, moving_in, agency=jongno.code, road_address="강남구 테헤란로 152")
    assert elsewhere.value.field == "agency"
    application = _file(alice, moving_in, agency=gangnam.code, road_address="테헤란로 7-2")
    assert application.data["address_key"] == "11680101001737000000000003"
