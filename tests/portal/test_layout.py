"""The portal as a new user meets it (issue 13): every section one click from the header,
procurement reachable from home, My page and the office header, a favicon, footer links,
Swagger UI from our own origin, KRDS radios, checkboxes and selects on the forms."""

import re

from tests import factories
from tests.conftest import login_official


def _ko(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_header_links_every_section_procurement_included(db, client):
    page = _ko(client, "/")
    menu = page.split('data-testid="main-menu"')[1].split("</ul>")[0]
    for path in ("/services/", "/petitions/", "/disclosure/", "/participation/", "/procurement/", "/verify"):
        assert f'href="{path}' in menu, path
    assert "나라장터 조달" in menu and "민원서비스" in menu
    assert 'data-testid="home-procurement"' in page
    assert (
        'aria-controls="mobile-nav"' in page and 'aria-expanded="false"' in page
    )  # the phone's 전체메뉴 button


def test_the_footer_links_the_policies_and_each_page_answers(db, client):
    page = _ko(client, "/")
    for name, words in (
        ("privacy", "개인정보처리방침"),
        ("terms", "이용약관"),
        ("copyright", "저작권정책"),
        ("accessibility", "웹 접근성"),
    ):
        assert f'href="/policies/{name}/"' in page and words in page
        assert words in _ko(client, f"/policies/{name}/")
    assert "운영기관" in page
    assert client.get("/policies/nothing/").status_code == 404


def test_a_business_finds_procurement_on_my_page(jongno, client):
    from egov.accounts.models import BusinessRepresentation, User

    owner = factories.resident(jongno, "박하나", "Park Hana", sex="F")
    business = factories.business(jongno, owner)
    hana = User.objects.create_user(username="hana", password="pw", kind="business")
    BusinessRepresentation.objects.create(user=hana, business=business, since="2020-01-01")
    client.force_login(hana)
    page = _ko(client, "/my/")
    assert 'data-testid="mypage-procurement"' in page and 'href="/procurement/"' in page


def test_the_office_header_links_procurement(bob, client):
    login_official(client, bob)
    page = _ko(client, "/office/civil/")
    menu = page.split('data-testid="main-menu"')[1].split("</ul>")[0]
    assert 'href="/office/procurement/"' in menu and "조달" in menu
    assert menu.count("<li>") <= 10  # user and log-out sit with the language switch, not in the menu


def test_the_favicon_is_served(db, client):
    page = _ko(client, "/")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(icon).status_code == 200
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200 and response.redirect_chain


def test_swagger_ui_comes_from_our_own_origin(db, client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower() and "http" not in page.split("</head>")[0].replace("http-equiv", "")
    scripts = re.findall(r'<script src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert scripts and styles
    for url in scripts + styles:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert "<script>" not in page  # nothing inline: the CSP allows scripts from 'self' only


def test_radios_checkboxes_and_selects_are_krds_controls(alice, client):
    client.force_login(alice)
    page = _ko(client, "/petitions/new/")
    radios = re.findall(
        r'<div class="krds-form-check"><input type="radio"[^>]*id="([^"]+)"[^>]*><label for="([^"]+)"', page
    )
    assert radios and all(a == b for a, b in radios)  # each input followed by its own label
    assert "<legend>구분</legend>" in page and '<div class="form-tit" aria-hidden="true">구분 *</div>' in page
    assert re.search(r'<select name="category" class="krds-form-select"', page)
    assert "신청하기" in page.split('data-testid="file"')[1][:80]  # the submit is no longer "파일"
