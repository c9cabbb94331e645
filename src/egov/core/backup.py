"""Backup and restore of one installation: the database and the files under EGOV_DATA_DIR.

An archive is one gzip-compressed tar file:

    manifest.json      format version, database vendor, applied migrations, tables, time,
                       egov and Django versions (always the first member)
    database.sqlite3   SQLite: a copy made with SQLite's online backup API
    database.pgdump    PostgreSQL: pg_dump --format=custom --no-owner --no-privileges
    data/...           the files under EGOV_DATA_DIR, except the SQLite database and its
                       -wal/-shm/-journal files, STATIC_ROOT (rebuilt by collectstatic) and
                       backup archives, finished or being written

The archive holds encrypted ID numbers and the data directory may hold keys, so it is
written with mode 0600 to a temporary file beside PATH and renamed into place only when
complete: PATH is never a half-written archive.
"""

import datetime as dt
import importlib.metadata
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

log = logging.getLogger("egov.backup")

FORMAT = "egov-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Temporary files and directories of backups and restores in progress; never archived.
TEMP_PREFIXES = (".egov-backup-", ".egov-restore-")
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """A backup or restore that cannot be made or is refused; the message says why."""


# --- Backup -------------------------------------------------------------------------------


def backup_create(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write a backup archive of the database `using` and of DATA_DIR to `path`.

    Returns the manifest written into the archive. Raises BackupError when the database
    cannot be dumped or `path` cannot be written.
    """
    path = Path(path).absolute()
    if path.is_dir():
        raise BackupError(f"{path} is a directory; give the file name of the archive to write.")
    if not path.parent.is_dir():
        raise BackupError(f"The directory {path.parent} does not exist.")
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    data_dir = Path(settings.DATA_DIR)

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIXES[0], suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tempfile.TemporaryDirectory(dir=path.parent, prefix=TEMP_PREFIXES[0]) as staging,
        ):
            manifest = _manifest(connection)
            dump = Path(staging) / DUMP_NAMES[connection.vendor]
            if connection.vendor == "sqlite":
                _sqlite_dump(connection, dump)
            else:
                _pg_dump(connection, dump)
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
                tar.add(dump, arcname=dump.name)
                files = _add_data_dir(tar, data_dir, exclude=_excluded_paths(connection) | {path})
            raw.flush()
            os.fsync(raw.fileno())
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    log.info("backup written", extra={"vendor": connection.vendor, "data_files": files})
    return manifest


def _manifest(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
        "egov_version": _egov_version(),
        "django_version": django.get_version(),
        "vendor": connection.vendor,
        "database": DUMP_NAMES[connection.vendor],
        "migrations": applied,
        "tables": sorted(connection.introspection.table_names()),
    }


def _egov_version() -> str:
    try:
        return importlib.metadata.version("egov")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _sqlite_dump(connection: BaseDatabaseWrapper, dump: Path) -> None:
    # The online backup API copies a consistent snapshot through the live connection, so
    # it sees committed WAL pages and works for in-memory databases too.
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    try:
        connection.connection.backup(target)
        # A copy left in WAL mode could not be opened without its -shm file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def _pg_dump(connection: BaseDatabaseWrapper, dump: Path) -> None:
    command = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={dump}",
        *_pg_connection_args(connection),
    ]
    _run(command, env=_pg_env(connection), what="pg_dump")


def _excluded_paths(connection: BaseDatabaseWrapper) -> set[Path]:
    """Paths under DATA_DIR that a backup leaves out and a restore never overwrites."""
    excluded = {(Path(settings.DATA_DIR) / "static").absolute(), Path(settings.STATIC_ROOT).absolute()}
    for settings_dict in [connection.settings_dict, *settings.DATABASES.values()]:
        name = str(settings_dict.get("NAME") or "")
        if settings_dict["ENGINE"].endswith("sqlite3") and name and not _sqlite_in_memory(name):
            database = Path(name).absolute()
            excluded |= {database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))}
    return excluded


def _sqlite_in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(content))


def _add_data_dir(tar: tarfile.TarFile, data_dir: Path, *, exclude: set[Path]) -> int:
    """Archive DATA_DIR under data/; return how many files went in."""
    if not data_dir.is_dir():
        return 0
    count = 0
    for root, dirnames, filenames in os.walk(data_dir):
        root_path = Path(root)
        kept = []
        for name in sorted(dirnames):
            entry = root_path / name
            if _skip(entry, exclude):
                continue
            if entry.is_symlink():  # os.walk does not descend into it; keep the link itself
                filenames.append(name)
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(dirnames):
            entry = root_path / name
            tar.add(entry, arcname=_arcname(entry, data_dir), recursive=False)
        for name in sorted(filenames):
            entry = root_path / name
            if _skip(entry, exclude) or _is_backup_archive(entry):
                continue
            try:
                if not (entry.is_symlink() or entry.is_file()):
                    continue  # sockets, FIFOs, devices
                tar.add(entry, arcname=_arcname(entry, data_dir), recursive=False)
            except FileNotFoundError:
                continue  # removed while we walked
            count += 1
    return count


def _skip(entry: Path, exclude: set[Path]) -> bool:
    return entry.name.startswith(TEMP_PREFIXES) or _within(entry, exclude)


def _within(entry: Path, paths: set[Path]) -> bool:
    entry = entry.absolute()
    return entry in paths or any(parent in paths for parent in entry.parents)


def _arcname(entry: Path, data_dir: Path) -> str:
    return f"{DATA}/{entry.relative_to(data_dir).as_posix()}"


def _is_backup_archive(entry: Path) -> bool:
    """Whether a file is an earlier egov backup (kept out so archives do not nest)."""
    try:
        if entry.is_symlink() or not entry.is_file():
            return False
        with entry.open("rb") as file:
            if file.read(2) != b"\x1f\x8b":
                return False
        with tarfile.open(entry, mode="r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                return False
            return json.load(tar.extractfile(first)).get("format") == FORMAT
    except (OSError, tarfile.TarError, EOFError, zlib.error, ValueError, AttributeError):
        return False


# --- Restore ------------------------------------------------------------------------------


def backup_read_manifest(*, path: Path | str) -> dict[str, Any]:
    """Read and validate the manifest of the archive at `path`; raise BackupError if it is
    missing, unreadable or not an egov backup."""
    with _open_archive(Path(path)) as tar:
        return _read_manifest(tar, Path(path))


def backup_check(*, manifest: dict[str, Any], using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse an archive made for another database vendor or by a newer egov (migrations
    this code does not know)."""
    connection = connections[using]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup holds a {manifest['vendor']} database but the configured database is "
            f"{connection.vendor}. Restore it with EGOV_DATABASE_URL pointing at a "
            f"{manifest['vendor']} database."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.replacements.values():
        known.update(migration.replaces)
    archived = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        listed = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise BackupError(
            f"This backup was made by a newer egov ({manifest.get('egov_version', 'unknown')}): "
            f"its database has migrations this code does not know ({listed}{more}). "
            "Install that version of egov, then restore."
        )


def backup_restore(*, path: Path | str, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Replace the database `using` and the archived files under DATA_DIR with the archive's.

    Stop app processes and workers first. Files created under DATA_DIR after the backup
    are left in place. Returns the archive's manifest; run `egov migrate` afterwards if
    the code is newer than the backup.
    """
    path = Path(path)
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    data_dir = Path(settings.DATA_DIR)
    excluded = _excluded_paths(connection)
    with _open_archive(path) as tar:
        manifest = _read_manifest(tar, path)
        backup_check(manifest=manifest, using=using)
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=data_dir, prefix=TEMP_PREFIXES[1]) as staging_name:
            staging = Path(staging_name)
            dump = _extract(tar, path, staging, manifest["database"])
            if connection.vendor == "sqlite":
                _sqlite_restore(connection, dump)
            else:
                _pg_restore(connection, dump, manifest)
            files = _move_into_place(staging / DATA, data_dir, excluded)
    ContentType.objects.clear_cache()
    log.info("backup restored", extra={"vendor": connection.vendor, "data_files": files})
    return manifest


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(f"There is no backup archive at {path}.")
    try:
        tar = tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc}).") from None
    with tar:
        yield tar


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise BackupError(f"{path} is not an egov backup: it does not start with {MANIFEST}.")
        manifest = json.load(tar.extractfile(first))
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not an egov backup: its manifest has no format {FORMAT!r}.")
    if not isinstance(manifest.get("format_version"), int) or manifest["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"{path} has backup format version {manifest.get('format_version')!r}; this egov reads "
            f"version {FORMAT_VERSION} and earlier. Restore it with a newer egov."
        )
    if manifest.get("vendor") not in DUMP_NAMES or manifest.get("database") != DUMP_NAMES[manifest["vendor"]]:
        raise BackupError(f"{path} is not a usable backup: its manifest names no known database.")
    if not isinstance(manifest.get("migrations"), dict) or not isinstance(manifest.get("tables"), list):
        raise BackupError(f"{path} is not a usable backup: its manifest lacks the migration state.")
    return manifest


def _extract(tar: tarfile.TarFile, path: Path, staging: Path, database: str) -> Path:
    """Extract the dump and data/ into `staging` (tarfile's "data" filter refuses absolute
    paths, links out of the tree and device files); return the dump's path."""
    found = False
    try:
        for member in tar:
            if member.name == database and member.isfile():
                found = True
            elif not (member.name == DATA or member.name.startswith(f"{DATA}/")):
                continue
            tar.extract(member, staging, filter="data")
    except tarfile.FilterError as exc:
        raise BackupError(f"{path} holds a file that may not be restored ({exc}).") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged and cannot be restored ({exc}).") from None
    if not found:
        raise BackupError(f"{path} is incomplete: it has no {database}.")
    return staging / database


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    # The copy is one transaction on the destination: a dump that is not a database
    # fails before any page of the live database changes. (The archive's gzip CRC has
    # already caught damaged bytes.)
    try:
        source = sqlite3.connect(dump)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The database in the backup cannot be restored ({exc}).") from None


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path, manifest: dict[str, Any]) -> None:
    pg_restore = _pg_tool("pg_restore")
    env = _pg_env(connection)
    # Reading the table of contents fails on a damaged or too new dump before anything changes.
    _run([pg_restore, "--list", str(dump)], env=env, what="pg_restore")
    # --clean drops only what the dump holds: tables a newer migration created would stay
    # (and their foreign keys would block dropping the tables they point to), so they go first.
    added = sorted(set(_model_tables(connection)) - set(manifest["tables"]))
    if added:
        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in added:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(table)} CASCADE")
    # Our own connection would hold locks that pg_restore then waits for.
    connection.close()
    command = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *_pg_connection_args(connection),
        str(dump),
    ]
    _run(command, env=env, what="pg_restore")


