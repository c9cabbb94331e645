"""A software WebAuthn authenticator for tests: an ES256 key pair made with `cryptography`,
answering the platform's options the way a security key does ("none" attestation)."""

import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url


def _b64(data: bytes) -> str:
    return bytes_to_base64url(data)


class SoftwareAuthenticator:
    def __init__(self, *, origin: str = "http://testserver", rp_id: str = "testserver"):
        self.origin, self.rp_id = origin, rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict, *, origin: str | None = None) -> str:
        """The answer to navigator.credentials.create(options), as the page's script posts it."""
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        rp_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        auth_data = (
            rp_hash
            + bytes([0x45])  # user present, user verified, attested credential data
            + struct.pack(">I", self.sign_count)
            + bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return json.dumps(
            {
                "id": _b64(self.credential_id),
                "rawId": _b64(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": _b64(client_data),
                    "attestationObject": _b64(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self, options: dict, *, origin: str | None = None, count_step: int = 1, verified: bool = True
    ) -> str:
        """The answer to navigator.credentials.get(options): a signed assertion (`verified`: the
        holder's PIN or biometric was checked, the UV flag)."""
        allowed = [base64url_to_bytes(c["id"]) for c in options.get("allowCredentials", [])]
        assert not allowed or self.credential_id in allowed
        self.sign_count += count_step
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + bytes([0x05 if verified else 0x01])
            + struct.pack(">I", self.sign_count)
        )
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": _b64(self.credential_id),
                "rawId": _b64(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": _b64(client_data),
                    "authenticatorData": _b64(auth_data),
                    "signature": _b64(signature),
                    "userHandle": None,
                },
                "clientExtensionResults": {},
            }
        )
