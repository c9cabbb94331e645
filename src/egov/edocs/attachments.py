"""Attachments of official documents (붙임), kept as they are: the kernel's PDF, PNG and JPEG
(`core.files`) and the office formats agencies exchange, recognised by their content — DOCX,
XLSX and HWPX as ZIP containers holding their format's own part, HWP 5 as an OLE compound file
named `.hwp`. The ZIP check reads the archive's directory only, never decompresses a member
(except HWPX's `mimetype`, stored uncompressed at the front and a few bytes long)."""

import hashlib
import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from egov.core import files as core_files
from egov.core.errors import ValidationFailed

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".hwpx": "application/hwp+zip",
    ".hwp": "application/x-hwp",
}
_ZIP_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def _office_type(name: str, content: bytes) -> str | None:
    extension = Path(name).suffix.lower()
    if extension == ".hwp":
        return OFFICE_TYPES[".hwp"] if content.startswith(OLE_MAGIC) else None
    if extension not in OFFICE_TYPES or not content.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if extension == ".hwpx":
                info = archive.getinfo("mimetype") if "mimetype" in names else None
                if info is None or info.file_size > 64:
                    return None
                return (
                    OFFICE_TYPES[extension] if archive.read(info).strip() == b"application/hwp+zip" else None
                )
            return OFFICE_TYPES[extension] if _ZIP_PART[extension] in names else None
    except (zipfile.BadZipFile, KeyError, ValueError, RuntimeError, NotImplementedError):
        return None


def attachment_check(upload, *, field: str) -> core_files.CheckedFile:
    """A checked attachment, or ValidationFailed on `field` (same size limit as every app)."""
    raw = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in raw if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if not name:
        raise ValidationFailed(_("An attached file has no name."), field=field)
    if Path(name).suffix.lower() not in OFFICE_TYPES:
        return core_files.file_check(upload, field=field)
    limit = core_files.max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": max(1, limit // (1024 * 1024))},
            field=field,
        )
    if not content:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, field=field)
    detected = _office_type(name, content)
    if detected is None:
        raise ValidationFailed(
            _("%(name)s is not the kind of file its name says.") % {"name": name}, field=field
        )
    return core_files.CheckedFile(name[-200:], detected, content, hashlib.sha256(content).hexdigest())


def attachments_check(uploads, *, field: str = "attachments") -> list[core_files.CheckedFile]:
    uploads = list(uploads or [])
    if len(uploads) > core_files.MAX_FILES:
        raise ValidationFailed(_("Attach at most %(n)d files.") % {"n": core_files.MAX_FILES}, field=field)
    return [attachment_check(upload, field=field) for upload in uploads]