def _model_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Existing tables that belong to installed models."""
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _move_into_place(source: Path, data_dir: Path, excluded: set[Path]) -> int:
    """Move the extracted files into DATA_DIR one by one (rename, same filesystem)."""
    if not source.is_dir():
        return 0
    count = 0
    for root, dirnames, filenames in os.walk(source):
        root_path = Path(root)
        target_root = data_dir / root_path.relative_to(source)
        target_root.mkdir(parents=True, exist_ok=True)
        links = [name for name in dirnames if (root_path / name).is_symlink()]
        dirnames[:] = [name for name in dirnames if name not in links]
        for name in filenames + links:
            target = target_root / name
            if _within(target, excluded):
                continue
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            (root_path / name).replace(target)
            count += 1
    return count


# --- PostgreSQL client tools --------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH. Install the PostgreSQL client tools of the server's "
            "major version (Debian/Ubuntu: postgresql-client)."
        )
    return found


def _pg_connection_args(connection: BaseDatabaseWrapper) -> list[str]:
    settings_dict = connection.settings_dict
    if not settings_dict.get("NAME"):
        raise BackupError("The database settings name no database (NAME).")
    args = ["--no-password"]  # never prompt: PGPASSWORD or a password file supply it
    if settings_dict.get("HOST"):
        args.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        args.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        args.append(f"--username={settings_dict['USER']}")
    args.append(f"--dbname={settings_dict['NAME']}")
    return args


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    env = dict(os.environ)
    settings_dict = connection.settings_dict
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line: ps shows that
    for option, variable in _PG_OPTION_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option):
            env[variable] = str(settings_dict["OPTIONS"][option])
    return env


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"{what} could not be started ({exc}).") from None
    if result.returncode != 0:
        detail = result.stderr.strip()[-2000:] or "no message"
        raise BackupError(f"{what} failed with exit code {result.returncode}: {detail}")
