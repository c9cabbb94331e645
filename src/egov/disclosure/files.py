"""Released and published files: checked by their content with the petitions' checks
(`egov.petitions.files`: PDF, PNG or JPEG by their first bytes, the name's extension agreeing,
size limit), stored under DATA_DIR/disclosure/ by a random name, mode 0600."""

import secrets
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.petitions.files import CheckedFile, attachment_check, attachments_check


def files_check(uploads, *, field: str = "files", required: bool = True) -> list[CheckedFile]:
    """The checked files, or ValidationFailed naming `field` (the petitions' checks name theirs
    `attachments`)."""
    try:
        checked = attachments_check(uploads)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=field) from None
    if required and not checked:
        raise ValidationFailed(_("Attach at least one file."), field=field)
    return checked


def file_check(upload, *, field: str = "file") -> CheckedFile:
    if upload is None:
        raise ValidationFailed(_("Attach the file."), field=field)
    try:
        return attachment_check(upload)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=field) from None


def storage_dir() -> Path:
    return Path(settings.DATA_DIR) / "disclosure"


def file_write(content: bytes) -> str:
    """Write the bytes under a random name (never the user's) and return that name."""
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    storage_name = secrets.token_hex(24)
    path = folder / storage_name
    with open(path, "xb") as handle:
        handle.write(content)
    path.chmod(0o600)
    return storage_name


def file_path(storage_name: str) -> Path:
    if not storage_name or not all(ch in "0123456789abcdef" for ch in storage_name):
        raise ValueError("bad storage name")
    return storage_dir() / storage_name


def file_delete(storage_name: str) -> None:
    try:
        file_path(storage_name).unlink(missing_ok=True)
    except (OSError, ValueError):
        pass
