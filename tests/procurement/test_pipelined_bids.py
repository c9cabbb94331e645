"""A bid taken outside any transaction (as the API and the notice page take it) goes to
PostgreSQL through a psycopg pipeline: BEGIN with the locking read, then the write with the
COMMIT. It must store exactly what the statement-by-statement path stores, refuse as that path
does, and leave the connection as it found it."""

import psycopg
import pytest
from django.db import connection

from egov.core.errors import ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import services
from egov.procurement.models import Bid
from egov.procurement.services import bids
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


def test_a_business_closed_while_its_bid_is_in_flight_is_refused_and_nothing_is_written(
    tender, hana, hanbit, hanbit_supplier, monkeypatch, pipelines
):
    live = _submit(tender, hana, hanbit.brn, 72_000_000)
    real_sign = bids._receipt_sign
    url = connection.settings_dict

    def closed_meanwhile(bid, **kwargs):
        # Another session closes the business after the supplier row was locked: the write's
        # snapshot, taken after the lock, sees it.
        with psycopg.connect(
            dbname=url["NAME"], user=url["USER"], host=url["HOST"], port=url["PORT"] or 5432, autocommit=True
        ) as other:
            other.execute("UPDATE registry_business SET status = 'closed' WHERE id = %s", [hanbit.pk])
        real_sign(bid, **kwargs)

    monkeypatch.setattr(bids, "_receipt_sign", closed_meanwhile)
    with pytest.raises(ValidationFailed) as exc:
        _submit(tender, hana, hanbit.brn, 71_000_000)
    assert exc.value.code == "business_closed"
    assert list(Bid.objects.values_list("pk", "state")) == [(live.pk, "live")]  # not replaced either
    assert AuditEvent.objects.filter(action="procurement.bid_submit").count() == 1
    assert connection.connection._pipeline is None
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


def test_a_representation_granted_while_the_bid_is_in_flight_takes_the_bid_through_the_orm(
    tender, hanbit, hanbit_supplier, monkeypatch, pipelines
):
    """The locking read found no row (the representation did not exist yet), and the ORM path,
    reading after another session granted it, finds everything: it must take the bid, which it
    cannot inside a pipeline (the ORM reads row counts that a pipeline leaves unknown)."""
    import datetime as dt

    from egov.accounts.models import BusinessRepresentation, User

    jun = User.objects.create_user(username="jun", password="pw", kind="business")
    real_orm = bids._bid_submit_orm
    url = connection.settings_dict

    def granted_meanwhile(**kwargs):
        with psycopg.connect(
            dbname=url["NAME"], user=url["USER"], host=url["HOST"], port=url["PORT"] or 5432, autocommit=True
        ) as other:
            other.execute(
                f'INSERT INTO "{BusinessRepresentation._meta.db_table}" (user_id, business_id, since) '  # noqa: S608
                "VALUES (%s, %s, %s)",
                [jun.pk, hanbit.pk, dt.date(2026, 1, 1)],
            )
        return real_orm(**kwargs)

    monkeypatch.setattr(bids, "_bid_submit_orm", granted_meanwhile)
    bid = _submit(tender, jun, hanbit.brn, 70_000_000)
    assert len(pipelines) == 1
    assert connection.connection._pipeline is None and not connection.in_atomic_block
    stored = Bid.objects.get()
    assert (stored.pk, stored.submitted_by_id, stored.state) == (bid.pk, jun.pk, "live")
    assert services.receipt_verify(stored) == ""
    assert AuditEvent.objects.filter(action="procurement.bid_submit", object_id=str(bid.pk)).exists()


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
