"""Point-in-time recovery on PostgreSQL with pgBackRest (docs/operations.md).

The server archives every WAL segment with `archive_command = 'pgbackrest --stanza=egov
archive-push %p'` into each configured repository (repo1 beside the database, repo2 off-site);
`egov backup --pgbackrest full|diff|incr` takes a backup into one repository, and `egov restore
--pgbackrest --target-time T --pg-data DIR` lays down a data directory that, once its server
starts, replays the archive up to T and promotes itself. Files kept in the database store
(EGOV_FILE_STORE=database) come back to the same moment with their rows.

The pgBackRest command is EGOV_PGBACKREST (default `pgbackrest`; e.g. `sudo -u postgres
pgbackrest` when egov runs as another user), its stanza EGOV_PGBACKREST_STANZA (default
`egov`) and its configuration file EGOV_PGBACKREST_CONFIG (default pgBackRest's own,
/etc/pgbackrest.conf or /etc/pgbackrest/pgbackrest.conf).
"""

import datetime as dt
import shlex
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from egov.core.backup import BackupError

BACKUP_TYPES = ("full", "diff", "incr")


def _base(*, repo: int | None = None) -> list[str]:
    command = shlex.split(getattr(settings, "EGOV_PGBACKREST", "") or "pgbackrest")
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} was not found on PATH. Install pgBackRest (Debian/Ubuntu: apt install "
            "pgbackrest) or set EGOV_PGBACKREST to its command."
        )
    command.append(f"--stanza={getattr(settings, 'EGOV_PGBACKREST_STANZA', '') or 'egov'}")
    config = getattr(settings, "EGOV_PGBACKREST_CONFIG", "")
    if config:
        command.append(f"--config={config}")
    if repo is not None:
        if type(repo) is not int or not 1 <= repo <= 256:
            raise BackupError(f"The repository must be a number from 1 to 256, not {repo!r}.")
        command.append(f"--repo={repo}")
    return command


def pgbackrest_backup_command(*, kind: str, repo: int | None = None) -> list[str]:
    """The command that takes a `kind` (full, diff or incr) backup into `repo` (default: the
    first configured repository)."""
    if kind not in BACKUP_TYPES:
        raise BackupError(f"The backup type must be one of {', '.join(BACKUP_TYPES)}, not {kind!r}.")
    return [*_base(repo=repo), f"--type={kind}", "backup"]


def target_time_parse(value: str) -> dt.datetime:
    """A restore target: an ISO 8601 time with its offset (a time without one is refused, since
    the server and the operator may not share a zone)."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        raise BackupError(
            f"The target time {value!r} is not an ISO 8601 time, e.g. 2026-12-07T13:45:00+09:00."
        ) from None
    if moment.tzinfo is None:
        raise BackupError(f"The target time {value!r} has no UTC offset; add one, e.g. +09:00 or Z.")
    return moment


def pgbackrest_restore_command(
    *, pg_data: Path | str, target_time: str | None = None, repo: int | None = None, backup_set: str = ""
) -> list[str]:
    """The command that restores into the (empty, or stopped with --delta) data directory
    `pg_data`: to `target_time` and promoted there, or to the end of the archive."""
    command = [*_base(repo=repo), f"--pg1-path={Path(pg_data)}", "--delta"]
    if backup_set:
        command.append(f"--set={backup_set}")
    if target_time:
        moment = target_time_parse(target_time).astimezone(dt.UTC)
        command += [
            "--type=time",
            f"--target={moment:%Y-%m-%d %H:%M:%S.%f}+00",
            "--target-action=promote",
        ]
    return [*command, "restore"]


def pgbackrest_info_command(*, repo: int | None = None) -> list[str]:
    return [*_base(repo=repo), "--output=json", "info"]


def pgbackrest_run(command: list[str]) -> str:
    """Run a pgBackRest command; its standard output, or BackupError with its message."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"pgbackrest could not be started ({exc}).") from None
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip())[-2000:] or "no message"
        raise BackupError(f"pgbackrest failed with exit code {result.returncode}: {detail}")
    return result.stdout
