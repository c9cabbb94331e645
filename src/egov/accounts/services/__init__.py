"""Logging in: password (Argon2), throttled per client address; TOTP second factor, which
locks after repeated wrong codes. See egov.accounts.throttle and docs/login.md."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts import throttle
from egov.accounts.models import User
from egov.core import ratelimit
from egov.core.audit import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed

log = logging.getLogger("egov.accounts")
DEMO_TOTP_CODE = "000000"
DEMO_PASSWORD = "demo1234!"  # noqa: S105 (documented demo password of the seeded demo logins only)
# The longest lock of the second factor, however many wrong codes.
TOTP_LOCK_CAP = dt.timedelta(days=1)


class LoginFailed(PermissionDenied):
    """A refused login step. `retry_after` (seconds) is set when the address must wait."""

    code = "login_failed"

    def __init__(self, message: str, *, field: str | None = None, retry_after: int = 0):
        super().__init__(message, field=field)
        self.retry_after = retry_after


class SecondFactorLocked(PermissionDenied):
    code = "second_factor_locked"


def _password_refused(retry_after: int = 0) -> LoginFailed:
    # One answer for an unknown username, a wrong password and a waiting address.
    return LoginFailed(
        _(
            "The username or password is incorrect, or there were too many failed attempts. "
            "Check them and try again in a few minutes."
        ),
        retry_after=retry_after,
    )


def login_check_password(*, request, username: str, password: str) -> User:
    """First factor. Raises LoginFailed, with one message whether the username is unknown, the
    password wrong or the address waiting (throttle), so the answer tells nothing about which
    usernames exist; an unknown username costs a password hash like a known one (Django's
    ModelBackend). A wrong password never locks the account: the address that sent it waits,
    and the holder is e-mailed when failures from anywhere add up."""
    now = timezone.now()
    keys = throttle.keys_for(client=ratelimit.client_key(request), username=username)
    wait = throttle.wait_seconds(keys, now=now)
    if wait:
        raise _password_refused(wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            wait = throttle.failure_record(keys, now=now)
            _account_failure_record(username=username)
        raise _password_refused(wait)
    throttle.pair_forget(keys)
    return user


def _account_failure_record(*, username: str) -> None:
    """Count a wrong password against the account it named, if one exists; e-mail the holder
    after EGOV_LOGIN_MAX_FAILURES of them and again each time the count doubles."""
    if not User.objects.filter(username=username).update(
        failed_password_logins=F("failed_password_logins") + 1
    ):
        return
    user = User.objects.get(username=username)
    count, limit = user.failed_password_logins, settings.EGOV_LOGIN_MAX_FAILURES
    if count < limit or count % limit or (count // limit) & (count // limit - 1):
        return
    audit_record(actor=None, action="account.password_failures", obj=user, after={"failures": count})
    log.warning("repeated failed passwords", extra={"user_id": user.pk, "failures": count})
    _holder_notify(
        user=user,
        subject="[egov] 로그인 실패 알림 / Failed logins to your account",
        body=(
            f"귀하의 계정({user.username})에 비밀번호가 {count}번 틀린 로그인 시도가 있었습니다. "
            "본인이 아니라면 비밀번호를 바꾸세요. 계정은 잠기지 않았으며, 시도한 곳의 로그인은 "
            "지연됩니다.\n\n"
            f"There have been {count} logins with a wrong password to your account "
            f"({user.username}). If that was not you, change your password. Your account is not "
            "locked; logins from where the attempts came are slowed down."
        ),
    )


def _holder_notify(*, user: User, subject: str, body: str) -> None:
    if not user.email:
        return
    recipient, user_id = user.email, user.pk

    def send() -> None:
        try:
            send_mail(subject, body, None, [recipient])
        except Exception:  # noqa: BLE001 - a mail server outage must not undo the count
            log.exception("login notice not sent", extra={"user_id": user_id})

    transaction.on_commit(send)


def login_complete(*, user: User) -> None:
    """Both factors passed (or the password, for accounts without a second one): the counts of
    wrong passwords and wrong codes start again. Call just before logging the user in."""
    if user.failed_password_logins or user.failed_totp:
        User.objects.filter(pk=user.pk).update(failed_password_logins=0, failed_totp=0)
        user.failed_password_logins = user.failed_totp = 0


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_enrollment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device an official scans during first login (made once, then reused)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def demo_bypass_active() -> bool:
    """The documented demo bypass works only with EGOV_DEBUG on."""
    return bool(settings.DEBUG and settings.EGOV_DEMO_TOTP_BYPASS)


def _totp_locked(user: User, now: dt.datetime) -> bool:
    return user.totp_locked_until is not None and user.totp_locked_until > now


def _totp_failure_record(user_id: int) -> None:
    """Count a wrong code. Past the limit the second factor locks, for everyone: whoever sends
    codes already has the password. Each further wrong code doubles the lock (up to a day);
    only a full login (login_complete) resets the count."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.failed_totp += 1
        limit = settings.EGOV_LOGIN_MAX_FAILURES
        if user.failed_totp >= limit:
            lock = dt.timedelta(minutes=settings.EGOV_LOGIN_LOCK_MINUTES) * 2 ** min(
                user.failed_totp - limit, 16
            )
            user.totp_locked_until = timezone.now() + min(lock, TOTP_LOCK_CAP)
            audit_record(
                actor=None,
                action="account.totp_locked",
                obj=user,
                after={"failed_totp": user.failed_totp, "locked_until": user.totp_locked_until},
            )
            log.warning("second factor locked", extra={"user_id": user.pk, "failures": user.failed_totp})
            _holder_notify(
                user=user,
                subject="[egov] 2단계 인증 잠김 / Second factor locked",
                body=(
                    f"귀하의 계정({user.username})에 올바른 비밀번호와 함께 잘못된 인증번호가 "
                    f"{user.failed_totp}번 입력되어 2단계 인증이 잠겼습니다. 본인이 아니라면 즉시 "
                    "비밀번호를 바꾸고 보안 담당자에게 알리세요.\n\n"
                    f"Your account ({user.username}) was given the right password and then "
                    f"{user.failed_totp} wrong codes, so its second factor is locked for a while. "
                    "If that was not you, change your password now and tell your security officer."
                ),
            )
        user.save(update_fields=["failed_totp", "totp_locked_until"])


