"""Procurement's persistence seam: the facts a bid's rules need, and the decided bid written.

The rules are `services.bids`'; this module only reads and writes, with plain values, and
picks the path in one place (`bid_transaction`): on PostgreSQL plain SQL, pipelined when no
transaction is open (a bid in two round trips, docs/benchmarks.md, issue 7); elsewhere the
ORM. Both paths lock the supplier's row before reading the facts, so the facts are those of
a moment when no other bid of that supplier is in flight.
"""

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction

from egov.accounts.models import BusinessRepresentation, User
from egov.core.db import insert_fields, insert_params, insert_sql, pipelined_transaction, postgresql_fast_path
from egov.core.db.audit import audit_insert_params, audit_insert_sql
from egov.core.models import AuditEvent
from egov.procurement.models import Bid, BidToken, CommitteeMember, Supplier, Tender
from egov.registry.models import Business


@dataclasses.dataclass(frozen=True)
class BidderFacts:
    """What `bid_submit` and `bid_withdraw` decide on. A missing row gives None ids."""

    tender_id: int | None
    tender_state: str
    deadline: dt.datetime | None
    tender_categories: list[str]
    committee_waiting: bool  # a committee member has not collected their key share yet
    business_id: int | None
    business_status: str
    represented: bool  # the user represents the business
    supplier_id: int | None  # its row locked until the transaction ends, when represented
    supplier_categories: list[str]
    live_bid_ids: list[int]  # the supplier's live bids on the tender
    new_bid_id: int | None  # reserved for the bid to come on PostgreSQL; None with the ORM


@dataclasses.dataclass(frozen=True)
class BidWrite:
    """A bid as decided: stored live, replacing `replaced_ids`, with its audit event."""

    tender_id: int
    supplier_id: int
    submitted_by_id: int
    sealed: str
    sealed_sha256: str
    submitted_at: dt.datetime
    replaced_ids: list[int]
    audit: dict[str, Any]  # `core.audit.audit_row`; its object_id is set to the bid's id


class BidTransaction:
    """The facts, read with the supplier locked, and `bid_write` for the decision."""

    def __init__(self, facts: BidderFacts, *, sql: bool) -> None:
        self.facts = facts
        self._sql = sql

    def bid_write(self, decided: BidWrite, *, sign: Callable[[Bid], None]) -> Bid:
        """Replace the live bids named, store the bid and its audit event. `sign` fills the
        receipt of the bid given (its id and time set), before it is stored on PostgreSQL
        (the id was reserved), right after its insert with the ORM."""
        if self._sql:
            return _bid_write_sql(decided, bid_id=self.facts.new_bid_id, sign=sign)
        return _bid_write_orm(decided, sign=sign)


@contextlib.contextmanager
def bid_transaction(*, number: str, brn: str, user_id: int | None) -> Iterator[BidTransaction]:
    """A transaction for one bid of the business `brn` on tender `number`, by `user_id`: the
    supplier's row locked (when the user represents it), the facts read after the lock, and
    whatever the block writes with `bid_write` committed when it ends. An exception rolls it
    all back. Inside a caller's transaction, a savepoint."""
    if not postgresql_fast_path():
        with transaction.atomic():
            yield BidTransaction(bidder_facts_orm(number=number, brn=brn, user_id=user_id), sql=False)
    elif connection.in_atomic_block:
        with transaction.atomic():
            yield BidTransaction(bidder_facts_sql(number=number, brn=brn, user_id=user_id), sql=True)
    else:
        # Two round trips: BEGIN, the lock and the facts, answered; then the write and the
        # COMMIT, with the Sync that ends the pipeline.
        with pipelined_transaction():
            yield BidTransaction(bidder_facts_sql(number=number, brn=brn, user_id=user_id), sql=True)


def bidder_facts(*, number: str, brn: str, user_id: int | None) -> BidderFacts:
    """The facts, in the caller's transaction (the supplier stays locked until it ends), by
    the path of this database. No id is reserved."""
    if postgresql_fast_path():
        return bidder_facts_sql(number=number, brn=brn, user_id=user_id, reserve_id=False)
    return bidder_facts_orm(number=number, brn=brn, user_id=user_id)


