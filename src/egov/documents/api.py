"""Public document APIs under /api/v1/documents/: the agency keys (JWKS) and verification.

No login: anyone holding a document may check it. Verification is rate-limited per client
(EGOV_VERIFY_RATE, and EGOV_VERIFY_MISS_RATE for look-ups that find nothing) and answers 429
with Retry-After past the limit. Answers never carry the document's personal content.
"""

from typing import Literal

from django.http import HttpRequest, JsonResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from egov.core import ratelimit
from egov.core.errors import ValidationFailed
from egov.documents import pki, verification

router = Router(tags=["documents"])


class AgencyOut(Schema):
    code: str
    name_ko: str
    name_en: str


class VerificationOut(Schema):
    status: Literal["valid", "revoked", "unknown", "tampered"]
    explanation: str
    checks: dict[str, bool]
    number: str | None
    doc_type: str | None
    title: str | None
    agency: AgencyOut | None
    issued_at: str | None
    pdf_sha256: str | None
    twin_sha256: str | None
    revoked_at: str | None
    revocation_reason: str | None


class Error(Schema):
    code: str
    message: str
    field: str | None


class JwksOut(Schema):
    keys: list[dict]


@router.get("/keys", response=JwksOut, summary="Agency signing keys (JWK Set)")
def keys(request: HttpRequest):
    """Every agency signing key the platform ever issued, current and rotated, as a JWK Set.
    Each key has `kid`, `x5c` (the agency certificate and the platform root) and `agency`
    (the agency code). Use it to check a document's JWS or QR seal offline."""
    return pki.jwks()


def _answer(request, run):
    try:
        result = verification.verify_guarded(request, run)
    except ratelimit.RateLimited as exc:
        response = JsonResponse(
            {
                "code": "rate_limited",
                "message": "Too many verification requests; try again later.",
                "field": None,
            },
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    return result.as_dict()


@router.get(
    "/verify",
    response={200: VerificationOut, 400: Error, 422: Error, 429: Error},
    summary="Verify a document by its issuance number",
)
def verify_by_number(request: HttpRequest, number: str):
    """By the 16-digit issuance number (dashes and spaces allowed). A malformed number or a
    failed check digit answers 422 with field "number"."""
    return _answer(request, lambda: verification.verify_number(number))


@router.post(
    "/verify",
    response={200: VerificationOut, 400: Error, 422: Error, 429: Error},
    summary="Verify a document by number, PDF or JWS",
)
def verify(
    request: HttpRequest,
    number: Form[str | None] = None,
    jws: Form[str | None] = None,
    file: File[UploadedFile] = None,
):
    """Multipart form with exactly one of: `number` (the issuance number), `file` (the PDF),
    `jws` (the compact JWS twin). The PDF's signature is checked to the platform root and its
    SHA-256 compared with the register; the JWS likewise."""
    given = [name for name, value in (("number", number), ("jws", jws), ("file", file)) if value]
    if len(given) != 1:
        raise ValidationFailed("Send exactly one of number, file or jws.", field="number")
    if file is not None:
        if file.size and file.size > verification.MAX_PDF_BYTES:
            raise ValidationFailed("A PDF to check may be at most 5 MB.", field="file")
        data = file.read(verification.MAX_PDF_BYTES + 1)
        return _answer(request, lambda: verification.verify_pdf(data))
    if jws:
        return _answer(request, lambda: verification.verify_jws(jws))
    return _answer(request, lambda: verification.verify_number(number))
