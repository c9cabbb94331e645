"""`egov backup` and `egov restore`: after a restore the database and the data files are
exactly what they were at backup time, on SQLite and PostgreSQL alike; archives that are
missing, damaged, foreign or too new are refused before anything changes."""

import datetime as dt
import io
import json
import stat
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from egov.accounts.models import User
from egov.core import backup
from egov.core.models import AuditEvent
from egov.registry.models import Business, Resident, Vehicle
from tests import factories

# pg_dump and pg_restore work on committed data in their own connections.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"
    settings.STATIC_ROOT = settings.DATA_DIR / "static"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def town(alice, bob, carol, dave, seoul_supervisor, jongno, gangnam, busan):
    """Registers of Jongno-gu, Gangnam-gu and Busan, with the named accounts beside them."""
    minjun = factories.resident(jongno, "김민준", "Kim Minjun")
    jiwoo = factories.resident(
        jongno,
        "박지우",
        "Park Jiwoo",
        dt.date(1992, 3, 4),
        "F",
        household=minjun.household,
        relation_to_head="spouse",
    )
    haeun = factories.resident(gangnam, "최하은", "Choi Haeun", dt.date(1985, 7, 9), "F")
    doyun = factories.resident(busan, "정도윤", "Jung Doyun", dt.date(1979, 11, 30))
    shops = [
        factories.business(jongno, minjun),
        factories.business(gangnam, haeun, "강남상사"),
        factories.business(busan, doyun, "부산수산", status="closed"),
    ]
    cars = [
        factories.vehicle(jongno, minjun),
        factories.vehicle(jongno, jiwoo),
        factories.vehicle(gangnam, haeun),
        factories.vehicle(busan, doyun),
    ]
    AuditEvent.objects.create(
        actor=bob, action="resident.corrected", object_type="registry.resident", object_id=str(jiwoo.pk)
    )
    return SimpleNamespace(minjun=minjun, jiwoo=jiwoo, haeun=haeun, doyun=doyun, shops=shops, cars=cars)


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of every table of every installed app, ordered by primary key."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        rows = model._base_manager.order_by("pk").values()
        snapshot[model._meta.label] = [
            {key: bytes(value) if isinstance(value, memoryview) else value for key, value in row.items()}
            for row in rows
        ]
    snapshot["django_migrations"] = list(
        MigrationRecorder(connection).migration_qs.order_by("pk").values("app", "name")
    )
    return snapshot


def rewrite_archive(source: Path, target: Path, *, manifest_changes=None, extra_member=None) -> Path:
    """Copy an archive, changing its manifest or adding a member (for refusal tests)."""
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for member in tar_in:
            content = tar_in.extractfile(member).read() if member.isfile() else None
            if member.name == backup.MANIFEST:
                manifest = json.loads(content)
                manifest.update(manifest_changes or {})
                content = json.dumps(manifest).encode()
                member.size = len(content)
            tar_out.addfile(member, io.BytesIO(content) if content is not None else None)
        if extra_member:
            name, content = extra_member
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar_out.addfile(info, io.BytesIO(content))
    return target


@pytest.fixture
def archive(tmp_path, data_dir, town):
    path = tmp_path / "egov.tar.gz"
    call_command("backup", str(path))
    return path


