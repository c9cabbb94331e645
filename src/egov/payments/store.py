"""The statement import's batched reads and writes (plain values in, plain values out).

All in the ORM, on every database: batches of `BATCH` keys per statement, so 100,000 credits
are a few dozen round trips rather than a few hundred thousand (docs/benchmarks.md).
"""

from collections.abc import Iterable

from egov.payments.models import BankEntry, PaymentOrder

BATCH = 5000


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bank_refs_known(refs: Iterable[str]) -> set[str]:
    """The references among `refs` already recorded."""
    known: set[str] = set()
    for chunk in _chunks(list(refs)):
        known.update(BankEntry.objects.filter(bank_ref__in=chunk).values_list("bank_ref", flat=True))
    return known


def orders_lock_by_account(accounts: Iterable[str]) -> dict[str, PaymentOrder]:
    """The orders of these virtual accounts, locked until the transaction ends, by account."""
    found: dict[str, PaymentOrder] = {}
    for chunk in _chunks(sorted(accounts)):  # sorted: two imports lock in the same order
        for order in (
            PaymentOrder.objects.select_for_update().filter(virtual_account__in=chunk).order_by("id")
        ):
            found[order.virtual_account] = order
    return found


def entries_insert(entries: list[BankEntry]) -> None:
    """Insert the entries (their ids set on them where the database returns them)."""
    BankEntry.objects.bulk_create(entries, batch_size=BATCH)


def orders_update(orders: list[PaymentOrder]) -> None:
    """Write the paid amount, state and payment time of changed orders."""
    PaymentOrder.objects.bulk_update(orders, ["paid_amount", "state", "paid_at"], batch_size=BATCH)
