"""The e-tax invoice batch's write and the VAT pre-fill's sums, in plain SQL on PostgreSQL.

A batch of invoices and their audit events is three round trips whatever its size: the ids
taken from the table's sequence in one statement, then the invoices and the audit events each
in one COPY. The ORM's `bulk_create` spends more time preparing a 200-row INSERT of ~4 KB rows
than PostgreSQL spends storing it (docs/benchmarks.md, issue 18). Other databases (SQLite, the
demo) take the ORM.
"""

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from egov.core.db import insert_fields, postgresql_fast_path
from egov.core.models import AuditEvent
from egov.tax.models import TaxInvoice

_INVOICE_FIELDS = insert_fields(TaxInvoice, with_pk=True)
_AUDIT_FIELDS = insert_fields(AuditEvent)


def _copy_sql(model, fields) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"


def invoices_write(invoices: list[TaxInvoice], audit_rows) -> None:
    """Store `invoices` (unsaved; their ids are set here) and, once each has its id, the audit
    events `audit_rows(invoice)` describes (`core.audit.audit_row` values), in the caller's
    transaction. A unique constraint broken by any row raises IntegrityError for the batch."""
    if not invoices:
        return
    if not postgresql_fast_path():
        TaxInvoice.objects.bulk_create(invoices)
        if invoices[0].pk is None:
            ids = dict(
                TaxInvoice.objects.filter(
                    approval_number__in=[i.approval_number for i in invoices]
                ).values_list("approval_number", "pk")
            )
            for invoice in invoices:
                invoice.pk = ids[invoice.approval_number]
        AuditEvent.objects.bulk_create([AuditEvent(**audit_rows(i)) for i in invoices], batch_size=500)
        return
    table = TaxInvoice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(invoices)],
        )
        for invoice, (pk,) in zip(invoices, cursor.fetchall(), strict=True):
            invoice.pk = pk
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(_copy_sql(TaxInvoice, _INVOICE_FIELDS)) as copy,
        ):
            for invoice in invoices:
                copy.write_row([_prep(f, f.pre_save(invoice, True)) for f in _INVOICE_FIELDS])
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(_copy_sql(AuditEvent, _AUDIT_FIELDS)) as copy,
        ):
            for invoice in invoices:
                row = audit_rows(invoice)
                event = AuditEvent(**row)
                copy.write_row([_prep(f, f.pre_save(event, True)) for f in _AUDIT_FIELDS])


def _prep(field, value):
    prepared = field.get_db_prep_save(value, connection)
    if isinstance(prepared, memoryview):
        return bytes(prepared)
    return prepared


_TABLE = TaxInvoice._meta.db_table
_SIDE = (
    f'SELECT COALESCE(SUM("supply_amount"), 0), COALESCE(SUM("tax_amount"), 0), COUNT(*) FROM "{_TABLE}" '  # noqa: S608 (names from the model)
    'WHERE "{column}" = %s AND "period" = %s'
)
VAT_FIGURES_SQL = (
    f"SELECT * FROM ({_SIDE.format(column='issuer_id')}) s, ({_SIDE.format(column='buyer_id')}) p"  # noqa: S608 (names from the model)
)


def vat_figures(*, business_id: int, period: str) -> dict[str, int]:
    """Sales (issued) and purchases (received) of the business in the period: supply value,
    tax and count of each. PostgreSQL: one statement of two index-only scans over the covering
    (issuer, period) and (buyer, period) indexes; elsewhere one ORM aggregate."""
    if postgresql_fast_path():
        with connection.cursor() as cursor:
            cursor.execute(VAT_FIGURES_SQL, [business_id, period, business_id, period])
            values = cursor.fetchone()
        keys = (
            "sales_supply",
            "sales_tax",
            "sales_count",
            "purchase_supply",
            "purchase_tax",
            "purchase_count",
        )
        return {key: int(value) for key, value in zip(keys, values, strict=True)}
    mine = Q(issuer_id=business_id)
    theirs = Q(buyer_id=business_id)
    row = TaxInvoice.objects.filter((mine | theirs) & Q(period=period)).aggregate(
        sales_supply=Coalesce(Sum("supply_amount", filter=mine), 0),
        sales_tax=Coalesce(Sum("tax_amount", filter=mine), 0),
        sales_count=Count("id", filter=mine),
        purchase_supply=Coalesce(Sum("supply_amount", filter=theirs), 0),
        purchase_tax=Coalesce(Sum("tax_amount", filter=theirs), 0),
        purchase_count=Count("id", filter=theirs),
    )
    return {key: int(value) for key, value in row.items()}
