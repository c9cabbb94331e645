"""Where the platform keeps files (case attachments, released and published files, documents'
PDFs): always through Django's storage API, `storages["default"]`, chosen by EGOV_FILE_STORE.

- `filesystem` (default): `DataDirStorage`, the files under EGOV_DATA_DIR (directories 0700,
  files 0600, flushed to disk before the save returns).
- `database`: `DatabaseStorage`, the bytes in the `core.StoredFile` table; several app nodes
  then share nothing but PostgreSQL, and a point-in-time restore brings files and rows back to
  the same moment. A file written inside a transaction goes away with its rollback.
- `s3`: django-storages' S3 backend (any S3-compatible object store; `pip install egov[s3]`),
  configured by EGOV_S3_* (docs/operations.md).

Every store also offers `move(old, new)` (the documents' publish step): a rename on the
filesystem, an UPDATE in the database, copy-then-delete elsewhere (`file_move`).
"""

import io
import os
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible


def file_store() -> Storage:
    """The storage every app writes its files to."""
    return storages["default"]


def file_move(old: str, new: str, *, storage: Storage | None = None) -> None:
    """Give the file `old` the name `new` (replacing a file of that name). FileNotFoundError
    when there is no `old`."""
    storage = storage or file_store()
    move = getattr(storage, "move", None)
    if move is not None:
        move(old, new)
        return
    if not storage.exists(old):
        raise FileNotFoundError(old)
    with storage.open(old, "rb") as handle:
        content = handle.read()
    if storage.exists(new):
        storage.delete(new)
    storage.save(new, ContentFile(content))
    storage.delete(old)


@deconstructible
class DataDirStorage(FileSystemStorage):
    """Files under EGOV_DATA_DIR, read at each use (so a changed DATA_DIR, as in tests, is
    followed), owner-only, and on disk before `save` returns: a row that names a file may
    commit only once its bytes are durable."""

    def __init__(self, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(settings.DATA_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name, content):
        name = super()._save(name, content)
        path = Path(self.path(name))
        for target in (path, path.parent):
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        return name

    def move(self, old: str, new: str) -> None:
        target = Path(self.path(new))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(self.path(old), target)  # atomic within DATA_DIR


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of `core.StoredFile` (bytea on PostgreSQL), in the caller's transaction.

    Meant for documents and attachments of a few MB: each read loads the whole file. Names
    are unique; saving a taken name gets a free one, as every Django storage does."""

    @staticmethod
    def _model():
        from egov.core.models import StoredFile

        return StoredFile

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("DatabaseStorage files are written with save(), not opened for writing")
        row = self._model().objects.filter(name=name).values_list("content", flat=True).first()
        if row is None:
            raise FileNotFoundError(name)
        file = File(io.BytesIO(bytes(row)), name=name)
        file.mode = mode
        return file

    def _save(self, name, content):
        content.seek(0) if hasattr(content, "seek") else None
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        try:
            with transaction.atomic():
                self._model().objects.create(name=name, content=data, size=len(data))
        except IntegrityError:
            raise FileExistsError(name) from None
        return name

    def exists(self, name):
        return self._model().objects.filter(name=name).exists()

    def delete(self, name):
        self._model().objects.filter(name=name).delete()

    def size(self, name):
        size = self._model().objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def get_modified_time(self, name):
        at = self._model().objects.filter(name=name).values_list("modified_at", flat=True).first()
        if at is None:
            raise FileNotFoundError(name)
        return at

    get_created_time = get_modified_time

    def listdir(self, path):
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        directories, files = set(), []
        names = self._model().objects.filter(name__startswith=prefix).values_list("name", flat=True)
        for name in names:
            rest = name[len(prefix) :]
            head, sep, _tail = rest.partition("/")
            if sep:
                directories.add(head)
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def url(self, name):
        raise NotImplementedError("files are served by the platform's pages, never by URL")

    def move(self, old: str, new: str) -> None:
        with transaction.atomic():
            self._model().objects.filter(name=new).exclude(name=old).delete()
            if not self._model().objects.filter(name=old).update(name=new, modified_at=timezone.now()):
                raise FileNotFoundError(old)
