"""Time a camt.054 file of 100,000 credits imported and reconciled on PostgreSQL (target: < 30 s).

    export EGOV_DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_payments_bench
    export EGOV_SECRET_KEY=bench-secret-key-0123456789-abcdefghijklmnop
    export EGOV_DATA_DIR=var/payments-bench
    .venv/bin/python benchmarks/payments_camt054.py --recreate

1. Creates the database named by EGOV_DATABASE_URL (--recreate drops it first), migrates it,
   and adds one agency, one payer and --entries open payment orders (default 100,000) with
   bulk inserts, each with its own virtual account.
2. Builds a camt.054.001.08 notification of --entries credits in memory: 93% pay their order
   exactly, 3% pay part, 2% pay too much, 2% go to accounts no order has.
3. Times `statement_import` end to end — parsing, XSD validation, matching by virtual account,
   the entries, the queue items and the orders written, one transaction — then the same file
   again (recognised, nothing changes) and an end-of-day camt.053 repeating every credit
   (each credit looked up by its bank reference and skipped).
"""

import argparse
import os
import sys
import time

import measure  # the sibling module benchmarks/measure.py

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
TARGET_SECONDS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("EGOV_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set EGOV_DATABASE_URL to a PostgreSQL database.")
    measure.database_create(url, recreate=args.recreate)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from egov.accounts.models import User
    from egov.payments.iso20022 import CAMT053, Credit, notification_build
    from egov.payments.models import BankEntry, PaymentOrder
    from egov.payments.services import due_date_for
    from egov.payments.statements import statement_import
    from egov.payments.virtual_accounts import virtual_account_new
    from egov.registry.models import Agency

    call_command("migrate", "--noinput", verbosity=0)
    if BankEntry.objects.exists():
        sys.exit("The database has imported credits already; run with --recreate.")
    started = time.perf_counter()
    with transaction.atomic():
        agency, _ = Agency.objects.get_or_create(
            code="1741000",
            defaults={"name_ko": "행정안전부", "name_en": "Ministry of the Interior", "kind": "ministry"},
        )
        # Any user can be a payer; an official needs no resident row behind it.
        payer, _ = User.objects.get_or_create(
            username="bench.payer", defaults={"kind": User.Kind.OFFICIAL, "agency": agency}
        )
        due = due_date_for()
        accounts = set()
        while len(accounts) < args.entries:
            accounts.add(virtual_account_new())
        PaymentOrder.objects.bulk_create(
            (
                PaymentOrder(
                    payer=payer,
                    agency=agency,
                    purpose="벤치마크 수수료",
                    amount=10_000 + (i % 50) * 1_000,
                    due_date=due,
                    virtual_account=account,
                )
                for i, account in enumerate(sorted(accounts))
            ),  # fmt: skip
            batch_size=2000,
        )
    print(f"{args.entries:,} open orders in {time.perf_counter() - started:.1f} s")

    orders = list(PaymentOrder.objects.order_by("id").values_list("virtual_account", "amount"))
    today = timezone.localdate()
    credits = []
    for i, (account, amount) in enumerate(orders):
        bucket = i % 100
        if bucket < 3:
            amount //= 2  # partial
        elif bucket < 5:
            amount += 5_000  # overpaid
        elif bucket < 7:
            account = f"{settings.EGOV_PAYMENT_VA_PREFIX}{i:010d}"  # no such order
        credits.append(
            Credit(bank_ref=f"B{today:%Y%m%d}{i:09d}", account=account, amount=amount, booked_on=today,
                   debtor_name="홍길동", debtor_account=f"1102{i:08d}", debtor_bank="004")
        )  # fmt: skip
    started = time.perf_counter()
    content = notification_build(
        message_id="BENCH-054",
        created_at=timezone.now(),
        account=settings.EGOV_PAYMENT_ACCOUNT,
        credits=credits,
    )
    built = time.perf_counter() - started
    print(f"camt.054 of {len(credits):,} credits built: {len(content) / 1e6:.1f} MB in {built:.1f} s")

    started = time.perf_counter()
    result = statement_import(actor=None, content=content, source="benchmark")
    took = time.perf_counter() - started
    print(f"import and reconcile: {took:.1f} s  {result.counts}")
    started = time.perf_counter()
    again = statement_import(actor=None, content=content, source="benchmark")
    took_again = time.perf_counter() - started
    print(f"the same file again: {took_again:.1f} s (already={again.already})")
    eod = notification_build(
        message_id="BENCH-053",
        created_at=timezone.now(),
        account=settings.EGOV_PAYMENT_ACCOUNT,
        credits=credits,
        version=CAMT053,
    )
    started = time.perf_counter()
    repeat = statement_import(actor=None, content=eod, source="benchmark")
    took_eod = time.perf_counter() - started
    print(f"end-of-day camt.053 repeating them: {took_eod:.1f} s  repeated={repeat.counts['repeated']:,}")
    print(f"target < {TARGET_SECONDS} s: {'met' if took < TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
