"""`egov backup --pgbackrest` and `egov restore --pgbackrest` build the pgBackRest commands an
operator would type, refuse what pgBackRest would misread, and report its failures clearly.
(The drill scripts/drill_pitr.sh runs them against real clusters.)"""

import stat

import pytest
from django.core.management import CommandError, call_command

from egov.core.backup import BackupError
from egov.core.pgbackrest import (
    pgbackrest_backup_command,
    pgbackrest_restore_command,
    pgbackrest_run,
    target_time_parse,
)


@pytest.fixture
def fake_pgbackrest(tmp_path, settings):
    """A stand-in for the pgbackrest program (outside the platform) that records its arguments."""
    log = tmp_path / "calls"
    program = tmp_path / "pgbackrest"
    program.write_text(
        f'#!/bin/sh\necho "$@" >> {log}\n'
        '[ -n "$FAIL" ] && { echo "ERROR: [055]: no backup" >&2; exit 55; }\nexit 0\n'
    )
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    settings.EGOV_PGBACKREST = str(program)
    settings.EGOV_PGBACKREST_STANZA = "egov"
    settings.EGOV_PGBACKREST_CONFIG = "/etc/egov/pgbackrest.conf"
    return log


def test_a_backup_command_names_the_stanza_config_repository_and_type(fake_pgbackrest):
    command = pgbackrest_backup_command(kind="incr", repo=2)
    assert command[1:] == [
        "--stanza=egov", "--config=/etc/egov/pgbackrest.conf", "--repo=2", "--type=incr", "backup",
    ]  # fmt: skip


def test_an_unknown_backup_type_or_repository_is_refused(fake_pgbackrest):
    with pytest.raises(BackupError, match="full, diff, incr"):
        pgbackrest_backup_command(kind="weekly")
    with pytest.raises(BackupError, match="repository"):
        pgbackrest_backup_command(kind="full", repo=0)


def test_a_restore_to_a_time_is_converted_to_utc_and_promotes(fake_pgbackrest):
    command = pgbackrest_restore_command(
        pg_data="/srv/pg/restore", target_time="2026-12-07T13:45:01+09:00", repo=2
    )
    assert command[-6:] == [
        "--pg1-path=/srv/pg/restore", "--delta", "--type=time",
        "--target=2026-12-07 04:45:01.000000+00", "--target-action=promote", "restore",
    ]  # fmt: skip
    assert "--repo=2" in command


def test_a_restore_without_a_time_replays_the_whole_archive(fake_pgbackrest):
    command = pgbackrest_restore_command(pg_data="/srv/pg/restore")
    assert not any(part.startswith("--type") for part in command) and command[-1] == "restore"


def test_a_target_time_without_an_offset_or_not_a_time_is_refused():
    with pytest.raises(BackupError, match="no UTC offset"):
        target_time_parse("2026-12-07 13:45:00")
    with pytest.raises(BackupError, match="not an ISO 8601 time"):
        target_time_parse("yesterday at noon")
    assert target_time_parse("2026-12-07 04:45:00Z").utcoffset().total_seconds() == 0


def test_the_commands_run_pgbackrest_and_report_its_error(fake_pgbackrest, monkeypatch, tmp_path):
    call_command("backup", pgbackrest="full", repo=2)
    call_command(
        "restore",
        pgbackrest=True,
        pg_data=tmp_path / "pg",
        target_time="2026-12-07T04:45:00Z",
        interactive=False,
    )
    calls = fake_pgbackrest.read_text().splitlines()
    assert calls[0].endswith("--repo=2 --type=full backup")
    assert "--target=2026-12-07 04:45:00.000000+00" in calls[1] and calls[1].endswith("restore")
    monkeypatch.setenv("FAIL", "1")
    with pytest.raises(CommandError, match=r"exit code 55: ERROR: \[055\]: no backup"):
        call_command("backup", pgbackrest="incr")


def test_a_missing_pgbackrest_is_named_with_how_to_install_it(settings):
    settings.EGOV_PGBACKREST = "/nonexistent/pgbackrest"
    with pytest.raises(BackupError, match="apt install pgbackrest"):
        pgbackrest_backup_command(kind="full")
    with pytest.raises(BackupError, match="could not be started"):
        pgbackrest_run(["/nonexistent/pgbackrest", "info"])


def test_a_restore_needs_a_data_directory_and_a_backup_a_path_or_a_type(fake_pgbackrest):
    with pytest.raises(CommandError, match="--pg-data"):
        call_command("restore", pgbackrest=True, interactive=False)
    with pytest.raises(CommandError, match="--pgbackrest full"):
        call_command("backup")
