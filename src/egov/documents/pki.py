"""The platform's PKI: a root CA, a timestamping authority and one signing certificate per agency.

Everything lives under EGOV_DATA_DIR/keys/pki (directory 0700, files 0600):

    root-ca.key.pem, root-ca.crt.pem     the platform root (ECDSA P-256, 20 years)
    tsa.key.pem, tsa.crt.pem             the timestamping unit (EKU timeStamping, 10 years)
    agencies/<code>/<kid>.key.pem        an agency's signing key (ECDSA P-256)
    agencies/<code>/<kid>.crt.pem        its certificate (3 years), issued by the root
    agencies/<code>/current              the kid new documents are signed with
    roots/*.crt.pem                      retired roots, still trusted for older documents
    officials/<code>/<user id>/<kid>.*   an official's own approval key and certificate (2 years),
                                         issued by the root with the agency's code as OU

A kid is the first 16 hex digits of the SHA-256 of the certificate (DER). Certificates are
never overwritten: rotation (`egov keys rotate --agency CODE`) adds a new kid and points
`current` at it, so documents signed with an older key still verify — the PDF embeds its
chain, the JWS names its kid, and /api/v1/documents/keys publishes every kid.

Creation is serialised by an flock on `pki/.lock`, so processes racing to create a missing
key (the first document of a new agency in two workers) end up with one.
"""

import datetime as dt
import fcntl
import functools
import hashlib
from base64 import urlsafe_b64encode
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from egov.core.keys import KeyFileError, ensure_private_dir, keys_dir, write_new_file

ROOT_YEARS = 20
TSA_YEARS = 10
AGENCY_YEARS = 3
OFFICIAL_YEARS = 2
KID_RE = r"^[0-9a-f]{16}$"


def pki_dir() -> Path:
    return keys_dir() / "pki"


def agency_dir(code: str) -> Path:
    if not (len(code) == 7 and code.isdigit()):
        raise ValueError(f"not an agency code: {code!r}")
    return pki_dir() / "agencies" / code


def kid_of(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()[:16]


@contextmanager
def _lock():
    ensure_private_dir(pki_dir())
    with open(pki_dir() / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _name(common_name: str, unit: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, settings.EGOV_PKI_COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.EGOV_PKI_ORGANIZATION),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _build(
    *,
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey | None,
    years: int,
    ca: bool,
    eku: list | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    not_after = now + dt.timedelta(days=365 * years)
    if issuer is not None:
        not_after = min(not_after, issuer.not_valid_after_utc)  # never outlive the issuer
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca and eku is None,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(issuer_key or key, hashes.SHA256())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _read_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot read the key {path}: {exc}") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an EC key")
    return key


def _read_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"cannot read the certificate {path}: {exc}") from None


# --- creation ----------------------------------------------------------------------------------


def root_ensure() -> bool:
    """Create the root CA unless it exists. Returns whether it was created."""
    key_path, cert_path = pki_dir() / "root-ca.key.pem", pki_dir() / "root-ca.crt.pem"
    if cert_path.exists():
        return False
    with _lock():
        if cert_path.exists():
            return False
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            subject=_name(settings.EGOV_PKI_ROOT_NAME), key=key, issuer=None, issuer_key=None,
            years=ROOT_YEARS, ca=True,
        )  # fmt: skip
        # A key without its certificate (a crash between the two writes) signed nothing: replace it.
        write_new_file(key_path, _key_pem(key), replace=True)
        write_new_file(cert_path, _cert_pem(cert))
    return True


def tsa_ensure() -> bool:
    """Create the timestamping unit's key and certificate unless they exist."""
    key_path, cert_path = pki_dir() / "tsa.key.pem", pki_dir() / "tsa.crt.pem"
    if cert_path.exists():
        return False
    root_ensure()
    with _lock():
        if cert_path.exists():
            return False
        root_key, root = _read_key(pki_dir() / "root-ca.key.pem"), root_certificate()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            subject=_name(f"{settings.EGOV_PKI_ORGANIZATION} Timestamping Unit"), key=key, issuer=root,
            issuer_key=root_key, years=TSA_YEARS, ca=False, eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        )  # fmt: skip
        write_new_file(key_path, _key_pem(key), replace=True)
        write_new_file(cert_path, _cert_pem(cert))
    return True


def agency_key_create(agency, *, rotate: bool = False) -> str | None:
    """Create a signing key and certificate for `agency` unless it has one (or, with `rotate`,
    always) and make it current. Returns the new kid, or None when nothing was created."""
    directory = agency_dir(agency.code)
    current = directory / "current"
    if current.exists() and not rotate:
        return None
    root_ensure()
    with _lock():
        if current.exists() and not rotate:
            return None
        root_key, root = _read_key(pki_dir() / "root-ca.key.pem"), root_certificate()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            subject=_name(agency.name_en, unit=agency.code), key=key, issuer=root, issuer_key=root_key,
            years=AGENCY_YEARS, ca=False,
        )  # fmt: skip
        kid = kid_of(cert)
        write_new_file(directory / f"{kid}.key.pem", _key_pem(key))
        write_new_file(directory / f"{kid}.crt.pem", _cert_pem(cert))
        write_new_file(current, kid.encode(), replace=True)
    return kid


# --- loading -----------------------------------------------------------------------------------


def root_certificate() -> x509.Certificate:
    return _cached_cert(str(pki_dir() / "root-ca.crt.pem"))


def trust_roots() -> list[x509.Certificate]:
    """The current root and every retired one kept under pki/roots/."""
    roots = [root_certificate()]
    retired = pki_dir() / "roots"
    if retired.is_dir():
        roots += [_cached_cert(str(path)) for path in sorted(retired.glob("*.crt.pem"))]
    return roots


