"""A bid taken outside any transaction (as the API and the notice page take it) goes to
PostgreSQL through a psycopg pipeline: BEGIN with the lock and the read of the facts, then the
write with the COMMIT. PostgreSQL only: round trips, locks, and the connection left as it was
found; the rules are tests/procurement/test_bids.py's, on every database."""

import psycopg
import pytest
from django.db import connection

from egov.core.errors import ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import services, store
from egov.procurement.models import Bid
from egov.registry.models import Business
from tests.procurement.conftest import close, seal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the pipeline is psycopg's, on PostgreSQL")


@pytest.fixture
def pipelines(monkeypatch):
    """How many pipelines the connection entered (psycopg's own, counted, not replaced)."""
    entered = []
    real = psycopg.Connection.pipeline

    def counted(self):
        entered.append(1)
        return real(self)

    monkeypatch.setattr(psycopg.Connection, "pipeline", counted)
    return entered


def _submit(tender, hana, brn, price):
    return services.bid_submit(actor=hana, number=tender.number, brn=brn, sealed=seal(tender, brn, price))


def test_a_bid_and_its_replacement_are_stored_with_receipts_and_audit(
    tender, hana, hanbit, hanbit_supplier, pipelines
):
    first = _submit(tender, hana, hanbit.brn, 72_000_000)
    second = _submit(tender, hana, hanbit.brn, 71_000_000)
    assert len(pipelines) == 2
    assert connection.connection._pipeline is None and not connection.in_atomic_block
    stored = list(Bid.objects.filter(tender=tender).order_by("pk"))
    assert [b.pk for b in stored] == [first.pk, second.pk]
    assert [b.state for b in stored] == ["replaced", "live"]
    for returned, bid in zip((first, second), stored, strict=True):
        assert services.receipt_verify(bid) == ""
        assert (returned.receipt, returned.submitted_at) == (bid.receipt, bid.submitted_at)
        assert not returned._state.adding
    events = AuditEvent.objects.filter(action="procurement.bid_submit").order_by("id")
    assert [(e.actor_id, e.object_id, e.after) for e in events] == [
        (
            hana.pk,
            str(first.pk),
            {"tender": tender.number, "sealed_sha256": first.sealed_sha256, "replaced": []},
        ),
        (
            hana.pk,
            str(second.pk),
            {"tender": tender.number, "sealed_sha256": second.sealed_sha256, "replaced": [first.pk]},
        ),
    ]


def test_a_bid_waiting_for_the_suppliers_lock_reads_the_facts_after_it(tender, hana, hanbit, hanbit_supplier):
    """Another session holds the supplier's row and closes the business before it lets go:
    the bid waiting for the lock must see the business closed (its facts are read by a
    statement that starts after the lock is granted) and write nothing."""
    import threading
    import time

    live = _submit(tender, hana, hanbit.brn, 72_000_000)
    url = connection.settings_dict
    outcome = []

    def bid():
        try:
            outcome.append(_submit(tender, hana, hanbit.brn, 71_000_000))
        except Exception as exc:  # noqa: BLE001 (handed to the test)
            outcome.append(exc)
        finally:
            connection.close()

    with psycopg.connect(
        dbname=url["NAME"], user=url["USER"], host=url["HOST"], port=url["PORT"] or 5432
    ) as other:
        other.execute("SELECT 1 FROM procurement_supplier WHERE id = %s FOR UPDATE", [hanbit_supplier.pk])
        waiting = threading.Thread(target=bid)
        waiting.start()
        with psycopg.connect(
            dbname=url["NAME"], user=url["USER"], host=url["HOST"], port=url["PORT"] or 5432, autocommit=True
        ) as watcher:
            for _ in range(200):  # until the bid waits for the lock (at most 10 s)
                if watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    [url["NAME"]],
                ).fetchone()[0]:
                    break
                time.sleep(0.05)
        other.execute("UPDATE registry_business SET status = 'closed' WHERE id = %s", [hanbit.pk])
        other.commit()
    waiting.join(10)
    assert isinstance(outcome[0], ValidationFailed) and outcome[0].code == "business_closed", outcome
    assert list(Bid.objects.values_list("pk", "state")) == [(live.pk, "live")]  # not replaced either
    assert AuditEvent.objects.filter(action="procurement.bid_submit").count() == 1
    assert Business.objects.get(pk=hanbit.pk).status == "closed"


