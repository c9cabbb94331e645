"""The open-data portal on a phone (390 px): a citizen applies for an API key, sees it once and
revokes it; an agency publishes a dataset and adds a file, every control usable without
scrolling sideways."""

import pytest
from django.test import Client

from tests import factories
from tests.conftest import login_official

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_citizen_applies_for_an_api_key_on_a_phone(page, live_server, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()
    page.goto(f"{base}/my/data/keys/")
    page.locator("label", has_text="앱·서비스 개발").click()
    page.fill("textarea[name=expected_use]", "버스 도착 정보 앱에서 조회합니다.")
    page.get_by_role("button", name="신청", exact=True).click()
    secret = page.locator("[data-testid=secret]").inner_text()
    assert len(secret) > 30 and "일일 트래픽 한도" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("key-issued-390")
    page.get_by_role("button", name="폐기", exact=True).click()
    assert "인증키를 폐기했습니다" in page.content() and secret not in page.content()
    page.shot("key-revoked-390")


def test_an_agency_publishes_a_dataset_and_a_file_on_a_phone(page, live_server, seoul, tmp_path):
    admin = factories.official("sora", seoul, roles=("viewer", "agency_admin"))
    client = Client()
    login_official(client, admin)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page.context.add_cookies([{"name": "django_language", "value": "ko", "domain": host, "path": "/"}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/office/data/new")
    page.shot("new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_title_ko", "서울시 공원 목록")
    page.select_option("#id_theme", index=1)
    page.get_by_role("button", name="게시").click()
    page.wait_for_url("**/upload")
    page.shot("upload")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    path = tmp_path / "parks.json"
    path.write_bytes(b"{oops")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="올리기").click()
    page.shot("refused")
    assert "확장자(JSON)와 맞지 않습니다" in page.content()
    path = tmp_path / "parks.csv"
    path.write_text("공원명,자치구\n남산공원,중구\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="올리기").click()
    page.wait_for_url("**/data/dataset/**")
    page.shot("published")
    assert "서울시 공원 목록" in page.content() and "CSV" in page.content()
