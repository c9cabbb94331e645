from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from egov.core.backup import BackupError, backup_create
from egov.core.pgbackrest import BACKUP_TYPES, pgbackrest_backup_command, pgbackrest_run


class Command(BaseCommand):
    help = (
        "Write a backup of this installation to PATH, one gzip-compressed tar archive with: "
        "a manifest (backup format version, database vendor, applied Django migrations, time, "
        "egov version); the database (SQLite: a copy made with SQLite's online backup API; "
        "PostgreSQL: pg_dump --format=custom, which needs the PostgreSQL client tools); and "
        "the files under EGOV_DATA_DIR except the SQLite database and its -wal/-shm/-journal "
        "files, static/ (rebuilt by collectstatic) and earlier backup archives. The archive is "
        "written beside PATH and renamed into place when complete, with mode 0600: it holds "
        "encrypted ID numbers and may hold keys, so store it as carefully as the keys. "
        "Note that the ID numbers can only be read with the same EGOV_SECRET_KEY or "
        "EGOV_FIELD_KEY, which are not in the archive unless they live under EGOV_DATA_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, nargs="?", help="File to write, e.g. /backups/egov-2025-01-31.tar.gz"
        )
        parser.add_argument(
            "--pgbackrest",
            choices=BACKUP_TYPES,
            help="PostgreSQL: take a pgBackRest backup of this type (full, diff or incr) instead of an "
            "archive; WAL is archived continuously by the server (docs/operations.md).",
        )
        parser.add_argument("--repo", type=int, help="With --pgbackrest: the repository (default: repo1).")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias to back up (default: default)."
        )

    def handle(self, *args, path: Path | None, database: str, pgbackrest: str | None, repo, **options):
        if pgbackrest:
            try:
                pgbackrest_run(pgbackrest_backup_command(kind=pgbackrest, repo=repo))
            except BackupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(self.style.SUCCESS(f"pgBackRest {pgbackrest} backup taken (repo {repo or 1})."))
            return
        if path is None:
            raise CommandError("Give the archive's PATH, or --pgbackrest full|diff|incr.")
        try:
            manifest = backup_create(path=path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        vendor = manifest["vendor"]
        self.stdout.write(
            self.style.SUCCESS(f"Backup of the {vendor} database and data files written to {path}")
        )
