"""`egov keys init`: root CA, timestamping unit, agency certificates; idempotent; rotation."""

import io
import stat

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management import call_command

from egov.documents import pki, verification
from egov.documents.services import document_jws, document_pdf


@pytest.fixture
def fresh_home(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _snapshot(directory):
    return {
        p.relative_to(directory): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def test_keys_init_creates_the_pki_owner_only_and_rerunning_changes_nothing(fresh_home, jongno, bank):
    out = io.StringIO()
    call_command("keys", "init", stdout=out, stderr=io.StringIO())
    base = pki.pki_dir()
    assert "created the root CA" in out.getvalue()
    for path in base.rglob("*.pem"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in [base, *[p for p in base.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    codes = {p.name for p in (base / "agencies").iterdir()}
    assert codes == {"1741000", "6110000", "3000000"}  # MOIS, Seoul, Jongno; never the bank
    before = _snapshot(fresh_home / "keys")
    call_command("keys", "init", stdout=io.StringIO(), stderr=io.StringIO())
    assert _snapshot(fresh_home / "keys") == before


def test_certificates_chain_to_the_root_with_the_right_usages(fresh_home, jongno):
    call_command("keys", "init", stdout=io.StringIO(), stderr=io.StringIO())
    root = pki.root_certificate()
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    key = pki.signing_key(jongno)
    key.certificate.verify_directly_issued_by(root)
    assert not key.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert key.certificate.public_key().curve.name == "secp256r1"
    tsa = pki.timestamper()
    usage = tsa.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_rotation_keeps_older_documents_verifiable(fresh_home, issue, jongno):
    old = issue()
    call_command("keys", "rotate", "--agency", jongno.code, stdout=io.StringIO())
    new = issue()
    assert new.kid != old.kid
    assert {old.kid, new.kid} <= {k["kid"] for k in pki.jwks()["keys"]}
    for document in (old, new):
        assert verification.verify_pdf(document_pdf(document)).status == "valid"
        assert verification.verify_jws(document_jws(document)).status == "valid"


def test_rotate_refuses_an_unknown_or_third_party_agency(fresh_home, bank):
    from django.core.management.base import CommandError

    for code in ("9999999", bank.code):
        with pytest.raises(CommandError):
            call_command("keys", "rotate", "--agency", code, stdout=io.StringIO())


def test_first_document_of_a_new_agency_creates_its_key(fresh_home, issue, busan):
    assert not (pki.pki_dir() / "agencies" / busan.code).exists()
    document = issue(agency=busan)
    assert (pki.pki_dir() / "agencies" / busan.code / "current").read_text() == document.kid


def test_jwks_endpoint(fresh_home, issue, client):
    document = issue()
    keys = client.get("/api/v1/documents/keys").json()["keys"]
    [key] = [k for k in keys if k["kid"] == document.kid]
    assert key["kty"] == "EC" and key["crv"] == "P-256" and key["alg"] == "ES256"
    assert key["agency"] == document.agency.code and len(key["x5c"]) == 2
