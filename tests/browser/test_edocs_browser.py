"""On-nara in Chromium: Team leader Junho signs his review with his passkey (Chromium's virtual
authenticator answers the step-up); the document page at a phone's width."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.edocs.services.approval import document_submit
from tests.browser.test_identity_browser import _virtual_authenticator
from tests.edocs.conftest import (  # noqa: F401 - the edocs fixtures, used by name
    draft,
    edocs_data_dir,
    edocs_home,
    finance,
    gangnam_office,
    general_affairs,
    junho,
    minji,
    park,
    soyeon,
)
from tests.edocs.stepup import fresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, base, official):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()
    device = TOTPDevice.objects.get(user=official)
    page.fill(
        "#id_token",
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}",
    )
    page.get_by_role("button", name="확인", exact=True).click()
    page.wait_for_url("**/office/**")


def test_junho_signs_his_review_with_his_passkey(page, live_server, draft, minji, junho):  # noqa: F811
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    base = live_server.url
    _virtual_authenticator(page)
    _log_in(page, base, junho)
    page.goto(f"{base}/accounts/security/")
    page.get_by_role("button", name="패스키 추가").click()
    page.locator("table").wait_for()
    page.goto(f"{base}/office/edocs/documents/{document.number}/")
    page.get_by_text("패스키로 본인 확인을 해야").wait_for()
    page.shot("document-with-passkey-step-up")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("document-at-390px")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("sign").click()
    page.get_by_text("처리되었습니다.").first.wait_for()
    page.shot("signed")
    step = document.steps.get(order=1)
    assert step.outcome == "approved" and '"auth":"passkey"' in step.signed
