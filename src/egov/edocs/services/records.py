"""Records management (기록물관리): the retention sweep, the appraisal of records whose
retention ended, their disposal (폐기) and their transfer to the archive (이관) as a BagIt
package (RFC 8493).

The sweep is set-based: one grouped query finds the (agency, unit task) pairs with records due,
one case is opened per pair, and one UPDATE per pair moves its due records into the case — no
row is loaded into Python, so a million records take a handful of statements (see
benchmarks/edocs_retention_sweep.py). Disposal keeps every record's registration number and
title on the case's history and in its audit event, blanks the content and deletes the files:
approved, recorded, never silent.
"""

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import bagit
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.cases.services import (
    case_file_delete,
    case_file_read,
    case_lock_for,
    case_number_allocate,
    case_transition,
)
from egov.core.errors import Conflict, ValidationFailed
from egov.edocs.models import AppraisalCase, OfficialDocument, UnitTask
from egov.edocs.procedure import APPRAISAL

ACTIVE, DISPOSED, TRANSFERRED = "active", "disposed", "transferred"
ARCHIVAL_RETENTIONS = ("30", "semi", "perm")
DISPOSAL_LIST_MAX = 10000  # numbers listed in the case's history; the audit event holds them all


def retention_sweep(*, today: dt.date | None = None) -> int:
    """Open an appraisal case for each (agency, unit task) with records whose retention ended
    since its last case; returns how many were opened.

    Set-based and write-free on the documents: one aggregate over the partial index
    (retention end, agency, unit task) of active records counts the due records per pair and
    year of retention end; a case is opened for a pair with records due after the cutoff of its
    previous case, and its records are those dates (`AppraisalCase.record_rows`). No document
    row is written, so a million records cost one index scan and a few inserts. Idempotent: a
    second run finds nothing past the cutoffs just set."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = (
        OfficialDocument.objects.filter(
            records_state=ACTIVE,
            retention_until__isnull=False,
            retention_until__lte=today,
            unit_task__isnull=False,
        )
        .values("agency_id", "unit_task_id", "retention_until")
        .annotate(n=Count("id"))
        .order_by()
    )
    last = {
        (row["agency_id"], row["unit_task_id"]): row["cutoff"]
        for row in AppraisalCase.objects.values("agency_id", "unit_task_id").annotate(cutoff=Max("cutoff"))
    }
    pending: dict[tuple[int, int], int] = {}
    for row in due:
        pair = (row["agency_id"], row["unit_task_id"])
        if pair in last and row["retention_until"] <= last[pair]:
            continue
        pending[pair] = pending.get(pair, 0) + row["n"]
    tasks = UnitTask.objects.in_bulk([task_id for _agency, task_id in pending])
    opened = 0
    for (agency_id, task_id), count in sorted(pending.items()):
        task = tasks[task_id]
        with transaction.atomic():
            case = AppraisalCase.objects.create(
                number=case_number_allocate(procedure=APPRAISAL, at=now, sequenced=False),
                agency_id=agency_id,
                unit_task=task,
                proposal=(
                    AppraisalCase.Proposal.TRANSFER
                    if requires_transfer(task)
                    else AppraisalCase.Proposal.DISPOSE
                ),
                opened_at=now,
                since=last.get((agency_id, task_id)),
                cutoff=today,
                records=count,
            )
            case_transition(
                actor=None,
                case=case,
                action="open",
                at=now,
                notify=False,
                data={"records": count, "unit_task": task.code, "proposal": case.proposal},
                after={"records": count, "proposal": case.proposal, "cutoff": today.isoformat()},
            )
            opened += 1
    return opened


def _archival_refusal() -> str:
    return _(
        "The records of this unit task are archival: they are transferred to the archive, never disposed of."
    )


def requires_transfer(task: UnitTask) -> bool:
    """Whether the records of the unit task go to the archive when retention ends (이관) and may
    never be disposed of: an archival task, or one kept 30 years or longer."""
    return task.archival or task.retention in ARCHIVAL_RETENTIONS


def may_dispose(case: AppraisalCase) -> bool:
    """Disposal is open only to a case proposing it whose unit task does not require transfer."""
    return case.proposal == AppraisalCase.Proposal.DISPOSE and not requires_transfer(case.unit_task)


def _records(case: AppraisalCase):
    return case.record_rows()


def appraisal_dispose(*, actor, case: AppraisalCase, reason: str) -> AppraisalCase:
    """Approve the disposal of the case's records: their content is blanked and their files
    deleted after commit; the number, title and registration of each stay on record (the case
    history and the audit event list them)."""
    from egov.core.checks import require_text

    reason = require_text(reason, "reason", label=_("The reason"), max_length=1000)
    if not may_dispose(case):
        raise Conflict(_archival_refusal(), field="unit_task", code="archival")
    gone = []  # attachments whose bytes leave the store once the disposal commits
    with transaction.atomic():
        case = case_lock_for(actor=actor, case=case, action="dispose")
        if not may_dispose(case):  # re-read under the lock
            raise Conflict(_archival_refusal(), field="unit_task", code="archival")
        rows = list(_records(case).values_list("pk", "registration_number", "title"))
        listed = [[number, title] for _pk, number, title in rows]
        ids = [pk for pk, _n, _t in rows]
        for document in OfficialDocument.objects.filter(pk__in=ids).prefetch_related("files"):
            gone += list(document.files.all())
            document.files.all().delete()
        OfficialDocument.objects.filter(pk__in=ids).update(records_state=DISPOSED, content="")
        case.decided_at = timezone.now()
        case_transition(
            actor=actor,
            case=case,
            action="dispose",
            fields=["decided_at"],
            note=reason,
            reason=reason,
            notify=False,
            data={"disposed": listed[:DISPOSAL_LIST_MAX], "count": len(listed)},
            after={"disposed": len(listed), "records": listed},
        )
        transaction.on_commit(lambda: [case_file_delete(f) for f in gone])
    return case


def _package_root() -> Path:
    return Path(settings.DATA_DIR) / "edocs" / "transfers"


def _metadata(document: OfficialDocument) -> dict:
    return {
        "number": document.number,
        "registration_number": document.registration_number,
        "title": document.title,
        "content": document.content,
        "agency": document.agency.code,
        "department": document.department.code,
        "unit_task": document.unit_task.code if document.unit_task_id else "",
        "retention": document.retention,
        "disclosure": document.disclosure,
        "disclosure_ground": document.disclosure_ground,
        "version": document.version,
        "approved_at": document.approved_at.isoformat() if document.approved_at else "",
        "enforced_on": document.enforced_on.isoformat() if document.enforced_on else "",
        "content_sha256": document.content_sha256,
        "attachments": [[f.original_name, f.sha256] for f in document.files.order_by("id")],
    }


def _signatures(document: OfficialDocument) -> list[dict]:
    return [
        {
            "order": s.order,
            "role": s.role,
            "official": s.official_id,
            "acted_by": s.acted_by_id,
            "outcome": s.outcome,
            "signed": s.signed,
            "signature": s.signature,
            "kid": s.kid,
            "post_signature": s.post_signature,
            "post_kid": s.post_kid,
        }
        for s in document.steps.order_by("order")
    ]


def _record_folder(document: OfficialDocument) -> str:
    """The record's folder in the package: registration numbers restart every year (총무과-1),
    so the year leads, and the document's id keeps it unique whatever the numbers."""
    number = (document.registration_number or document.number).replace("/", "_").replace("\\", "_")
    return f"{document.registration_year or 0}-{number}-{document.pk}"


