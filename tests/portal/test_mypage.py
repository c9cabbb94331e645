from django.test import override_settings

from tests import factories


def test_alice_sees_her_own_record_masked_and_her_household(client, alice, alice_resident, jongno):
    child = factories.resident(
        jongno, "이도윤", "Lee Doyun", household=alice_resident.household, relation_to_head="child"
    )
    client.force_login(alice)
    page = client.get("/my/").content.decode()
    assert alice_resident.rrn_masked in page
    assert alice_resident.rrn_reveal() not in page
    assert child.name_ko in page and child.rrn_masked in page
    assert child.rrn_reveal() not in page


def test_alice_does_not_see_a_stranger(client, alice, jongno):
    stranger = factories.resident(jongno, "홍길동", "Hong Gildong")
    client.force_login(alice)
    assert stranger.name_ko not in client.get("/my/").content.decode()


def test_my_page_asks_an_anonymous_visitor_to_log_in(client, db):
    assert client.get("/my/")["Location"].startswith("/accounts/login/")


@override_settings(LANGUAGE_CODE="ko")
def test_the_portal_speaks_korean_by_default_and_english_on_request(client, db):
    assert 'lang="ko"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Government services in one place" in page


def test_the_home_page_in_korean_is_translated(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "정부 서비스" in page


def test_a_business_representative_sees_the_businesses_they_represent(client, jongno, alice_resident):
    import datetime as dt

    from egov.accounts.models import BusinessRepresentation, User

    business = factories.business(jongno, alice_resident, name="서연상회")
    user = User.objects.create_user(username="rep", password="pw", kind="business")
    BusinessRepresentation.objects.create(user=user, business=business, since=dt.date(2020, 1, 1))
    client.force_login(user)
    assert "서연상회" in client.get("/my/").content.decode()


def test_the_household_lists_the_head_first(client, alice, alice_resident, jongno):
    import datetime as dt

    factories.resident(
        jongno,
        "이순자",
        "Lee Sunja",
        dt.date(1940, 1, 1),
        "F",
        household=alice_resident.household,
        relation_to_head="parent",
    )
    client.force_login(alice)
    page = client.get("/my/").content.decode()
    assert page.index(alice_resident.name_ko + "</td>") < page.index("이순자")
