"""Public verification of issued documents: by number, by the QR seal, by the PDF, by the JWS.

Every answer is one of
  valid     the register holds it, not revoked, and what was shown matches what was issued;
  revoked   as valid, but the issuing agency revoked it (date and reason are shown);
  unknown   no document of the platform matches;
  tampered  it claims to be one of ours but its signature or its hash does not match.

The answer shows the type, the issuing agency, the date, the status and the hashes — never
the personal content, which only the subject and the agency can read.
"""

import hashlib
import io
import json
import re
from dataclasses import dataclass, field

import jwt
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core import ratelimit
from egov.core.errors import ValidationFailed
from egov.documents import pki
from egov.documents.models import Document
from egov.documents.services import b64url_decode, number_normalise, seal_message

MAX_PDF_BYTES = 5 * 1024 * 1024
MAX_JWS_BYTES = 256 * 1024
NUMBER_MARK = re.compile(rb"egov-issuance:([0-9]{16})")

VALID, REVOKED, UNKNOWN, TAMPERED = "valid", "revoked", "unknown", "tampered"
CHECK_LABELS = {
    "register": lambda: _("Found in the register of issued documents"),
    "signature": lambda: _("Signature intact"),
    "chain": lambda: _("Signed by a certificate of the platform root"),
    "whole_file": lambda: _("Nothing added after signing"),
    "timestamp": lambda: _("Signed timestamp"),
    "hash": lambda: _("Matches the document as issued"),
    "seal": lambda: _("Seal of the QR code verifies"),
}


@dataclass
class Verification:
    status: str
    explanation: str
    document: Document | None = None
    checks: dict = field(default_factory=dict)

    def checks_display(self) -> list[tuple[str, bool]]:
        """The checks with their names in the reader's language, for the page."""
        return [
            (CHECK_LABELS.get(name, name)(), ok) if name in CHECK_LABELS else (name, ok)
            for name, ok in self.checks.items()
        ]

    def as_dict(self) -> dict:
        doc = self.document
        shown = doc is not None and self.status in (VALID, REVOKED, TAMPERED)
        return {
            "status": self.status,
            "explanation": self.explanation,
            "checks": self.checks,
            "number": doc.number if shown else None,
            "doc_type": doc.doc_type if shown else None,
            "title": doc.title if shown else None,
            "agency": (
                {"code": doc.agency.code, "name_ko": doc.agency.name_ko, "name_en": doc.agency.name_en}
                if shown
                else None
            ),
            "issued_at": doc.issued_at.isoformat() if shown else None,
            "pdf_sha256": doc.pdf_sha256 if shown else None,
            "twin_sha256": doc.twin_sha256 if shown else None,
            "revoked_at": doc.revoked_at.isoformat() if shown and doc.revoked_at else None,
            "revocation_reason": doc.revocation_reason if shown and doc.revoked_at else None,
        }


def _status_of(document: Document, checks: dict) -> Verification:
    if document.revoked_at:
        return Verification(
            REVOKED,
            _("Revoked by the issuing agency on %(date)s: %(reason)s")
            % {
                "date": timezone.localtime(document.revoked_at).strftime("%Y-%m-%d"),
                "reason": document.revocation_reason,
            },
            document,
            checks,
        )
    return Verification(VALID, _("Issued by the platform and not revoked."), document, checks)


def _lookup(number: str) -> Document | None:
    return Document.objects.select_related("agency").filter(number=number).first()


# --- by number and by seal -------------------------------------------------------------------


def verify_number(number: str) -> Verification:
    """By issuance number (a malformed number is a ValidationFailed on field "number")."""
    document = _lookup(number_normalise(number))
    if document is None:
        return Verification(UNKNOWN, _("No document with this issuance number was issued."))
    return _status_of(document, {"register": True})


def _seal_valid(kid: str, message: bytes, seal: bytes) -> bool:
    found = pki.certificate_by_kid(kid)
    if found is None or len(seal) != 64:
        return False
    _code, cert = found
    if not pki.issued_by_platform(cert):
        return False
    der = encode_dss_signature(int.from_bytes(seal[:32], "big"), int.from_bytes(seal[32:], "big"))
    try:
        cert.public_key().verify(der, message, ec.ECDSA(hashes.SHA256()))
    except Exception:  # noqa: BLE001 - InvalidSignature, or a key of another kind
        return False
    return True


def verify_seal(*, number: str, digest: str, kid: str, seal: str) -> Verification:
    """What the QR code carries: number, SHA-256 of the twin, key id and the agency's seal."""
    number = number_normalise(number)
    try:
        twin_sha256 = b64url_decode(digest).hex()
        seal_bytes = b64url_decode(seal)
    except (ValueError, TypeError):
        return Verification(TAMPERED, _("The code's seal is damaged."), _lookup(number), {"seal": False})
    sealed = _seal_valid(kid, seal_message(number, twin_sha256), seal_bytes)
    document = _lookup(number)
    checks = {"seal": sealed}
    if not sealed:
        return Verification(
            TAMPERED, _("The code's seal does not verify against the agency keys."), document, checks
        )
    if document is None:
        return Verification(UNKNOWN, _("No document with this issuance number was issued."), None, checks)
    checks["hash"] = document.twin_sha256 == twin_sha256 and document.kid == kid
    if not checks["hash"]:
        return Verification(
            TAMPERED, _("The code does not match the document issued under this number."), document, checks
        )
    return _status_of(document, checks)


# --- by file ---------------------------------------------------------------------------------


def _signed_by_platform(signer_cert) -> bool:
    try:
        cert = x509.load_der_x509_certificate(signer_cert.dump())
    except Exception:  # noqa: BLE001 - no readable certificate: not ours
        return False
    return pki.issued_by_platform(cert)


