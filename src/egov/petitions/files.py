"""Attachments: checked by their content and stored outside the web root by `egov.core.files`
(PDF, PNG or JPEG by their first bytes, the name's extension agreeing, at most 5 files), under
DATA_DIR/petitions/; errors name the `attachments` field."""

from pathlib import Path

from egov.core import files as stored
from egov.core.files import MAX_FILES, CheckedFile

__all__ = [
    "MAX_FILES",
    "CheckedFile",
    "attachment_check",
    "attachments_check",
    "file_delete",
    "file_path",
    "file_write",
    "storage_dir",
]

FOLDER = "petitions"
FIELD = "attachments"


def attachment_check(upload) -> CheckedFile:
    """The file's name, detected type and bytes, or ValidationFailed on field `attachments`."""
    return stored.file_check(upload, field=FIELD)


def attachments_check(uploads) -> list[CheckedFile]:
    return stored.files_check(uploads, field=FIELD)


def storage_dir() -> Path:
    return stored.storage_dir(FOLDER)


def file_write(content: bytes) -> str:
    """Write the bytes under a random name (never the user's) and return that name."""
    return stored.file_write(content, folder=FOLDER)


def file_path(storage_name: str) -> Path:
    return stored.file_path(storage_name, folder=FOLDER)


def file_delete(storage_name: str) -> None:
    stored.file_delete(storage_name, folder=FOLDER)
