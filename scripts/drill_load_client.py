"""The load of the two-node drill: agency systems asking for API tokens through HAProxy, one
request after another on several threads for DURATION seconds. Each token request writes a row
(the token's checksum) and answers only after its COMMIT: a 200 with a token is an acknowledged
write. A failed request is retried once (as a client or HAProxy's own retry would); the drill
then checks every acknowledged token is in the database.

    python scripts/drill_load_client.py URL CLIENT_ID SECRET OUT.json DURATION THREADS
"""

import base64
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


def main() -> None:
    url, client_id, secret, out = sys.argv[1:5]
    duration, threads = float(sys.argv[5]), int(sys.argv[6])
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    lock = threading.Lock()
    results = {"requests": 0, "first_try_failed": 0, "failed_after_retry": 0, "tokens": [], "errors": []}
    deadline = time.time() + duration

    def run() -> None:
        while time.time() < deadline:
            for attempt in (1, 2):
                try:
                    token = request_token(url, basic)
                    with lock:
                        results["requests"] += 1
                        results["tokens"].append(token)
                    break
                except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
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
