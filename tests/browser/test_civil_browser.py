"""Government24 end to end in Chromium: a certificate issued, downloaded and verified; a
moving-in report filed by the citizen, approved by an official, seen on My Page."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.civil.seed import catalogue_seed
from egov.exchange.services import shared_item_sync
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def civil_nation(settings, tmp_path, mois, jongno, gangnam, alice):
    settings.DATA_DIR = tmp_path
    factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    factories.official("mois.admin", mois, roles=("viewer", "agency_admin"))
    shared_item_sync()
    catalogue_seed()
    parent = factories.resident(jongno, "이정호", "Lee Jungho")
    from egov.registry.models import FamilyRelation

    FamilyRelation.objects.create(person=alice.resident, relative=parent, kind="parent", since="1990-01-01")
    return alice


def _login(page, base, username, password="pw"):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="로그인", exact=True).click()


def test_citizen_issues_a_family_certificate_downloads_and_verifies_it(page, live_server, civil_nation):
    base = live_server.url
    _login(page, base, "alice")
    page.shot("logged-in")
    page.goto(f"{base}/services/family-relations/")
    page.shot("service-page")
    assert page.locator("[data-testid=fetch-plan]").is_visible()  # what is fetched, from whom
    page.locator("label[for=id_consent]").click()  # the KRDS checkbox: its label is what one clicks
    assert page.locator("#id_consent").is_checked()
    page.locator("[data-testid=apply]").click()
    page.locator("[data-testid=download-pdf]").wait_for()
    page.shot("issued")
    with page.expect_download() as download:
        page.locator("[data-testid=download-pdf]").click()
    pdf = page.artifacts / "family-relations.pdf"
    download.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    page.goto(f"{base}/verify")
    page.set_input_files("#id_file", str(pdf))
    page.get_by_role("button", name="파일 확인").click()
    result = page.locator(".egov-verify-result")
    result.wait_for()
    page.shot("verified")
    assert "유효" in result.inner_text()


def test_moving_in_report_approved_by_an_official_shows_on_my_page(
    page, live_server, civil_nation, gangnam, carol
):
    base = live_server.url
    _login(page, base, "alice")
    page.goto(f"{base}/services/moving-in/")
    page.select_option("#id_agency", gangnam.code)
    page.fill("#id_road_address", "서울특별시 강남구 테헤란로 152")
    page.fill("#id_address_detail", "1203호")
    page.fill("#id_postal_code", "06236")
    from django.utils import timezone

    page.fill("#id_moved_on", timezone.localdate().isoformat())
    page.shot("form-filled")
    page.locator("[data-testid=apply]").click()
    state = page.locator("[data-testid=state]")
    state.wait_for()
    page.shot("submitted")
    assert state.get_attribute("data-state") == "submitted"
    number = page.locator("h1 small").inner_text().strip()
    page.context.clear_cookies()

    _login(page, base, "carol")
    device = TOTPDevice.objects.get(user=carol)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.fill("input[name=token]", f"{token:06d}")
    page.get_by_role("button", name="확인", exact=True).click()
    page.goto(f"{base}/office/civil/")
    page.shot("official-queue")
    page.get_by_role("link", name=number).click()
    page.locator("[data-testid=approve]").click()
    page.locator("[data-testid=state]").wait_for()
    page.shot("approved")
    page.context.clear_cookies()

    _login(page, base, "alice")
    page.goto(f"{base}/my/")
    page.shot("my-page")
    assert "테헤란로 152" in page.content()
