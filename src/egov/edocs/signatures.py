"""Signatures of On-nara: each official's approval signed with their own key (issued by the
platform PKI, `documents.pki.official_signing_key`), each message between agencies with the
sending agency's key and each acknowledgement with the receiving agency's. ECDSA P-256 with
SHA-256 from `cryptography` over the canonical JSON of what is signed."""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from egov.accounts.services.step_up import StepUp, step_up_check
from egov.documents import pki

# What a step-up for signing approvals is made for (accounts.services.step_up).
SIGNING_PURPOSE = "edocs.approval"


def canonical(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _sign(key: pki.SigningKey, text: str) -> str:
    return base64.b64encode(key.key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))).decode()


def _verify(certificate, text: str, signature: str) -> bool:
    try:
        certificate.public_key().verify(base64.b64decode(signature), text.encode(), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return pki.issued_by_platform(certificate)


def official_sign(official, value: dict, *, step_up: StepUp | None) -> tuple[str, str, str]:
    """(the signed text, its signature, the key id) with the official's own key, which the
    platform keeps for them and uses only on their fresh step-up (a passkey assertion with user
    verification, else a code from their authenticator app): StepUpRequired otherwise. How they
    stepped up is part of what is signed ("auth")."""
    step_up = step_up_check(step_up, user=official, purpose=SIGNING_PURPOSE)
    key = pki.official_signing_key(official)
    text = canonical({**value, "auth": step_up.method})
    return text, _sign(key, text), key.kid


def official_signature_valid(
    *, agency_code: str, official_id: int, kid: str, text: str, signature: str
) -> bool:
    """Whether `signature` over `text` was made with the key the platform issued to the
    official under `kid` (and that certificate comes from a trusted platform root)."""
    certificate = pki.official_certificate(agency_code, official_id, kid)
    return certificate is not None and _verify(certificate, text, signature)


def agency_sign(agency, value: dict) -> tuple[str, str, str]:
    """(the signed text, its signature, the key id) with the agency's signing key."""
    key = pki.signing_key(agency)
    text = canonical(value)
    return text, _sign(key, text), key.kid


def agency_signature_valid(*, agency_code: str, kid: str, text: str, signature: str) -> bool:
    found = pki.certificate_by_kid(kid)
    return found is not None and found[0] == agency_code and _verify(found[1], text, signature)
