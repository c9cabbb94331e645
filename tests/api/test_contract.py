"""`schemathesis run --checks all` over the whole OpenAPI document, against a live server,
unauthenticated and with each kind of credential (the benefits system's OAuth2 token, Bob's
session, Hana's bid token): it must find nothing.

A short, deterministic budget, the four runs side by side on PostgreSQL, so CI stays stable and
quick (one after the other on SQLite, which locks the whole database for each writer and would
answer a run's write with "database is locked" while another run writes); docs/api.md says how
to run the full check by hand with a larger one.
"""

import os
import subprocess
import sys

from django.db import connection

MAX_EXAMPLES = os.environ.get("EGOV_CONTRACT_EXAMPLES", "10")


def schemathesis_run(url: str, headers: dict[str, str], cwd) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/api/v1/openapi.json",
        "--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", "20261207",
        "--generation-deterministic", "--workers", "1", "--no-color", "--request-timeout", "30",
    ]  # fmt: skip
    if headers:
        # The credential is ours, sent on every request: schemathesis must not also draw (or
        # leave out) the security parameters, or it judges our session as a missing one.
        command += ["--generation-with-security-parameters", "false"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    return subprocess.Popen(  # noqa: S603 (our own tool, our own arguments)
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd
    )


def test_the_api_holds_its_contract_for_anyone_and_every_kind_of_credential(
    live_server, nation, oauth_headers, official_headers, bid_token_headers, tmp_path
):
    callers = {
        "anyone": {},
        "the benefits system (OAuth2 client)": oauth_headers,
        "Bob (official's session)": official_headers,
        "Hana's software (bid token)": bid_token_headers,
    }
    runs = {}
    for name, headers in callers.items():
        cwd = tmp_path / str(len(runs))
        cwd.mkdir()
        runs[name] = schemathesis_run(live_server.url, headers, cwd)
        if connection.vendor == "sqlite":
            runs[name] = (runs[name], runs[name].communicate(timeout=900)[0])
    failures = {}
    for name, run in runs.items():
        run, output = run if isinstance(run, tuple) else (run, run.communicate(timeout=900)[0])
        if run.returncode != 0:
            failures[name] = output[-15000:]
    assert not failures, "\n\n".join(f"=== {name}\n{output}" for name, output in failures.items())