def test_it_restores_the_database_and_data_files_exactly_as_they_were_at_backup_time(
    tmp_path, data_dir, town, alice
):
    (data_dir / "keys").mkdir()
    (data_dir / "keys" / "field.key").write_bytes(b"\x00\x01secret key bytes\xff")
    (data_dir / "documents" / "2025").mkdir(parents=True)
    (data_dir / "documents" / "2025" / "certificate.pdf").write_bytes(b"%PDF-1.7 signed")
    before = database_snapshot()
    assert len(before["registry.Resident"]) == 5
    assert len(before["registry.Vehicle"]) == 4
    assert len(before["accounts.User"]) == 5
    archive = tmp_path / "egov.tar.gz"

    call_command("backup", str(archive))

    Vehicle.objects.filter(pk=town.cars[3].pk).delete()
    Business.objects.filter(pk=town.shops[2].pk).delete()
    Resident.objects.filter(pk=town.haeun.pk).update(name_en="Choi Haeun (renamed)")
    User.objects.filter(pk=alice.pk).update(failed_password_logins=3)
    factories.resident(town.minjun.agency, "윤서준", "Yoon Seojun", dt.date(2001, 2, 3))
    (data_dir / "keys" / "field.key").write_bytes(b"rotated")
    (data_dir / "documents" / "2025" / "certificate.pdf").unlink()
    (data_dir / "documents" / "2025" / "later.pdf").write_bytes(b"%PDF written after the backup")
    assert database_snapshot() != before

    call_command("restore", str(archive), "--noinput")

    assert database_snapshot() == before
    assert (data_dir / "keys" / "field.key").read_bytes() == b"\x00\x01secret key bytes\xff"
    assert (data_dir / "documents" / "2025" / "certificate.pdf").read_bytes() == b"%PDF-1.7 signed"
    # Files created after the backup are not the backup's to remove.
    assert (data_dir / "documents" / "2025" / "later.pdf").exists()
    # The restored platform works on: ID numbers decrypt and new rows get fresh keys.
    assert Resident.objects.get(pk=town.haeun.pk).rrn_reveal().startswith("850709-2")
    factories.resident(town.minjun.agency, "윤서준", "Yoon Seojun", dt.date(2001, 2, 3))


def test_it_writes_an_owner_only_archive_without_static_files_or_earlier_backups(tmp_path, data_dir, town):
    (data_dir / "static").mkdir()
    (data_dir / "static" / "portal.css").write_text("body {}")
    (data_dir / "keys").mkdir()
    (data_dir / "keys" / "signing.pem").write_text("-----BEGIN PRIVATE KEY-----")
    (data_dir / "backups").mkdir()
    (data_dir / "backups" / ".egov-backup-abandoned.tmp").write_bytes(b"half an archive")
    call_command("backup", str(data_dir / "backups" / "yesterday.tar.gz"))
    today = data_dir / "backups" / "today.tar.gz"

    call_command("backup", str(today))

    assert stat.S_IMODE(today.stat().st_mode) == 0o600
    with tarfile.open(today) as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert backup.DUMP_NAMES[connection.vendor] in names
    assert "data/keys/signing.pem" in names
    assert not [name for name in names if "static" in name or "backups/" in name]
    assert sorted(p.name for p in (data_dir / "backups").iterdir()) == [
        ".egov-backup-abandoned.tmp",
        "today.tar.gz",
        "yesterday.tar.gz",
    ]


