"""Issuing: signed PDF (pyHanko validation), Korean text, JSON twin (jwcrypto), QR seal."""

import hashlib
import io
import json
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from jwcrypto import jwk, jws
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from egov.core.errors import ValidationFailed
from egov.core.models import AuditEvent
from egov.documents import pki
from egov.documents.services import (
    canonical_json,
    document_jws,
    document_pdf,
    luhn_digit,
    number_normalise,
)
from egov.documents.verification import verify_seal
from tests.documents.conftest import ABSTRACT


def _root_asn1():
    return asn1_x509.Certificate.load(pki.root_certificate().public_bytes(serialization.Encoding.DER))


def test_signed_pdf_validates_with_pyhanko_against_the_platform_root(abstract):
    reader = PdfFileReader(io.BytesIO(document_pdf(abstract)))
    [signature] = reader.embedded_signatures
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[_root_asn1()], allow_fetching=False)
    )
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert status.signing_cert.subject.native["organizational_unit_name"] == abstract.agency.code
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_signature_is_not_trusted_without_the_platform_root(abstract, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    from egov.documents.pki import _build, _name

    key = ec.generate_private_key(ec.SECP256R1())
    stranger = _build(subject=_name("Another root"), key=key, issuer=None, issuer_key=None, years=1, ca=True)
    other_root = asn1_x509.Certificate.load(stranger.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(document_pdf(abstract)))
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[other_root], allow_fetching=False)
    )
    assert status.intact and not status.trusted


def test_korean_text_extracted_from_the_pdf_matches_the_payload(abstract):
    text = PdfReader(io.BytesIO(document_pdf(abstract))).pages[0].extract_text()
    for value in (
        ABSTRACT["name"],
        ABSTRACT["address"],
        ABSTRACT["address_history"][0]["address"],
        "주민등록표 초본",
    ):
        assert value in text, (value, text)
    assert abstract.number_display in text


def test_english_edition(issue):
    document = issue(language="en")
    text = PdfReader(io.BytesIO(document_pdf(document))).pages[0].extract_text()
    assert "Resident Registration Abstract" in text
    assert "Address history" in text
    assert "이서연" in text  # names stay as registered
    assert document.title == "Resident Registration Abstract"


