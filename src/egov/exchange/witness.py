"""A transparency-log witness (C2SP tlog-witness): `python -m egov.exchange.witness`.

It runs apart from the platform, in its own directory with its own Ed25519 key, and keeps the
latest checkpoint it cosigned for each log in a file there, never in the platform's database.
It cosigns a checkpoint only if it is signed by the log's key and a consistency proof shows it
extends the one it cosigned before; otherwise it refuses (409 with its size, 422, 403, 404).
Another agency runs one with nothing but this file, `egov.exchange.tlog`, and `cryptography`:

    python -m egov.exchange.witness init --dir DIR --name witness.agency.example/w1 \\
        --log-key "$(egov audit vkey)"
    python -m egov.exchange.witness serve --dir DIR --port 9781

`init` prints the witness's verifier key, which the platform's EGOV_WITNESSES names with its
URL. HTTP on loopback by default: put a TLS proxy in front to expose it.
"""

import argparse
import fcntl
import hashlib
import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from egov.exchange import tlog

KEY_FILE = "witness-key.pem"
CONFIG_FILE = "witness.json"


class Refusal(Exception):
    def __init__(self, status: int, body: str, content_type: str = "text/plain") -> None:
        super().__init__(body)
        self.status, self.body, self.content_type = status, body, content_type


class Witness:
    """The witness's directory: key, configuration (its name and the logs it witnesses) and
    the state file of each log."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        config = json.loads((self.dir / CONFIG_FILE).read_text())
        key = serialization.load_pem_private_key((self.dir / KEY_FILE).read_bytes(), password=None)
        self.signer = tlog.Signer(config["name"], key, tlog.SIG_COSIGNATURE_V1)
        self.logs = {}
        for vkey in config["logs"]:
            verifier = tlog.Verifier.from_vkey(vkey)
            self.logs[verifier.name] = verifier
        self._lock = threading.Lock()

    def _state(self, origin: str) -> Path:
        return self.dir / "state" / (hashlib.sha256(origin.encode()).hexdigest() + ".checkpoint")

    def latest(self, origin: str) -> str | None:
        path = self._state(origin)
        return path.read_text() if path.exists() else None

    def add_checkpoint(self, body: str, now: int) -> str:
        """The C2SP add-checkpoint call: the cosignature line, or Refusal."""
        head, sep, note = body.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines[0].startswith("old ") or not lines[0][4:].isdigit():
            raise Refusal(400, "the body is: old SIZE, proof lines, a blank line, the checkpoint\n")
        old = int(lines[0][4:])
        try:
            proof = [tlog.unb64(line) for line in lines[1:]]
            text, _ = tlog.note_split(note)
            origin = text.split("\n", 1)[0]
        except tlog.ProofError as exc:
            raise Refusal(400, f"{exc}\n") from None
        log = self.logs.get(origin)
        if log is None:
            raise Refusal(404, "unknown log\n")
        try:
            checkpoint = tlog.checkpoint_verify(note, log)
        except tlog.ProofError:
            raise Refusal(403, "no valid signature of the log\n") from None
        if old > checkpoint.size:
            raise Refusal(400, "old size is larger than the checkpoint's\n")
        # Check and persist atomically, across threads and processes sharing the directory.
        with self._lock, open(self.dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            previous = self.latest(origin)
            seen = tlog.Checkpoint.parse(tlog.note_split(previous)[0]) if previous else None
            seen_size = seen.size if seen else 0
            if old != seen_size:
                raise Refusal(409, f"{seen_size}\n", "text/x.tlog.size")
            if seen and seen.size == checkpoint.size and seen.root != checkpoint.root:
                raise Refusal(409, f"{seen_size}\n", "text/x.tlog.size")
            try:
                tlog.verify_consistency(
                    old, checkpoint.size, seen.root if seen else tlog.EMPTY_ROOT, checkpoint.root, proof
                )
            except tlog.ProofError:
                raise Refusal(422, "the consistency proof does not verify\n") from None
            line = tlog.cosign(checkpoint.text(), self.signer, now)
            path = self._state(origin)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(note + line)
            with open(tmp) as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        return line


def make_handler(witness: Witness, clock):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: str, content_type: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            if self.path.rstrip("/") != "/add-checkpoint":
                return self._send(404, "not found\n")
            length = int(self.headers.get("Content-Length") or 0)
            if length > 1 << 16:
                return self._send(400, "too large\n")
            try:
                self._send(200, witness.add_checkpoint(self.rfile.read(length).decode(), int(clock())))
            except Refusal as refusal:
                self._send(refusal.status, refusal.body, refusal.content_type)
            except UnicodeDecodeError:
                self._send(400, "not UTF-8\n")

        def do_GET(self) -> None:  # noqa: N802
            url = urllib.parse.urlparse(self.path)
            if url.path.rstrip("/") == "/checkpoint":
                origin = urllib.parse.parse_qs(url.query).get("origin", [""])[0]
                latest = witness.latest(origin)
                return self._send(200, latest) if latest else self._send(404, "no checkpoint cosigned yet\n")
            if url.path.rstrip("/") == "/vkey":
                return self._send(200, witness.signer.verifier.vkey() + "\n")
            return self._send(404, "not found\n")

        def log_message(self, format, *args) -> None:  # noqa: A002
            return  # no request log: checkpoints are public, and nothing else is received

    return Handler


def init(directory: Path, name: str, log_keys: list[str]) -> str:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_path = directory / KEY_FILE
    if not key_path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    for key in log_keys:
        tlog.Verifier.from_vkey(key)  # refuse a malformed key now
    (directory / CONFIG_FILE).write_text(json.dumps({"name": name, "logs": log_keys}, indent=1))
    return Witness(directory).signer.verifier.vkey()


def main(argv: list[str] | None = None) -> int:
    import time

    parser = argparse.ArgumentParser(
        prog="python -m egov.exchange.witness", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    p_init = commands.add_parser("init", help="Create the witness's key and configuration in DIR.")
    p_init.add_argument("--dir", type=Path, required=True)
    p_init.add_argument(
        "--name", required=True, help="The witness's key name, e.g. witness.agency.example/w1"
    )
    p_init.add_argument("--log-key", action="append", required=True, help="A log's verifier key; repeatable.")
    p_serve = commands.add_parser("serve", help="Serve add-checkpoint over HTTP.")
    p_serve.add_argument("--dir", type=Path, required=True)
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.add_argument("--port", type=int, default=9781, help="0 picks a free port, printed on start.")
    args = parser.parse_args(argv)
    if args.command == "init":
        print(init(args.dir, args.name, args.log_key))
        return 0
    witness = Witness(args.dir)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(witness, time.time))
    print(
        f"witness {witness.signer.name} listening on http://{args.host}:{server.server_address[1]}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
