"""Sealed bids: the opening key, its committee shares, the bid envelope and the bid receipt.

Only `cryptography` and pycryptodome's Shamir are used; nothing here is a primitive of our own.

**Opening key.** One ECDH P-256 key pair per tender. The public key is published (raw
uncompressed point, base64url, and as a JWK); the 32-byte private scalar is split at once with
Shamir 2-of-3 and never stored. pycryptodome's `Crypto.Protocol.SecretSharing.Shamir` works
over GF(2^128) on 16-byte secrets, so the scalar is split as two 16-byte halves with the same
share indexes; a member's share is `<index>:<hex of half-1 share><hex of half-2 share>`.

**Envelope** (`SEAL_VERSION` "v1"), the same in the browser (WebCrypto, static/procurement/
seal.js), in `egov.procurement.client` and here:

1. the bidder makes an ephemeral P-256 key pair and computes ECDH with the opening public key
   (the 32-byte x-coordinate: WebCrypto `deriveBits(…, 256)`);
2. HKDF-SHA256 over it, salt = the ephemeral public key (65-byte uncompressed point),
   info = `egov-procurement-bid-v1`, 32 bytes → an AES-256-GCM key;
3. AES-256-GCM with a random 12-byte IV, additional data = `egov-bid:<tender number>:<BRN>`
   (so a sealed bid cannot be replayed under another tender or supplier), over the UTF-8
   JSON plaintext `{"tender", "supplier", "price", "content"}`, plus `"picks"` (two different
   numbers from 1 to 15) for a tender awarded by the multiple reserve price method;
4. the sealed bid is the ASCII string `v1.<epk>.<iv>.<ciphertext+tag>`, each part base64url
   without padding. Its SHA-256 is what the receipt signs.
"""

import base64
import binascii
import hashlib
import json
import re

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_VERSION = "v1"
HKDF_INFO = b"egov-procurement-bid-v1"
MAX_SEALED_LENGTH = 64 * 1024
_SHARE = re.compile(r"^([1-3]):([0-9a-f]{64})$")


class SealError(ValueError):
    """A sealed bid or a share that cannot be used; the message says why."""


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text or ""):
        raise SealError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:
        raise SealError("not base64url") from None


