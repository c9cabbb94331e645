"""A VAT return pre-filled for a business with 100,000 e-tax invoices in the period, on
PostgreSQL (issue 18; target: under 1 s).

    .venv/bin/python benchmarks/tax_vat_prefill.py --recreate   # egov_tax_bench, as tax_invoices_api.py
    .venv/bin/python benchmarks/tax_vat_prefill.py --invoices 100000 --noise 100000

1. In the database of benchmarks/tax_invoices_api.py (--recreate drops and creates it),
   migrated, one business gets --invoices e-tax invoices in period 2026-2 (70% issued by it to the other
   businesses, 30% received from them), and --noise more invoices among the other businesses
   and in period 2026-1, so the query has rows to leave out. The rows are written with
   `tax.store.invoices_write` (COPY), each carrying the same valid signed CII document: the
   pre-fill reads only the figures, and building 200,000 documents is not what is measured.
2. `tax.selectors.vat_prefill` — the one aggregate query `vat_return_prepare` and
   `vat_return_file` run — is timed --repeat times after VACUUM (ANALYZE), which autovacuum
   runs on its own minutes after such a load (it sets the visibility map that index-only
   scans need); prints each, the best and
   the worst, and the query plan (EXPLAIN ANALYZE).
"""

import argparse
import datetime as dt
import os
import random
import subprocess
import time
from pathlib import Path

import measure  # the sibling module benchmarks/measure.py
from tax_invoices_api import BIN, DATA, SECRET, URL, prepare

TARGET_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--noise", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--recreate", action="store_true", help="drop and create the database first")
    args = parser.parse_args()
    env = measure.egov_env(URL, DATA, SECRET)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("EGOV_", "DJANGO_"))})
    Path(DATA).mkdir(parents=True, exist_ok=True)
    measure.database_create(URL, recreate=args.recreate)
    subprocess.run([str(BIN / "egov"), "migrate", "--noinput", "-v", "0"], env=env, check=True)

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from egov.core import keys
    from egov.registry.models import Business
    from egov.tax import cii, selectors, store
    from egov.tax.models import TaxInvoice

    seller_brn, user, buyer_brns = prepare(200)
    business = Business.objects.get(brn=seller_brn)
    others = list(Business.objects.filter(brn__in=buyer_brns))
    if TaxInvoice.objects.exists():
        raise SystemExit("The database has invoices already; run with --recreate.")
    key = keys.platform_key()
    document = cii.Invoice(
        approval_number="0", kind_code="380", write_date="20261130",
        seller=cii.Party(business.brn, business.name, "", ""),
        buyer=cii.Party(others[0].brn, others[0].name, "", ""),
        lines=(cii.Line("사무용품", 1, 10_000, 10_000, 1_000, 10),), supply_amount=10_000, tax_amount=1_000,
        total_amount=11_000,
    )  # fmt: skip
    xml = cii.invoice_xml(document)
    signature = __import__("base64").b64encode(key.sign(xml)).decode()
    rng = random.Random(18)  # noqa: S311 - benchmark data
    now = timezone.now()
    serial = iter(range(10**9))

    def row(issuer, buyer, period: str) -> TaxInvoice:
        n = next(serial)
        supply = rng.randrange(1, 1000) * 1_000
        day = dt.date(2026, 11, 30) if period == "2026-2" else dt.date(2026, 5, 31)
        return TaxInvoice(
            approval_number=f"{day:%Y%m%d}0101{n:012d}", issuer=issuer, buyer=buyer, issuer_ref=f"P-{n}",
            request_digest="0" * 64, write_date=day, period=period, supply_amount=supply,
            tax_amount=supply // 10,
            total_amount=supply + supply // 10, item_summary="사무용품", xml=xml, sha256="0" * 64,
            signature=signature, key_id=key.key_id, received_at=now,
        )  # fmt: skip

    started = time.perf_counter()
    rows = []
    for n in range(args.invoices):
        other = others[n % len(others)]
        rows.append(row(business, other, "2026-2") if n % 10 < 7 else row(other, business, "2026-2"))
    for n in range(args.noise):
        a, b = others[n % len(others)], others[(n + 1) % len(others)]
        rows.append(row(a, b, "2026-2" if n % 2 else "2026-1"))
    for start in range(0, len(rows), 5000):
        with transaction.atomic():
            store.invoices_write(rows[start : start + 5000], lambda invoice: _audit(invoice))
    with connection.cursor() as cursor:  # what autovacuum does minutes after a load like this one
        cursor.execute(f"VACUUM (ANALYZE) {TaxInvoice._meta.db_table}")
    print(
        f"wrote {len(rows):,} invoices in {time.perf_counter() - started:.1f} s; "
        f"load: {os.getloadavg()[0]:.1f}"
    )

    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        figures = selectors.vat_prefill(business=business, period="2026-2")
        timings.append(time.perf_counter() - t0)
    assert figures["sales_count"] + figures["purchase_count"] == args.invoices, figures
    print("figures:", figures)
    print("runs (s):", ", ".join(f"{t:.3f}" for t in timings))
    with CaptureQueriesContext(connection) as captured:
        selectors.vat_prefill(business=business, period="2026-2")
    sql = captured.captured_queries[-1]["sql"]  # the selector's one query, with its values inlined
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        print("\n".join(line for (line,) in cursor.fetchall()))
    worst = max(timings)
    print(f"pre-fill of {args.invoices:,} invoices: best {min(timings):.3f} s, worst {worst:.3f} s "
          f"(target < {TARGET_SECONDS} s): {'PASS' if worst < TARGET_SECONDS else 'MISSED'}")  # fmt: skip


def _audit(invoice) -> dict:
    from egov.core.audit import audit_row

    return audit_row(
        actor=None, action="tax.invoice_benchmark", object_type="tax.taxinvoice", object_id=invoice.pk
    )


if __name__ == "__main__":
    main()
