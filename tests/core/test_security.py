"""Security headers, cookie flags, HSTS behind EGOV_HTTPS, and CSRF on the login form."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_sends_the_security_headers_on_a_portal_page(client):
    response = client.get("/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_it_sends_no_hsts_header_by_default(client):
    response = client.get("/")

    assert "Strict-Transport-Security" not in response


def settings_in_subprocess(tmp_path, **environ: str) -> dict:
    """Import egov.settings afresh with only the given EGOV_* variables set."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EGOV_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_SECRET_KEY": "subprocess-secret-key-0123456789-abcdefghij",
        "EGOV_DATA_DIR": str(tmp_path),
        **environ,
    }
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "print(json.dumps({name: getattr(settings, name, None) for name in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE')}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_it_turns_hsts_and_secure_cookies_on_with_egov_https(tmp_path):
    settings = settings_in_subprocess(tmp_path, EGOV_HTTPS="1")

    assert settings["SECURE_HSTS_SECONDS"] > 0
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True


def test_it_leaves_hsts_off_without_egov_https(tmp_path):
    settings = settings_in_subprocess(tmp_path)

    assert not settings["SECURE_HSTS_SECONDS"]
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_it_marks_the_session_cookie_httponly_and_samesite_lax(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw"})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_it_sends_no_store_on_pages_for_a_logged_in_citizen(client, alice):
    client.force_login(alice)

    response = client.get("/my/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_a_login_post_without_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "alice", "password": "pw"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_login_post_with_a_forged_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "pw", "csrfmiddlewaretoken": "x" * 32}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_accepts_a_login_post_with_the_forms_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/login/")
    token = form.context["csrf_token"]

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "pw", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