def _pdf_signature_checks(data: bytes) -> dict:
    """pyHanko's validation of the embedded signature against the platform roots."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    checks = {"signature": False, "chain": False, "whole_file": False}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return checks
        roots = [
            asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
            for root in pki.trust_roots()
        ]
        # Who signed is a question of its own: a file whose content was changed after signing
        # is still signed by a platform certificate; only its signature no longer covers it.
        checks["chain"] = _signed_by_platform(signatures[-1].signer_cert)
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:  # noqa: BLE001 - any damage to the file is an answer, not an error
        return checks
    checks["signature"] = bool(status.intact and status.valid)
    checks["chain"] = checks["chain"] and (bool(status.trusted) or not checks["signature"])
    checks["whole_file"] = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    checks["timestamp"] = bool(status.timestamp_validity and status.timestamp_validity.trusted)
    return checks


def verify_pdf(data: bytes) -> Verification:
    """An uploaded PDF: the signature checked to the platform root, the hash to the register."""
    if not data:
        raise ValidationFailed(_("Choose a PDF file to check."), field="file")
    if len(data) > MAX_PDF_BYTES:
        raise ValidationFailed(_("A PDF to check may be at most 5 MB."), field="file")
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationFailed(_("This file is not a PDF."), field="file")
    checks = _pdf_signature_checks(data)
    signed_ok = checks["signature"] and checks["chain"] and checks["whole_file"]
    digest = hashlib.sha256(data).hexdigest()
    document = Document.objects.select_related("agency").filter(pdf_sha256=digest).first()
    if document is not None:
        checks["hash"] = True
        if not signed_ok:
            return Verification(TAMPERED, _("The file's signature does not verify."), document, checks)
        return _status_of(document, checks)
    checks["hash"] = False
    numbers = {match.decode() for match in NUMBER_MARK.findall(data)}
    claimed = next((doc for doc in map(_lookup, sorted(numbers)) if doc is not None), None)
    if claimed is not None:
        return Verification(
            TAMPERED, _("This file differs from the document issued under its number."), claimed, checks
        )
    if numbers or checks["chain"]:
        return Verification(
            TAMPERED, _("This file claims to be a platform document but is not one."), None, checks
        )
    return Verification(UNKNOWN, _("This file is not a document issued by the platform."), None, checks)


def verify_jws(token: str) -> Verification:
    """A JSON twin (compact JWS): the signature checked to the platform root, the hash to the
    register."""
    token = (token or "").strip()
    if not token:
        raise ValidationFailed(_("Paste the JWS to check."), field="jws")
    if len(token) > MAX_JWS_BYTES or token.count(".") != 2:
        raise ValidationFailed(_("This is not a compact JWS (three parts separated by dots)."), field="jws")
    try:
        header = jwt.get_unverified_header(token)
        payload_bytes = b64url_decode(token.split(".")[1])
        claimed_number = json.loads(payload_bytes).get("number")
    except (jwt.DecodeError, ValueError, TypeError, AttributeError):
        raise ValidationFailed(
            _("This is not a compact JWS (three parts separated by dots)."), field="jws"
        ) from None
    claimed = (
        _lookup(claimed_number) if isinstance(claimed_number, str) and claimed_number.isdigit() else None
    )
    checks = {"signature": False, "chain": False}
    found = pki.certificate_by_kid(str(header.get("kid", "")))
    if found is not None:
        _code, cert = found
        checks["chain"] = pki.issued_by_platform(cert)
        try:
            jwt.api_jws.decode_complete(token, key=cert.public_key(), algorithms=["ES256"])
            checks["signature"] = True
        except jwt.PyJWTError:
            pass
    if not (checks["signature"] and checks["chain"]):
        if claimed is not None or found is not None:
            return Verification(TAMPERED, _("The JWS signature does not verify."), claimed, checks)
        return Verification(UNKNOWN, _("This is not a document issued by the platform."), None, checks)
    if claimed is None:
        return Verification(UNKNOWN, _("No document with this issuance number was issued."), None, checks)
    checks["hash"] = (
        hashlib.sha256(payload_bytes).hexdigest() == claimed.twin_sha256 and header["kid"] == claimed.kid
    )
    if not checks["hash"]:
        return Verification(
            TAMPERED, _("This JWS differs from the document issued under its number."), claimed, checks
        )
    return _status_of(claimed, checks)


# --- rate limits -----------------------------------------------------------------------------


def _limits() -> tuple[ratelimit.Limit, ratelimit.Limit]:
    return (
        ratelimit.Limit.parse("verify", settings.EGOV_VERIFY_RATE),
        ratelimit.Limit.parse("verify-miss", settings.EGOV_VERIFY_MISS_RATE),
    )


def rate_check(request) -> str:
    """Count a verification request; raise ratelimit.RateLimited when the client has made too
    many, or has had too many misses (unknown or malformed numbers) lately."""
    every, misses = _limits()
    client = ratelimit.client_key(request)
    ratelimit.hit(every, client)
    if ratelimit.peek(misses, client) >= misses.hits:
        raise ratelimit.RateLimited(misses, retry_after=misses.seconds)
    return client


def rate_miss(client: str) -> None:
    """Record a miss (unknown or malformed) for the enumeration limit."""
    _every, misses = _limits()
    try:
        ratelimit.hit(misses, client)
    except ratelimit.RateLimited:
        pass  # the answer is already computed; the next request is refused


def verify_guarded(request, run) -> Verification:
    """Run one verification (`run()`) under the rate limits, counting misses."""
    client = rate_check(request)
    try:
        result = run()
    except ValidationFailed:
        rate_miss(client)
        raise
    if result.status in (UNKNOWN, TAMPERED):
        rate_miss(client)
    return result
