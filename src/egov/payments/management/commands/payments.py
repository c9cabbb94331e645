"""`egov payments import FILE`: import a statement file from the collecting bank."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.errors import ServiceError
from egov.payments.statements import statement_import


class Command(BaseCommand):
    help = (
        "Payments. `import FILE` reads an ISO 20022 camt.054.001.08 or camt.053.001.08 file from the "
        "collecting bank, matches its credits to payment orders by virtual account and amount, and puts "
        "the rest in the reconciliation queue; all in one transaction, and a file imported twice "
        "changes nothing the second time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imported = actions.add_parser("import", help="Import a camt.054 or camt.053 statement file.")
        imported.add_argument("file", type=Path)

    def handle(self, *args, action: str, file: Path, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            result = statement_import(actor=None, content=content, source="console")
        except ServiceError as exc:
            raise CommandError(f"{file}: refused ({exc.field}): {exc.message}") from None
        if result.already:
            self.stdout.write(
                f"{result.statement.kind} {result.statement.message_id}: imported before; nothing changed."
            )
            return
        counts = ", ".join(f"{n:,} {what}" for what, n in result.counts.items())
        self.stdout.write(f"{result.statement.kind} {result.statement.message_id}: {counts}")
