import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import LoginThrottle, User
from tests import factories
from tests.conftest import login_official


def test_bob_logs_in_with_password_and_totp(client, bob):
    login_official(client, bob)
    assert client.get("/office/").status_code == 200


def test_alice_logs_in_with_a_password_and_lands_on_my_page(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/my/"


def test_a_wrong_password_says_nothing_about_which_part_was_wrong(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert "username or password is incorrect" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "nobody", "password": "nope"})
    assert "username or password is incorrect" in response.content.decode()


def test_repeated_failures_make_the_address_wait_even_for_the_right_password(client, alice):
    for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw"})
    assert response.status_code == 200 and "username or password is incorrect" in response.content.decode()
    assert "locked" not in response.content.decode()


def test_the_wait_expires(client, alice):
    for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    LoginThrottle.objects.update(blocked_until=timezone.now() - dt.timedelta(seconds=1))
    assert client.post("/accounts/login/", {"username": "alice", "password": "pw"}).status_code == 302


def test_wrong_totp_codes_lock_the_second_factor(client, bob):
    client.post("/accounts/login/", {"username": "bob", "password": "pw"})
    for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
        response = client.post("/accounts/login/otp/", {"token": "000000"})
        assert response.status_code == 200
    bob.refresh_from_db()
    assert bob.totp_locked_until > timezone.now()


def test_the_second_factor_lock_expires(client, bob):
    User.objects.filter(pk=bob.pk).update(
        failed_totp=settings.EGOV_LOGIN_MAX_FAILURES,
        totp_locked_until=timezone.now() - dt.timedelta(seconds=1),
    )
    login_official(client, bob)


def test_an_official_without_a_device_enrols_one_at_first_login(client, jongno):
    official = factories.official("newbie", jongno)
    TOTPDevice.objects.filter(user=official).delete()
    client.post("/accounts/login/", {"username": "newbie", "password": "pw"})
    page = client.get("/accounts/login/otp/").content.decode()
    assert "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    from django_otp.oath import TOTP

    token = TOTP(device.bin_key).token()
    assert client.post("/accounts/login/otp/", {"token": f"{token:06d}"}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@pytest.fixture
def demo_official(jongno):
    official = factories.official("official.demo", jongno)
    User.objects.filter(pk=official.pk).update(is_demo=True)
    return official


@override_settings(DEBUG=False, EGOV_DEMO_TOTP_BYPASS=True)
def test_the_demo_totp_bypass_refuses_to_work_with_debug_off(client, demo_official):
    client.post("/accounts/login/", {"username": "official.demo", "password": "pw"})
    assert client.post("/accounts/login/otp/", {"token": "000000"}).status_code == 200
    assert client.get("/office/").status_code == 302


@override_settings(DEBUG=True, EGOV_DEMO_TOTP_BYPASS=True)
def test_the_demo_totp_bypass_works_for_demo_accounts_in_debug(client, demo_official, bob):
    client.post("/accounts/login/", {"username": "official.demo", "password": "pw"})
    assert client.post("/accounts/login/otp/", {"token": "000000"}).status_code == 302
    client.logout()
    client.post("/accounts/login/", {"username": "bob", "password": "pw"})
    assert client.post("/accounts/login/otp/", {"token": "000000"}).status_code == 200


def test_the_next_parameter_cannot_send_a_user_to_another_site(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "pw", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/my/"


def test_logout_needs_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302


def test_production_settings_hash_passwords_with_argon2():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"],
        env={"DJANGO_SETTINGS_MODULE": "egov.settings", "EGOV_SECRET_KEY": "x" * 40, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_a_stored_password_is_an_argon2_hash(db, jongno):
    user = factories.citizen("argon", factories.resident(jongno))
    assert user.password.startswith("argon2$argon2id$")


def test_the_operator_admin_logs_in_through_the_throttled_login(client, db):
    response = client.get("/admin/login/?next=/admin/core/holiday/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fcore%2Fholiday%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    elsewhere = client.get("/admin/login/?next=https://evil.example/")
    assert elsewhere["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    posted = client.post("/admin/login/", {"username": "root", "password": "x", "otp_token": "000000"})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
