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
            log_id_from_entry=False,
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