@functools.cache
def _cached_cert(path: str) -> x509.Certificate:
    return _read_cert(Path(path))


@dataclass(frozen=True, eq=False)
class SigningKey:
    """One agency key as loaded once per process: the key, its certificate and chain."""

    agency_code: str
    kid: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate

    def sign_raw(self, message: bytes) -> bytes:
        """ES256 signature as JOSE wants it: r || s, 32 bytes each."""
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        r, s = decode_dss_signature(self.key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@dataclass(frozen=True, eq=False)
class Timestamper:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate


def _signing_key(code: str, kid: str) -> SigningKey:
    return _signing_key_at(str(agency_dir(code)), code, kid)


@functools.cache
def _signing_key_at(directory: str, code: str, kid: str) -> SigningKey:
    directory = Path(directory)
    key = _read_key(directory / f"{kid}.key.pem")
    return SigningKey(code, kid, key, _read_cert(directory / f"{kid}.crt.pem"), root_certificate())


def current_kid(agency) -> str:
    """The kid `agency` signs with now, creating its first key when it has none."""
    current = agency_dir(agency.code) / "current"
    try:
        return current.read_text().strip()
    except FileNotFoundError:
        agency_key_create(agency)
        return current.read_text().strip()


def signing_key(agency) -> SigningKey:
    return _signing_key(agency.code, current_kid(agency))


def timestamper() -> Timestamper:
    tsa_ensure()
    return _timestamper(str(pki_dir()))


@functools.cache
def _timestamper(directory: str) -> Timestamper:
    base = Path(directory)
    return Timestamper(_read_key(base / "tsa.key.pem"), _read_cert(base / "tsa.crt.pem"), root_certificate())


def certificate_by_kid(kid: str) -> tuple[str, x509.Certificate] | None:
    """(agency code, certificate) of any kid ever issued, current or retired."""
    for code, found, cert in _all_certificates():
        if found == kid:
            return code, cert
    return None


def _all_certificates() -> list[tuple[str, str, x509.Certificate]]:
    base = pki_dir() / "agencies"
    if not base.is_dir():
        return []
    out = []
    for path in sorted(base.glob("*/*.crt.pem")):
        out.append((path.parent.name, path.name.removesuffix(".crt.pem"), _cached_cert(str(path))))
    return out


def issued_by_platform(cert: x509.Certificate) -> bool:
    """Whether `cert` was signed by one of the platform's trusted roots and is in its period."""
    now = dt.datetime.now(dt.UTC)
    for root in trust_roots():
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return cert.not_valid_before_utc <= now
    return False


def _b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk_of(code: str, kid: str, cert: x509.Certificate) -> dict:
    numbers = cert.public_key().public_numbers()
    der = cert.public_bytes(serialization.Encoding.DER)
    root_der = root_certificate().public_bytes(serialization.Encoding.DER)
    from base64 import b64encode

    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
        "x5c": [b64encode(der).decode(), b64encode(root_der).decode()],
        "x5t#S256": _b64(hashlib.sha256(der).digest()),
        "agency": code,
        "nbf": int(cert.not_valid_before_utc.timestamp()),
        "exp": int(cert.not_valid_after_utc.timestamp()),
    }


def jwks() -> dict:
    """Every agency key ever issued (current and rotated), as a JWK Set."""
    return {"keys": [jwk_of(code, kid, cert) for code, kid, cert in _all_certificates()]}


# --- officials' own keys (e-document approvals) -------------------------------------------


def official_dir(agency_code: str, user_id: int) -> Path:
    if not isinstance(user_id, int) or user_id < 1:
        raise ValueError(f"not a user id: {user_id!r}")
    return agency_dir(agency_code).parent.parent / "officials" / agency_code / str(user_id)


def official_key_create(official, *, rotate: bool = False) -> str | None:
    """Create an official's own signing key and certificate (for approvals of e-documents)
    unless they have one (or, with `rotate`, always) and make it current. The certificate names
    the official by user id under their agency's code, never by their personal data. The key
    stays on the server, readable by the platform only: the official's login is what unlocks
    its use (docs/edocs.md)."""
    agency = official.agency
    directory = official_dir(agency.code, official.pk)
    current = directory / "current"
    if current.exists() and not rotate:
        return None
    root_ensure()
    with _lock():
        if current.exists() and not rotate:
            return None
        root_key, root = _read_key(pki_dir() / "root-ca.key.pem"), root_certificate()
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            subject=_name(f"official {official.pk}", unit=agency.code), key=key, issuer=root,
            issuer_key=root_key, years=OFFICIAL_YEARS, ca=False,
        )  # fmt: skip
        kid = kid_of(cert)
        ensure_private_dir(directory)
        write_new_file(directory / f"{kid}.key.pem", _key_pem(key))
        write_new_file(directory / f"{kid}.crt.pem", _cert_pem(cert))
        write_new_file(current, kid.encode(), replace=True)
    return kid


def official_signing_key(official) -> SigningKey:
    """The key `official` signs approvals with now, created on first use; `agency_code` is
    their agency's."""
    directory = official_dir(official.agency.code, official.pk)
    current = directory / "current"
    if not current.exists():
        official_key_create(official)
    kid = current.read_text().strip()
    return _signing_key_at(str(directory), official.agency.code, kid)


def official_certificate(agency_code: str, user_id: int, kid: str) -> x509.Certificate | None:
    """An official's certificate by kid (current or rotated), or None when there is none."""
    if not isinstance(kid, str) or len(kid) != 16 or any(ch not in "0123456789abcdef" for ch in kid):
        return None
    path = official_dir(agency_code, user_id) / f"{kid}.crt.pem"
    return _cached_cert(str(path)) if path.exists() else None
