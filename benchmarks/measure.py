"""What the benchmark scripts share to run a server and read CPU time (Linux /proc).

The scripts import it as a sibling module (`python benchmarks/<script>.py` puts this folder
first on the path)."""

import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far; processes gone are left out."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(master: int) -> list[int]:
    """A gunicorn master and its workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends connected to the database of `url`, but this one."""
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def database_create(url: str, *, recreate: bool) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist (dropped first with
    `recreate`); True if it was created now."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def py_spy(pid: int, output: Path, seconds: int) -> subprocess.Popen:
    """Sample a server and its workers for `seconds` into a speedscope file (py-spy:
    `.venv/bin/pip install py-spy`)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "py-spy"), "record", "--pid", str(pid), "--subprocesses", "--format", "speedscope",
        "--rate", "200", "--duration", str(seconds), "--output", str(output), "--nonblocking",
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def egov_env(url: str, data_dir: Path, secret_key: str, **extra: str) -> dict:
    """The environment of an `egov` process of a benchmark: its database, data folder and key,
    debug off, warnings only; `extra` adds or overrides EGOV_ variables."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "egov.settings",
        "EGOV_DATABASE_URL": url,
        "EGOV_DATA_DIR": str(data_dir),
        "EGOV_SECRET_KEY": secret_key,
        "EGOV_DEBUG": "0",
        "EGOV_LOG_LEVEL": "WARNING",
        **extra,
    }


def nation_prepare(url: str, env: dict, *, residents: int, recreate: bool, egov: Path) -> None:
    """Create (or, with `recreate`, recreate) the database, migrate it, seed a demo nation of
    `residents` once and create the keys: what every civil benchmark starts from."""
    database_create(url, recreate=recreate)
    subprocess.run([str(egov), "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run(
        [str(egov), "seed", "--residents", str(residents), "--seed", "1", "--if-empty"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run([str(egov), "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
