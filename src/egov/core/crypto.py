"""Encryption at rest and blind indexes for national ID numbers (and stored documents).

AES-256-GCM (cryptography) for the value, HMAC-SHA256 for the keyed blind index used in
look-ups. Both keys are derived with HKDF from EGOV_FIELD_KEY, or from the Django
SECRET_KEY when no dedicated key is set. The first byte of every ciphertext names the key
version so keys can rotate: old versions stay readable while new writes use the newest.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

KEY_VERSION = 1


def _master_key() -> bytes:
    if settings.EGOV_FIELD_KEY:
        key = base64.b64decode(settings.EGOV_FIELD_KEY)
        if len(key) < 32:
            raise ValueError("EGOV_FIELD_KEY must decode to at least 32 bytes")
        return key
    return settings.SECRET_KEY.encode()


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"egov", info=purpose).derive(_master_key())


@functools.cache
def _keys(master_fingerprint: str) -> tuple[AESGCM, bytes]:
    return AESGCM(_derive(b"egov/id-number/aes-gcm/v1")), _derive(b"egov/id-number/blind-index/v1")


def _current() -> tuple[AESGCM, bytes]:
    return _keys(hashlib.sha256(_master_key()).hexdigest())


def encrypt_id(value: str, *, context: bytes = b"rrn") -> bytes:
    """Encrypt an ID number; `context` binds the ciphertext to its column."""
    aead, _ = _current()
    nonce = os.urandom(12)
    return bytes([KEY_VERSION]) + nonce + aead.encrypt(nonce, value.encode(), context)


def decrypt_id(blob: bytes, *, context: bytes = b"rrn") -> str:
    blob = bytes(blob)
    if blob[0] != KEY_VERSION:
        raise ValueError(f"unknown ID-number key version {blob[0]}")
    aead, _ = _current()
    return aead.decrypt(blob[1:13], blob[13:], context).decode()


@functools.cache
def _blob_aead(master_fingerprint: str) -> AESGCM:
    return AESGCM(_derive(b"egov/blob/aes-gcm/v1"))


def encrypt_blob(data: bytes, *, context: bytes) -> bytes:
    """Encrypt a stored document or payload (AES-256-GCM, own derived key); `context` binds
    the ciphertext to what it is (e.g. the document number), so blobs cannot be swapped."""
    aead = _blob_aead(hashlib.sha256(_master_key()).hexdigest())
    nonce = os.urandom(12)
    return bytes([KEY_VERSION]) + nonce + aead.encrypt(nonce, data, context)


def decrypt_blob(blob: bytes, *, context: bytes) -> bytes:
    blob = bytes(blob)
    if not blob or blob[0] != KEY_VERSION:
        raise ValueError("unknown blob key version")
    aead = _blob_aead(hashlib.sha256(_master_key()).hexdigest())
    return aead.decrypt(blob[1:13], blob[13:], context)


def blind_index(value: str, *, context: bytes = b"rrn") -> str:
    """Keyed, deterministic index of an ID number: equal inputs give equal indexes."""
    _, key = _current()
    return hmac.new(key, context + b":" + value.encode(), hashlib.sha256).hexdigest()
