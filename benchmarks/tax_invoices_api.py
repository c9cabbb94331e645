"""E-tax invoices received through the HTTP API, schema-validated, signed and stored, on
PostgreSQL (issue 18; target: at least 500 a second).

    .venv/bin/python benchmarks/tax_invoices_api.py --recreate
    .venv/bin/python benchmarks/tax_invoices_api.py --invoices 20000 --batch 200 --clients 4

1. Database `egov_tax_bench` on PostgreSQL at 127.0.0.1 (EGOV_TAX_BENCH_DATABASE_URL) is
   created (dropped first with --recreate) and migrated; a benchmark-only EGOV_SECRET_KEY and
   data directory `var/tax-bench` (the platform key that signs). Through the ORM: the National
   Tax Service and one tax office, one selling business with its representative and --buyers
   buying businesses (valid business numbers). The representative's portal session is
   written to the session store as `login()` writes it (the login is not what is measured),
   with a CSRF token sent as cookie and X-CSRFToken header.
2. gunicorn as `make run` (2 workers x 4 threads) on a free port.
3. --clients threads post every invoice once to `POST /api/v1/tax/invoices/batch`, --batch
   invoices a request (one line each, 10% VAT, each to one of the buyers, each with its own
   issuer_ref), as fast as the server answers. Each answer must say every item was received.
4. Checks after: exactly --invoices invoices stored, each with a 24-digit approval number, one
   audit event each; a sample's XML validates against the EN 16931 schema and its signature
   verifies with the platform's public key. Prints invoices a second and the p50/p99 latency
   of a batch request.
"""

import argparse
import base64
import datetime as dt
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
URL = os.environ.get("EGOV_TAX_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/egov_tax_bench")
SECRET = "tax-bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a benchmark-only key
DATA = ROOT / "var" / "tax-bench"
TARGET = 500


def prepare(buyers: int):
    """The seller, its representative, the buyers; returns (seller brn, user, buyer brns)."""
    from egov.accounts.models import BusinessRepresentation, User
    from egov.core.crypto import blind_index, encrypt_id
    from egov.core.ids import brn_check_digit, rrn_build
    from egov.registry.models import Agency, Business, Resident
    from egov.tax.models import TaxInvoice, TaxOffice

    nts, _ = Agency.objects.get_or_create(
        code="1210000", defaults={"name_ko": "국세청", "name_en": "NTS", "kind": "office"}
    )
    city, _ = Agency.objects.get_or_create(
        code="3000000", defaults={"name_ko": "종로구", "name_en": "Jongno", "kind": "local"}
    )
    office_agency, _ = Agency.objects.get_or_create(
        code="1210101",
        defaults={"name_ko": "종로세무서", "name_en": "Jongno Tax Office", "kind": "office", "parent": nts},
    )
    office, _ = TaxOffice.objects.get_or_create(agency=office_agency)
    office.jurisdictions.add(city)
    user = User.objects.filter(username="bench.tax.seller").first()
    if user is None:
        digits = rrn_build(dt.date(1980, 1, 1), "M", 1)
        owner = Resident.objects.create(
            rrn_encrypted=encrypt_id(digits), rrn_index=blind_index(digits), rrn_head=digits[:7],
            name_ko="김판매",
            name_en="Kim Seller", birth_date=dt.date(1980, 1, 1), sex="M", agency=city,
            road_address="서울특별시 종로구 종로 1", postal_code="03154",
        )  # fmt: skip

        def brn(n: int) -> str:
            nine = f"2{n:08d}"
            return nine + str(brn_check_digit(nine))

        rows = [
            Business(brn=brn(n), name=f"벤치상사{n}", representative=owner, agency=city,
                     opened_on=dt.date(2020, 1, 1),
                     road_address="서울특별시 종로구 종로 1", postal_code="03154")
            for n in range(buyers + 1)
        ]  # fmt: skip
        Business.objects.bulk_create(rows)
        user = User.objects.create_user(
            username="bench.tax.seller", password=secrets.token_hex(8), kind="business"
        )
        BusinessRepresentation.objects.create(
            user=user, business=Business.objects.get(brn=brn(0)), since=dt.date(2020, 1, 1)
        )
    seller = BusinessRepresentation.objects.get(user=user).business
    buyer_brns = list(
        Business.objects.exclude(pk=seller.pk).order_by("pk").values_list("brn", flat=True)[:buyers]
    )
    TaxInvoice.objects.filter(issuer=seller).delete()  # a fresh run; the audit rows stay
    return seller.brn, user, buyer_brns