def appraisal_transfer(*, actor, case: AppraisalCase, note: str = "") -> AppraisalCase:
    """Transfer the case's records to the archive (see `_transfer`): the package is written in a
    temporary directory and moved into place at the end; a transfer that fails leaves nothing."""
    made: list[Path] = []  # directories written so far, removed if the transfer fails
    try:
        return _transfer(actor=actor, case=case, note=note, made=made)
    except BaseException:
        for path in made:
            shutil.rmtree(path, ignore_errors=True)
        raise


def _transfer(*, actor, case: AppraisalCase, note: str, made: list[Path]) -> AppraisalCase:
    """Transfer the case's records to the archive: a BagIt package (RFC 8493, SHA-256 and
    SHA-512 manifests) holding per record its metadata, the signatures of its approval line,
    the signed PDF issued through `documents` as it is (signed.pdf), a PDF/A-2b rendition of
    it made by Ghostscript (rendition.pdf) with what `edocs.pdfa` found of the PDF/A
    requirements in it (pdfa-check.json), and its attachments as kept. A conversion that
    fails leaves no rendition.pdf: pdfa-check.json and the case's history say why."""
    from egov.documents.services import document_pdf
    from egov.edocs.pdfa import PdfAConversionFailed, pdfa_check, pdfa_convert

    note = (note or "").strip()[:1000]
    with transaction.atomic():
        case = case_lock_for(actor=actor, case=case, action="transfer")
        documents = list(
            _records(case)
            .select_related("agency", "department", "unit_task", "issued_document")
            .order_by("id")
        )
        if not documents:
            raise Conflict(_("The appraisal holds no records."), field="case", code="empty")
        name = f"{case.agency.code}-{case.number}"
        root = _package_root() / name
        _package_root().mkdir(parents=True, exist_ok=True)
        data = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=_package_root()))
        made.append(data)
        failed: list[str] = []  # records whose PDF/A rendition could not be made
        for document in documents:
            folder = data / _record_folder(document)
            folder.mkdir()
            files = {}
            (folder / "signatures.json").write_text(
                json.dumps(_signatures(document), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            if document.issued_document_id:
                signed = document_pdf(document.issued_document)
                (folder / "signed.pdf").write_bytes(signed)
                files["signed.pdf"] = "the signed PDF as issued (its signature is valid on this file only)"
                try:
                    rendition = pdfa_convert(signed)
                except PdfAConversionFailed as exc:
                    found = {"claimed": None, "problems": [f"conversion failed: {exc}"]}
                    failed.append(document.registration_number or document.number)
                else:
                    (folder / "rendition.pdf").write_bytes(rendition)
                    files["rendition.pdf"] = "PDF/A-2b rendition of signed.pdf (Ghostscript), unsigned"
                    found = pdfa_check(rendition)
                (folder / "pdfa-check.json").write_text(
                    json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8"
                )
                files["pdfa-check.json"] = "the PDF/A requirements checked in rendition.pdf (edocs.pdfa)"
            (folder / "metadata.json").write_text(
                json.dumps({**_metadata(document), "files": files}, ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
            for index, attachment in enumerate(document.files.order_by("id"), start=1):
                target = folder / "attachments" / f"{index:02d}-{attachment.original_name}"
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(case_file_read(attachment))
        bag = bagit.make_bag(
            str(data),
            {
                "Source-Organization": case.agency.name_ko,
                "External-Identifier": case.number,
                "External-Description": f"{case.unit_task.code} {case.unit_task.name_ko}",
                "Bag-Count": "1 of 1",
            },
            checksums=["sha256", "sha512"],
        )
        if not bag.is_valid():
            raise ValidationFailed(_("The transfer package does not validate."), field="case")
        if root.exists():  # left by an earlier attempt the database never recorded
            shutil.rmtree(root)
        data.rename(root)
        made.append(root)
        case.package_name = name
        case.package_sha256 = hashlib.sha256((root / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
        case.decided_at = timezone.now()
        OfficialDocument.objects.filter(pk__in=[d.pk for d in documents]).update(records_state=TRANSFERRED)
        case_transition(
            actor=actor,
            case=case,
            action="transfer",
            fields=["package_name", "package_sha256", "decided_at"],
            note=note,
            notify=False,
            data={
                "records": len(documents),
                "package": name,
                "tagmanifest_sha256": case.package_sha256,
                "pdfa_failed": failed,
            },
            after={"package": name},
        )
    return case


def appraisal_retain(*, actor, case: AppraisalCase, years: int, reason: str) -> AppraisalCase:
    """Keep the records longer (재평가: retention extended by `years`); they return to active."""
    from egov.core.checks import require_text

    reason = require_text(reason, "reason", label=_("The reason"), max_length=1000)
    if not isinstance(years, int) or not 1 <= years <= 30:
        raise ValidationFailed(_("Extend by 1 to 30 years."), field="years")
    with transaction.atomic():
        case = case_lock_for(actor=actor, case=case, action="retain")
        until = dt.date(timezone.localdate().year + years + 1, 1, 1)
        count = _records(case).update(retention_until=until)
        case.decided_at = timezone.now()
        case_transition(
            actor=actor,
            case=case,
            action="retain",
            fields=["decided_at"],
            note=reason,
            reason=reason,
            notify=False,
            data={"records": count, "until": until.isoformat()},
        )
    return case


def package_summary(case: AppraisalCase) -> dict | None:
    """What the page says of a case's transfer package: how many records and how many bytes of
    payload it holds (BagIt's Payload-Oxum), or None when there is no package (yet)."""
    if not case.package_name:
        return None
    info = _package_root() / case.package_name / "bag-info.txt"
    size = None
    if info.exists():
        for line in info.read_text(encoding="utf-8").splitlines():
            if line.startswith("Payload-Oxum:"):
                size = int(line.split(":", 1)[1].strip().split(".")[0])
    return {"records": case.records, "bytes": size}
