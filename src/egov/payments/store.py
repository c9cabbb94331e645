"""The statement import's batched reads and writes (plain values in, plain values out).

Batches of `BATCH` keys per statement, so 100,000 credits are a few dozen round trips rather
than a few hundred thousand (docs/benchmarks.md). On PostgreSQL the changed orders are written
by one UPDATE joined to arrays of their new values (`unnest`); the ORM's `bulk_update` (a CASE
with one branch per row, evaluated for every row) takes minutes for 100,000 orders.
"""

from collections.abc import Iterable

from django.db import connection

from egov.core.db import postgresql_fast_path
from egov.payments.models import BankEntry, PaymentOrder, Reconciliation

BATCH = 5000  # keys in one look-up
ROWS = 2000  # rows in one INSERT: PostgreSQL takes at most 65,535 parameters a statement


def _chunks(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start : start + size]


_ENTRIES = BankEntry._meta.db_table
REFS_KNOWN_SQL = f'SELECT "bank_ref" FROM "{_ENTRIES}" WHERE "bank_ref" = ANY(%s)'  # noqa: S608 (names from the model)
ORDERS_LOCK_SQL = (
    f'SELECT * FROM "{PaymentOrder._meta.db_table}" WHERE "virtual_account" = ANY(%s) '  # noqa: S608 (names from the model)
    'ORDER BY "id" FOR UPDATE'
)


def bank_refs_known(refs: Iterable[str]) -> set[str]:
    """The references among `refs` already recorded (PostgreSQL: one statement, one array)."""
    refs = list(refs)
    if postgresql_fast_path():
        with connection.cursor() as cursor:
            cursor.execute(REFS_KNOWN_SQL, [refs])
            return {ref for (ref,) in cursor.fetchall()}
    known: set[str] = set()
    for chunk in _chunks(refs):
        known.update(BankEntry.objects.filter(bank_ref__in=chunk).values_list("bank_ref", flat=True))
    return known


def orders_lock_by_account(accounts: Iterable[str]) -> dict[str, PaymentOrder]:
    """The orders of these virtual accounts, locked until the transaction ends (in id order, so
    two imports lock alike), by account. PostgreSQL: one statement, one array."""
    accounts = sorted(accounts)
    if postgresql_fast_path():
        return {o.virtual_account: o for o in PaymentOrder.objects.raw(ORDERS_LOCK_SQL, [accounts])}
    found: dict[str, PaymentOrder] = {}
    for chunk in _chunks(accounts):
        for order in (
            PaymentOrder.objects.select_for_update().filter(virtual_account__in=chunk).order_by("id")
        ):
            found[order.virtual_account] = order
    return found


def entries_insert(entries: list[BankEntry]) -> None:
    """Insert the entries (their ids set on them where the database returns them)."""
    BankEntry.objects.bulk_create(entries, batch_size=ROWS)


_ORDERS = PaymentOrder._meta.db_table
ORDERS_UPDATE_SQL = (
    f'UPDATE "{_ORDERS}" AS o SET "paid_amount" = v.paid, "state" = v.state, "paid_at" = v.paid_at '  # noqa: S608 (names from the model)
    "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, paid, state, paid_at) "
    'WHERE o."id" = v.id'
)


def orders_update(orders: list[PaymentOrder]) -> None:
    """Write the paid amount, state and payment time of changed orders."""
    if not orders:
        return
    if postgresql_fast_path():
        with connection.cursor() as cursor:
            cursor.execute(
                ORDERS_UPDATE_SQL,
                [[o.pk for o in orders], [o.paid_amount for o in orders], [o.state for o in orders],
                 [o.paid_at for o in orders]],
            )  # fmt: skip
        return
    PaymentOrder.objects.bulk_update(orders, ["paid_amount", "state", "paid_at"], batch_size=ROWS)


def reconciliations_insert(items: list) -> None:
    """Insert the reconciliation queue's new items."""
    Reconciliation.objects.bulk_create(items, batch_size=ROWS)