def session_for(user) -> tuple[str, str]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from egov.core.middleware import SessionRefreshMiddleware

    key = secrets.token_hex(16)
    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        SessionRefreshMiddleware.KEY: int(time.time()),
    }
    expire = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.create(session_key=key, session_data=SessionStore().encode(data), expire_date=expire)
    return key, _get_new_csrf_string()


def invoice(n: int, buyer: str) -> dict:
    supply = 10_000 + (n % 997) * 1_000
    tax = supply // 10
    return {
        "issuer_ref": f"BENCH-{n:08d}", "buyer_brn": buyer, "write_date": "2026-11-30",
        "supply_amount": supply, "tax_amount": tax, "total_amount": supply + tax,
        "lines": [{"name": "사무용품", "quantity": 1, "unit_price": supply, "supply_amount": supply,
                   "tax_amount": tax}],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args()
    env = measure.egov_env(URL, DATA, SECRET, EGOV_DB_CONN_MAX_AGE="900")
    os.environ.update({k: v for k, v in env.items() if k.startswith(("EGOV_", "DJANGO_"))})
    measure.database_create(URL, recreate=args.recreate)
    subprocess.run([str(BIN / "egov"), "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([str(BIN / "egov"), "keys", "init"], env=env, check=True, stdout=subprocess.DEVNULL)

    import django

    django.setup()
    import requests

    seller, user, buyers = prepare(args.buyers)
    session, csrf = session_for(user)
    bodies = []
    for start in range(0, args.invoices, args.batch):
        items = [
            invoice(n, buyers[n % len(buyers)]) for n in range(start, min(start + args.batch, args.invoices))
        ]
        bodies.append({"issuer_brn": seller, "invoices": items})

    port = measure.free_port()
    log = open(DATA / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "egov.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        sys.exit("gunicorn did not answer")
    latencies, failures, lock = [], [], threading.Lock()
    queue = list(reversed(bodies))
    cookies = {"sessionid": session, "csrftoken": csrf}

    def client() -> None:
        http = requests.Session()
        http.cookies.update(cookies)
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            t0 = time.perf_counter()
            response = http.post(
                base + "/api/v1/tax/invoices/batch", json=body, headers={"X-CSRFToken": csrf, "Referer": base}
            )
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200 or response.json()["received"] != len(body["invoices"]):
                    failures.append(response.text[:300])

    pids = measure.server_pids(server.pid)
    db_pids = measure.backend_pids(URL)
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cpu0, db_cpu0 = measure.cpu_seconds(pids), measure.cpu_seconds(db_pids)
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = measure.cpu_seconds(pids) - cpu0
    db_cpu = measure.cpu_seconds(measure.backend_pids(URL)) - db_cpu0  # backends opened meanwhile: all theirs
    server.terminate()
    server.wait(timeout=30)
    log.close()

    from egov.core import keys
    from egov.core.models import AuditEvent
    from egov.tax import cii
    from egov.tax.models import TaxInvoice

    stored = TaxInvoice.objects.filter(issuer__brn=seller)
    count = stored.count()
    audits = AuditEvent.objects.filter(
        action="tax.invoice_issue", object_id__in=[str(p) for p in stored.values_list("pk", flat=True)]
    ).count()
    key = keys.platform_key()
    for sample in stored.order_by("?")[:20]:
        cii.xml_validate(bytes(sample.xml))
        assert keys.signature_valid(key.public_key, base64.b64decode(sample.signature), bytes(sample.xml))
    rate = count / wall
    latencies.sort()
    p99 = latencies[max(int(len(latencies) * 0.99) - 1, 0)]
    passed = rate >= TARGET and count == args.invoices and not failures
    print(f"invoices: {args.invoices} in batches of {args.batch}, {args.clients} clients")
    print(f"server: gunicorn {args.workers} workers x {args.threads} threads; load before: {load_before}")
    print(f"stored {count}, audit events {audits}, failures {len(failures)}")
    for failure in failures[:3]:
        print("  ", failure)
    print(
        f"wall {wall:.2f} s; CPU: app {cpu:.1f} s ({cpu / count * 1000:.2f} ms an invoice), "
        f"PostgreSQL {db_cpu:.1f} s ({db_cpu / count * 1000:.2f} ms an invoice)"
    )
    print(f"batch latency p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    print(f"{rate:.0f} invoices a second (target >= {TARGET}): {'PASS' if passed else 'MISSED'}")


if __name__ == "__main__":
    main()