def public_point(public_key: ec.EllipticCurvePublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def public_key_from_point(point: bytes) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise SealError("not a P-256 public key") from None


def public_jwk(point: bytes) -> dict:
    """The opening public key as a JWK, the form WebCrypto imports."""
    return {"kty": "EC", "crv": "P-256", "x": b64u(point[1:33]), "y": b64u(point[33:65])}


# --- the opening key and its shares ----------------------------------------------------------


def opening_key_generate() -> tuple[bytes, list[str]]:
    """A fresh opening key: (public point, three shares, any two of which rebuild it).
    The private key exists only inside this call."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    scalar = private_key.private_numbers().private_value.to_bytes(32, "big")
    low = Shamir.split(2, 3, scalar[:16])
    high = Shamir.split(2, 3, scalar[16:])
    shares = [f"{i}:{a.hex()}{b.hex()}" for (i, a), (_j, b) in zip(low, high, strict=True)]
    return public_point(private_key.public_key()), shares


def share_parse(text: str) -> tuple[int, bytes, bytes]:
    match = _SHARE.match((text or "").strip().lower())
    if not match:
        raise SealError("a share is '<1-3>:<64 hexadecimal digits>'")
    raw = bytes.fromhex(match.group(2))
    return int(match.group(1)), raw[:16], raw[16:]


def share_digest(text: str) -> str:
    """SHA-256 of the normalised share: stored to recognise a wrong share at once."""
    index, low, high = share_parse(text)
    return hashlib.sha256(f"{index}:{(low + high).hex()}".encode()).hexdigest()


def share_seal(text: str, *, tender_id: int) -> bytes:
    """A share as kept on the server for a while: normalised, encrypted at rest (core.crypto)."""
    from egov.core.crypto import encrypt_blob

    index, low, high = share_parse(text)
    normalised = f"{index}:{(low + high).hex()}"
    return encrypt_blob(normalised.encode(), context=f"procurement-share:{tender_id}:{index}".encode())


def share_unseal(blob: bytes, *, tender_id: int) -> str:
    from egov.core.crypto import decrypt_blob

    blob = bytes(blob)
    for index in (1, 2, 3):
        try:
            return decrypt_blob(blob, context=f"procurement-share:{tender_id}:{index}".encode()).decode()
        except InvalidTag:
            continue
    raise SealError("a stored share does not decrypt")


def reserve_seed_seal(seed: bytes, *, tender_id: int) -> bytes:
    """The reserve price seed as kept until the opening: encrypted at rest (core.crypto)."""
    from egov.core.crypto import encrypt_blob

    return encrypt_blob(seed, context=f"procurement-reserve-seed:{tender_id}".encode())


def reserve_seed_unseal(blob: bytes, *, tender_id: int) -> bytes:
    from egov.core.crypto import decrypt_blob

    try:
        return decrypt_blob(bytes(blob), context=f"procurement-reserve-seed:{tender_id}".encode())
    except (InvalidTag, ValueError):
        raise SealError("the stored reserve price seed does not decrypt") from None


def opening_key_combine(shares: list[str], expected_point: bytes) -> ec.EllipticCurvePrivateKey:
    """The private key from two shares, checked against the published public key."""
    parsed = [share_parse(s) for s in shares]
    if len({p[0] for p in parsed}) != len(parsed):
        raise SealError("the same share twice")
    low = Shamir.combine([(i, a) for i, a, _b in parsed])
    high = Shamir.combine([(i, b) for i, _a, b in parsed])
    scalar = int.from_bytes(low + high, "big")
    try:
        private_key = ec.derive_private_key(scalar, ec.SECP256R1())
    except ValueError:
        raise SealError("the shares do not rebuild a key") from None
    if public_point(private_key.public_key()) != expected_point:
        raise SealError("the shares do not rebuild this tender's opening key")
    return private_key


# --- the envelope ----------------------------------------------------------------------------


def bid_aad(tender_number: str, brn: str) -> bytes:
    return f"egov-bid:{tender_number}:{brn}".encode()


def _aes_key(shared: bytes, epk: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk, info=HKDF_INFO).derive(shared)


def seal(*, public_point_bytes: bytes, tender_number: str, brn: str, plaintext: bytes, iv: bytes) -> str:
    """Seal `plaintext` to the opening key (what the clients do; here for tests and the client)."""
    recipient = public_key_from_point(public_point_bytes)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    epk = public_point(ephemeral.public_key())
    key = _aes_key(ephemeral.exchange(ec.ECDH(), recipient), epk)
    ct = AESGCM(key).encrypt(iv, plaintext, bid_aad(tender_number, brn))
    return ".".join([SEAL_VERSION, b64u(epk), b64u(iv), b64u(ct)])


def sealed_parse(sealed: str) -> tuple[bytes, bytes, bytes]:
    """(ephemeral point, iv, ciphertext) of a well-formed sealed bid, else SealError."""
    if not isinstance(sealed, str) or len(sealed) > MAX_SEALED_LENGTH:
        raise SealError("the sealed bid is missing or too long")
    parts = sealed.split(".")
    if len(parts) != 4 or parts[0] != SEAL_VERSION:
        raise SealError("a sealed bid is 'v1.<epk>.<iv>.<ciphertext>'")
    epk, iv, ct = (b64u_decode(p) for p in parts[1:])
    public_key_from_point(epk)
    if len(iv) != 12:
        raise SealError("the IV is not 12 bytes")
    if len(ct) < 17:
        raise SealError("the ciphertext is too short")
    return epk, iv, ct


def open_sealed(
    *, private_key: ec.EllipticCurvePrivateKey, sealed: str, tender_number: str, brn: str
) -> bytes:
    """The plaintext of a sealed bid, or SealError (wrong key, tampered, other tender/supplier)."""
    epk, iv, ct = sealed_parse(sealed)
    key = _aes_key(private_key.exchange(ec.ECDH(), public_key_from_point(epk)), epk)
    try:
        return AESGCM(key).decrypt(iv, ct, bid_aad(tender_number, brn))
    except InvalidTag:
        raise SealError("does not decrypt: tampered, or sealed to another key, tender or supplier") from None


def plaintext_validate(
    plaintext: bytes, *, tender_number: str, brn: str, picks_required: bool
) -> tuple[int, str, list[int]]:
    """(price, content, picks) of a decrypted bid, or SealError with the reason it is invalid.
    `picks_required`: the tender is awarded by the multiple reserve price method, so the
    plaintext carries exactly two different numbers 1..15; other tenders take no picks."""
    from egov.procurement import reserve

    try:
        data = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SealError("the decrypted bid is not JSON") from None
    if not isinstance(data, dict) or data.get("tender") != tender_number or data.get("supplier") != brn:
        raise SealError("the decrypted bid names another tender or supplier")
    price = data.get("price")
    if isinstance(price, bool) or not isinstance(price, int) or not 0 < price < 10**15:
        raise SealError("the bid's price is not a positive whole number of won")
    content = data.get("content", "")
    content = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    try:  # the database stores neither a NUL nor an unpaired surrogate: one would stop the opening
        if "\x00" in content:
            raise UnicodeError
        content.encode("utf-8")
    except UnicodeError:
        raise SealError("the bid's content is not text (a NUL or an unpaired surrogate)") from None
    picks = data.get("picks")
    if picks_required:
        if not reserve.picks_valid(picks):
            raise SealError("the bid's picks are not two different numbers from 1 to 15")
        return price, content, sorted(picks)
    if picks is not None:
        raise SealError("the bid carries reserve price picks, which this tender's award method does not take")
    return price, content, []


def sealed_digest(sealed: str) -> str:
    return hashlib.sha256(sealed.encode("ascii")).hexdigest()


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