def test_it_records_vendor_migrations_and_version_in_the_manifest(archive):
    manifest = backup.backup_read_manifest(path=archive)

    assert manifest["format"] == "egov-backup"
    assert manifest["format_version"] == 1
    assert manifest["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["registry"]
    assert manifest["egov_version"]
    assert dt.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None


def test_it_leaves_out_the_sqlite_database_and_its_journal_files(data_dir):
    database = data_dir / "egov.sqlite3"
    sqlite = SimpleNamespace(settings_dict={"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)})

    excluded = backup._excluded_paths(sqlite)

    assert {database, Path(f"{database}-wal"), Path(f"{database}-shm"), data_dir / "static"} <= excluded


def test_it_drops_tables_a_newer_migration_created_after_the_backup(monkeypatch, archive):
    before = database_snapshot()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {quote('core_added_later')} (id integer PRIMARY KEY, "
            f"resident_id bigint REFERENCES {quote('registry_resident')} (id))"
        )
    real_model_tables = backup._model_tables
    monkeypatch.setattr(backup, "_model_tables", lambda c: [*real_model_tables(c), "core_added_later"])
    try:
        call_command("restore", str(archive), "--noinput")

        assert "core_added_later" not in connection.introspection.table_names()
        assert database_snapshot() == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quote('core_added_later')}")


def test_it_asks_before_restoring_and_changes_nothing_without_yes(monkeypatch, archive, town):
    Vehicle.objects.filter(pk=town.cars[0].pk).delete()
    after_change = database_snapshot()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        call_command("restore", str(archive))

    assert database_snapshot() == after_change


def test_it_restores_after_yes_is_typed(monkeypatch, archive, town):
    before_change = Vehicle.objects.count()
    Vehicle.objects.filter(pk=town.cars[0].pk).delete()
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    call_command("restore", str(archive))

    assert Vehicle.objects.count() == before_change


# --- Refusals -----------------------------------------------------------------------------


def test_it_refuses_to_restore_a_missing_archive(tmp_path, data_dir):
    with pytest.raises(CommandError, match="There is no backup archive at .*nowhere.tar.gz"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"), "--noinput")


def test_it_refuses_a_file_that_is_not_an_archive(tmp_path, data_dir):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a tar archive at all" * 100)

    with pytest.raises(CommandError, match="is not a readable backup archive"):
        call_command("restore", str(junk), "--noinput")


def test_it_refuses_a_tar_archive_that_is_not_an_egov_backup(tmp_path, data_dir):
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))

    with pytest.raises(CommandError, match="is not an egov backup: it does not start with manifest.json"):
        call_command("restore", str(other), "--noinput")


def test_it_refuses_a_truncated_archive_and_changes_nothing(tmp_path, archive, town):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    Vehicle.objects.filter(pk=town.cars[0].pk).delete()
    after_change = database_snapshot()

    with pytest.raises(CommandError, match="is damaged and cannot be restored"):
        call_command("restore", str(truncated), "--noinput")

    assert database_snapshot() == after_change


def test_it_refuses_an_archive_made_for_another_database_vendor(tmp_path, archive):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = rewrite_archive(
        archive,
        tmp_path / "foreign.tar.gz",
        manifest_changes={"vendor": other, "database": backup.DUMP_NAMES[other]},
    )

    with pytest.raises(
        CommandError,
        match=f"holds a {other} database but the configured database is {connection.vendor}",
    ):
        call_command("restore", str(foreign), "--noinput")


def test_it_refuses_an_archive_whose_migrations_are_newer_than_the_code(tmp_path, archive):
    manifest = backup.backup_read_manifest(path=archive)
    migrations = {**manifest["migrations"], "registry": [*manifest["migrations"]["registry"], "0099_future"]}
    newer = rewrite_archive(archive, tmp_path / "newer.tar.gz", manifest_changes={"migrations": migrations})

    with pytest.raises(CommandError, match=r"made by a newer egov .*registry\.0099_future"):
        call_command("restore", str(newer), "--noinput")


def test_it_refuses_an_archive_of_a_newer_backup_format(tmp_path, archive):
    newer = rewrite_archive(archive, tmp_path / "newer.tar.gz", manifest_changes={"format_version": 2})

    with pytest.raises(CommandError, match="backup format version 2"):
        call_command("restore", str(newer), "--noinput")


def test_it_refuses_an_archive_that_would_write_outside_the_data_dir(tmp_path, archive, data_dir):
    evil = rewrite_archive(archive, tmp_path / "evil.tar.gz", extra_member=("data/../../escaped", b"x"))

    with pytest.raises(CommandError, match="holds a file that may not be restored"):
        call_command("restore", str(evil), "--noinput")

    assert not (tmp_path / "escaped").exists()


def test_it_refuses_to_back_up_into_a_missing_directory(tmp_path, data_dir):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "missing" / "egov.tar.gz"))


def test_it_refuses_to_back_up_onto_a_directory(tmp_path, data_dir):
    with pytest.raises(CommandError, match="is a directory"):
        call_command("backup", str(tmp_path))


def test_it_says_so_when_pg_dump_is_not_installed(postgres_only, monkeypatch, tmp_path, data_dir):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)

    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        call_command("backup", str(tmp_path / "egov.tar.gz"))

    assert list(tmp_path.glob("*.tar.gz")) == []


def test_it_reports_pg_dump_errors_and_leaves_no_file(postgres_only, monkeypatch, tmp_path, data_dir):
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict, "NAME", "egov_no_such_database")

    with pytest.raises(CommandError, match='pg_dump failed .*"egov_no_such_database" does not exist'):
        call_command("backup", str(tmp_path / "egov.tar.gz"))

    assert list(tmp_path.iterdir()) == [data_dir]