@pytest.mark.parametrize("why", ["late", "not_supplier"])
def test_a_refusal_inside_the_pipeline_rolls_back_and_leaves_the_connection_usable(
    tender, hana, hanbit, why, pipelines, request
):
    if why == "late":
        request.getfixturevalue("hanbit_supplier")
        close(tender)
    with pytest.raises(ValidationFailed) as exc:
        _submit(tender, hana, hanbit.brn, 70_000_000)
    assert exc.value.code == why
    assert len(pipelines) == 1
    assert connection.connection._pipeline is None and not connection.in_atomic_block
    assert not Bid.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_inside_a_callers_transaction_no_pipeline_is_used(tender, hana, hanbit, hanbit_supplier, pipelines):
    from django.db import transaction

    with transaction.atomic():
        bid = _submit(tender, hana, hanbit.brn, 70_000_000)
    assert pipelines == []
    assert Bid.objects.get().pk == bid.pk


def test_a_supplier_found_unlocked_is_locked_and_read_again(
    tender, hana, hanbit, hanbit_supplier, monkeypatch
):
    """The representation (or the supplier) may appear between the lock and the read of the
    facts, sent together: the facts then name a supplier whose row is not locked, and the
    store locks it and reads again before anything is decided. Here the first lock finds no
    row, as it would in that race."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE lock_race")  # this session's
    monkeypatch.setattr(
        store, "LOCK_SQL", store.LOCK_SQL.replace(" FOR UPDATE", " AND nextval('lock_race') > 1 FOR UPDATE")
    )
    bid = _submit(tender, hana, hanbit.brn, 70_000_000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM lock_race")
        assert cursor.fetchone() == (2,)  # the lock was taken on the second try
    assert connection.connection._pipeline is None and not connection.in_atomic_block
    stored = Bid.objects.get()
    assert (stored.pk, stored.submitted_by_id, stored.state) == (bid.pk, hana.pk, "live")
    assert services.receipt_verify(stored) == ""


def test_a_database_error_in_the_write_rolls_back_and_leaves_the_connection_usable(
    tender, hana, hanbit, hanbit_supplier, pipelines
):
    """The write's error comes back with the COMMIT (here a primary key taken twice, as after a
    sequence restored too low): nothing is written and no pipeline or transaction is left."""
    from django.db import IntegrityError

    live = _submit(tender, hana, hanbit.brn, 72_000_000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('procurement_bid', 'id'), %s, false)", [live.pk])
    with pytest.raises(IntegrityError):
        _submit(tender, hana, hanbit.brn, 71_000_000)
    assert connection.connection._pipeline is None and not connection.in_atomic_block
    assert connection.get_autocommit() and not connection.needs_rollback
    assert list(Bid.objects.values_list("pk", "state")) == [(live.pk, "live")]
    assert AuditEvent.objects.filter(action="procurement.bid_submit").count() == 1
    assert _submit(tender, hana, hanbit.brn, 71_000_000).state == "live"


def test_a_bid_outside_a_transaction_takes_two_round_trips(tender, hana, hanbit, hanbit_supplier, tmp_path):
    """What goes over the wire for one bid (libpq's own trace): BEGIN and the locking read, then
    the server's answer; the write and COMMIT, then the answer. No other wait, no `SELECT 1`."""
    from psycopg import pq

    _submit(tender, hana, hanbit.brn, 72_000_000)  # the connection is open and warm
    trace = tmp_path / "libpq.trace"
    pgconn = connection.connection.pgconn
    with open(trace, "w") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            _submit(tender, hana, hanbit.brn, 71_000_000)
        finally:
            pgconn.untrace()
    text = trace.read_text()
    direction = [line[0] for line in text.splitlines() if line[:2] in ("F\t", "B\t")]
    # A round trip: messages sent, then the server's answers (a Sync or a Flush made them come).
    round_trips = sum(1 for a, b in zip(direction, direction[1:], strict=False) if (a, b) == ("F", "B"))
    assert round_trips == 2, text
    assert '"BEGIN"' in text and '"COMMIT"' in text and '"SELECT 1" 0' not in text  # no health check