def login_check_totp(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Second factor. Wrong codes are counted apart from wrong passwords, and a correct password
    does not reset them; past EGOV_LOGIN_MAX_FAILURES the second factor locks (the holder is
    e-mailed). On success, call login_complete."""
    if _totp_locked(user, timezone.now()):
        raise SecondFactorLocked(
            _(
                "Too many wrong codes: this account's second factor is locked for a while, and "
                "its holder has been told by e-mail. Try again later."
            )
        )
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        raise ValidationFailed(_("Enter the 6-digit code from your authenticator app."), field="token")
    now = timezone.now()
    if device.throttling_failure_timestamp and device.throttling_failure_timestamp > now:
        # The host's clock went back since the last wrong code: django-otp would count its wait
        # from a moment still to come (an hour's jump, an hour's lock-out). That moment is not
        # known: drop it; the count stays, so the next wrong code waits twice as long, and our
        # own count (_totp_failure_record) still locks the second factor past the limit.
        device.throttling_failure_timestamp = None
        device.save(update_fields=["throttling_failure_timestamp"])
    accepted = device.verify_token(token)
    if not accepted and user.is_demo and token == DEMO_TOTP_CODE and demo_bypass_active():
        accepted = True
    if not accepted:
        _totp_failure_record(user.pk)
        raise LoginFailed(_("The code is incorrect or expired."), field="token")
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="account.totp_enrolled", obj=user)
    return device
