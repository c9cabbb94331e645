"""Released and published files: checked by their content and stored outside the web root by
`egov.core.files` (PDF, PNG or JPEG by their first bytes, the name's extension agreeing, size
limit), under DATA_DIR/disclosure/ by a random name, mode 0600."""

from pathlib import Path

from django.utils.translation import gettext as _

from egov.core import files as stored
from egov.core.errors import ValidationFailed
from egov.core.files import CheckedFile

FOLDER = "disclosure"


def files_check(uploads, *, field: str = "files", required: bool = True) -> list[CheckedFile]:
    """The checked files, or ValidationFailed naming `field`."""
    checked = stored.files_check(uploads, field=field)
    if required and not checked:
        raise ValidationFailed(_("Attach at least one file."), field=field)
    return checked


def file_check(upload, *, field: str = "file") -> CheckedFile:
    if upload is None:
        raise ValidationFailed(_("Attach the file."), field=field)
    return stored.file_check(upload, field=field)


def storage_dir() -> Path:
    return stored.storage_dir(FOLDER)


def file_write(content: bytes) -> str:
    """Write the bytes under a random name (never the user's) and return that name."""
    return stored.file_write(content, folder=FOLDER)


def file_path(storage_name: str) -> Path:
    return stored.file_path(storage_name, folder=FOLDER)


def file_delete(storage_name: str) -> None:
    stored.file_delete(storage_name, folder=FOLDER)
