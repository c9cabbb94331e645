"""Passkeys: citizens sign in with one; officials use one as the second factor beside TOTP.
A software authenticator (tests/accounts/authenticator.py) answers like a security key."""

import json

from egov.accounts.models import Passkey
from tests.accounts.authenticator import SoftwareAuthenticator


def _register(client, authenticator: SoftwareAuthenticator, query: str = ""):
    options = client.post(f"/accounts/passkey/register/options/{query}").json()
    return client.post(
        "/accounts/passkey/register/", authenticator.create(options), content_type="application/json"
    )


def _login(client, authenticator: SoftwareAuthenticator, **kwargs):
    options = client.post("/accounts/passkey/login/options/").json()
    return client.post(
        "/accounts/passkey/login/", authenticator.get(options, **kwargs), content_type="application/json"
    )


def test_alice_adds_a_passkey_and_signs_in_with_it_alone(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    passkey = Passkey.objects.get(user=alice)
    assert bytes(passkey.credential_id) == key.credential_id and passkey.confirmed
    page = client.get("/accounts/security/")
    assert passkey.name in page.content.decode()

    client.logout()
    response = _login(client, key)
    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == "/my/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    passkey.refresh_from_db()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_a_challenge_serves_one_try_only(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    _register(client, key)
    client.logout()
    options = client.post("/accounts/passkey/login/options/").json()
    answer = key.get(options)
    assert client.post("/accounts/passkey/login/", answer, content_type="application/json").status_code == 200
    client.logout()
    replay = client.post("/accounts/passkey/login/", answer, content_type="application/json")
    assert replay.status_code == 403 and "expired" in replay.json()["error"]


def test_an_expired_challenge_is_refused(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    _register(client, key)
    client.logout()
    options = client.post("/accounts/passkey/login/options/").json()
    session = client.session
    session["egov_webauthn"]["until"] = 0
    session.save()
    response = client.post("/accounts/passkey/login/", key.get(options), content_type="application/json")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_signature_counter_that_does_not_grow_is_refused(client, alice):
    """A cloned authenticator shows as a counter that goes back."""
    client.force_login(alice)
    key = SoftwareAuthenticator()
    _register(client, key)
    client.logout()
    key.sign_count = 10
    assert _login(client, key).status_code == 200
    client.logout()
    key.sign_count = 3
    assert _login(client, key).status_code == 403
    assert Passkey.objects.get().sign_count == 11


def test_an_unknown_passkey_or_another_origin_is_refused(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    _register(client, key)
    client.logout()
    assert _login(client, SoftwareAuthenticator()).status_code == 403
    assert _login(client, key, origin="https://evil.example").status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_registration_from_another_origin_is_refused(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    options = client.post("/accounts/passkey/register/options/").json()
    response = client.post(
        "/accounts/passkey/register/",
        key.create(options, origin="https://evil.example"),
        content_type="application/json",
    )
    assert response.status_code == 400 and not Passkey.objects.exists()


def test_registering_needs_a_logged_in_user_or_an_enrolment(client, db):
    assert client.post("/accounts/passkey/register/options/").status_code == 403


def test_alice_removes_her_passkey_and_it_no_longer_signs_in(client, alice):
    client.force_login(alice)
    key = SoftwareAuthenticator()
    _register(client, key)
    passkey = Passkey.objects.get()
    client.post("/accounts/security/", {"remove": passkey.pk})
    assert not Passkey.objects.exists()
    client.logout()
    assert _login(client, key).status_code == 403


def test_an_official_cannot_skip_the_password_with_a_passkey(client, bob):
    from tests.conftest import login_official

    login_official(client, bob)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    client.logout()
    response = _login(client, key)
    assert response.status_code == 403 and "password first" in response.json()["error"]
    assert "_auth_user_id" not in client.session


def test_bob_uses_his_passkey_as_the_second_factor(client, bob):
    from tests.conftest import login_official

    login_official(client, bob)
    key = SoftwareAuthenticator()
    _register(client, key)
    client.logout()
    client.post("/accounts/login/", {"username": "bob", "password": "pw"})
    page = client.get("/accounts/login/otp/")
    assert "passkey" in page.content.decode().lower()
    options = client.post("/accounts/passkey/second-factor/options/").json()
    assert [c["id"] for c in options["allowCredentials"]]  # only Bob's own passkeys may answer
    response = client.post(
        "/accounts/passkey/second-factor/", key.get(options), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["redirect"] == "/office/"
    assert client.get("/office/").status_code == 200  # verified, like after a TOTP code


def test_the_second_factor_needs_the_password_first(client, bob):
    assert client.post("/accounts/passkey/second-factor/options/").status_code == 403


def test_carols_passkey_is_not_a_second_factor_for_bob(client, bob, carol):
    from tests.conftest import login_official

    login_official(client, carol)
    carols = SoftwareAuthenticator()
    _register(client, carols)
    client.logout()
    client.post("/accounts/login/", {"username": "bob", "password": "pw"})
    options = client.post("/accounts/passkey/second-factor/options/").json()
    options["allowCredentials"] = []
    response = client.post(
        "/accounts/passkey/second-factor/", carols.get(options), content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get("/office/").status_code == 302


def test_a_malformed_answer_is_refused_not_a_server_error(client, alice):
    client.force_login(alice)
    client.post("/accounts/passkey/register/options/")
    for body in ("", "{}", "not json", json.dumps({"rawId": "!!"})):
        assert (
            client.post("/accounts/passkey/register/", body, content_type="application/json").status_code
            == 400
        )
        client.post("/accounts/passkey/register/options/")
    client.logout()
    client.post("/accounts/passkey/login/options/")
    for body in ("", "{}", json.dumps({"rawId": "AAAA"})):
        assert (
            client.post("/accounts/passkey/login/", body, content_type="application/json").status_code == 403
        )
