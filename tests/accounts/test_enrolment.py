"""Sign-up and recovery by enrolment code: a registrar issues a one-time code at the counter
or by post; the resident proves who they are with it, then sets a password or a passkey."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from egov.accounts.models import EnrolmentCode, Passkey, User
from egov.accounts.services.enrolment import (
    account_create_for_resident,
    code_hash,
    enrolment_code_issue,
    enrolment_code_redeem,
)
from egov.core.audit import AuditEvent
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests import factories
from tests.accounts.authenticator import SoftwareAuthenticator
from tests.conftest import login_official


@pytest.fixture
def minjun(jongno):
    """Minjun lives in Jongno-gu and has no account yet."""
    return factories.resident(jongno, "김민준", "Kim Minjun", birth_date=dt.date(1988, 5, 17))


def _redeem(client, resident, code, purpose="signup"):
    url = "/accounts/signup/" if purpose == "signup" else "/accounts/recover/"
    return client.post(
        url, {"name": resident.name_ko, "birth_date": resident.birth_date.isoformat(), "code": code}
    )


def test_bob_issues_a_code_at_the_counter_and_only_its_hash_is_stored(bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    row = EnrolmentCode.objects.get()
    assert len(code) == 12 and code not in row.code_hash and row.code_hash == code_hash(code)
    assert row.expires_at - row.issued_at == dt.timedelta(hours=24)
    event = AuditEvent.objects.get(action="enrolment_code.issued")
    assert code not in str(event.after)


def test_a_code_by_post_lands_in_the_mail_outbox_addressed_to_the_registered_address(
    bob, minjun, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="post")
    (letter,) = mail.outbox
    assert letter.to == [settings.EGOV_POST_OUTBOX]
    assert minjun.road_address in letter.body and minjun.postal_code in letter.body
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in letter.body
    row = EnrolmentCode.objects.get()
    assert row.expires_at - row.issued_at == dt.timedelta(days=14)


def test_only_a_registrar_over_the_residents_agency_issues_codes(dave, seoul_supervisor, minjun):
    for official in (dave, seoul_supervisor):
        with pytest.raises(PermissionDenied):
            enrolment_code_issue(actor=official, resident=minjun, purpose="signup", channel="counter")
    assert not EnrolmentCode.objects.exists()


def test_sign_up_codes_are_not_issued_to_residents_with_an_account_nor_recovery_codes_without(
    bob, alice, minjun
):
    with pytest.raises(Conflict):
        enrolment_code_issue(actor=bob, resident=alice.resident, purpose="signup", channel="counter")
    with pytest.raises(Conflict):
        enrolment_code_issue(actor=bob, resident=minjun, purpose="recovery", channel="counter")


def test_minjun_signs_up_with_a_code_and_a_password(client, bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    response = _redeem(client, minjun, f"{code[:4].lower()}-{code[4:8]} {code[8:]}")
    assert response.status_code == 302 and response["Location"] == "/accounts/enrolment/credentials/"
    response = client.post(
        "/accounts/enrolment/credentials/",
        {"username": "minjun", "password": "correct horse 88", "password_again": "correct horse 88"},
    )
    assert response.status_code == 302 and response["Location"] == "/my/"
    user = User.objects.get(username="minjun")
    assert user.resident == minjun and user.kind == "citizen" and user.check_password("correct horse 88")
    assert EnrolmentCode.objects.get().used_at is not None


def test_a_code_works_once(client, bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    assert _redeem(client, minjun, code).status_code == 302
    other = type(client)()
    response = _redeem(other, minjun, code)
    assert response.status_code == 200 and "was used already" in response.content.decode()


def test_an_expired_code_is_refused(client, bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    EnrolmentCode.objects.update(
        issued_at=timezone.now() - dt.timedelta(days=2), expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert "has expired" in _redeem(client, minjun, code).content.decode()


def test_a_new_code_voids_the_older_one(client, bob, minjun):
    old = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    new = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="post")
    assert _redeem(client, minjun, old).status_code == 200
    assert _redeem(client, minjun, new).status_code == 302


def test_a_code_with_someone_elses_name_or_birth_date_is_refused(client, bob, minjun, alice_resident):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    assert _redeem(client, alice_resident, code).status_code == 200
    response = client.post("/accounts/signup/", {"name": "김민준", "birth_date": "1988-05-18", "code": code})
    assert "does not match" in response.content.decode()
    assert EnrolmentCode.objects.get().used_at is None


def test_a_sign_up_code_does_not_recover_and_a_recovery_code_does_not_sign_up(client, bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    assert _redeem(client, minjun, code, purpose="recovery").status_code == 200


def test_tries_are_limited_per_resident(client, bob, minjun, settings):
    settings.EGOV_ENROLMENT_RESIDENT_RATE = "3/3600"
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    for _ in range(3):
        assert _redeem(client, minjun, "WRONGWRONGWR").status_code == 200
    response = _redeem(type(client)(REMOTE_ADDR="10.9.9.9"), minjun, code)  # even from elsewhere
    assert response.status_code == 200 and "Too many tries" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert EnrolmentCode.objects.get().used_at is None


def test_tries_are_limited_per_client_address(client, bob, minjun, alice_resident, settings):
    settings.EGOV_ENROLMENT_CLIENT_RATE = "2/3600"
    people = [
        alice_resident,
        factories.resident(bob.agency, "박지호"),
        factories.resident(bob.agency, "최하은"),
    ]
    for person in people[:2]:
        assert "does not match" in _redeem(client, person, "WRONGWRONGWR").content.decode()
    assert "Too many tries" in _redeem(client, people[2], "WRONGWRONGWR").content.decode()


def test_a_code_never_appears_in_logs(client, bob, minjun, caplog):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, "WRONGWRONGWR")
    _redeem(client, minjun, code)
    assert code not in caplog.text and "WRONGWRONGWR" not in caplog.text


def test_step_two_needs_a_fresh_proof(client, bob, minjun):
    response = client.get("/accounts/enrolment/credentials/")
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/"
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, code)
    session = client.session
    session["egov_enrolment"]["until"] = 0
    session.save()
    assert client.get("/accounts/enrolment/credentials/").status_code == 302


def test_step_two_names_what_is_wrong(client, bob, minjun, alice):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, code)
    cases = [
        (
            {"username": "alice", "password": "correct horse 88", "password_again": "correct horse 88"},
            "taken",
        ),
        (
            {"username": "min jun", "password": "correct horse 88", "password_again": "correct horse 88"},
            "letters",
        ),
        ({"username": "minjun", "password": "12345678", "password_again": "12345678"}, "password"),
        ({"username": "minjun", "password": "correct horse 88", "password_again": "other"}, "differ"),
    ]
    for data, words in cases:
        response = client.post("/accounts/enrolment/credentials/", data)
        assert response.status_code == 200 and words in response.content.decode()
    assert not User.objects.filter(resident=minjun).exists()


def test_one_account_per_resident_is_kept_by_the_database(alice):
    with pytest.raises(Conflict):
        account_create_for_resident(
            resident_id=alice.resident_id, username="alice2", password="correct horse 88"
        )
    assert User.objects.filter(resident=alice.resident).count() == 1


def test_alice_recovers_her_account_with_a_new_password(client, bob, alice):
    code = enrolment_code_issue(actor=bob, resident=alice.resident, purpose="recovery", channel="post")
    assert _redeem(client, alice.resident, code, purpose="recovery").status_code == 302
    page = client.get("/accounts/enrolment/credentials/")
    assert "username" not in page.context["form"].fields
    response = client.post(
        "/accounts/enrolment/credentials/", {"password": "new horse 2026", "password_again": "new horse 2026"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("new horse 2026")


def test_minjun_signs_up_with_a_passkey_and_no_password(client, bob, minjun):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, code)
    key = SoftwareAuthenticator()
    options = client.post("/accounts/passkey/register/options/?username=minjun").json()
    response = client.post(
        "/accounts/passkey/register/", key.create(options), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(username="minjun")
    assert not user.has_usable_password() and Passkey.objects.get().user == user
    client.logout()
    options = client.post("/accounts/passkey/login/options/").json()
    response = client.post("/accounts/passkey/login/", key.get(options), content_type="application/json")
    assert response.status_code == 200 and client.session["_auth_user_id"] == str(user.pk)


def test_a_passkey_sign_up_names_a_taken_or_malformed_username_before_the_ceremony(
    client, bob, minjun, alice
):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, code)
    for name, words in (("Alice", "taken"), ("김민준", "letters"), ("", "Choose")):
        response = client.post(f"/accounts/passkey/register/options/?username={name}")
        assert response.status_code == 400 and words in response.json()["error"]
        assert response.json()["field"] == "username"


def test_a_passkey_sign_up_with_a_username_taken_meanwhile_makes_nothing(client, bob, minjun, alice):
    code = enrolment_code_issue(actor=bob, resident=minjun, purpose="signup", channel="counter")
    _redeem(client, minjun, code)
    options = client.post("/accounts/passkey/register/options/?username=alice2").json()
    User.objects.filter(pk=alice.pk).update(username="alice2")
    response = client.post(
        "/accounts/passkey/register/",
        SoftwareAuthenticator().create(options),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "username"
    assert not Passkey.objects.exists() and not User.objects.filter(resident=minjun).exists()


def test_bob_issues_a_code_from_the_residents_page(client, bob, minjun):
    login_official(client, bob)
    page = client.get(f"/office/residents/{minjun.pk}/")
    assert f"/office/residents/{minjun.pk}/enrolment-code/" in page.content.decode()
    response = client.post(
        f"/office/residents/{minjun.pk}/enrolment-code/", {"purpose": "signup", "channel": "counter"}
    )
    assert response.status_code == 200
    shown = response.context["code"]
    assert len(shown) == 14 and EnrolmentCode.objects.get().code_hash == code_hash(shown)
    response = client.post(
        f"/office/residents/{minjun.pk}/enrolment-code/", {"purpose": "recovery", "channel": "counter"}
    )
    assert "has no account yet" in response.content.decode()


def test_dave_cannot_issue_a_code_for_a_seoul_resident(client, dave, minjun):
    login_official(client, dave)
    response = client.post(
        f"/office/residents/{minjun.pk}/enrolment-code/", {"purpose": "signup", "channel": "counter"}
    )
    assert response.status_code in (403, 404) and not EnrolmentCode.objects.exists()


def test_redeem_refuses_a_malformed_code_before_looking_it_up(minjun):
    with pytest.raises(ValidationFailed):
        enrolment_code_redeem(
            client="c", name="김민준", birth_date=minjun.birth_date, code="ABC", purpose="signup"
        )


def test_alice_recovers_her_account_with_a_new_passkey(client, bob, alice):
    code = enrolment_code_issue(actor=bob, resident=alice.resident, purpose="recovery", channel="counter")
    _redeem(client, alice.resident, code, purpose="recovery")
    key = SoftwareAuthenticator()
    options = client.post("/accounts/passkey/register/options/").json()
    assert options["user"]["name"] == "alice"
    response = client.post(
        "/accounts/passkey/register/", key.create(options), content_type="application/json"
    )
    assert response.status_code == 200 and Passkey.objects.get().user == alice
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert "egov_enrolment" not in client.session
