"""The exchange layer's persistence seam (`exchange.store`): its look-ups and writes give the
same answers on every database, and on PostgreSQL an entry hashed by the database is the one
Python would have made."""

import datetime as dt

import pytest
from django.db import transaction

from egov.exchange import accesslog, store
from egov.exchange.models import AccessLogEntry, QueryReceipt


def test_the_item_and_the_consumers_grant_are_read_together(catalogue, approved_grant, pension, mois):
    found = store.item_and_grant_get(
        code="resident.abstract", consumer_id=pension.pk, grant_id=approved_grant.pk
    )
    item_id, fields, grant = found
    assert item_id == catalogue["resident.abstract"].pk and fields == catalogue["resident.abstract"].fields
    assert grant == ("approved", dt.date(2024, 1, 1), dt.date(2030, 12, 31), ["name_ko", "address"])
    # Another agency's grant, or none named: the item alone.
    assert (
        store.item_and_grant_get(code="resident.abstract", consumer_id=mois.pk, grant_id=approved_grant.pk)[2]
        is None
    )
    assert (
        store.item_and_grant_get(code="resident.abstract", consumer_id=pension.pk, grant_id=None)[2] is None
    )
    assert store.item_and_grant_get(code="no.such.item", consumer_id=pension.pk, grant_id=None) is None


def test_a_receipt_written_is_read_back_with_its_answer(catalogue, pension_system):
    with transaction.atomic():
        entry = accesslog.access_log_append(
            consumer=pension_system.agency, client_id="nps-benefits", item_code="resident.abstract",
            subject=None, fields=[], purpose="test", basis="grant:1", outcome="refused",
            error_code="no_basis",
        )  # fmt: skip
        body = {"code": "no_basis", "message": "이유", "field": "basis"}
        store.receipt_insert(
            client_id="nps-benefits", message_id="m-1", status=403, body=body, entry_id=entry.pk,
        )  # fmt: skip
    assert store.receipt_answer_get(client_id="nps-benefits", message_id="m-1") == (403, body)
    assert store.receipt_answer_get(client_id="nps-benefits", message_id="m-2") is None
    assert QueryReceipt.objects.get().log_entry_id == entry.pk


@pytest.mark.django_db
def test_an_append_is_a_pending_leaf_and_the_tree_rows_come_in_seq_order_with_canonical_times(
    catalogue, pension_system
):
    with transaction.atomic():
        for n in range(3):
            entry = accesslog.access_log_append(
                consumer=pension_system.agency, client_id="c", item_code="resident.abstract", subject=None,
                fields=["a"], purpose=f"p{n}", basis="grant:1", outcome="granted", error_code="",
            )  # fmt: skip
            assert entry.seq is None and entry.entry_hash == accesslog.entry_leaf_hash(entry).hex()
    accesslog.access_log_integrate()
    with store.access_log_chain_read():
        rows = list(store.access_log_tree_rows(start=0, columns=accesslog.CANONICAL_COLUMNS, chunk_size=1))
    stored = list(AccessLogEntry.objects.order_by("seq"))
    assert [r[0] for r in rows] == [1, 2, 3]
    assert [r[1] for r in rows] == [accesslog._utc_iso(e.at) for e in stored]
    assert [r[-2] for r in rows] == [e.entry_hash for e in stored]
    assert [bytes(r[-1]).hex() for r in rows] == [e.entry_hash for e in stored]


def _entry(purpose: str) -> dict:
    return dict(
        consumer=None, client_id="nps-benefits", item_code="resident.abstract", subject=None, fields=[],
        purpose=purpose, basis="grant:1", outcome="granted", error_code="",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_a_transaction_is_one_statement_with_its_queue_row():
    """No BEGIN, no COMMIT: on PostgreSQL the entry and its queue row are one statement in
    autocommit (elsewhere a transaction of their own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.exchange.models import AccessLogPending

    with CaptureQueriesContext(connection) as queries:
        entry = accesslog.access_log_append(**_entry("혼자"))
    if connection.vendor == "postgresql":
        assert len(queries) == 1 and "INSERT" in queries[0]["sql"]
    assert AccessLogPending.objects.filter(entry_id=entry.pk).exists()
    assert accesslog.access_log_integrate().integrated == 1
    assert AccessLogEntry.objects.get(pk=entry.pk).seq == 1


@pytest.mark.django_db(transaction=True)
def test_an_entry_with_its_receipt_is_one_statement_and_a_second_copy_writes_nothing():
    from django.db import IntegrityError, connection
    from django.test.utils import CaptureQueriesContext

    from egov.exchange.models import AccessLogPending

    body = {"data": {"name_ko": "김민아"}, "log_id": None, "message_id": "m-1"}
    receipt = store.Receipt(client_id="nps-benefits", message_id="m-1", status=200, body=body)
    with CaptureQueriesContext(connection) as queries:
        entry = accesslog.access_log_append(receipt=receipt, **_entry("첫 번째"))
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    assert store.receipt_answer_get(client_id="nps-benefits", message_id="m-1") == (
        200, {**body, "log_id": entry.pk},
    )  # fmt: skip
    assert QueryReceipt.objects.get().log_entry_id == entry.pk
    with pytest.raises(IntegrityError):
        accesslog.access_log_append(receipt=receipt, **_entry("두 번째"))
    assert list(AccessLogEntry.plain.values_list("purpose", flat=True)) == ["첫 번째"]
    assert list(AccessLogPending.objects.values_list("entry_id", flat=True)) == [entry.pk]
