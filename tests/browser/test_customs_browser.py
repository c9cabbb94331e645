"""UNI-PASS in Chromium: a customs broker fills the four-step declaration form for the trader
that mandated it, saves it half-way, resumes it, submits it, and sees the goods released and,
a moment later (the worker's tick), the signed export certificate."""

import pytest

from egov.customs.tasks import release_notices_tick
from tests.customs.conftest import (  # noqa: F401 - the customs cast, as fixtures
    broker,
    customs,
    customs_data_dir,
    donghae,
    hanbit,
    kang,
    manifest,
    minho,
    offices,
    rules,
    single_window,
    tariff,
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
