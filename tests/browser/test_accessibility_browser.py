"""Accessibility in Chromium (issue 13, KWCAG 2.2 / WCAG 2.2 AA): axe-core (npm) on every kind of
page the demo nation's citizen, business representative and official reach, 0 violations of any
impact; each page reflows at 320 CSS px without horizontal scrolling; and a certificate issued
with the keyboard alone, each control showing where the focus is."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.services import DEMO_PASSWORD
from tests.portal.crawl import crawl, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "browser" / "full-menu"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = (
    "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
    ".map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)"
)


@pytest.fixture
def demo_nation(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed", "--residents", "300", verbosity=0)


def _kinds_of_page(username: str) -> list[str]:
    """One page of each kind the user reaches (numbers in paths stand for one another)."""
    _problems, visited = crawl(login(username), ("/", "/my/", "/office/"))
    kinds, pages = set(), []
    for path in visited:
        kind = re.sub(r"[0-9A-Z][0-9A-Z-]{3,}", "N", path.split("?")[0])
        if kind not in kinds:
            kinds.add(kind)
            pages.append(path)
    return pages


def _browser_login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="로그인", exact=True).click()
    user = User.objects.get(username=username)
    if user.requires_second_factor:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time += device.step  # the next step's code: the crawl has just used this step's
        page.fill("input[name=token]", f"{totp.token():06d}")
        page.get_by_role("button", name="확인", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("username", ["citizen", "business", "official.jongno"])
def test_every_kind_of_page_passes_axe_and_reflows_at_320_px(browser, live_server, demo_nation, username):
    context = browser.new_context(locale="ko-KR", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems, pages = [], _kinds_of_page(username)
    _browser_login(page, live_server.url, username)
    assert len(pages) > 25, pages
    for path in pages:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(path=str(AXE))
        problems += [f"{path}: {v}" for v in page.evaluate(RUN_AXE, RULES)]
        page.set_viewport_size({"width": 320, "height": 800})
        page.reload()  # as a phone loads it: charts and scripts size themselves at load
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            problems.append(f"{path}: {width} px wide at 320 px")
    context.close()
    assert not problems, "\n".join(problems)


def test_a_certificate_is_issued_with_the_keyboard_alone(page, live_server, demo_nation):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    focused = []

    def tab_to(selector: str, limit: int = 40) -> None:
        """Tab until `selector` has the focus; every control passed shows a visible focus."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            style = page.evaluate(
                "() => { const a = document.activeElement, drawn = a.matches('.krds-form-check input')"
                " ? a.parentElement.querySelector('label') : a, s = getComputedStyle(drawn);"
                " return [a.tagName, a.id, s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
            )
            focused.append(style)
            tag, _id, outline, outline_width, shadow = style
            assert (outline != "none" and outline_width != "0px") or shadow != "none", style
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} never took the focus: {focused[-5:]}")

    tab_to("input[name=username]")
    page.keyboard.type("citizen")
    tab_to("input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/"))
    page.goto(f"{base}/services/resident-abstract/")
    tab_to("#id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to("[data-testid=apply]")
    page.shot("focus-on-apply")
    page.keyboard.press("Enter")
    page.locator("[data-testid=download-pdf]").wait_for()
    page.shot("issued-by-keyboard")
    assert len(focused) >= 4


def _check_full_menu(page, problems: list[str], where: str) -> None:
    """On a phone, KRDS's full menu (전체메뉴) is reached with Tab, opens with Enter, keeps the
    focus inside while open, passes axe open, and closes with Escape back on its button."""
    assert not page.locator("#egov-menu").is_visible(), where  # the desktop menu folds away
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('[data-menu-toggle]')"):
            break
    else:
        raise AssertionError(f"{where}: the menu button is not reached with Tab")
    page.keyboard.press("Enter")
    panel = page.locator("#mobile-nav .gnb-wrap")
    panel.wait_for(state="visible")
    page.wait_for_timeout(500)  # KRDS's slide-in transition
    assert page.get_attribute("[data-menu-toggle]", "aria-expanded") == "true"
    header_links = page.locator("#egov-menu nav .egov-nav > li > a").count()
    assert page.locator("#mobile-nav .gnb-sub-trigger").count() == header_links > 3, where
    for _ in range(header_links + 10):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('#mobile-nav')"), where
    page.add_script_tag(path=str(AXE))
    problems += [f"{where} (menu open): {v}" for v in page.evaluate(RUN_AXE, RULES)]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"full-menu-open-{where.strip('/').replace('/', '-') or 'home'}.png"))
    page.keyboard.press("Escape")
    assert not page.locator("#mobile-nav .gnb-wrap").is_visible(), where
    assert page.get_attribute("[data-menu-toggle]", "aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.matches('[data-menu-toggle]')"), where


def test_the_krds_full_menu_on_a_phone_is_keyboard_usable_and_passes_axe(browser, live_server, demo_nation):
    context = browser.new_context(locale="ko-KR", bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.goto(f"{live_server.url}/")
    _check_full_menu(page, problems, "/")
    assert page.locator("#mobile-nav .gnb-sub-trigger", has_text="나라장터").count() == 1
    page.set_viewport_size({"width": 1280, "height": 900})
    _browser_login(page, live_server.url, "official.jongno")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/office/")
    _check_full_menu(page, problems, "/office/")
    context.close()
    assert not problems, "\n".join(problems)
