"""Files go through Django's storage API: under DATA_DIR by default, or as rows of
`core.StoredFile` when the app nodes share nothing but the database (EGOV_FILE_STORE=database)."""

import datetime as dt
import importlib
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction

from egov.core import files as core_files
from egov.core.models import StoredFile
from egov.core.storage import DatabaseStorage, DataDirStorage, file_move, file_store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DATABASE = {"BACKEND": "egov.core.storage.DatabaseStorage"}


@pytest.fixture
def database_store(settings):
    settings.STORAGES = {**settings.STORAGES, "default": DATABASE}
    return file_store()


class Boom(Exception):
    pass


def test_the_default_store_keeps_files_owner_only_under_the_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    name = core_files.file_write(PDF, folder="petitions")
    path = tmp_path / "petitions" / name
    assert isinstance(file_store(), DataDirStorage)
    assert path.read_bytes() == PDF
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    assert core_files.file_read(name, folder="petitions") == PDF
    core_files.file_delete(name, folder="petitions")
    assert not path.exists()


def test_the_filesystem_store_follows_a_changed_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "one"
    first = core_files.file_write(PDF, folder="x")
    settings.DATA_DIR = tmp_path / "two"
    second = core_files.file_write(PDF, folder="x")
    assert (tmp_path / "one" / "x" / first).exists() and (tmp_path / "two" / "x" / second).exists()


def test_a_storage_name_that_is_not_ours_is_refused_before_any_file_is_touched(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    for bad in ("../../etc/passwd", "", "ABC", "a/b"):
        with pytest.raises(ValueError):
            core_files.file_open(bad, folder="petitions")


@pytest.mark.django_db
def test_the_database_store_saves_reads_lists_moves_and_deletes(database_store):
    assert isinstance(database_store, DatabaseStorage)
    name = database_store.save("documents/pending/A.pdf.enc", ContentFile(PDF))
    assert name == "documents/pending/A.pdf.enc"
    assert database_store.exists(name) and database_store.size(name) == len(PDF)
    with database_store.open(name) as handle:
        assert handle.read() == PDF
    assert database_store.listdir("documents") == (["pending"], [])
    assert database_store.listdir("documents/pending") == ([], ["A.pdf.enc"])
    file_move(name, "documents/2026/12/A.pdf.enc")
    assert not database_store.exists(name)
    assert database_store.open("documents/2026/12/A.pdf.enc").read() == PDF
    with pytest.raises(FileNotFoundError):
        file_move(name, "documents/elsewhere")
    database_store.delete("documents/2026/12/A.pdf.enc")
    assert StoredFile.objects.count() == 0
    with pytest.raises(FileNotFoundError):
        database_store.open("documents/2026/12/A.pdf.enc")


@pytest.mark.django_db
def test_the_database_store_gives_a_taken_name_a_free_one_as_django_stores_do(database_store):
    first = database_store.save("x/a.pdf", ContentFile(PDF))
    second = database_store.save("x/a.pdf", ContentFile(b"%PDF-other"))
    assert first != second and database_store.open(first).read() == PDF


@pytest.mark.django_db
def test_a_file_written_in_a_rolled_back_transaction_is_gone_with_it(database_store):
    with pytest.raises(Boom), transaction.atomic():
        name = core_files.file_write(PDF, folder="petitions")
        assert core_files.file_read(name, folder="petitions") == PDF
        raise Boom
    with pytest.raises(FileNotFoundError):
        core_files.file_read(name, folder="petitions")


@pytest.mark.django_db
def test_the_database_store_cannot_be_opened_for_writing(database_store):
    database_store.save("x/a.pdf", ContentFile(PDF))
    with pytest.raises(ValueError):
        database_store.open("x/a.pdf", "wb")


def test_generic_stores_move_by_copy_then_delete(settings, tmp_path):
    """The fallback `file_move` uses for a store with no `move` of its own (S3)."""

    class PlainStorage(DataDirStorage):
        move = None

    settings.DATA_DIR = tmp_path
    storage = PlainStorage()
    storage.save("a/one", ContentFile(PDF))
    file_move("a/one", "b/two", storage=storage)
    assert not storage.exists("a/one") and storage.open("b/two").read() == PDF


def test_an_unknown_file_store_is_a_configuration_error(monkeypatch):
    import egov.settings

    monkeypatch.setenv("EGOV_FILE_STORE", "floppy")
    monkeypatch.setenv("EGOV_SECRET_KEY", "x" * 40)
    with pytest.raises(ImproperlyConfigured, match="EGOV_FILE_STORE"):
        importlib.reload(egov.settings)
    monkeypatch.setenv("EGOV_FILE_STORE", "s3")
    monkeypatch.setenv("EGOV_S3_BUCKET", "egov-files")
    reloaded = importlib.reload(egov.settings)
    assert reloaded.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert reloaded.STORAGES["default"]["OPTIONS"]["bucket_name"] == "egov-files"
    monkeypatch.delenv("EGOV_FILE_STORE")
    importlib.reload(egov.settings)


def test_the_sweep_of_old_files_reads_modified_times_from_either_store(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    name = file_store().save("x/old", ContentFile(PDF))
    os.utime(tmp_path / name, (0, 0))
    assert file_store().get_modified_time(name) < dt.datetime(1971, 1, 1, tzinfo=dt.UTC)
