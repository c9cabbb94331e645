"""The exchange layer's persistence seam (`exchange.store`): its look-ups and writes give the
same answers on every database, and on PostgreSQL an entry hashed by the database is the one
Python would have made."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

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


def test_an_entry_hashed_by_the_database_is_the_one_python_makes(catalogue, pension_system, postgres_only):
    values = {
        "consumer": pension_system.agency, "client_id": "nps-benefits", "item_code": "resident.abstract",
        "subject": None, "fields": ["name_ko", "주소"], "purpose": "확인 \"quoted\" \\ \u2028",
        "basis": "grant:1", "outcome": "granted", "error_code": "",
    }  # fmt: skip
    with transaction.atomic():
        by_python = accesslog.AccessLogEntry(at=timezone.now(), **values)
        head = store.access_log_lock_and_head()
        by_python.seq, by_python.prev_hash = (head[0] + 1, head[1]) if head else (1, accesslog.GENESIS_HASH)
        by_python.entry_hash = accesslog.entry_hash(by_python)
        by_python.pk = store.access_log_insert(by_python)
        by_database = AccessLogEntry(at=timezone.now(), **values)
        parts = accesslog._canonical_parts(
            accesslog._utc_iso(by_database.at),
            *(getattr(by_database, c) for c in accesslog.CANONICAL_COLUMNS[2:14]),
        )
        _id, seq, prev, digest = store.access_log_append_hashed(
            by_database, parts, genesis=accesslog.GENESIS_HASH
        )
    by_database.seq, by_database.prev_hash = seq, prev
    assert (seq, prev) == (by_python.seq + 1, by_python.entry_hash)
    assert digest == accesslog.entry_hash(by_database)
    assert connection.connection._pipeline is None


@pytest.mark.django_db
def test_the_chain_is_read_in_seq_order_with_canonical_times(catalogue, pension_system):
    with transaction.atomic():
        for n in range(3):
            accesslog.access_log_append(
                consumer=pension_system.agency, client_id="c", item_code="resident.abstract", subject=None,
                fields=["a"], purpose=f"p{n}", basis="grant:1", outcome="granted", error_code="",
            )  # fmt: skip
    with store.access_log_chain_read():
        rows = list(
            store.access_log_chain_rows(
                head=2, columns=accesslog.CANONICAL_COLUMNS, chunk_size=1, utc_iso=accesslog._utc_iso
            )
        )
    stored = list(AccessLogEntry.objects.order_by("seq")[:2])
    assert [r[0] for r in rows] == [1, 2]
    assert [r[1] for r in rows] == [accesslog._utc_iso(e.at) for e in stored]
    assert [r[-1] for r in rows] == [e.entry_hash for e in stored]
