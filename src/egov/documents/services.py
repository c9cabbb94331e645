"""Issue and revoke signed documents; read them back for those allowed.

`document_issue` is what other apps call (civil services, procurement):

1. a 16-digit issuance number: 15 random digits and a Luhn check digit;
2. the JSON twin — number, type, agency, time, language and the payload — canonically
   serialised (sorted keys, no spaces, UTF-8) and signed by the agency key as a compact JWS
   (ES256, `kid` and `x5c` chain in the header);
3. a seal: the agency's ES256 signature over "<number>.<SHA-256 of the twin>", printed in the
   QR code with the verification address, so anyone can check the number and the hash offline
   against the published keys (/api/v1/documents/keys);
4. the A4 PDF from the type's HTML template, signed PAdES-B-T (signing.py);
5. the PDF stored encrypted under EGOV_DATA_DIR/documents, the register row and an audit
   event written in one transaction (the file under a pending name until it commits, so that
   a rollback leaves nothing behind: see "storage" below).
"""

import base64
import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import json
import secrets

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.permissions import agency_scope_ids, has_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.crypto import decrypt_blob, encrypt_blob
from egov.core.document_types import document_type_get
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.storage import file_move, file_store
from egov.documents import pki
from egov.documents.models import Document, DocumentIssueKey
from egov.documents.pdf import Stamp, pdf_render
from egov.documents.signing import pdf_sign
from egov.registry.models import Agency, Business, Resident

MAX_PAYLOAD_BYTES = 64 * 1024
JWS_TYPE = "egov-document+jws"
TWIN_VERSION = 1
REVOKER_ROLES = ("registrar", "agency_admin")


# --- issuance numbers ------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def number_new() -> str:
    body = f"{secrets.randbelow(10**15):015d}"
    return body + luhn_digit(body)


def number_normalise(text: str) -> str:
    """'1234-5678 9012 3456' → '1234567890123456'; refuses anything that is not a valid number."""
    digits = "".join(ch for ch in str(text or "") if ch not in " -")
    if len(digits) != 16 or not digits.isdigit() or not digits.isascii():
        raise ValidationFailed(_("An issuance number has 16 digits."), field="number")
    if luhn_digit(digits[:15]) != digits[15]:
        raise ValidationFailed(
            _("This is not a valid issuance number: check the digits for a typing error."), field="number"
        )
    return digits


# --- the twin and the seal -------------------------------------------------------------------


def canonical_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal_message(number: str, twin_sha256: str) -> bytes:
    return f"{number}.{twin_sha256}".encode()


def verification_url(number: str, twin_sha256: str, kid: str, seal: bytes) -> str:
    """What the QR code holds: the public verification page with the number, the twin's hash,
    the key id and the seal, enough to check everything offline."""
    digest = b64url(bytes.fromhex(twin_sha256))
    return f"{settings.EGOV_PUBLIC_URL}/verify?n={number}&h={digest}&k={kid}&s={b64url(seal)}"


def _x5c(key: pki.SigningKey) -> list[str]:
    return [
        base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        for cert in (key.certificate, key.root)
    ]