def test_pdf_embeds_the_korean_font_not_a_base_font(abstract):
    reader = PdfReader(io.BytesIO(document_pdf(abstract)))
    fonts = {font.get_object()["/BaseFont"] for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert all("Pretendard" in name for name in fonts), fonts


def test_the_jws_twin_verifies_with_jwcrypto_and_the_published_key(abstract, client):
    token = document_jws(abstract)
    keys = client.get("/api/v1/documents/keys").json()
    [published] = [k for k in keys["keys"] if k["kid"] == abstract.kid]
    key = jwk.JWK(**{k: published[k] for k in ("kty", "crv", "x", "y", "kid")})
    checked = jws.JWS()
    checked.deserialize(token)
    checked.verify(key, alg="ES256")
    twin = json.loads(checked.payload)
    assert twin["number"] == abstract.number
    assert twin["data"] == ABSTRACT
    assert twin["agency"]["code"] == abstract.agency.code
    assert hashlib.sha256(checked.payload).hexdigest() == abstract.twin_sha256
    assert canonical_json(twin) == checked.payload  # the twin is canonical JSON


def test_jws_header_carries_the_chain_to_the_root(abstract):
    header = json.loads(jws.base64url_decode(document_jws(abstract).split(".")[0]))
    assert header["alg"] == "ES256" and header["kid"] == abstract.kid
    root_der = pki.root_certificate().public_bytes(serialization.Encoding.DER)
    import base64

    assert base64.b64decode(header["x5c"][-1]) == root_der


def _qr_address(document) -> str:
    page = PdfReader(io.BytesIO(document_pdf(document))).pages[0]
    uris = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", []) if "/A" in a.get_object()]
    [address] = [u for u in uris if "/verify?" in u]
    return address


def test_the_qr_code_holds_a_seal_that_verifies_offline(abstract, client):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    address = _qr_address(abstract)
    assert address.startswith("https://gov.example/verify?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}
    assert query["n"] == abstract.number and query["k"] == abstract.kid
    # Offline, with nothing but the published JWK: the seal covers the number and the twin's hash.
    published = next(k for k in client.get("/api/v1/documents/keys").json()["keys"] if k["kid"] == query["k"])
    public = jwk.JWK(**{k: published[k] for k in ("kty", "crv", "x", "y")}).get_op_key("verify")
    seal = jws.base64url_decode(query["s"])
    digest = jws.base64url_decode(query["h"]).hex()
    assert digest == abstract.twin_sha256
    der = encode_dss_signature(int.from_bytes(seal[:32], "big"), int.from_bytes(seal[32:], "big"))
    public.verify(der, f"{query['n']}.{digest}".encode(), ec.ECDSA(hashes.SHA256()))
    # And the platform's own check of the code says the same.
    assert (
        verify_seal(number=query["n"], digest=query["h"], kid=query["k"], seal=query["s"]).status == "valid"
    )


def test_a_forged_qr_seal_is_tampered(abstract):
    address = _qr_address(abstract)
    query = {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}
    other = jws.base64url_encode(hashlib.sha256(b"another twin").digest())
    assert verify_seal(number=query["n"], digest=other, kid=query["k"], seal=query["s"]).status == "tampered"


def test_luhn_and_number_shape(abstract):
    assert len(abstract.number) == 16 and abstract.number.isdigit()
    assert luhn_digit(abstract.number[:15]) == abstract.number[15]
    assert number_normalise(abstract.number_display) == abstract.number


@given(st.text(alphabet="0123456789", min_size=15, max_size=15), st.integers(0, 15), st.integers(1, 9))
def test_a_single_mistyped_digit_is_caught_by_the_check_digit(body, position, delta):
    number = body + luhn_digit(body)
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(ValidationFailed) as refused:
        number_normalise(wrong)
    assert refused.value.field == "number"


@given(st.text(max_size=40))
def test_number_normalise_never_crashes(text):
    try:
        digits = number_normalise(text)
    except ValidationFailed as exc:
        assert exc.field == "number"
    else:
        assert len(digits) == 16


def test_stored_pdf_is_encrypted_at_rest_and_owner_only(issue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # moved into place once committed
        abstract = issue()
    path = Path(settings.DATA_DIR) / abstract.pdf_path
    raw = path.read_bytes()
    assert not raw.startswith(b"%PDF") and "이서연".encode() not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pdf = document_pdf(abstract)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == abstract.pdf_sha256
    assert b"eyJ" not in bytes(abstract.jws_encrypted)[:40]  # the JWS is not stored in clear


def test_issuance_is_audited(abstract):
    event = AuditEvent.objects.get(action="document.issue", object_id=str(abstract.pk))
    assert event.after["number"] == abstract.number
    assert "이서연" not in json.dumps(event.after, ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"doc_type": "no.such_type"}, "doc_type"),
        ({"payload": {}}, "payload"),
        ({"payload": {"x": object()}}, "payload"),
        ({"payload": {"x": "가" * 70000}}, "payload"),
        ({"language": "fr"}, "language"),
        ({"subject": "somebody"}, "subject"),
    ],
)
def test_bad_input_is_refused_naming_the_field(issue, change, field):
    from egov.documents.models import Document

    before = Document.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        issue(**change)
    assert refused.value.field == field
    assert Document.objects.count() == before


def test_a_third_party_cannot_issue_official_documents(issue, bank):
    with pytest.raises(ValidationFailed) as refused:
        issue(agency=bank)
    assert refused.value.field == "agency"


def test_the_signature_names_its_certificate_as_pades_requires(abstract):
    """The signing-certificate-v2 attribute (built once per signer, then reused) is in every
    signature and names the agency certificate by its SHA-256."""
    import hashlib as _hashlib

    reader = PdfFileReader(io.BytesIO(document_pdf(abstract)))
    signed_data = reader.embedded_signatures[0].signed_data
    signer_info = signed_data["signer_infos"][0]
    attrs = {a["type"].native: a["values"][0] for a in signer_info["signed_attrs"]}
    reference = attrs["signing_certificate_v2"]["certs"][0]
    agency_cert = pki.signing_key(abstract.agency).certificate
    assert (
        reference["cert_hash"].native
        == _hashlib.sha256(agency_cert.public_bytes(serialization.Encoding.DER)).digest()
    )
    assert "signing_time" not in attrs  # PAdES: the time comes from the timestamp, not the signer


def test_a_pdf_signed_from_async_code_validates_and_leaves_no_event_loop_open(abstract):
    """From a running event loop (an ASGI view), signing runs in a thread of its own with a
    loop it closes; in synchronous code each thread keeps one loop for its next signature."""
    import asyncio
    import gc
    import sys
    import warnings

    from reportlab.pdfgen.canvas import Canvas

    from egov.documents.signing import pdf_sign

    buffer = io.BytesIO()
    page = Canvas(buffer)
    page.drawString(72, 720, "unsigned")
    page.save()
    unsigned = buffer.getvalue()

    async def sign():
        return pdf_sign(unsigned, pki.signing_key(abstract.agency))

    unraisable = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ResourceWarning)  # an unclosed loop, when collected
            signed = asyncio.run(sign())
            gc.collect()
    finally:
        sys.unraisablehook = hook
    assert not unraisable, [u.exc_value for u in unraisable]
    reader = PdfFileReader(io.BytesIO(signed))
    status = validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=[_root_asn1()], allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
