"""Uploaded files checked by their content and stored outside the web root, for every app that
takes documents from people (petitions' attachments, disclosure's released and published files).

A file is accepted only when its first bytes are those of a PDF, PNG or JPEG and its name's
extension says the same type: a PNG named `.pdf`, or a program renamed `.pdf`, is refused. The
type served back is the detected one, never what the browser claimed. Files are kept in the
platform's file store (`core.storage`: under `DATA_DIR/<folder>/` by default) by a random
48-hex name; each app names its folder and the form field its errors belong to.
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.core.storage import file_store

MAX_FILES = 5

# content type -> (magic bytes at offset 0, extensions that may carry it)
TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


EXTENSIONS = tuple(ext for _magic, extensions in TYPES.values() for ext in extensions)


def accepted_kinds(extensions=EXTENSIONS, *, limit: int | None = None) -> str:
    """The kinds of file a field takes, in words for people ("PDF, PNG, JPG 파일, 10MB까지"):
    from the extensions the content checks accept (.jpeg counted with .jpg) and, when given,
    the size limit in bytes."""
    names: list[str] = []
    for extension in extensions:
        name = {"JPEG": "JPG"}.get(extension.lstrip(".").upper(), extension.lstrip(".").upper())
        if name not in names:
            names.append(name)
    kinds = ", ".join(names)
    if limit is None:
        return _("%(kinds)s files") % {"kinds": kinds}
    return _("%(kinds)s files, up to %(mb)d MB") % {"kinds": kinds, "mb": max(1, limit // (1024 * 1024))}


@dataclass
class CheckedFile:
    name: str
    content_type: str
    content: bytes
    sha256: str


def max_bytes() -> int:
    """The largest file accepted (`EGOV_PETITION_MAX_ATTACHMENT_BYTES`, for every app)."""
    return settings.EGOV_PETITION_MAX_ATTACHMENT_BYTES


def clean_name(name: str) -> str:
    """An uploaded file's name as kept: its last path part, NFC, printable, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[-200:]


def detect(content: bytes) -> str | None:
    for content_type, (magic, _extensions) in TYPES.items():
        if content.startswith(magic):
            return content_type
    return None


def file_check(upload, *, field: str) -> CheckedFile:
    """The file's name, detected type and bytes, or ValidationFailed on `field`."""
    name = clean_name(getattr(upload, "name", ""))
    if not name:
        raise ValidationFailed(_("An attached file has no name."), field=field)
    limit = max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": max(1, limit // (1024 * 1024))},
            field=field,
        )
    if not content:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, field=field)
    detected = detect(content)
    if detected is None:
        raise ValidationFailed(_("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name}, field=field)
    extension = Path(name).suffix.lower()
    if extension not in TYPES[detected][1]:
        raise ValidationFailed(
            _("%(name)s is named as another type than its content (%(type)s).")
            % {"name": name, "type": detected},
            field=field,
        )
    return CheckedFile(name, detected, content, hashlib.sha256(content).hexdigest())


def files_check(uploads, *, field: str) -> list[CheckedFile]:
    """At most `MAX_FILES` files, each checked by `file_check`; ValidationFailed on `field`."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(_("Attach at most %(n)d files.") % {"n": MAX_FILES}, field=field)
    return [file_check(upload, field=field) for upload in uploads]


def storage_dir(folder: str) -> Path:
    """The folder on the filesystem store (EGOV_FILE_STORE=filesystem) under DATA_DIR."""
    return Path(settings.DATA_DIR) / folder


def _storage_path(storage_name: str, *, folder: str) -> str:
    if not storage_name or not all(ch in "0123456789abcdef" for ch in storage_name):
        raise ValueError("bad storage name")
    return f"{folder}/{storage_name}"


def file_write(content: bytes, *, folder: str) -> str:
    """Store the bytes under a random name (never the user's) in `folder` of the platform's
    file store (`core.storage`), and return that name."""
    storage_name = secrets.token_hex(24)
    file_store().save(_storage_path(storage_name, folder=folder), ContentFile(content))
    return storage_name


def file_open(storage_name: str, *, folder: str):
    """The stored file, open for reading in binary (the caller closes it, or a FileResponse
    does). FileNotFoundError or ValueError when there is no such file."""
    return file_store().open(_storage_path(storage_name, folder=folder), "rb")


def file_read(storage_name: str, *, folder: str) -> bytes:
    with file_open(storage_name, folder=folder) as handle:
        return handle.read()


def file_path(storage_name: str, *, folder: str) -> Path:
    """Where the file is on the filesystem store (only that store has paths)."""
    return Path(file_store().path(_storage_path(storage_name, folder=folder)))


def file_delete(storage_name: str, *, folder: str) -> None:
    try:
        file_store().delete(_storage_path(storage_name, folder=folder))
    except (OSError, ValueError):
        pass
