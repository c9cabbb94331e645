"""Verification: valid, revoked, unknown, tampered — by number, PDF, JWS, QR; rate limits."""

import json

import pytest
from django.utils import timezone

from egov.core.errors import ValidationFailed
from egov.documents import verification
from egov.documents.services import (
    b64url,
    b64url_decode,
    document_jws,
    document_pdf,
    document_revoke,
    luhn_digit,
)


def _unknown_number(abstract):
    body = "1" + abstract.number[1:15] if abstract.number[0] != "1" else "2" + abstract.number[1:15]
    return body + luhn_digit(body)


def test_by_number_valid_shows_what_it_may_and_no_personal_content(abstract):
    result = verification.verify_number(abstract.number_display).as_dict()
    assert result["status"] == "valid"
    assert result["number"] == abstract.number
    assert result["doc_type"] == "resident.abstract"
    assert result["agency"]["code"] == abstract.agency.code
    assert result["pdf_sha256"] == abstract.pdf_sha256
    assert "이서연" not in json.dumps(result, ensure_ascii=False)


def test_by_number_unknown(abstract):
    assert verification.verify_number(_unknown_number(abstract)).status == "unknown"


@pytest.mark.parametrize(
    "number", ["", "123", "abcd-efgh-ijkl-mnop", "1234567890123456789", "１２３４５６７８９０１２３４５６"]
)
def test_malformed_numbers_are_refused_naming_the_field(db, number):
    with pytest.raises(ValidationFailed) as refused:
        verification.verify_number(number)
    assert refused.value.field == "number"


def test_the_pdf_as_issued_is_valid(abstract):
    result = verification.verify_pdf(document_pdf(abstract))
    assert result.status == "valid"
    assert result.checks == {
        "signature": True,
        "chain": True,
        "whole_file": True,
        "timestamp": True,
        "hash": True,
    }


@pytest.mark.parametrize("where", [0.0, 0.01, 0.2, 0.5, 0.8, 0.97, 0.995, 1.0])
def test_changing_one_byte_anywhere_makes_the_pdf_tampered(abstract, where):
    data = bytearray(document_pdf(abstract))
    position = min(len(data) - 1, max(5, int(len(data) * where)))  # keep the %PDF- magic
    data[position] ^= 0x01
    result = verification.verify_pdf(bytes(data))
    assert result.status == "tampered", (position, result)


def test_an_incremental_update_after_signing_is_tampered(abstract):
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(document_pdf(abstract)))
    writer.root["/EgovNote"] = generic.pdf_string("added after signing")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verification.verify_pdf(out.getvalue())
    assert result.status == "tampered" and result.checks["whole_file"] is False
    assert result.document == abstract


def test_a_pdf_of_someone_else_is_unknown(db):
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 100, "not ours")
    page.save()
    assert verification.verify_pdf(buffer.getvalue()).status == "unknown"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "Choose"), (b"hello", "not a PDF"), (b"%PDF-" + b"0" * (5 * 1024 * 1024), "5 MB")],
)
def test_bad_uploads_are_refused_naming_the_field(db, data, message):
    with pytest.raises(ValidationFailed) as refused:
        verification.verify_pdf(data)
    assert refused.value.field == "file" and message in refused.value.message


def test_revoked_shows_revoked_with_date_and_reason_at_once(abstract, bob):
    document_revoke(actor=bob, document=abstract, reason="발급 오류로 취소")
    for result in (
        verification.verify_number(abstract.number),
        verification.verify_pdf(document_pdf(abstract)),
        verification.verify_jws(document_jws(abstract)),
    ):
        data = result.as_dict()
        assert data["status"] == "revoked"
        assert data["revocation_reason"] == "발급 오류로 취소"
        assert data["revoked_at"][:10] == timezone.now().isoformat()[:10]


def test_the_jws_as_issued_is_valid(abstract):
    assert verification.verify_jws(document_jws(abstract)).status == "valid"


def test_a_jws_with_changed_content_is_tampered(abstract):
    header, payload, signature = document_jws(abstract).split(".")
    twin = json.loads(b64url_decode(payload))
    twin["data"]["name"] = "김철수"
    forged = ".".join((header, b64url(json.dumps(twin, ensure_ascii=False).encode()), signature))
    result = verification.verify_jws(forged)
    assert result.status == "tampered" and result.document == abstract


def test_a_jws_signed_by_another_key_is_tampered(abstract):
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec

    header, payload, _ = document_jws(abstract).split(".")
    kid = json.loads(b64url_decode(header))["kid"]
    forged = jwt.api_jws.encode(
        b64url_decode(payload),
        ec.generate_private_key(ec.SECP256R1()),
        algorithm="ES256",
        headers={"kid": kid},
    )
    assert verification.verify_jws(forged).status == "tampered"


