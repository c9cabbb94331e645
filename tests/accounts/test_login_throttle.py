"""Issue 14: guessed codes lock the second factor, guessed passwords slow the guessing client
down (and only it), and nothing a login answers tells which usernames exist.

Mallory attacks from 203.0.113.9; Bob is an official in Jongno-gu who logs in from his office
at 10.1.2.3; Alice is a citizen.
"""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.core.models import AuditEvent
from tests import factories

MALLORY = "203.0.113.9"
OFFICE = "10.1.2.3"
GENERIC = "The username or password is incorrect"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _code(device: TOTPDevice, offset: int = 0) -> str:
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    token.time = token.time + offset * device.step
    return f"{token.token():06d}"


def _wrong_code(device: TOTPDevice) -> str:
    """A code that no tolerated time step accepts."""
    near = {_code(device, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def _password(client: Client, username: str, password: str = "nope"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _answer(response) -> tuple:
    """What a login answer tells the person who sent it."""
    errors = list(response.context["form"].non_field_errors()) if response.context else []
    return response.status_code, errors, response.has_header("Retry-After")


@pytest.fixture
def citizens(jongno):
    return [
        factories.citizen(name, factories.resident(jongno)) for name in ("ana", "ben", "cho", "dan", "eun")
    ]


def test_six_wrong_codes_over_three_password_logins_lock_the_second_factor(bob):
    """The attack from the issue: the password resets nothing the code step counts."""
    device = TOTPDevice.objects.get(user=bob)
    client = _client(MALLORY)
    for _ in range(3):
        assert _password(client, "bob", "pw").status_code == 302
        for _ in range(2):
            assert client.post("/accounts/login/otp/", {"token": _wrong_code(device)}).status_code == 200
    # django-otp's own delay is over after a wait of under a minute.
    device.refresh_from_db()
    device.throttle_reset()
    assert _password(client, "bob", "pw").status_code == 302
    response = client.post("/accounts/login/otp/", {"token": _code(device)})
    assert response.status_code == 200 and "locked" in response.content.decode()
    assert client.get("/office/").status_code == 302


def test_a_correct_password_leaves_the_count_of_wrong_codes_alone(bob):
    device = TOTPDevice.objects.get(user=bob)
    client = _client(MALLORY)
    _password(client, "bob", "pw")
    client.post("/accounts/login/otp/", {"token": _wrong_code(device)})
    _password(client, "bob", "pw")
    bob.refresh_from_db()
    assert bob.failed_totp == 1


def test_only_a_full_login_resets_the_count_of_wrong_codes(bob):
    device = TOTPDevice.objects.get(user=bob)
    client = _client(OFFICE)
    _password(client, "bob", "pw")
    client.post("/accounts/login/otp/", {"token": _wrong_code(device)})
    _password(_client(MALLORY), "bob", "guess")
    device.refresh_from_db()
    device.throttle_reset()
    _password(client, "bob", "pw")
    assert client.post("/accounts/login/otp/", {"token": _code(device)}).status_code == 302
    bob.refresh_from_db()
    assert (bob.failed_totp, bob.failed_password_logins) == (0, 0)


def test_forty_failures_from_one_address_across_four_accounts_are_throttled(citizens):
    client = _client(MALLORY)
    answers = [_password(client, citizens[i % 4].username) for i in range(40)]
    assert all(response.status_code == 200 for response in answers)
    assert sum(response.has_header("Retry-After") for response in answers) >= 20
    # The address must now wait, whatever account it tries, even with the right password...
    response = _password(client, "eun", "pw")
    assert response.status_code == 200 and response.has_header("Retry-After")
    # ...while Eun herself, elsewhere, logs in.
    assert _password(_client(OFFICE), "eun", "pw").status_code == 302


def test_a_correct_password_does_not_reset_the_count_of_an_address(citizens):
    """Mallory cannot clear her address's record by logging in to her own account between
    guesses."""
    client = _client(MALLORY)
    for i in range(settings.EGOV_LOGIN_CLIENT_MAX_FAILURES - 1):
        _password(client, citizens[i % 4].username)
    assert _password(client, "eun", "pw").status_code == 302
    client.logout()
    _password(client, "someone-else")
    assert _password(client, "eun", "pw").status_code == 200


def test_an_attacker_at_one_address_cannot_stop_bob_logging_in_from_his_office(bob):
    attacker = _client(MALLORY)
    for _ in range(30):
        _password(attacker, "bob")
    assert _password(attacker, "bob", "pw").status_code == 200

    office = _client(OFFICE)
    assert _password(office, "bob", "pw").status_code == 302
    device = TOTPDevice.objects.get(user=bob)
    assert office.post("/accounts/login/otp/", {"token": _code(device)}).status_code == 302
    assert office.get("/office/").status_code == 200


def test_an_unknown_username_and_a_real_one_get_identical_answers_after_many_failures(alice):
    real = [_answer(_password(_client("198.51.100.1"), "alice")) for _ in range(12)]
    unknown = [_answer(_password(_client("198.51.100.2"), "nobody")) for _ in range(12)]
    assert real == unknown
    assert real[0][1] and GENERIC in real[0][1][0]
    assert real[-1][2], "the last tries must have been throttled"
    # The right password during the wait gets the very same answer.
    assert _answer(_password(_client("198.51.100.1"), "alice", "pw")) == real[-1]


def test_the_wait_ends_and_the_right_password_works_again(alice):
    client = _client(MALLORY)
    for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
        _password(client, "alice")
    assert _password(client, "alice", "pw").status_code == 200
    from egov.accounts.models import LoginThrottle

    LoginThrottle.objects.update(blocked_until=None)
    assert _password(client, "alice", "pw").status_code == 302


def test_the_waits_grow_with_each_further_failure(alice):
    from egov.accounts.models import LoginThrottle

    client = _client(MALLORY)
    waits = []
    for _ in range(4):
        for _ in range(settings.EGOV_LOGIN_MAX_FAILURES if not waits else 1):
            response = _password(client, "alice")
        waits.append(int(response["Retry-After"]))
        LoginThrottle.objects.update(blocked_until=None)
    assert waits[0] == pytest.approx(settings.EGOV_LOGIN_DELAY_SECONDS, abs=1)
    assert [round(later / earlier) for earlier, later in zip(waits, waits[1:], strict=False)] == [2, 2, 2]


def test_an_address_behind_an_untrusted_hop_cannot_dodge_the_wait_with_x_forwarded_for(alice):
    for i in range(settings.EGOV_LOGIN_MAX_FAILURES):
        _client(MALLORY).post(
            "/accounts/login/", {"username": "alice", "password": "nope"}, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}"
        )
    response = _client(MALLORY).post(
        "/accounts/login/", {"username": "alice", "password": "pw"}, HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert response.status_code == 200


@override_settings(EGOV_TRUSTED_PROXIES=["192.0.2.10"])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(alice):
    proxy = _client("192.0.2.10")
    for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
        proxy.post(
            "/accounts/login/", {"username": "alice", "password": "nope"}, HTTP_X_FORWARDED_FOR=MALLORY
        )
    refused = proxy.post(
        "/accounts/login/", {"username": "alice", "password": "pw"}, HTTP_X_FORWARDED_FOR=MALLORY
    )
    assert refused.status_code == 200
    # A forged first entry is ignored: the proxy appends the address it saw.
    accepted = proxy.post(
        "/accounts/login/",
        {"username": "alice", "password": "pw"},
        HTTP_X_FORWARDED_FOR=f"{MALLORY}, {OFFICE}",
    )
    assert accepted.status_code == 302


def test_bob_is_emailed_after_repeated_failed_passwords(bob, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=bob.pk).update(email="bob@jongno.example")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
            _password(_client(MALLORY), "bob")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["bob@jongno.example"]
    assert MALLORY not in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="account.password_failures", object_id=str(bob.pk)).exists()


def test_bob_is_emailed_when_his_second_factor_locks(bob, mailoutbox, django_capture_on_commit_callbacks):
    User.objects.filter(pk=bob.pk).update(email="bob@jongno.example")
    device = TOTPDevice.objects.get(user=bob)
    client = _client(MALLORY)
    _password(client, "bob", "pw")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(settings.EGOV_LOGIN_MAX_FAILURES):
            client.post("/accounts/login/otp/", {"token": _wrong_code(device)})
    bob.refresh_from_db()
    assert bob.totp_locked_until is not None
    assert [mail.to for mail in mailoutbox] == [["bob@jongno.example"]]
    assert AuditEvent.objects.filter(action="account.totp_locked", object_id=str(bob.pk)).exists()


def test_failed_logins_leave_no_address_in_the_logs_or_the_audit(bob, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(settings.EGOV_LOGIN_CLIENT_MAX_FAILURES + 2):
        _password(_client(MALLORY), "bob")
    assert any("throttled" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        assert MALLORY not in json.dumps(vars(record), default=str)
    for event in AuditEvent.objects.all():
        assert MALLORY not in json.dumps([event.before, event.after, event.reason])


def test_the_one_refusal_reads_in_korean_too(alice):
    response = _client(MALLORY).post(
        "/accounts/login/", {"username": "alice", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert "아이디 또는 비밀번호가 올바르지 않거나" in response.content.decode()
