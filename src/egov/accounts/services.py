"""Logging in: password (Argon2), lock-out after repeated failures, TOTP second factor."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.core.audit import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed

log = logging.getLogger("egov.accounts")
DEMO_TOTP_CODE = "000000"
DEMO_PASSWORD = "demo1234!"  # noqa: S105 (documented demo password of the seeded demo logins only)


class LoginFailed(PermissionDenied):
    code = "login_failed"


class AccountLocked(PermissionDenied):
    code = "account_locked"


def _locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _record_failure(user_id: int) -> None:
    """Count a failed attempt; lock the account when the count reaches the limit."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        user.failed_logins += 1
        if user.failed_logins >= settings.EGOV_LOGIN_MAX_FAILURES:
            user.failed_logins = 0
            user.locked_until = timezone.now() + dt.timedelta(minutes=settings.EGOV_LOGIN_LOCK_MINUTES)
            audit_record(
                actor=None,
                action="account.locked",
                obj=user,
                after={"locked_until": user.locked_until},
            )
            log.warning("account locked", extra={"user_id": user.pk})
        user.save(update_fields=["failed_logins", "locked_until"])


def login_check_password(*, request, username: str, password: str) -> User:
    """First factor. Raises AccountLocked or LoginFailed; the message never says which part
    was wrong, so it tells an attacker nothing about which usernames exist."""
    now = timezone.now()
    known = User.objects.filter(username=username).first()
    if known is not None and _locked(known, now):
        raise AccountLocked(
            _("This account is locked after repeated failed logins. Try again later."), field=None
        )
    user = authenticate(request, username=username, password=password)
    if user is None:
        if known is not None:
            _record_failure(known.pk)
        raise LoginFailed(_("The username or password is incorrect."), field=None)
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)
    return user


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


def login_check_totp(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Second factor. A wrong code counts towards the lock-out like a wrong password."""
    if _locked(user, timezone.now()):
        raise AccountLocked(_("This account is locked after repeated failed logins. Try again later."))
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        raise ValidationFailed(_("Enter the 6-digit code from your authenticator app."), field="token")
    accepted = device.verify_token(token)
    if not accepted and user.is_demo and token == DEMO_TOTP_CODE and demo_bypass_active():
        accepted = True
    if not accepted:
        _record_failure(user.pk)
        raise LoginFailed(_("The code is incorrect or expired."), field="token")
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="account.totp_enrolled", obj=user)
    return device
