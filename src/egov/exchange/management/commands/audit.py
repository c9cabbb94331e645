"""`egov audit verify`: check the access log's Merkle tree against the latest checkpoint a
witness cosigned; `egov audit vkey`: print the log's verifier key for witnesses and auditors."""

import base64
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.exchange import tlog
from egov.exchange.accesslog import log_verifier, witnesses
from egov.exchange.verify import access_log_verify, witness_latest, witnessed_checkpoint


class Command(BaseCommand):
    help = (
        "Audit the platform's records. `verify` recomputes every access-log entry's leaf hash, "
        "rebuilds the Merkle tree, checks every checkpoint's signature and root, and holds the "
        "database against the latest checkpoint a witness cosigned (asked of the witnesses in "
        "EGOV_WITNESSES, or read from --witnessed-checkpoint files): a log cut back, emptied or "
        "rewritten is reported naming the first missing or altered seq, and an entry that is neither in "
        "the tree nor waiting for the integrator is named by its id. Exits 0 with a summary "
        "if intact, 1 otherwise. `vkey` prints the log's verifier key (C2SP signed-note)."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser("verify", help="Verify the access log against its witnessed checkpoint.")
        verify.add_argument(
            "--log-key", default=None, help="The log's verifier key (default: the platform's)."
        )
        verify.add_argument(
            "--witness", dest="witness_keys", action="append", default=[], metavar="VKEY",
            help="A witness's verifier key (default: those of EGOV_WITNESSES); repeatable.",
        )  # fmt: skip
        verify.add_argument(
            "--witnessed-checkpoint", dest="notes", action="append", type=Path, default=[], metavar="FILE",
            help="A cosigned checkpoint kept outside the database (instead of asking the witnesses).",
        )  # fmt: skip
        verify.add_argument(
            "--state", type=Path, default=None, metavar="FILE",
            help="Verify only what was added since the tree recorded in FILE, then record the new one.",
        )  # fmt: skip
        verify.add_argument("--chunk-size", type=int, default=20_000, help="Entries fetched per round trip.")
        actions.add_parser("vkey", help="Print the log's verifier key.")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"action_{action}")(**options)

    def action_vkey(self, **options) -> None:
        self.stdout.write(log_verifier().vkey())

    def action_verify(self, *, log_key, witness_keys, notes, state, chunk_size, verbosity, **options) -> None:
        try:
            log = tlog.Verifier.from_vkey(log_key) if log_key else log_verifier()
            configured = witnesses()
            keys = [tlog.Verifier.from_vkey(k) for k in witness_keys] or [w.verifier for w in configured]
        except tlog.ProofError as exc:
            raise CommandError(str(exc)) from None
        texts = [path.read_text() for path in notes]
        if not texts:
            for witness in configured:
                try:
                    texts.append(witness_latest(witness.url, log.name))
                except OSError as exc:
                    self.stderr.write(f"witness {witness.verifier.name} not reached: {exc}")
        witnessed = None
        if keys:
            if not texts:
                raise CommandError(
                    "no witnessed checkpoint: no witness answered and no --witnessed-checkpoint given"
                )
            try:
                witnessed = witnessed_checkpoint(texts, log, keys)
            except tlog.ProofError as exc:
                raise CommandError(f"the witnessed checkpoint does not verify: {exc}") from None
        since, entries_from = None, 1
        if state and state.exists():
            recorded = json.loads(state.read_text())
            since = (recorded["size"], base64.b64decode(recorded["root"]))
            entries_from = recorded.get("placed_below", 1)  # files written before it: every entry
        progress = (lambda seq: self.stderr.write(f"  ... seq {seq:,}")) if verbosity >= 2 else None
        report = access_log_verify(
            log=log,
            witnessed=witnessed,
            witnesses=keys,
            since=since,
            entries_from=entries_from,
            chunk_size=max(chunk_size, 1),
            progress=progress,
        )
        if report.problem:
            raise CommandError(
                f"access log broken at {report.problem} ({report.entries:,} entries before it verified "
                f"in {report.seconds:.1f} s)"
            )
        first = since[0] + 1 if since else 1
        end = first + report.entries - 1
        witnessed_text = (
            f", witnessed at {witnessed.checkpoint.size:,} by {witnessed.witness}"
            if witnessed
            else " (no witness: the latest entries are protected only by the database's checkpoints)"
        )
        if report.entries == 0 and not since:
            self.stdout.write(f"access log intact: empty{witnessed_text} ({report.seconds:.1f} s)")
        else:
            self.stdout.write(
                f"access log intact: {report.entries:,} entries (seq {first}–{end}), "
                f"{report.checkpoints:,} checkpoints verified{witnessed_text} ({report.seconds:.1f} s)"
            )
        if state:
            state.write_text(
                json.dumps(
                    {
                        "size": end,
                        "root": base64.b64encode(report.root).decode(),
                        "placed_below": report.placed_below,
                    }
                )
            )
