"""UNI-PASS in Chromium: a customs broker fills the four-step declaration form for the trader
that mandated it, saves it half-way, resumes it, submits it, and sees the goods released and,
a moment later (the worker's tick), the signed export certificate."""

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.customs.services import declaration_submit, security_deposit_register
from egov.customs.tasks import release_notices_tick
from tests.customs.conftest import (  # noqa: F401 - the customs cast, as fixtures
    broker,
    customs,
    customs_data_dir,
    donghae,
    hana,
    hanbit,
    kang,
    manifest,
    minho,
    offices,
    park,
    rules,
    single_window,
    tariff,
    tshirts,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("customs", "minho")
def test_a_broker_declares_an_export_through_the_form_to_its_release(page, live_server, request):
    trader = request.getfixturevalue("hanbit")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "minho")
    page.fill("input[name=password]", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()

    page.goto(f"{base}/my/customs/new/")
    page.select_option("#id_kind", "export")
    page.fill("#id_declarant_reference", "BR-EX-BROWSER")
    page.fill("#id_trader_brn", trader.brn)
    page.locator("button[name=move][value=save]").click()  # save and finish later
    page.goto(f"{base}/my/customs/")
    page.shot("draft-saved")
    page.locator("[data-testid=drafts] a", has_text="BR-EX-BROWSER").click()  # resume the draft
    page.locator("button[name=move][value=next]").click()

    page.select_option("#id_transport_mode", "4")
    page.fill("#id_conveyance", "KE081")
    page.fill("#id_port_of_loading", "KRICN")
    page.fill("#id_port_of_discharge", "USJFK")
    page.fill("#id_incoterm", "FCA")
    page.fill("#id_currency", "USD")
    page.fill("#id_invoice_amount", "12000")
    page.locator("button[name=move][value=next]").click()

    page.fill("#id_items-0-description", "Laptop computers")
    page.fill("#id_items-0-hs_code", "8471300000")
    page.fill("#id_items-0-origin", "KR")
    page.fill("#id_items-0-unit", "H87")
    page.fill("#id_items-0-quantity", "10")
    page.fill("#id_items-0-value", "12000")
    page.locator("button[name=move][value=next]").click()

    page.locator("[data-testid=review]").wait_for()
    page.shot("review")
    assert "Laptop computers" in page.locator("[data-testid=review]").inner_text()
    page.locator("button[name=move][value=submit]").click()

    state = page.locator("[data-testid=state]")
    state.wait_for()
    page.shot("released")
    assert state.get_attribute("data-state") == "released"
    assert "발급 중" in page.locator("[data-testid=release-pending]").inner_text()

    release_notices_tick()  # what `egov worker` does within the second
    page.reload()
    notice = page.locator("[data-testid=release] a")
    assert notice.get_attribute("href").startswith("/verify?number=")
    page.shot("notice")


@pytest.mark.usefixtures("customs")
def test_an_official_sees_and_releases_securities_on_a_phone(page, live_server, request, settings):
    """At 390 px: officer Park's securities page, a security partly held by an unpaid release
    (its release refused with the reason), and a new one recorded and released."""
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    officer, representative, trader = (request.getfixturevalue(n) for n in ("park", "hana", "hanbit"))
    today = timezone.localdate()
    security_deposit_register(
        actor=officer, trader_brn=trader.brn, kind="insurance", reference="SGI-2026-0001", amount=2_000_000,
        valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=335),
    )  # fmt: skip
    declaration_submit(actor=representative, trader_brn=trader.brn, **tshirts())
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "park")
    page.fill("input[name=password]", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()
    device = TOTPDevice.objects.get(user=officer)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.fill("input[name=token]", f"{token:06d}")
    page.get_by_role("button", name="확인", exact=True).click()

    page.goto(f"{base}/office/customs/securities/")
    table = page.locator("[data-testid=securities]")
    assert "1,701,000" in table.inner_text() and "299,000" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("securities-390")

    page.locator("details summary", has_text="이 담보 해제").click()
    page.fill("textarea[name$=-reason]", "해지 신청")
    page.get_by_role("button", name="해제", exact=True).click()
    assert "해제할 수 없습니다" in page.content()
    page.shot("release-refused-390")

    page.fill("#id_trader_brn", trader.brn)
    page.select_option("#id_kind", "cash")
    page.fill("#id_reference", "CASH-7")
    page.fill("#id_amount", "500000")
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + dt.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="기록", exact=True).click()
    assert "담보를 등록했습니다" in page.content()
    page.locator("tr", has_text="CASH-7").locator("details summary").click()
    page.locator("tr", has_text="CASH-7").locator("textarea").fill("반환")
    page.locator("tr", has_text="CASH-7").get_by_role("button", name="해제", exact=True).click()
    assert "담보를 해제했습니다" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.shot("released-390")
