"""One login for government sites: our OpenID Connect provider, driven by an authlib relying
party (tests/accounts/relying_party.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from egov.accounts.models import RelyingParty
from egov.accounts.oidc import pairwise_subject
from egov.accounts.services.relying_parties import relying_party_register
from egov.core.audit import AuditEvent
from egov.core.errors import PermissionDenied, ValidationFailed
from tests import factories
from tests.accounts.relying_party import RelyingParty as Site


def _site(client, party, scope="openid profile", redirect_uri=None):
    return Site(
        client,
        client_id=party.application.client_id,
        client_secret=party.secret,
        redirect_uri=redirect_uri or party.application.redirect_uris.split()[0],
        scope=scope,
    )


def _consent(client, url, allow=True):
    """Alice reads the consent screen and agrees (or cancels); returns where she is sent."""
    page = client.get(url)
    assert page.status_code == 200, page.content
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    if allow:
        data["allow"] = "Authorize"
    response = client.post("/oidc/authorize/", data)
    assert response.status_code == 302, response.content
    return response["Location"]


def _sign_in(client, party, **kwargs):
    site = _site(client, party, **{k: v for k, v in kwargs.items() if k in ("scope",)})
    return site, site.callback(_consent(client, site.authorization_url()))


def _error(location: str) -> str:
    return parse_qs(urlsplit(location).query).get("error", [""])[0]


def test_discovery_says_where_everything_is_and_that_subjects_are_pairwise(client, db):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["issuer"] == "http://testserver"
    assert data["authorization_endpoint"] == "http://testserver/oidc/authorize/"
    assert data["token_endpoint"] == "http://testserver/oidc/token/"
    assert data["userinfo_endpoint"] == "http://testserver/oidc/userinfo/"
    assert data["end_session_endpoint"] == "http://testserver/oidc/logout/"
    assert data["subject_types_supported"] == ["pairwise"]
    assert "RS256" in data["id_token_signing_alg_values_supported"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    keys = client.get("/oidc/jwks/").json()["keys"]
    assert keys and all(set(key) >= {"kty", "n", "e", "kid"} and "d" not in key for key in keys)


def test_the_signing_key_comes_from_the_key_store_and_keys_init_creates_it(settings, tmp_path, db):
    from egov.core import keys

    settings.DATA_DIR = tmp_path
    call_command("keys", "init", stdout=open("/dev/null", "w"))
    path = keys.oidc_key_path()
    assert path.exists() and path.parent == tmp_path / "keys"
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_alice_signs_in_to_a_site_and_it_learns_her_name_but_not_her_id_number(client, alice, hometax):
    client.force_login(alice)
    site, token = _sign_in(client, hometax)
    claims = token["claims"]
    assert claims["name"] == "이서연" and claims["birthdate"] == "1990-01-01"
    assert claims["sub"] == pairwise_subject(user_id=alice.pk, sector_identifier="hometax.example")
    assert str(alice.pk) != claims["sub"] and alice.resident.rrn_head not in claims["sub"]
    info = site.userinfo(token)
    assert info["sub"] == claims["sub"] and info["name"] == "이서연"
    assert AuditEvent.objects.filter(action="relying_party.consent").exists()


def test_two_sites_get_different_subjects_for_alice_and_each_the_same_one_every_time(
    client, alice, hometax, welfare_app
):
    client.force_login(alice)
    _, first = _sign_in(client, hometax)
    _, again = _sign_in(client, hometax)
    _, other = _sign_in(client, welfare_app, scope="openid")
    assert first["claims"]["sub"] == again["claims"]["sub"]
    assert first["claims"]["sub"] != other["claims"]["sub"]
    assert "name" not in other["claims"]  # the app was registered for openid only


def test_a_wrong_redirect_uri_is_refused_without_redirecting(client, alice, hometax):
    client.force_login(alice)
    for uri in (
        "https://evil.example/callback",
        "https://hometax.example/callback/",
        "https://hometax.example/cb",
    ):
        site = _site(client, hometax, redirect_uri=uri)
        response = client.get(site.authorization_url())
        assert response.status_code == 400
        assert "Location" not in response
        assert "return address does not match" in response.content.decode()


def test_a_public_client_without_pkce_is_refused(client, alice, welfare_app):
    client.force_login(alice)
    site = _site(client, welfare_app, scope="openid")
    response = client.get(site.authorization_url(pkce=False))
    assert response.status_code == 302 and _error(response["Location"]) == "invalid_request"


def test_a_wrong_code_verifier_gets_no_token(client, alice, welfare_app):
    client.force_login(alice)
    site = _site(client, welfare_app, scope="openid")
    location = _consent(client, site.authorization_url())
    site.verifier = "x" * 60
    with pytest.raises(Exception, match="invalid_grant"):
        site.callback(location)


def test_a_scope_the_site_was_not_registered_for_is_refused(client, alice, hometax, welfare_app):
    client.force_login(alice)
    response = client.get(_site(client, hometax, scope="openid profile email").authorization_url())
    assert response.status_code == 302 and _error(response["Location"]) == "invalid_scope"
    response = client.get(_site(client, welfare_app, scope="openid profile").authorization_url())
    assert _error(response["Location"]) == "invalid_scope"
    response = client.get(_site(client, hometax, scope="openid exchange").authorization_url())
    assert _error(response["Location"]) == "invalid_scope"


def test_state_and_nonce_are_required(client, alice, hometax):
    client.force_login(alice)
    site = _site(client, hometax)
    url = site.authorization_url()
    without_nonce = "&".join(p for p in url.split("&") if not p.startswith("nonce="))
    response = client.get(without_nonce)
    assert response.status_code == 302 and _error(response["Location"]) == "invalid_request"
    without_state = "&".join(p for p in url.split("&") if not p.startswith("state="))
    assert _error(client.get(without_state)["Location"]) == "invalid_request"


def test_the_consent_screen_lists_the_claims_in_korean(client, alice, hometax, settings):
    settings.LANGUAGE_CODE = "ko"
    client.force_login(alice)
    page = client.get(_site(client, hometax).authorization_url(), HTTP_ACCEPT_LANGUAGE="ko")
    text = page.content.decode()
    assert "국세청 홈택스" in text
    assert "이름" in text and "생년월일" in text
    assert "동의" in text


def test_alice_can_refuse_and_the_site_hears_access_denied(client, alice, hometax):
    client.force_login(alice)
    site = _site(client, hometax)
    location = _consent(client, site.authorization_url(), allow=False)
    assert _error(location) == "access_denied"


def test_an_anonymous_visitor_logs_in_first(client, hometax, db):
    response = client.get(_site(client, hometax).authorization_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_an_official_account_cannot_sign_in_to_other_sites(client, bob, hometax):
    from tests.conftest import login_official

    login_official(client, bob)
    assert client.get(_site(client, hometax).authorization_url()).status_code == 403


def test_a_deactivated_site_is_refused(client, alice, hometax):
    RelyingParty.objects.filter(pk=hometax.pk).update(is_active=False)
    client.force_login(alice)
    assert client.get(_site(client, hometax).authorization_url()).status_code == 400


def test_the_site_logs_alice_out_of_egov(client, alice, hometax):
    client.force_login(alice)
    _, token = _sign_in(client, hometax)
    url = f"/oidc/logout/?id_token_hint={token['id_token']}&post_logout_redirect_uri=https://hometax.example/bye&state=s1"
    page = client.get(url)
    assert (
        page.status_code == 200 and "로그아웃" in page.content.decode() or "Log out" in page.content.decode()
    )
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["allow"] = "Logout"
    response = client.post("/oidc/logout/", data)
    assert response.status_code == 302 and response["Location"].startswith("https://hometax.example/bye")
    assert "_auth_user_id" not in client.session


def test_a_logout_to_an_unregistered_address_is_refused(client, alice, hometax):
    client.force_login(alice)
    _, token = _sign_in(client, hometax)
    url = f"/oidc/logout/?id_token_hint={token['id_token']}&post_logout_redirect_uri=https://evil.example/"
    response = client.get(url)
    assert response.status_code == 400


def test_only_operators_register_sites(alice, jongno, olga):
    bob = factories.official("bob", jongno)
    with pytest.raises(PermissionDenied):
        relying_party_register(
            actor=bob, name="x", redirect_uris="https://x.example/cb", public=True, scopes=["openid"]
        )


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"redirect_uris": "http://x.example/cb"}, "redirect_uris"),
        ({"redirect_uris": "https://x.example/*"}, "redirect_uris"),
        ({"redirect_uris": ""}, "redirect_uris"),
        ({"scopes": ["profile"]}, "scopes"),
        ({"scopes": ["openid", "exchange"]}, "scopes"),
        ({"name": " "}, "name"),
        ({"redirect_uris": "https://a.example/cb https://b.example/cb"}, "sector_identifier"),
    ],
)
def test_a_site_registration_names_what_is_wrong(olga, kwargs, field):
    values = {"name": "사이트", "redirect_uris": "https://x.example/cb", "public": True, "scopes": ["openid"]}
    values.update(kwargs)
    with pytest.raises(ValidationFailed) as refused:
        relying_party_register(actor=olga, **values)
    assert refused.value.field == field
    assert not RelyingParty.objects.exists()


def test_an_operator_registers_a_site_in_the_back_office(client, olga):
    from tests.conftest import login_official

    login_official(client, olga)
    response = client.post(
        "/admin/accounts/relyingparty/add/",
        {
            "name": "정부24 민원앱",
            "redirect_uris": "https://gov24.example/callback",
            "post_logout_redirect_uris": "",
            "scopes": ["openid", "profile"],
            "sector_identifier": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    party = RelyingParty.objects.get()
    assert party.sector_identifier == "gov24.example" and party.scopes == ["openid", "profile"]
    assert party.application.client_type == "confidential"
    response = client.post(
        "/admin/accounts/relyingparty/add/",
        {"name": "나쁜 사이트", "redirect_uris": "http://bad.example/cb", "scopes": ["openid"]},
    )
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert RelyingParty.objects.count() == 1


def test_the_consent_page_lets_its_form_redirect_to_the_registered_site_only(client, alice, hometax):
    """Browsers apply CSP form-action to the redirect after the consent form's post."""
    client.force_login(alice)
    page = client.get(_site(client, hometax).authorization_url())
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' https://hometax.example;" in policy
    assert "form-action 'self';" in client.get("/accounts/login/")["Content-Security-Policy"]
