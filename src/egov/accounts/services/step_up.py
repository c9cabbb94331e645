"""Step-up (재인증): the holder's own fresh authentication just before an act that uses their
personal key, such as signing an approval in On-nara. Being logged in is not enough: the act
needs a proof made for it a moment ago.

- With a passkey registered, the proof is a WebAuthn assertion with user verification (the
  holder's PIN or biometric on their authenticator), over a challenge bound to the act (its
  `purpose`, e.g. the document and the action) and good for one try.
- Without one, a code from the holder's authenticator app (TOTP): each code serves once, and
  wrong codes count towards the second factor's lock like those at login.
- Demo accounts of the seed may be stepped up unattended (`step_up_demo`), so that `egov seed`
  can show signed approval lines; the proof says so (method "demo").

A `StepUp` is what the act receives; `step_up_check` refuses one that is missing, somebody
else's, for another act or older than STEP_UP_SECONDS.
"""

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egov.accounts.models import Passkey, User
from egov.accounts.services import login_check_totp, totp_device_confirmed
from egov.accounts.services.passkeys import passkey_authenticate, passkey_authentication_options
from egov.core.errors import PermissionDenied

STEP_UP_SECONDS = 300


class StepUpRequired(PermissionDenied):
    code = "step_up_required"


@dataclass(frozen=True)
class StepUp:
    user_id: int
    method: str  # passkey, totp or demo
    purpose: str
    at: float


def step_up_method(*, user: User) -> str:
    """How `user` steps up: "passkey" when they registered one, else "totp" when they have a
    confirmed authenticator app, else "" (they cannot: they must enrol a second factor first)."""
    if Passkey.objects.filter(user=user).exists():
        return "passkey"
    return "totp" if totp_device_confirmed(user=user) is not None else ""


def _challenge_purpose(purpose: str, context: str) -> str:
    return f"step-up:{purpose}:{context}"


def step_up_options(*, request, user: User, purpose: str, context: str = "") -> str:
    """WebAuthn options (JSON) for the holder's passkeys, the challenge bound to `purpose` and
    `context` (what exactly is about to be done, e.g. the document and the action)."""
    return passkey_authentication_options(
        request=request, user=user, purpose=_challenge_purpose(purpose, context), verify_user=True
    )


def step_up_passkey(*, request, user: User, credential: str, purpose: str, context: str = "") -> StepUp:
    """The holder's assertion over the challenge issued for `purpose` and `context`, with user
    verification."""
    passkey_authenticate(
        request=request,
        user=user,
        credential=credential,
        purpose=_challenge_purpose(purpose, context),
        verify_user=True,
    )
    return StepUp(user_id=user.pk, method="passkey", purpose=purpose, at=time.time())


def step_up_totp(*, user: User, token: str, purpose: str) -> StepUp:
    """A fresh code from the holder's authenticator app; refused when they have a passkey (the
    passkey is then the way) or no confirmed device."""
    method = step_up_method(user=user)
    if method == "passkey":
        raise StepUpRequired(_("Confirm with your passkey."))
    device = totp_device_confirmed(user=user)
    if device is None:
        raise StepUpRequired(_("Register a passkey or an authenticator app before you sign."))
    login_check_totp(user=user, device=device, token=token)
    return StepUp(user_id=user.pk, method="totp", purpose=purpose, at=time.time())


def step_up_demo(*, user: User, purpose: str) -> StepUp:
    """For the seed's demo accounts only: a step-up without the holder, marked "demo"."""
    if not user.is_demo:
        raise StepUpRequired(_("Confirm it is you before you sign."))
    return StepUp(user_id=user.pk, method="demo", purpose=purpose, at=time.time())


def step_up_check(step_up: StepUp | None, *, user: User, purpose: str) -> StepUp:
    """`step_up` if it is `user`'s, made for `purpose` and at most STEP_UP_SECONDS old."""
    if (
        not isinstance(step_up, StepUp)
        or step_up.user_id != user.pk
        or step_up.purpose != purpose
        or not 0 <= time.time() - step_up.at <= STEP_UP_SECONDS
    ):
        raise StepUpRequired(_("Confirm it is you (passkey or authenticator code) before you sign."))
    return step_up
