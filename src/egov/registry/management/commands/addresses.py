"""`egov addresses load FILE`: load a file of the road-name address DB (도로명주소 한글, the layout
in docs/addresses.md) into the address register; full files and change files alike."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.registry.addresses import ParseError, addresses_load


class Command(BaseCommand):
    help = "Load the road-name address register (도로명주소 DB, pipe-delimited) from FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser("load", help="Load FILE: add new addresses, update known, remove retired.")
        load.add_argument("file")
        load.add_argument("--encoding", default="utf-8", help="utf-8 (default) or cp949 as published")

    def handle(self, *args, action: str, file: str, encoding: str, **options) -> None:
        try:
            counts = addresses_load(path=file, encoding=encoding)
        except FileNotFoundError:
            raise CommandError(f"no such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not {encoding}; try --encoding cp949") from None
        except ParseError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(", ".join(f"{n:,} {what}" for what, n in counts.items()))