_T, _S, _B = Tender._meta.db_table, Supplier._meta.db_table, Business._meta.db_table
_R, _C, _BID = BusinessRepresentation._meta.db_table, CommitteeMember._meta.db_table, Bid._meta.db_table
# The lock: the supplier of business `brn`, if the user represents it.
LOCK_SQL = (
    f'SELECT s."id" FROM "{_S}" s JOIN "{_B}" b ON b."id" = s."business_id" '  # noqa: S608 (model names)
    f'WHERE b."brn" = %(brn)s AND EXISTS (SELECT 1 FROM "{_R}" r WHERE r."business_id" = b."id" '
    'AND r."user_id" = %(user)s) FOR UPDATE OF s'
)
# The facts, in a statement of its own so that its snapshot is taken after the lock is
# granted (under READ COMMITTED): it sees every bid the supplier's previous holder committed.
FACTS_SQL = (
    'SELECT t."id", t."state", t."deadline", t."categories", '  # noqa: S608 (model names)
    f'EXISTS (SELECT 1 FROM "{_C}" m WHERE m."tender_id" = t."id" AND m."collected_at" IS NULL), '
    'b."id", b."status", '
    f'EXISTS (SELECT 1 FROM "{_R}" r WHERE r."business_id" = b."id" AND r."user_id" = %(user)s), '
    's."id", s."categories", '
    f'ARRAY(SELECT x."id" FROM "{_BID}" x WHERE x."tender_id" = t."id" AND x."supplier_id" = s."id" '
    'AND x."state" = %(live)s ORDER BY x."id"), '
    f"""CASE WHEN %(reserve)s AND s."id" IS NOT NULL AND t."id" IS NOT NULL """
    f"""THEN nextval(pg_get_serial_sequence('"{_BID}"', 'id')) END """
    f'FROM (SELECT 1) AS one LEFT JOIN "{_T}" t ON t."number" = %(number)s '
    f'LEFT JOIN "{_B}" b ON b."brn" = %(brn)s LEFT JOIN "{_S}" s ON s."business_id" = b."id"'
)
REPLACE_SQL = f'UPDATE "{_BID}" SET "state" = %s, "state_changed_at" = %s WHERE "id" = ANY(%s)'  # noqa: S608 (model names)
_BID_FIELDS = insert_fields(Bid, with_pk=True)


