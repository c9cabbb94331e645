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


def _dashboard_items(page: str) -> list[str]:
    """The dashboard's lines as read: tags removed, spaces collapsed."""
    import re

    lists = re.findall(r'<ul class="egov-dashboard-list">(.*?)</ul>', page, flags=re.S)
    items = [item for block in lists for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def test_a_draft_vat_return_on_my_page_names_its_period_once(client, jongno, mois):
    """A draft return has no number yet: the dashboard names it by its period (issue 13), and
    the procedure's name is not repeated beside a title that is the procedure's name."""
    import datetime as dt

    from egov.accounts.models import BusinessRepresentation, User
    from egov.tax.models import TaxOffice
    from egov.tax.services.vat import vat_return_prepare

    nts = factories.agency("1210000", "국세청", "National Tax Service", kind="office")
    office = TaxOffice.objects.create(
        agency=factories.agency("1210101", "종로세무서", "Jongno Tax Office", nts, kind="office")
    )
    office.jurisdictions.add(jongno)
    owner = factories.resident(jongno, "박하나", "Park Hana", sex="F")
    business = factories.business(jongno, owner, name="한빛상사")
    user = User.objects.create_user(username="hana", password="pw", kind="business")
    BusinessRepresentation.objects.create(user=user, business=business, since=dt.date(2020, 1, 1))
    vat_return_prepare(actor=user, business=business, period="2026-2", today=dt.date(2027, 1, 10))
    client.force_login(user)
    page = client.get("/my/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    (line,) = [item for item in _dashboard_items(page) if "부가가치세" in item]
    assert "2026년 제2기" in line, line
    assert line.count("부가가치세 신고") == 1, line


def test_a_case_without_a_title_shows_its_procedure_once():
    """A customs declaration has no title of its own: its line reads "수출입 신고 [state] CD-…",
    not "수출입 신고 [state] 수출입 신고 CD-…"."""
    import datetime as dt

    from django.template.loader import render_to_string
    from django.utils import translation

    from egov.cases.selectors import MyCase

    case = MyCase(
        procedure="수출입 신고", number="CD-2612-0000001", title="수출입 신고", state="심사 중",
        submitted_at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), link="/customs/1/", needs_action=False,
    )  # fmt: skip
    titled = MyCase(
        procedure="민원 신청", number="CA-2612-0000002", title="주민등록표 등본 발급", state="접수",
        submitted_at=dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), link="/civil/2/", needs_action=True,
    )  # fmt: skip
    with translation.override("ko"):
        page = render_to_string(
            "portal/mypage.html", {"needs_action": [titled], "in_progress": [case], "unpaid": []}
        )
    lines = _dashboard_items(page)
    assert "수출입 신고 심사 중 CD-2612-0000001 · 2026-12-01" in lines, lines
    assert "주민등록표 등본 발급 접수 민원 신청 CA-2612-0000002" in lines, lines
