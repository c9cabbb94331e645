"""Every read of a person in the back office is on that person's "who looked at my data":
record pages, households, searches listing them, ID reveals and the API, each with the agency
and the official's duty, never the official's name."""

import datetime as dt

import pytest
from django.test import Client

from egov.exchange.models import AccessLogEntry
from egov.registry import services
from egov.registry.selectors import resident_family
from tests import factories
from tests.conftest import login_official


@pytest.fixture
def bob_client(client, bob):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login_official(client, bob)


def alice_page(alice, language="ko") -> str:
    """Alice's own page, in her own browser (Korean unless told)."""
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    browser.force_login(alice)
    response = browser.get("/my/access-log/")
    assert response.status_code == 200
    return response.content.decode()


def test_alice_sees_bob_the_registrars_view_of_her_record_as_a_jongno_official(
    bob_client, alice, alice_resident
):
    assert bob_client.get(f"/office/residents/{alice_resident.pk}/").status_code == 200
    page = alice_page(alice)
    assert "서울특별시 종로구 주민등록 담당 공무원" in page
    assert "주민등록 기록 열람" in page and "주민등록법 제2조" in page
    assert "bob" not in page  # the duty and the agency, never the official's name


def test_alice_reads_it_in_english_too(bob_client, alice, alice_resident):
    bob_client.get(f"/office/residents/{alice_resident.pk}/")
    page = alice_page(alice, "en")
    assert "Resident registration official, Jongno-gu, Seoul" in page and "Resident record viewed" in page


def test_a_search_listing_alice_appears_on_her_page_and_each_person_listed_gets_one_entry(
    bob_client, alice, alice_resident, jongno
):
    namesake = factories.resident(jongno, "이서준", "Lee Seojun")
    response = bob_client.post("/office/residents/", {"q": "이서"})
    assert response.status_code == 200
    listed = AccessLogEntry.objects.filter(item_code="registry.search")
    assert sorted(listed.values_list("subject_id", flat=True)) == sorted([alice_resident.pk, namesake.pk])
    assert "검색 결과에 표시" in alice_page(alice)


def test_a_search_that_finds_nobody_logs_nothing(bob_client, jongno):
    bob_client.post("/office/residents/", {"q": "없는사람"})
    assert not AccessLogEntry.objects.exists()


def test_a_reveal_of_alices_number_appears_on_her_page(client, alice, alice_resident, jongno):
    ria = factories.official("ria", jongno, roles=("viewer", "id_revealer"))
    login_official(client, ria)
    response = client.post(f"/office/residents/{alice_resident.pk}/reveal/", {"reason": "본인 확인 요청"})
    assert response.status_code == 200
    assert "주민등록번호 전체 확인" in alice_page(alice)
    entry = AccessLogEntry.objects.get(item_code="registry.rrn_reveal")
    assert entry.subject_id == alice_resident.pk and "본인 확인 요청" not in entry.purpose


def test_a_refused_reveal_leaves_no_entry(bob_client, alice_resident):
    response = bob_client.post(f"/office/residents/{alice_resident.pk}/reveal/", {"reason": "확인"})
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(item_code="registry.rrn_reveal").exists()


def test_opening_a_record_logs_its_family_and_household_as_shown(bob, alice_resident, jongno):
    mother = factories.resident(jongno, "김영희", "Kim Younghee", birth_date=dt.date(1960, 3, 1), sex="F")

    services.parent_link(
        actor=bob, child=alice_resident, parent=mother, since=alice_resident.birth_date,
        reason="인지", legal_basis="가족관계의 등록 등에 관한 법률",
    )  # fmt: skip
    services.resident_record_shown(
        actor=bob, resident=alice_resident, family=resident_family(resident=alice_resident), members=[]
    )
    kinds = dict(AccessLogEntry.objects.values_list("subject_id", "item_code"))
    assert kinds == {alice_resident.pk: "registry.resident", mother.pk: "registry.family"}


def test_the_household_page_logs_each_member(bob_client, alice_resident):
    household = alice_resident.household
    if household is None:
        pytest.skip("the factory made no household")
    bob_client.get(f"/office/households/{household.pk}/")
    assert AccessLogEntry.objects.filter(item_code="registry.household", subject=alice_resident).exists()


def test_the_apis_resident_read_and_search_are_logged(client, bob, alice, alice_resident):
    login_official(client, bob)
    assert client.get(f"/api/v1/registry/residents/{alice_resident.pk}").status_code == 200
    response = client.post(
        "/api/v1/registry/residents/search", {"q": "이서연"}, content_type="application/json"
    )
    assert response.status_code == 200
    kinds = sorted(AccessLogEntry.objects.filter(subject=alice_resident).values_list("item_code", flat=True))
    assert kinds == ["registry.resident", "registry.search"]
    entry = AccessLogEntry.objects.filter(subject=alice_resident).first()
    assert entry.consumer == bob.agency and entry.user_ref == "bob" and entry.client_id == ""


def test_alice_looking_at_her_own_record_is_not_a_read_by_someone_else(alice, alice_resident):
    services.resident_shown(actor=alice, resident=alice_resident)
    assert not AccessLogEntry.objects.exists()