def _json(value) -> Any:
    """A jsonb column read with plain SQL (Django has psycopg hand jsonb over as text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def bidder_facts_sql(*, number: str, brn: str, user_id: int | None, reserve_id: bool = True) -> BidderFacts:
    """PostgreSQL: the lock and the facts, two statements sent together (one round trip)."""
    params = {"number": number, "brn": brn, "user": user_id, "live": Bid.State.LIVE, "reserve": reserve_id}
    with connection.cursor() as lock, connection.cursor() as read:
        lock.execute(LOCK_SQL, params)
        read.execute(FACTS_SQL, params)
        row = read.fetchone()
        locked = lock.fetchone() is not None
        facts = _facts_of(row)
        if facts.represented and facts.supplier_id is not None and not locked:
            # The representation or the supplier was created between the two statements:
            # take the lock now, and read again after it.
            lock.execute(LOCK_SQL, params)
            read.execute(FACTS_SQL, {**params, "reserve": reserve_id and facts.new_bid_id is None})
            row = read.fetchone()
            facts = dataclasses.replace(_facts_of(row), new_bid_id=facts.new_bid_id or row[11])
    return facts


def _facts_of(row: tuple) -> BidderFacts:
    (tender_id, state, deadline, tender_categories, waiting, business_id, status, represented, supplier_id,
     supplier_categories, live, new_id) = row  # fmt: skip
    return BidderFacts(
        tender_id=tender_id,
        tender_state=state or "",
        deadline=deadline,
        tender_categories=_json(tender_categories) or [],
        committee_waiting=bool(waiting),
        business_id=business_id,
        business_status=status or "",
        represented=bool(represented),
        supplier_id=supplier_id,
        supplier_categories=_json(supplier_categories) or [],
        live_bid_ids=list(live or []),
        new_bid_id=new_id,
    )


def bidder_facts_orm(*, number: str, brn: str, user_id: int | None) -> BidderFacts:
    """The same facts through the ORM, the supplier locked first where the database can."""
    represented_id = (
        BusinessRepresentation.objects.filter(user_id=user_id, business__brn=brn)
        .values_list("business_id", flat=True)
        .first()
        if user_id is not None and brn
        else None
    )
    if represented_id is not None:
        list(Supplier.objects.select_for_update().filter(business_id=represented_id).values_list("id"))
    tender = Tender.objects.filter(number=number).values("id", "state", "deadline", "categories").first()
    business = Business.objects.filter(brn=brn).values("id", "status").first() if brn else None
    supplier = (
        Supplier.objects.filter(business_id=business["id"]).values("id", "categories").first()
        if business
        else None
    )
    live = (
        list(
            Bid.objects.filter(tender_id=tender["id"], supplier_id=supplier["id"], state=Bid.State.LIVE)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if tender and supplier
        else []
    )
    return BidderFacts(
        tender_id=tender["id"] if tender else None,
        tender_state=tender["state"] if tender else "",
        deadline=tender["deadline"] if tender else None,
        tender_categories=tender["categories"] if tender else [],
        committee_waiting=bool(tender)
        and CommitteeMember.objects.filter(tender_id=tender["id"], collected_at__isnull=True).exists(),
        business_id=business["id"] if business else None,
        business_status=business["status"] if business else "",
        represented=business is not None and represented_id == business["id"],
        supplier_id=supplier["id"] if supplier else None,
        supplier_categories=supplier["categories"] if supplier else [],
        live_bid_ids=live,
        new_bid_id=None,
    )


def _bid_of(decided: BidWrite, *, bid_id: int | None) -> Bid:
    return Bid(
        pk=bid_id,
        tender_id=decided.tender_id,
        supplier_id=decided.supplier_id,
        submitted_by_id=decided.submitted_by_id,
        sealed=decided.sealed,
        sealed_sha256=decided.sealed_sha256,
        submitted_at=decided.submitted_at,
        receipt="",
        receipt_signature="",
    )


def _bid_write_sql(decided: BidWrite, *, bid_id: int, sign: Callable[[Bid], None]) -> Bid:
    """Plain statements, not waited for: in a pipeline they go with the COMMIT."""
    bid = _bid_of(decided, bid_id=bid_id)
    sign(bid)
    values = {f.attname: getattr(bid, f.attname) for f in _BID_FIELDS}
    audit = {**decided.audit, "object_id": str(bid_id)}
    with connection.cursor() as cursor:
        if decided.replaced_ids:
            cursor.execute(REPLACE_SQL, [Bid.State.REPLACED, decided.submitted_at, decided.replaced_ids])
        cursor.execute(insert_sql(Bid, with_pk=True), insert_params(values, _BID_FIELDS))
        cursor.execute(audit_insert_sql(), audit_insert_params(audit, at=decided.submitted_at))
    bid._state.adding = False
    bid._state.db = connection.alias
    return bid


def _bid_write_orm(decided: BidWrite, *, sign: Callable[[Bid], None]) -> Bid:
    Bid.objects.filter(pk__in=decided.replaced_ids).update(
        state=Bid.State.REPLACED, state_changed_at=decided.submitted_at
    )
    bid = _bid_of(decided, bid_id=None)
    bid.save(force_insert=True)
    sign(bid)
    bid.save(update_fields=["receipt", "receipt_signature", "receipt_key_id"])
    AuditEvent.objects.create(**{**decided.audit, "object_id": str(bid.pk)})
    return bid


# The opening's results, one statement for all the bids: `bulk_update`'s CASE per row and
# field cost seconds of query building for 10,000 bids (docs/benchmarks.md, issue 7).
RESULTS_SQL = (
    f'UPDATE "{_BID}" AS b SET "price" = v.price, "content" = v.content, '  # noqa: S608 (model names)
    '"picks" = v.picks::jsonb, "rank" = v.rank, "invalid_reason" = v.invalid_reason, '
    '"excluded_reason" = v.excluded_reason '
    "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::integer[], %s::text[], %s::text[]) "
    "AS v(id, price, content, picks, rank, invalid_reason, excluded_reason) "
    'WHERE b."id" = v.id'
)
RESULT_FIELDS = ["price", "content", "picks", "rank", "invalid_reason", "excluded_reason"]


def bid_results_write(bids: list[Bid]) -> None:
    """Store the opening's results (`RESULT_FIELDS`) of every bid given."""
    if not postgresql_fast_path():
        Bid.objects.bulk_update(bids, RESULT_FIELDS, batch_size=500)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            RESULTS_SQL,
            [
                [b.pk for b in bids],
                [b.price for b in bids],
                [b.content for b in bids],
                [json.dumps(b.picks or []) for b in bids],
                [b.rank for b in bids],
                [b.invalid_reason for b in bids],
                [b.excluded_reason for b in bids],
            ],
        )


_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
# The live token's user, if active and of the kind asked for: one statement per request.
TOKEN_USER_SQL = (
    "SELECT "  # noqa: S608 (names from the models; the values are parameters)
    + ", ".join(f'u."{f.column}"' for f in User._meta.concrete_fields)
    + f' FROM "{BidToken._meta.db_table}" t JOIN "{User._meta.db_table}" u ON u."id" = t."user_id"'
    + ' WHERE t."checksum" = %s AND t."revoked_at" IS NULL AND t."expires_at" > %s'
    + ' AND u."is_active" AND u."kind" = %s'
)


def token_user_get(*, checksum: str, now: dt.datetime, kind: str) -> User | None:
    """The user of the live token with this checksum, if active and of this kind: one
    statement per request (every database runs it)."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_USER_SQL, [checksum, now, kind])
        row = cursor.fetchone()
    return User.from_db("default", _USER_FIELDS, row) if row else None
