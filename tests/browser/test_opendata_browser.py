"""The open-data portal's API key page on a phone: apply, see the key once, revoke."""

import pytest

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
