"""KRDS breadcrumbs on every page but the homes (issue 13): the trail is built once in
portal/base.html from the page's address, each step a section's landing or list page, the last
the page itself by its title, marked aria-current."""

import re

from tests.conftest import login_official


def trail(html: str) -> list[str]:
    """The breadcrumb's steps as read, the current page last with a leading '>'."""
    nav = html.split('data-testid="breadcrumb"')[1].split("</nav>")[0]
    steps = [re.sub(r"<[^>]+>", "", s).strip() for s in re.findall(r"<li[^>]*>(.*?)</li>", nav, flags=re.S)]
    current = re.search(r'aria-current="page">([^<]*)<', nav).group(1)
    return steps[:-1] + [">" + current]


def _ko(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, path
    return response.content.decode()


def test_a_section_page_and_a_page_inside_a_section(db, client):
    assert trail(_ko(client, "/services/")) == ["홈", ">민원서비스"]
    assert trail(_ko(client, "/disclosure/publications/")) == ["홈", "정보공개", ">사전정보공표"]
    inside = _ko(client, "/disclosure/publications/").split('data-testid="breadcrumb"')[1]
    assert 'href="/disclosure/"' in inside.split("</nav>")[0]


def test_my_pages_pass_through_my_page(client, alice):
    client.force_login(alice)
    assert trail(_ko(client, "/my/applications/")) == ["홈", "마이페이지", ">나의 민원 신청 내역"]
    assert trail(_ko(client, "/my/payments/")) == ["홈", "마이페이지", ">나의 납부"]


def test_office_pages_start_at_the_back_office(client, bob):
    login_official(client, bob)
    assert trail(_ko(client, "/office/civil/")) == ["행정 업무", ">처리할 민원"]
    assert trail(_ko(client, "/office/disclosure/publications/"))[:2] == ["행정 업무", "정보공개"]


def test_the_homes_have_no_breadcrumb(db, client, bob):
    assert 'data-testid="breadcrumb"' not in _ko(client, "/")
    login_official(client, bob)
    assert 'data-testid="breadcrumb"' not in _ko(client, "/office/")
