"""Public document APIs under /api/v1/documents/: the agency keys (JWKS) and verification.

No login: anyone holding a document may check it. Verification is rate-limited per client
(EGOV_VERIFY_RATE, and EGOV_VERIFY_MISS_RATE for look-ups that find nothing) and answers 429
with Retry-After past the limit. Answers never carry the document's personal content.
"""

from typing import Literal

from django.http import HttpRequest, JsonResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from egov.core import ratelimit
from egov.core.api_schemas import ISSUANCE_NUMBER_PATTERN, Error
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


def _unknown_when_refused(check: str, run):
    """`run`, where what the schema lets through but the check refuses (a number whose check
    digit is wrong, a file that is not a PDF) is a document nobody issued: "unknown", with the
    reason, and `checks[check]` false."""

    def guarded():
        try:
            return run()
        except ValidationFailed as exc:
            return verification.Verification(verification.UNKNOWN, exc.message, checks={check: False})

    return guarded


def _by_number(number: str):
    return _unknown_when_refused("check_digit", lambda: verification.verify_number(number))


# Three base64url parts (the signature may be empty in the syntax); whether they decode to
# a JWS header and payload is the verification's to say.
JWS_PATTERN = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$"
NUMBER_DESCRIPTION = "The 16-digit issuance number; dashes and spaces anywhere are allowed."


@router.get(
    "/verify",
    response={200: VerificationOut, 422: Error, 429: Error},
    summary="Verify a document by its issuance number",
)
def verify_by_number(
    request: HttpRequest,
    number: str = Query(..., pattern=ISSUANCE_NUMBER_PATTERN, description=NUMBER_DESCRIPTION),
):
    """By the 16-digit issuance number (dashes and spaces allowed). A malformed number answers
    422 with field "number"; one whose check digit is wrong is "unknown", with the hint that
    it was mistyped."""
    return _answer(request, _by_number(number))


VERIFY_FORM = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "pattern": ISSUANCE_NUMBER_PATTERN, "description": NUMBER_DESCRIPTION},
        "jws": {
            "type": "string",
            "pattern": JWS_PATTERN,
            "maxLength": verification.MAX_JWS_BYTES,
            "description": "The compact JWS twin.",
        },
        "file": {"type": "string", "format": "binary", "description": "The PDF, at most 5 MB."},
    },
    "minProperties": 1,
    "maxProperties": 1,  # exactly one of them
    "additionalProperties": False,
}


@router.post(
    "/verify",
    response={200: VerificationOut, 400: Error, 422: Error, 429: Error},
    summary="Verify a document by number, PDF or JWS",
    openapi_extra={
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": VERIFY_FORM}}}
    },
)
def verify(
    request: HttpRequest,
    number: str | None = Form(None, pattern=ISSUANCE_NUMBER_PATTERN),
    jws: str | None = Form(None, pattern=JWS_PATTERN, max_length=verification.MAX_JWS_BYTES),
    file: File[UploadedFile] = None,
):
    """Multipart form with exactly one of: `number` (the issuance number), `file` (the PDF),
    `jws` (the compact JWS twin). The PDF's signature is checked to the platform root and its
    SHA-256 compared with the register; the JWS likewise. Two of them, or none, is a 400
    `invalid` on field "number"; a body that is not multipart/form-data, or has no boundary,
    a 400 `invalid_body`; a PDF over 5 MB a 400 on field "file". A file that is not a PDF is
    "unknown", with `checks.pdf` false."""
    unexpected = sorted((set(request.POST) - {"number", "jws"}) | (set(request.FILES) - {"file"}))
    if unexpected:
        raise ValidationFailed("Send only number, file or jws.", field=unexpected[0])
    given = [name for name, value in (("number", number), ("jws", jws), ("file", file)) if value is not None]
    if len(given) != 1:
        raise ValidationFailed("Send exactly one of number, file or jws.", field="number")
    if file is not None:
        if file.size and file.size > verification.MAX_PDF_BYTES:
            raise ValidationFailed("A PDF to check may be at most 5 MB.", field="file")
        data = file.read(verification.MAX_PDF_BYTES + 1)
        return _answer(request, _unknown_when_refused("pdf", lambda: verification.verify_pdf(data)))
    if jws is not None:
        return _answer(request, _unknown_when_refused("jws", lambda: verification.verify_jws(jws)))
    return _answer(request, _by_number(number))
