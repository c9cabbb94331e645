from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from egov.core.backup import BackupError, backup_check, backup_read_manifest, backup_restore
from egov.core.pgbackrest import pgbackrest_restore_command, pgbackrest_run


class Command(BaseCommand):
    help = (
        "Restore a backup archive written by `egov backup`: replace the whole database with "
        "the archived one (SQLite: SQLite's online backup API; PostgreSQL: pg_restore --clean "
        "--if-exists --single-transaction, which needs the PostgreSQL client tools) and put the "
        "archived files back under EGOV_DATA_DIR (files created there since are left alone). "
        "Refuses an archive made for another database vendor or by a newer egov. Stop the app "
        "processes and workers first; afterwards run `egov migrate` if this code is newer than "
        "the backup. Asks for confirmation unless --noinput is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, nargs="?", help="Archive written by `egov backup`.")
        parser.add_argument(
            "--pgbackrest",
            action="store_true",
            help="PostgreSQL: restore a pgBackRest backup and the WAL archive into --pg-data (a new or "
            "stopped cluster's data directory), to --target-time if given; then start that cluster.",
        )
        parser.add_argument("--pg-data", type=Path, help="With --pgbackrest: the data directory to restore.")
        parser.add_argument(
            "--target-time",
            help="With --pgbackrest: ISO 8601 time with offset to recover to (default: the end).",
        )
        parser.add_argument(
            "--repo", type=int, help="With --pgbackrest: the repository to read (default: repo1)."
        )
        parser.add_argument(
            "--set", dest="backup_set", default="", help="With --pgbackrest: the backup set label."
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias to restore into (default: default)."
        )

    def handle(self, *args, path: Path | None, database: str, interactive: bool, **options):
        if options["pgbackrest"]:
            self._pgbackrest(interactive=interactive, **options)
            return
        if path is None:
            raise CommandError("Give the archive's PATH, or --pgbackrest with --pg-data.")
        try:
            manifest = backup_read_manifest(path=path)
            backup_check(manifest=manifest, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if interactive:
            name = connections[database].settings_dict.get("NAME")
            self.stdout.write(
                f"This replaces the {manifest['vendor']} database {name!s} and the archived files "
                f"under {settings.DATA_DIR} with the backup made at {manifest['created_at']} by egov "
                f"{manifest.get('egov_version', 'unknown')}. Everything written since then is lost."
            )
            if input("Type 'yes' to continue: ").strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            backup_restore(path=path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored the backup made at {manifest['created_at']}."))
        executor = MigrationExecutor(connections[database])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(pending)} migration(s) of this code: run `egov migrate`."
                )
            )

    def _pgbackrest(self, *, interactive: bool, pg_data, target_time, repo, backup_set, **options):
        if pg_data is None:
            raise CommandError(
                "--pgbackrest needs --pg-data: the data directory of a new or stopped cluster."
            )
        try:
            command = pgbackrest_restore_command(
                pg_data=pg_data, target_time=target_time, repo=repo, backup_set=backup_set
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if interactive:
            self.stdout.write(
                f"This overwrites the data directory {pg_data} with the backup and the WAL archive up to "
                f"{target_time or 'the end of the archive'}. Its server must be stopped."
            )
            if input("Type 'yes' to continue: ").strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            pgbackrest_run(command)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored into {pg_data}. Start its server: it replays the archive to "
                f"{target_time or 'the end'} and then accepts writes."
            )
        )
