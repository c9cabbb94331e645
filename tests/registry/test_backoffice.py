import datetime as dt

import pytest

from egov.registry.models import Resident
from tests import factories
from tests.conftest import login_official


@pytest.fixture
def bob_client(client, bob):
    """Bob works in English here so the assertions can read the messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login_official(client, bob)


def test_the_back_office_asks_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/office/residents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_official_who_skipped_the_second_factor_is_sent_back_to_log_in(client, bob):
    client.post("/accounts/login/", {"username": "bob", "password": "pw"})
    assert client.get("/office/").status_code == 302


def test_a_citizen_is_refused_the_back_office(client, alice):
    client.force_login(alice)
    assert client.get("/office/").status_code == 403


def test_bob_finds_a_resident_by_name_prefix_with_the_number_masked(bob_client, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    response = bob_client.post("/office/residents/", {"q": "김민"})
    assert response.status_code == 200
    assert person.rrn_masked in response.content.decode()
    assert person.rrn_reveal() not in response.content.decode()


def test_bob_finds_a_resident_by_full_number(bob_client, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    response = bob_client.post("/office/residents/", {"q": person.rrn_reveal()})
    assert f"/office/residents/{person.pk}/" in response.content.decode()


def test_a_malformed_number_or_a_one_letter_search_gets_a_field_error_not_a_500(bob_client, jongno):
    response = bob_client.post("/office/residents/", {"q": "900101-1234567"})
    assert response.status_code == 200 and "check digit" in response.content.decode()
    response = bob_client.post("/office/residents/", {"q": "김"})
    assert response.status_code == 200 and "at least 2" in response.content.decode()


def test_bob_does_not_find_gangnam_residents_and_gets_404_on_their_page(bob_client, gangnam):
    person = factories.resident(gangnam, "김민준", "Kim Minjun")
    assert person.rrn_masked not in bob_client.post("/office/residents/", {"q": "김민"}).content.decode()
    assert bob_client.get(f"/office/residents/{person.pk}/").status_code == 404
    assert bob_client.get(f"/office/households/{person.household_id}/").status_code == 404


def test_a_seoul_viewer_sees_every_seoul_district(client, seoul_supervisor, jongno, gangnam):
    login_official(client, seoul_supervisor)
    for agency in (jongno, gangnam):
        person = factories.resident(agency)
        assert client.get(f"/office/residents/{person.pk}/").status_code == 200


def test_bob_corrects_a_name_through_the_page_with_a_reason(bob_client, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    url = f"/office/residents/{person.pk}/correct/"
    form = {
        "name_ko": "김민준", "name_en": "Gim Minjun", "road_address": person.road_address,
        "address_detail": person.address_detail, "postal_code": person.postal_code,
        "reason": "여권 표기와 일치", "legal_basis": "주민등록법 제14조",
    }  # fmt: skip
    assert bob_client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.name_en == "Gim Minjun"
    page = bob_client.get(f"/office/residents/{person.pk}/").content.decode()
    assert "여권 표기와 일치" in page


def test_a_bad_correction_shows_the_field_error_and_changes_nothing(bob_client, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    form = {
        "name_ko": "Kim", "name_en": "Kim Minjun", "road_address": person.road_address,
        "postal_code": person.postal_code, "reason": "x", "legal_basis": "y",
    }  # fmt: skip
    response = bob_client.post(f"/office/residents/{person.pk}/correct/", form)
    assert response.status_code == 200 and "Hangul" in response.content.decode()
    person.refresh_from_db()
    assert person.name_ko == "김민준"


def test_bob_records_a_move_and_a_death_through_the_pages(bob_client, jongno):
    person = factories.resident(jongno, birth_date=dt.date(1940, 1, 1))
    response = bob_client.post(
        f"/office/residents/{person.pk}/move/",
        {
            "road_address": "서울특별시 종로구 사직로 161", "postal_code": "03045", "agency": jongno.code,
            "occurred_on": "2024-05-01", "reason": "전입", "legal_basis": "주민등록법 제16조",
        },
    )  # fmt: skip
    assert response.status_code == 302
    response = bob_client.post(
        f"/office/residents/{person.pk}/death/",
        {"occurred_on": "2024-06-01", "reason": "사망신고", "legal_basis": "가족관계등록법 제84조"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Resident.Status.DECEASED
    assert person.road_address == "서울특별시 종로구 사직로 161"


def test_revealing_a_number_needs_the_role(bob_client, client, jongno):
    person = factories.resident(jongno)
    assert bob_client.post(f"/office/residents/{person.pk}/reveal/", {"reason": "확인"}).status_code == 403


def test_bob_changes_a_business_status_and_transfers_a_vehicle(bob_client, jongno, alice_resident):
    business = factories.business(jongno, alice_resident)
    response = bob_client.post(
        f"/office/businesses/{business.pk}/status/",
        {
            "status": "suspended",
            "occurred_on": "2024-01-01",
            "reason": "휴업신고",
            "legal_basis": "부가가치세법 제8조",
        },
    )
    assert response.status_code == 302
    vehicle = factories.vehicle(jongno, alice_resident)
    buyer = factories.resident(jongno, "최현우", "Choi Hyeonwoo")
    response = bob_client.post(
        f"/office/vehicles/{vehicle.pk}/transfer/",
        {
            "owner_id_number": buyer.rrn_reveal(),
            "occurred_on": "2024-02-01",
            "reason": "매매",
            "legal_basis": "자동차관리법 제12조",
        },
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.owner_resident == buyer


def test_a_transfer_to_an_unknown_number_names_the_field(bob_client, jongno, alice_resident):
    vehicle = factories.vehicle(jongno, alice_resident)
    response = bob_client.post(
        f"/office/vehicles/{vehicle.pk}/transfer/",
        {
            "owner_id_number": factories.rrn(),
            "occurred_on": "2024-02-01",
            "reason": "매매",
            "legal_basis": "법",
        },
    )
    assert response.status_code == 200 and "Nobody is registered" in response.content.decode()


def test_search_by_plate_and_business_number(bob_client, jongno, alice_resident):
    vehicle = factories.vehicle(jongno, alice_resident, plate="12가3456")
    business = factories.business(jongno, alice_resident)
    assert (
        f"/office/vehicles/{vehicle.pk}/"
        in bob_client.post("/office/vehicles/", {"q": "12가 3456"}).content.decode()
    )
    page = bob_client.post("/office/businesses/", {"q": business.brn_formatted}).content.decode()
    assert f"/office/businesses/{business.pk}/" in page


def test_errors_are_shown_in_korean_to_a_korean_official(client, bob, jongno):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
    login_official(client, bob)
    response = client.post("/office/residents/", {"q": "김"})
    assert "2자 이상" in response.content.decode()


def test_bob_records_a_marriage_a_birth_and_a_divorce_through_the_pages(bob_client, jongno):
    mother = factories.resident(jongno, "최수아", "Choi Sua", dt.date(1990, 2, 3), "F")
    father = factories.resident(jongno, "정우진", "Jung Woojin", dt.date(1989, 7, 8), "M")
    why = {"reason": "신고", "legal_basis": "민법"}
    response = bob_client.post(
        f"/office/residents/{mother.pk}/marriage/",
        {"spouse_rrn": father.rrn_reveal(), "occurred_on": "2018-05-05", **why},
    )
    assert response.status_code == 302
    child_rrn = factories.rrn(dt.date(2019, 9, 9), "M")
    response = bob_client.post(
        f"/office/residents/{mother.pk}/birth/",
        {
            "rrn": child_rrn,
            "name_ko": "정하준",
            "name_en": "Jung Hajun",
            "other_parent_rrn": father.rrn_reveal(),
            "reason": "출생신고",
        },
    )
    assert response.status_code == 302
    child = Resident.objects.get(name_ko="정하준")
    assert set(child.relations.values_list("relative_id", flat=True)) == {mother.pk, father.pk}
    response = bob_client.post(
        f"/office/residents/{father.pk}/divorce/", {"occurred_on": "2023-01-01", **why}
    )
    assert response.status_code == 302
    assert not mother.relations.filter(kind="spouse", ended_on__isnull=True).exists()


def test_a_parent_younger_than_the_child_is_refused_on_the_page(bob_client, jongno):
    child = factories.resident(jongno, birth_date=dt.date(1980, 1, 1))
    young = factories.resident(jongno, birth_date=dt.date(2000, 1, 1))
    response = bob_client.post(
        f"/office/residents/{child.pk}/parent/",
        {"parent_rrn": young.rrn_reveal(), "since": "2001-01-01", "reason": "인지", "legal_basis": "민법"},
    )
    assert response.status_code == 200 and "born before the child" in response.content.decode()
    assert not child.relations.exists()


def test_bob_corrects_a_vehicle_model_through_the_page(bob_client, jongno, alice_resident):
    vehicle = factories.vehicle(jongno, alice_resident, plate="12가3456")
    response = bob_client.post(
        f"/office/vehicles/{vehicle.pk}/correct/",
        {
            "plate": "12가3456",
            "model_name": "Avante N",
            "model_year": 2020,
            "reason": "오기",
            "legal_basis": "자동차관리법",
        },
    )
    assert response.status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.model_name == "Avante N"
    assert vehicle.events.get(kind="correction").details["after"] == {"model_name": "Avante N"}
