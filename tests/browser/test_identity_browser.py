"""Signing up and in, in Chromium: sign-up with an enrolment code; a passkey made and used
with Chromium's virtual authenticator (CDP WebAuthn); and two government sites, each a small
authlib relying party written here, signing Alice in through our OpenID Connect provider."""

import datetime as dt
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from egov.accounts.models import Passkey, User
from egov.accounts.services.enrolment import enrolment_code_issue
from egov.accounts.services.relying_parties import relying_party_register
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page):
    """axe-core (from npm) in the page: no WCAG 2.2 A/AA violations of any impact. Evaluated
    through the DevTools protocol, which our CSP (scripts from our origin only) does not govern."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run npm install")
    page.evaluate(AXE.read_text())
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert not problems, f"{page.url}: {problems}"


@pytest.fixture
def minjun(settings, tmp_path, jongno):
    settings.DATA_DIR = tmp_path
    return factories.resident(jongno, "김민준", "Kim Minjun", birth_date=dt.date(1988, 5, 17))


def _virtual_authenticator(page):
    """Chromium's virtual authenticator: a platform passkey store that says yes by itself."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def _prove(page, base, resident, code, purpose="signup"):
    page.goto(f"{base}/accounts/{'signup' if purpose == 'signup' else 'recover'}/")
    page.fill("#id_name", resident.name_ko)
    page.fill("#id_birth_date", resident.birth_date.isoformat())
    page.fill("#id_code", code)
    page.shot(f"{purpose}-code-entered")
    _axe(page)
    page.get_by_role("button", name="다음").click()
    page.wait_for_url("**/accounts/enrolment/credentials/")


def test_minjun_signs_up_with_the_code_from_the_counter_and_a_password(page, live_server, bob, minjun):
    base = live_server.url
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _prove(page, base, minjun, code[:4] + "-" + code[4:8] + "-" + code[8:])
    page.shot("credentials")
    _axe(page)
    page.fill("#id_username", "minjun")
    page.fill("#id_password", "correct horse 88")
    page.fill("#id_password_again", "correct horse 88")
    page.get_by_role("button", name="계정 만들기").click()
    page.wait_for_url("**/my/")
    page.shot("my-page")
    assert User.objects.get(username="minjun").resident_id == minjun.pk

    page.context.clear_cookies()  # someone else tries the same code again: refused
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_name", minjun.name_ko)
    page.fill("#id_birth_date", minjun.birth_date.isoformat())
    page.fill("#id_code", code)
    page.get_by_role("button", name="다음").click()
    assert "이미 사용되었습니다" in page.locator(".egov-error").first.inner_text()
    page.shot("code-used-twice")


def test_minjun_signs_up_with_a_passkey_and_signs_in_with_it(page, live_server, bob, minjun):
    base = live_server.url
    _virtual_authenticator(page)
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="post")
    _prove(page, base, minjun, code)
    page.fill("#id_username", "minjun")
    page.get_by_role("button", name="패스키 만들기").click()
    page.wait_for_url("**/my/")
    page.shot("signed-up-with-passkey")
    user = User.objects.get(username="minjun")
    assert not user.has_usable_password() and Passkey.objects.filter(user=user).count() == 1

    page.locator("form[action='/accounts/logout/'] button:visible").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/accounts/login/")
    page.shot("login-page")
    _axe(page)
    page.get_by_role("button", name="패스키로 로그인").click()
    page.wait_for_url("**/my/")
    page.shot("signed-in-with-passkey")
    assert Passkey.objects.get(user=user).last_used_at is not None


def test_bob_adds_a_passkey_and_uses_it_as_his_second_factor(page, live_server, bob, settings, tmp_path):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DATA_DIR = tmp_path
    base = live_server.url
    _virtual_authenticator(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()
    device = TOTPDevice.objects.get(user=bob)
    page.fill(
        "#id_token",
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}",
    )
    page.get_by_role("button", name="확인", exact=True).click()
    page.wait_for_url("**/office/")
    page.goto(f"{base}/accounts/security/")
    page.get_by_role("button", name="패스키 추가").click()
    page.wait_for_url("**/accounts/security/")
    page.locator("table").wait_for()
    page.shot("passkey-added")
    _axe(page)
    page.locator("form[action='/accounts/logout/'] button:visible").click()

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="로그인", exact=True).click()
    page.wait_for_url("**/accounts/login/otp/")
    page.get_by_role("button", name="패스키로 인증").click()
    page.wait_for_url("**/office/")
    page.shot("office-after-passkey")


class Site:
    """A government site's sign-in, written with authlib as its developers would."""

    def __init__(self, base, party, secret, scope):
        self.base, self.party = base, party
        self.redirect_uri = party.application.redirect_uris.split()[0]
        self.discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
        self.session = OAuth2Session(
            party.application.client_id,
            secret,
            redirect_uri=self.redirect_uri,
            scope=scope,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post" if secret else "none",
        )

    def start(self) -> str:
        self.state, self.nonce, self.verifier = (secrets.token_urlsafe(16) for _ in range(3))
        self.verifier += secrets.token_urlsafe(32)
        url, _ = self.session.create_authorization_url(
            self.discovery["authorization_endpoint"],
            state=self.state,
            nonce=self.nonce,
            code_verifier=self.verifier,
        )
        return url

    def finish(self, callback_url: str) -> dict:
        assert parse_qs(urlsplit(callback_url).query)["state"] == [self.state]
        token = self.session.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=callback_url,
            code_verifier=self.verifier,
            state=self.state,
        )
        keys = KeySet.import_key_set(requests.get(self.discovery["jwks_uri"], timeout=10).json())
        claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
        assert claims["iss"] == self.discovery["issuer"] and claims["aud"] == self.party.application.client_id
        assert claims["nonce"] == self.nonce
        return claims


def _through_provider(page, site) -> str:
    """Alice follows the site's sign-in link, agrees on our consent screen, and lands back on
    the site (intercepted: the site is not on this machine). Returns the callback URL."""
    landed = {}

    def callback(route):
        landed["url"] = route.request.url
        route.fulfill(status=200, content_type="text/html", body="<html lang='ko'><title>ok</title>ok</html>")

    page.route(site.redirect_uri + "*", callback)
    page.goto(site.start())
    if "/accounts/login/" in page.url:
        page.fill("#id_username", "alice")
        page.fill("#id_password", "pw")
        page.get_by_role("button", name="로그인", exact=True).click()
    page.locator("[data-testid=claims]").wait_for()
    page.shot(f"consent-{site.party.application.client_id[:6]}")
    _axe(page)
    page.get_by_role("button", name="동의하고 계속").click()
    page.wait_for_url(site.redirect_uri + "*")
    return landed["url"]


def test_alice_signs_in_to_two_sites_and_each_gets_its_own_subject(
    page, live_server, alice, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    base = live_server.url
    olga = User.objects.create_user(username="olga", password="pw", kind="operator", is_staff=True)
    hometax, secret = relying_party_register(
        actor=olga,
        name="국세청 홈택스",
        redirect_uris="https://hometax.example/callback",
        public=False,
        scopes=["openid", "profile"],
    )
    welfare, _ = relying_party_register(
        actor=olga, name="복지로", redirect_uris="https://bokjiro.example/cb", public=True, scopes=["openid"]
    )
    first = Site(base, hometax, secret, "openid profile")
    claims_one = first.finish(_through_provider(page, first))
    assert claims_one["name"] == "이서연"
    second = Site(base, welfare, None, "openid")
    claims_two = second.finish(_through_provider(page, second))
    assert claims_one["sub"] != claims_two["sub"]
    assert "name" not in claims_two
