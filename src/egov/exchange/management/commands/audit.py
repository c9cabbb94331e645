"""`egov audit verify`: check the access log's hash chain and signed checkpoints."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.core.keys import KeyFileError, key_id_of, platform_key, public_key_load
from egov.exchange.accesslog import checkpoint_interval
from egov.exchange.verify import access_log_verify


class Command(BaseCommand):
    help = (
        "Audit the platform's records. `verify` reads the whole access log in seq order and "
        "checks that seqs run from 1 without a gap, that every entry's SHA-256 matches its "
        "canonical form and chains to the entry before, that every checkpoint carries a valid "
        "Ed25519 signature over its entry's hash, and that a checkpoint exists at every "
        "multiple of EGOV_ACCESS_CHECKPOINT_INTERVAL. It exits 0 with a summary if the log is "
        "intact, and 1 naming the first bad entry otherwise. It needs only the public key: "
        "the platform's own by default, or the published one given with --public-key."
    )
    # An auditor's read-only run; the system checks would add a second to every one.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="Verify the access log's hash chain and checkpoints.")
        verify.add_argument(
            "--public-key",
            dest="public_keys",
            action="append",
            type=Path,
            default=[],
            metavar="PATH",
            help=(
                "A published Ed25519 public key (PEM) to check checkpoints with, instead of the "
                "platform's own; repeat it for a log signed by several keys over time."
            ),
        )
        verify.add_argument(
            "--interval",
            type=int,
            default=None,
            help=(
                "Expect a checkpoint every N entries (default: EGOV_ACCESS_CHECKPOINT_INTERVAL); "
                "0 checks the checkpoints present without expecting any."
            ),
        )
        verify.add_argument(
            "--chunk-size", type=int, default=20_000, help="Entries fetched per round trip (default 20000)."
        )

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"action_{action}")(**options)

    def action_verify(
        self, *, public_keys: list[Path], interval: int | None, chunk_size: int, verbosity: int, **options
    ) -> None:
        keys = self._public_keys(public_keys)
        if interval is not None and interval < 0:
            raise CommandError("--interval must be 0 or more")
        progress = None
        if verbosity >= 2:

            def progress(seq: int) -> None:
                self.stderr.write(f"  ... seq {seq:,}")

        report = access_log_verify(
            public_keys=keys,
            interval=checkpoint_interval() if interval is None else interval,
            chunk_size=max(chunk_size, 1),
            progress=progress,
        )
        if report.problem:
            raise CommandError(
                f"access log broken at {report.problem} "
                f"({report.entries:,} entries before it verified in {report.seconds:.1f} s)"
            )
        if report.head == 0:
            self.stdout.write(f"access log intact: empty, nothing to verify ({report.seconds:.1f} s)")
            return
        key_ids = ", ".join(sorted(keys)) or "(none)"
        self.stdout.write(
            self.style.SUCCESS(
                f"access log intact: {report.entries:,} entries (seq 1–{report.head:,}), "
                f"{report.checkpoints:,} checkpoints verified with key {key_ids}, "
                f"in {report.seconds:.1f} s"
            )
        )

    def _public_keys(self, paths: list[Path]) -> dict:
        """Key id -> public key: the files given, or else the platform's own key if it exists."""
        try:
            if paths:
                keys = [public_key_load(path) for path in paths]
            else:
                try:
                    keys = [platform_key(create=False).public_key]
                except FileNotFoundError:
                    self.stderr.write(
                        self.style.WARNING(
                            "no platform key here and no --public-key given: any checkpoint will fail"
                        )
                    )
                    keys = []
        except KeyFileError as exc:
            raise CommandError(str(exc)) from None
        return {key_id_of(key): key for key in keys}
