"""The load of the two-node drill, through HAProxy, on several threads for DURATION seconds:
every fifth request an agency system asks for an API token (it writes a row, the token's
checksum, and answers only after its COMMIT: a 200 with a token is an acknowledged write), the
others are readiness probes of the database (`/readyz`, cheap, so that many requests cross the
moment a node dies). A failed request is retried once (as a client would); the drill then
checks every acknowledged token is in the database.

    python scripts/drill_load_client.py URL CLIENT_ID SECRET OUT.json DURATION THREADS
"""

import base64
import http.client
import json
import sys
import threading
import time
import urllib.error
import urllib.request


def request_token(url: str, basic: str) -> str:
    request = urllib.request.Request(  # noqa: S310 (the drill's own loopback URL)
        url,
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)["access_token"]


def probe(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        if response.status != 200:
            raise ValueError(f"status {response.status}")
        response.read()


def main() -> None:
    url, client_id, secret, out = sys.argv[1:5]
    duration, threads = float(sys.argv[5]), int(sys.argv[6])
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    lock = threading.Lock()
    results = {"requests": 0, "first_try_failed": 0, "failed_after_retry": 0, "tokens": [], "errors": []}
    deadline = time.time() + duration

    readyz = url.split("/api/")[0] + "/readyz"

    def run() -> None:
        count = 0
        while time.time() < deadline:
            count += 1
            for attempt in (1, 2):
                try:
                    if count % 5 == 0:
                        token = request_token(url, basic)
                        with lock:
                            results["tokens"].append(token)
                    else:
                        probe(readyz)
                    with lock:
                        results["requests"] += 1
                    break
                except (
                    urllib.error.URLError,
                    http.client.HTTPException,
                    OSError,
                    ValueError,
                    KeyError,
                ) as exc:
                    with lock:
                        if attempt == 1:
                            results["first_try_failed"] += 1
                        else:
                            results["requests"] += 1
                            results["failed_after_retry"] += 1
                            results["errors"].append(f"{time.time():.1f} {type(exc).__name__}: {exc}"[:200])
                    time.sleep(0.2)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with open(out, "w") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main()
