from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from egov.core.backup import BackupError, backup_check, backup_read_manifest, backup_restore


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
        parser.add_argument("path", type=Path, help="Archive written by `egov backup`.")
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

    def handle(self, *args, path: Path, database: str, interactive: bool, **options):
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