def test_a_jws_re_signed_by_another_agency_is_tampered(abstract, issue, busan):
    """A genuine key of the platform, but not the one that issued this number."""
    import jwt

    from egov.documents import pki

    _, payload, _ = document_jws(abstract).split(".")
    other = pki.signing_key(busan)
    forged = jwt.api_jws.encode(
        b64url_decode(payload), other.key, algorithm="ES256", headers={"kid": other.kid}
    )
    result = verification.verify_jws(forged)
    assert result.status == "tampered" and result.checks["hash"] is False


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.??.**"])
def test_malformed_jws_is_refused_naming_the_field(db, token):
    with pytest.raises(ValidationFailed) as refused:
        verification.verify_jws(token)
    assert refused.value.field == "jws"


# --- the API and the page ---------------------------------------------------------------------


def test_api_verify_by_number(abstract, client):
    response = client.get("/api/v1/documents/verify", {"number": abstract.number_display})
    assert response.status_code == 200
    assert response.json()["status"] == "valid"


def test_api_verify_malformed_number_names_the_field(db, client):
    response = client.get("/api/v1/documents/verify", {"number": "1234"})
    assert response.status_code == 422
    assert response.json()["field"] == "number"


def test_api_verify_by_uploaded_pdf_and_jws(abstract, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("doc.pdf", document_pdf(abstract), content_type="application/pdf")
    assert client.post("/api/v1/documents/verify", {"file": upload}).json()["status"] == "valid"
    assert (
        client.post("/api/v1/documents/verify", {"jws": document_jws(abstract)}).json()["status"] == "valid"
    )
    both = client.post("/api/v1/documents/verify", {"jws": "a.b.c", "number": abstract.number})
    assert both.status_code == 400 and both.json()["field"] == "number"


def test_api_verify_is_rate_limited(abstract, client, settings):
    settings.EGOV_VERIFY_RATE = "5/60"
    codes = [
        client.get("/api/v1/documents/verify", {"number": abstract.number}).status_code for _ in range(7)
    ]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    response = client.get("/api/v1/documents/verify", {"number": abstract.number})
    assert int(response["Retry-After"]) >= 1


def test_misses_are_limited_harder_against_enumeration(abstract, client, settings):
    settings.EGOV_VERIFY_MISS_RATE = "3/600"
    unknown = _unknown_number(abstract)
    codes = [client.get("/api/v1/documents/verify", {"number": unknown}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    # Three misses used up the allowance: even a good number waits now.
    assert client.get("/api/v1/documents/verify", {"number": abstract.number}).status_code == 429
    # Another client is not affected.
    other = client.get("/api/v1/documents/verify", {"number": abstract.number}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_verify_page_by_number_and_by_qr_link(abstract, client):
    page = client.post("/verify", {"kind": "number", "number": abstract.number_display})
    assert page.status_code == 200
    assert "Valid" in page.content.decode() and abstract.pdf_sha256 in page.content.decode()
    assert "이서연" not in page.content.decode()
    from tests.documents.test_issue import _qr_address

    address = _qr_address(abstract)
    page = client.get("/verify?" + address.split("?", 1)[1])
    assert page.status_code == 200 and "Valid" in page.content.decode()


def test_verify_page_upload(abstract, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = bytearray(document_pdf(abstract))
    data[len(data) // 2] ^= 1
    upload = SimpleUploadedFile("doc.pdf", bytes(data), content_type="application/pdf")
    page = client.post("/verify", {"kind": "file", "file": upload})
    assert page.status_code == 200 and "Tampered" in page.content.decode()


def test_verify_page_bad_number_is_a_field_error_not_a_500(db, client):
    page = client.post("/verify", {"kind": "number", "number": "12345"})
    assert page.status_code == 200
    assert "16 digits" in page.content.decode()


def test_a_content_change_is_a_broken_signature_by_a_platform_certificate(abstract):
    data = bytearray(document_pdf(abstract))
    data[10] ^= 0x01  # inside the signed byte range, in the binary comment after the header
    result = verification.verify_pdf(bytes(data))
    assert result.status == "tampered" and result.document == abstract
    assert result.checks["signature"] is False and result.checks["hash"] is False
    assert result.checks["chain"] is True  # who signed is not in doubt, what was signed is


def test_the_verify_panel_of_a_tampered_pdf_never_says_valid(abstract, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = bytearray(document_pdf(abstract))
    data[10] ^= 0x01
    page = client.post(
        "/verify",
        {"kind": "file", "file": SimpleUploadedFile("x.pdf", bytes(data), content_type="application/pdf")},
        HTTP_ACCEPT_LANGUAGE="ko",
    ).content.decode()
    panel = page.split('class="egov-verify-result')[1].split("</section>")[0]
    assert "위변조" in panel
    status = panel.split('data-testid="panel-status">')[1].split("</td>")[0]
    assert "유효" not in status and "발급된 문서가 아닙니다" in status
    assert abstract.doc_type not in panel  # no internal type code