def _payload_check(payload) -> bytes:
    if not isinstance(payload, dict) or not payload:
        raise ValidationFailed(_("The document's content must be a non-empty object."), field="payload")
    try:
        encoded = canonical_json(payload)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("The document's content must hold only text, numbers, true/false, lists and objects."),
            field="payload",
        ) from None
    if len(encoded) > MAX_PAYLOAD_BYTES:
        raise ValidationFailed(
            _("The document's content is larger than %(size)d KB.") % {"size": MAX_PAYLOAD_BYTES // 1024},
            field="payload",
        )
    return encoded


def _subject_fields(subject) -> dict:
    if isinstance(subject, Resident):
        return {"subject_resident": subject}
    if isinstance(subject, Business):
        return {"subject_business": subject}
    if subject is None:
        return {}
    raise ValidationFailed(_("A document's subject is a resident or a business."), field="subject")


# --- storage ---------------------------------------------------------------------------------
#
# A PDF is written before its row commits and must not outlive a rollback. It is written, and
# flushed to disk, under a pending name (`documents/pending/<number>.pdf.enc`) before the
# COMMIT, and moved to its place (`documents/YYYY/MM/<number>.pdf.enc`, the row's pdf_path)
# in the platform's file store (`core.storage`)
# once the COMMIT has returned. A rollback that `document_files_atomic` sees removes it at once;
# a rollback the caller's own transaction hides, or a crash, leaves a pending file that
# `document_files_sweep` (an `egov worker` sweep) removes, or moves into place when its row did
# commit. Until then it is read from the pending name. Writing only after the COMMIT, from bytes
# kept in memory, would need no sweep, but a crash between the COMMIT and the write would lose
# the signed PDF of a document the register says was issued; here the bytes are on disk before
# the row can commit, and nothing is ever lost, only cleaned up late.

PENDING = "documents/pending"
PENDING_GRACE = dt.timedelta(hours=1)  # no transaction writing a document stays open this long

_WRITTEN: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("documents_written", default=None)


def _pending_name(number: str) -> str:
    return f"{PENDING}/{number}.pdf.enc"


def _pdf_store(number: str, issued_at, data: bytes) -> str:
    """Write the encrypted PDF under its pending name in the file store (`core.storage`;
    durable before this returns); return the name it will have once published (`_pdf_publish`)."""
    store = file_store()
    pending = _pending_name(number)
    blob = encrypt_blob(data, context=b"document-pdf:" + number.encode())
    saved = store.save(pending, ContentFile(blob))
    if saved != pending:  # a pending file of this number exists: never write beside it
        store.delete(saved)
        raise FileExistsError(pending)
    written = _WRITTEN.get()
    if written is not None:
        written.append(number)
    return f"documents/{issued_at:%Y/%m}/{number}.pdf.enc"


def _pdf_publish(number: str, relative: str) -> None:
    """Move a committed document's PDF from its pending name to its place (a rename on the
    filesystem, an UPDATE in the database store); lost in a crash, the sweep does it again."""
    with contextlib.suppress(FileNotFoundError):  # published already (by the sweep)
        file_move(_pending_name(number), relative)


def _pdf_discard(number: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        file_store().delete(_pending_name(number))


def document_pdf_discard(document: Document) -> None:
    """Remove the PDF of a document whose row the caller is rolling back."""
    _pdf_discard(document.number)
    with contextlib.suppress(FileNotFoundError):
        file_store().delete(document.pdf_path)


@contextlib.contextmanager
def document_files_atomic():
    """A transaction around `document_issue` and what the caller writes with it: when it fails,
    the PDFs issued inside are removed at once (otherwise `document_files_sweep` removes them)."""
    written: list[str] = []
    token = _WRITTEN.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for number in written:
            _pdf_discard(number)
        raise
    finally:
        _WRITTEN.reset(token)


def document_files_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Finish what a crash or a hidden rollback left in the pending folder: a PDF whose document
    committed is moved into place; one without a document, older than PENDING_GRACE (so its
    transaction cannot still commit), is removed. Returns the counts; safe from two workers."""
    store = file_store()
    cutoff = (now or timezone.now()).timestamp() - PENDING_GRACE.total_seconds()
    try:
        _folders, names = store.listdir(PENDING)
    except FileNotFoundError:
        names = []
    files = {
        name.removesuffix(".pdf.enc"): f"{PENDING}/{name}" for name in names if name.endswith(".pdf.enc")
    }
    committed = dict(Document.objects.filter(number__in=list(files)).values_list("number", "pdf_path"))
    counts = {"published": 0, "removed": 0}
    for number, name in files.items():
        if number in committed:
            _pdf_publish(number, committed[number])
            counts["published"] += 1
            continue
        with contextlib.suppress(FileNotFoundError):
            if store.get_modified_time(name).timestamp() < cutoff:
                store.delete(name)
                counts["removed"] += 1
    return counts


def document_pdf(document: Document) -> bytes:
    """The signed PDF exactly as issued (decrypted from storage)."""
    store = file_store()
    try:
        with store.open(document.pdf_path, "rb") as handle:
            blob = handle.read()
    except FileNotFoundError:  # committed, not yet moved into place
        with store.open(_pending_name(document.number), "rb") as handle:
            blob = handle.read()
    return decrypt_blob(blob, context=b"document-pdf:" + document.number.encode())


def document_jws(document: Document) -> str:
    return decrypt_blob(document.jws_encrypted, context=b"document-jws:" + document.number.encode()).decode()


# --- issuance --------------------------------------------------------------------------------


def document_issue(
    *, actor, doc_type: str, subject, payload: dict, agency: Agency, language: str = "ko"
) -> Document:
    """Issue a signed document of `doc_type` about `subject` (a Resident, a Business or None)
    by `agency`, with `payload` as its content; returns the stored Document."""
    dtype = document_type_get(doc_type)
    if language not in Document.Language.values:
        raise ValidationFailed(_("A document is issued in Korean (ko) or English (en)."), field="language")
    _payload_check(payload)
    if not isinstance(agency, Agency) or agency.kind == Agency.Kind.THIRD_PARTY:
        raise ValidationFailed(_("Only a government agency issues official documents."), field="agency")
    subject_fields = _subject_fields(subject)
    key = pki.signing_key(agency)
    issued_at = timezone.now().replace(microsecond=0)
    title = dtype.title(language)

    for _attempt in range(3):  # a clash among 10^15 numbers is all but impossible; retry anyway
        number = number_new()
        twin = {
            "typ": "egov-document",
            "v": TWIN_VERSION,
            "number": number,
            "doc_type": dtype.code,
            "title": title,
            "language": language,
            "issued_at": issued_at.isoformat(),
            "agency": {"code": agency.code, "name_ko": agency.name_ko, "name_en": agency.name_en},
            "data": payload,
        }
        twin_bytes = canonical_json(twin)
        twin_sha256 = hashlib.sha256(twin_bytes).hexdigest()
        jws = jwt.api_jws.encode(
            twin_bytes,
            key.key,
            algorithm="ES256",
            headers={"kid": key.kid, "typ": JWS_TYPE, "x5c": _x5c(key)},
        )
        seal = key.sign_raw(seal_message(number, twin_sha256))
        pdf = pdf_sign(_render(dtype, twin, agency, issued_at, key, twin_sha256, seal), key)
        pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        relative = _pdf_store(number, issued_at, pdf)
        try:
            with transaction.atomic():
                document = Document.objects.create(
                    number=number,
                    doc_type=dtype.code,
                    title=title,
                    language=language,
                    agency=agency,
                    issued_by=actor if getattr(actor, "pk", None) else None,
                    issued_at=issued_at,
                    kid=key.kid,
                    twin_sha256=twin_sha256,
                    pdf_sha256=pdf_sha256,
                    pdf_size=len(pdf),
                    pdf_path=relative,
                    jws_encrypted=encrypt_blob(jws.encode(), context=b"document-jws:" + number.encode()),
                    **subject_fields,
                )
                audit_record(
                    actor=actor,
                    action="document.issue",
                    obj=document,
                    after={"number": number, "doc_type": dtype.code, "agency": agency.code, "kid": key.kid},
                )
                transaction.on_commit(functools.partial(_pdf_publish, number, relative))
            return document
        except IntegrityError:
            _pdf_discard(number)
            if not Document.objects.filter(number=number).exists():
                raise
        except BaseException:
            _pdf_discard(number)
            raise
    raise Conflict(_("Could not allocate an issuance number; try again."))


def _render(dtype, twin, agency, issued_at, key, twin_sha256, seal) -> bytes:
    number, language = twin["number"], twin["language"]
    display = "-".join(number[i : i + 4] for i in range(0, 16, 4))
    with translation.override(language):
        issued = timezone.localtime(issued_at)
        stamp = Stamp(
            agency_line=f"{agency.name(language)} · {settings.EGOV_PKI_ORGANIZATION}",
            number_label=_("Issuance number %(number)s") % {"number": display},
            issued_line=_("Issued %(when)s by %(agency)s, signed electronically (key %(kid)s).")
            % {"when": issued.strftime("%Y-%m-%d %H:%M"), "agency": agency.name(language), "kid": key.kid},
            verify_line=_("Verify this document at %(url)s/verify with the issuance number or the QR code.")
            % {"url": settings.EGOV_PUBLIC_URL},
            page_format=_("Page {page}"),
            qr_content=verification_url(number, twin_sha256, key.kid, seal),
            keywords=f"egov-issuance:{number}",
            title=twin["title"],
            author=agency.name(language),
            subject=f"egov-issuance:{number}",
        )
        context = {
            "title": twin["title"],
            "data": twin["data"],
            "agency": agency,
            "agency_name": agency.name(language),
            "number": display,
            "issued_at": issued,
            "language": language,
        }
        return pdf_render(dtype.template, context, stamp)


# --- reading and revoking --------------------------------------------------------------------


def _may_read(actor, document: Document) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_official:
        return document.agency_id in agency_scope_ids(actor)
    if document.subject_resident_id and actor.resident_id == document.subject_resident_id:
        return True
    if document.subject_business_id and actor.is_business:
        return actor.representations.filter(business_id=document.subject_business_id).exists()
    return False


def document_for(*, actor, number: str) -> Document:
    """The document `number` if `actor` may read it (its subject, the subject's representative,
    or an official of the issuing agency or above); NotFound otherwise — never a hint that a
    number exists."""
    try:
        digits = number_normalise(number)
    except ValidationFailed:
        raise NotFound(_("No such document."), field="number") from None
    document = Document.objects.select_related("agency").filter(number=digits).first()
    if document is None or not _may_read(actor, document):
        raise NotFound(_("No such document."), field="number")
    return document


def document_revoke(*, actor, document: Document, reason: str) -> Document:
    """Revoke `document` with a reason: an official of the issuing agency (or above) who may
    register or administer there. Verification says "revoked" from the moment this returns."""
    reason = require_text(reason, "reason", label=_("Reason"), max_length=1000)
    if not (getattr(actor, "is_authenticated", False) and actor.is_official):
        raise PermissionDenied(_("Only an official of the issuing agency may revoke a document."))
    if document.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such document."), field="number")
    if not any(has_role(actor, role) for role in REVOKER_ROLES):
        raise PermissionDenied(_("Revoking a document needs the registrar or agency administrator role."))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.revoked_at:
            raise Conflict(
                _("This document was already revoked on %(date)s.")
                % {"date": timezone.localtime(locked.revoked_at).strftime("%Y-%m-%d")}
            )
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            actor=actor, action="document.revoke", obj=locked, reason=reason, after={"number": locked.number}
        )
    return locked


def document_issue_once(
    *, key: str, actor, doc_type: str, subject, payload: dict, agency: Agency, language: str = "ko"
) -> Document:
    """The document issued for `key` (a receipt for one case...): issued now the first time,
    the same one every time after. Two requests at once issue one: the loser's document rolls
    back with its key row and the winner's is returned."""
    existing = Document.objects.filter(issue_key__key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            document = document_issue(
                actor=actor,
                doc_type=doc_type,
                subject=subject,
                payload=payload,
                agency=agency,
                language=language,
            )
            DocumentIssueKey.objects.create(key=key, document=document)
            return document
    except IntegrityError:
        found = Document.objects.filter(issue_key__key=key).first()
        if found is None:
            raise
        return found
