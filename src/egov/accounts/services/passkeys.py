"""Passkeys (WebAuthn, the `webauthn` package): a sign-in method for citizens and a second
factor for officials beside TOTP.

A ceremony's challenge is kept server side, in the session, with its purpose, the user it is
for and an expiry; it is taken out of the session before it is checked, so each challenge
serves one try only. The relying party ID is the host the page was served from (one of
ALLOWED_HOSTS) unless EGOV_WEBAUTHN_RP_ID names a parent domain; the expected origin is the
page's own origin.
"""

import hashlib
import json
import logging
import secrets
import time
from urllib.parse import urlsplit

import webauthn
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from egov.accounts.models import Passkey, User
from egov.core.audit import audit_record
from egov.core.errors import PermissionDenied, ValidationFailed

log = logging.getLogger("egov.accounts")
SESSION_KEY = "egov_webauthn"
CHALLENGE_SECONDS = 300


class PasskeyRefused(PermissionDenied):
    code = "passkey_refused"


def rp_id(request) -> str:
    """EGOV_WEBAUTHN_RP_ID, or the host (without port) the request came to."""
    return settings.EGOV_WEBAUTHN_RP_ID or (urlsplit(f"//{request.get_host()}").hostname or "localhost")


def _origin_of(request) -> str:
    """The origin the browser must report: this page's own (its host passed ALLOWED_HOSTS)."""
    return f"{request.scheme}://{request.get_host()}"


def _id_hash(credential_id: bytes) -> str:
    return hashlib.sha256(credential_id).hexdigest()


def _challenge_store(request, *, purpose: str, challenge: bytes, user_id: int | None) -> None:
    request.session[SESSION_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "user_id": user_id,
        "until": time.time() + CHALLENGE_SECONDS,
    }


def _challenge_take(request, *, purpose: str, user_id: int | None) -> bytes:
    """The challenge issued for this ceremony, removed from the session (single use)."""
    stored = request.session.pop(SESSION_KEY, None)
    if (
        not stored
        or stored.get("purpose") != purpose
        or stored.get("user_id") != user_id
        or stored.get("until", 0) < time.time()
    ):
        raise PasskeyRefused(_("The passkey request has expired. Try again."))
    return webauthn.base64url_to_bytes(stored["challenge"])


def passkey_registration_options(*, request, user_id: int | None, user_name: str, display_name: str) -> str:
    """Options (JSON) for navigator.credentials.create(); the challenge stays in the session.
    `user_id` is None while the account is still to be made (sign-up by enrolment code)."""
    handle = hashlib.sha256(f"{settings.SECRET_KEY}|{user_name}".encode()).digest()
    existing = (
        [
            PublicKeyCredentialDescriptor(id=bytes(p.credential_id))
            for p in Passkey.objects.filter(user_id=user_id)
        ]
        if user_id
        else []
    )
    options = webauthn.generate_registration_options(
        rp_id=rp_id(request),
        rp_name=settings.EGOV_WEBAUTHN_RP_NAME,
        user_id=handle,
        user_name=user_name,
        user_display_name=display_name,
        challenge=secrets.token_bytes(32),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=existing,
    )
    _challenge_store(request, purpose="register", challenge=options.challenge, user_id=user_id)
    return webauthn.options_to_json(options)


def passkey_registration_verify(*, request, user_id: int | None, credential: str):
    """Check the authenticator's answer to the registration challenge; returns the verified
    registration (not saved yet: see passkey_register)."""
    challenge = _challenge_take(request, purpose="register", user_id=user_id)
    try:
        return webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(request),
            expected_origin=_origin_of(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        log.info("passkey registration refused", extra={"reason": str(exc)[:200]})
        raise PasskeyRefused(_("The passkey could not be registered. Try again.")) from None


def passkey_register(*, user: User, verified, credential: str, name: str = "") -> Passkey:
    """Store a verified passkey for `user` (a credential belongs to one user only)."""
    try:
        transports = json.loads(credential).get("response", {}).get("transports", [])
    except (ValueError, AttributeError):
        transports = []
    id_hash = _id_hash(verified.credential_id)
    with transaction.atomic():
        if Passkey.objects.filter(credential_id_hash=id_hash).exists():
            raise ValidationFailed(_("This passkey is registered already."))
        passkey = Passkey.objects.create(
            user=user,
            name=(name or _("Passkey"))[:64],
            confirmed=True,
            credential_id=verified.credential_id,
            credential_id_hash=id_hash,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=[t for t in transports if isinstance(t, str)][:8],
        )
        audit_record(actor=user, action="passkey.registered", obj=passkey, after={"name": passkey.name})
    return passkey


def passkey_authentication_options(
    *, request, user: User | None, purpose: str = "authenticate", verify_user: bool = False
) -> str:
    """Options (JSON) for navigator.credentials.get(). Without `user` (citizens' sign-in) any
    passkey stored on the device may answer; with one (an official's second factor) only theirs.
    `purpose` binds the challenge to what it is for (a step-up names the act it unlocks);
    `verify_user` asks the authenticator for the holder's PIN or biometric."""
    allow = (
        [PublicKeyCredentialDescriptor(id=bytes(p.credential_id)) for p in Passkey.objects.filter(user=user)]
        if user
        else []
    )
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(request),
        challenge=secrets.token_bytes(32),
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED
        if verify_user
        else UserVerificationRequirement.PREFERRED,
    )
    _challenge_store(request, purpose=purpose, challenge=options.challenge, user_id=user.pk if user else None)
    return webauthn.options_to_json(options)


def passkey_authenticate(
    *, request, user: User | None, credential: str, purpose: str = "authenticate", verify_user: bool = False
) -> Passkey:
    """Check an assertion against the challenge issued for `purpose` in the session and the
    stored public key; the signature counter must grow (when the authenticator keeps one), and
    with `verify_user` the authenticator must have verified its holder. Returns the passkey
    used; with `user` given, it must be theirs."""
    challenge = _challenge_take(request, purpose=purpose, user_id=user.pk if user else None)
    refused = PasskeyRefused(_("This passkey is not accepted. Try again, or use another sign-in method."))
    try:
        raw_id = webauthn.base64url_to_bytes(json.loads(credential)["rawId"])
    except (ValueError, KeyError, TypeError):
        raise refused from None
    with transaction.atomic():
        passkey = (
            Passkey.objects.select_for_update()
            .select_related("user")
            .filter(credential_id_hash=_id_hash(raw_id))
            .first()
        )
        if passkey is None or (user is not None and passkey.user_id != user.pk) or not passkey.user.is_active:
            raise refused
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp_id(request),
                expected_origin=_origin_of(request),
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=verify_user,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "passkey assertion refused", extra={"user_id": passkey.user_id, "reason": str(exc)[:200]}
            )
            raise refused from None
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = timezone.now()
        passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey


def passkey_remove(*, actor: User, passkey_id: int) -> None:
    """The holder removes one of their passkeys."""
    with transaction.atomic():
        passkey = Passkey.objects.filter(pk=passkey_id, user=actor).first()
        if passkey is None:
            raise ValidationFailed(_("No such passkey."))
        audit_record(actor=actor, action="passkey.removed", obj=passkey, before={"name": passkey.name})
        passkey.delete()
