"""A fresh step-up for an official, made the way their browser would: their passkey (a software
authenticator, tests/accounts/authenticator.py) registered once, then a WebAuthn assertion with
user verification over a challenge the platform issued — no shortcut through the service."""

import json

from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from egov.accounts.models import Passkey
from egov.accounts.services import passkeys
from egov.accounts.services.step_up import step_up_options, step_up_passkey
from egov.edocs.signatures import SIGNING_PURPOSE
from tests.accounts.authenticator import SoftwareAuthenticator

_keys: dict[int, SoftwareAuthenticator] = {}


def _request():
    request = RequestFactory().post("/office/edocs/")
    request.session = SessionStore()
    return request


def authenticator_for(official) -> SoftwareAuthenticator:
    """The official's passkey, registered through the registration ceremony on first use."""
    key = _keys.get(official.pk)
    if (
        key is not None
        and Passkey.objects.filter(
            user=official, credential_id_hash=passkeys._id_hash(key.credential_id)
        ).exists()
    ):
        return key
    key = SoftwareAuthenticator()
    request = _request()
    options = json.loads(
        passkeys.passkey_registration_options(
            request=request, user_id=official.pk, user_name=official.username, display_name=official.username
        )
    )
    verified = passkeys.passkey_registration_verify(
        request=request, user_id=official.pk, credential=key.create(options)
    )
    passkeys.passkey_register(user=official, verified=verified, credential="{}")
    _keys[official.pk] = key
    return key


def fresh(official, *, context: str = ""):
    """A step-up for signing approvals, from the official's passkey assertion."""
    key = authenticator_for(official)
    request = _request()
    options = json.loads(
        step_up_options(request=request, user=official, purpose=SIGNING_PURPOSE, context=context)
    )
    return step_up_passkey(
        request=request, user=official, credential=key.get(options), purpose=SIGNING_PURPOSE, context=context
    )


def totp_code(official, *, steps_ahead: int = 1) -> str:
    """The code the official's authenticator app shows `steps_ahead` 30-second steps from now
    (a code serves once, and logging in spent the current one; the platform accepts the next)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=official, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"
