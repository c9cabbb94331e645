"""Sealed bids: submitted, replaced or withdrawn until the deadline, by the server's clock.

The server sees only the sealed string (`crypto`); it checks its form, not its content.
Who may bid is checked at every bid, against the business register as it is now: a
registered supplier, represented by the actor, active (not closed or suspended), supplying
one of the tender's categories. Refusals are logged (no personal data) before they are raised.
"""

import datetime as dt
import json
import logging

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import pq

from egov.accounts.models import BusinessRepresentation, User
from egov.core import keys
from egov.core.audit import audit_record
from egov.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import crypto
from egov.procurement.models import Bid, CommitteeMember, Supplier, Tender
from egov.procurement.selectors import lookup_text
from egov.procurement.services.suppliers import business_for_representative, business_require_active
from egov.registry.models import Business

logger = logging.getLogger(__name__)

# The bid's hot path is plain SQL (docs/benchmarks.md, issue 7: the closing-hour burst): the
# ORM's statement building cost about as much as the statements. Names come from the models.
_T, _S, _B = Tender._meta.db_table, Supplier._meta.db_table, Business._meta.db_table
_R, _C, _BID = BusinessRepresentation._meta.db_table, CommitteeMember._meta.db_table, Bid._meta.db_table
# The tender, whether a committee share is still uncollected, the supplier of the business
# `brn` that the actor represents, its row locked (the lock serialises one supplier's bids),
# the business's status (read again after the lock by WRITE_SQL), and the new bid's id (the
# receipt, signed before the insert, names it). No row: one of them is missing, and `_bidder`
# says which.
BIDDER_SQL = (
    f'SELECT t."id", t."state", t."deadline", t."categories", '  # noqa: S608 (names from the models)
    f'EXISTS (SELECT 1 FROM "{_C}" m WHERE m."tender_id" = t."id" AND m."collected_at" IS NULL), '
    f's."id", s."categories", b."status", '
    f"nextval(pg_get_serial_sequence('\"{_BID}\"', 'id')) "
    f'FROM "{_T}" t, "{_B}" b JOIN "{_S}" s ON s."business_id" = b."id" '
    f'WHERE t."number" = %s AND b."brn" = %s '
    f'AND EXISTS (SELECT 1 FROM "{_R}" r WHERE r."business_id" = b."id" AND r."user_id" = %s) '
    "FOR UPDATE OF s"
)
# One statement, its snapshot taken after the lock (as the ORM path's refresh_from_db): read
# the business's status again and, only if it is still active, replace the supplier's live bid
# on the tender, insert the bid with its signed receipt and its audit event
# (`core.audit.audit_record`'s row, naming the bids replaced). Answers the status: anything
# but active means nothing was written. Data-modifying CTEs run in no set order, but a
# statement that reads another's rows waits for them: the insert reads `replaced` (through
# `ids`), so the live bid is replaced before the new one is inserted, as the partial unique
# constraint (one live bid per supplier and tender) needs.
WRITE_SQL = (
    f'WITH status AS (SELECT b."status" FROM "{_B}" b JOIN "{_S}" s ON s."business_id" = b."id" '  # noqa: S608
    'WHERE s."id" = %(supplier)s), '
    f'replaced AS (UPDATE "{_BID}" SET "state" = %(replaced)s, "state_changed_at" = %(now)s '
    'WHERE "tender_id" = %(tender)s AND "supplier_id" = %(supplier)s AND "state" = %(live)s '
    'AND (SELECT "status" FROM status) = %(active)s RETURNING "id"), '
    """ids AS (SELECT COALESCE(jsonb_agg("id" ORDER BY "id"), '[]'::jsonb) AS "replaced" FROM replaced), """
    f'bid AS (INSERT INTO "{_BID}" ("id", "tender_id", "supplier_id", "submitted_by_id", "sealed", '
    '"sealed_sha256", "submitted_at", "state", "receipt", "receipt_signature", "receipt_key_id", '
    '"content", "picks", "invalid_reason", "excluded_reason") '
    "SELECT %(bid)s, %(tender)s, %(supplier)s, %(actor)s, %(sealed)s, %(sha)s, %(now)s, %(live)s, "
    "%(receipt)s, %(signature)s, %(key_id)s, '', '[]'::jsonb, '', '' FROM ids "
    'WHERE (SELECT "status" FROM status) = %(active)s RETURNING "id"), '
    f'audit AS (INSERT INTO "{AuditEvent._meta.db_table}" ("at", "actor_id", "action", "object_type", '
    '"object_id", "reason", "legal_basis", "before", "after") '
    "SELECT %(now)s, %(actor)s, 'procurement.bid_submit', %(label)s, bid.\"id\"::text, '', '', '{}'::jsonb, "
    "jsonb_build_object('tender', %(number)s::text, 'sealed_sha256', %(sha)s::text, "
    "'replaced', ids.\"replaced\") "
    "FROM bid, ids) "
    'SELECT "status" FROM status'
)


def _refused(exc: ServiceError, *, actor, tender: str, action: str) -> ServiceError:
    logger.warning(
        "procurement %s refused: tender=%s code=%s field=%s", action, tender, exc.code, exc.field,
        extra={"user_id": getattr(actor, "pk", None)},
    )  # fmt: skip
    return exc


def _require_published(state: str) -> None:
    """A cancelled notice (its bids stay sealed for good) or an opened one takes no bid."""
    if state == Tender.State.CANCELLED:
        raise Conflict(_("This notice is cancelled: it takes no bids."), field="tender", code="cancelled")
    if state != Tender.State.PUBLISHED:
        raise Conflict(_("This tender no longer takes bids."), field="tender")


def _bidder(*, actor: User, number: str, brn: str) -> tuple[Tender, Supplier, dt.datetime]:
    """The tender, the supplier (row locked) and the time that decided "before the deadline"."""
    tender = Tender.objects.filter(number=lookup_text(number)).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    business = business_for_representative(actor=actor, brn=brn)
    # The supplier row is the lock: one supplier's bids on any tender are serialised.
    supplier = Supplier.objects.select_for_update().filter(business=business).first()
    if supplier is None:
        raise ValidationFailed(
            _("This business is not a registered supplier."), field="brn", code="not_supplier"
        )
    business.refresh_from_db(fields=["status"])
    business_require_active(business)
    _require_published(tender.state)
    now = timezone.now()  # taken after the lock: the time the receipt states is the time checked
    if now >= tender.deadline:
        raise ValidationFailed(_("The submission deadline has passed."), field="deadline", code="late")
    if tender.committee.filter(collected_at__isnull=True).exists():
        raise Conflict(_("Bidding opens when the opening committee has its key shares."), field="tender")
    return tender, supplier, now


def receipt_payload(bid: Bid, *, number: str | None = None, brn: str | None = None) -> dict:
    """What the receipt signs. `number` and `brn`, when the caller has them, spare the look-ups
    of the bid's tender and supplier."""
    return {
        "type": "egov.procurement.bid-receipt",
        "tender": number if number is not None else bid.tender.number,
        "supplier": brn if brn is not None else bid.supplier.business.brn,
        "bid": bid.pk,
        "submitted_at": bid.submitted_at.isoformat(),
        "sealed_sha256": bid.sealed_sha256,
    }


def receipt_verify(bid: Bid, *, key: keys.PlatformKey | None = None, number: str | None = None) -> str:
    """'' when the bid's stored sealed string matches its receipt and the platform's signature
    on the receipt holds; otherwise the reason. `key` (the platform key) and `number` (the
    tender's) spare the opening their look-up for each of its bids."""
    key = key or keys.platform_key()
    try:
        signature = crypto.b64u_decode(bid.receipt_signature)
    except crypto.SealError:
        return "the receipt's signature is malformed"
    if bid.receipt_key_id != key.key_id or not keys.signature_valid(
        key.public_key, signature, bid.receipt.encode()
    ):
        return "the receipt's signature does not verify"
    if crypto.canonical(receipt_payload(bid, number=number)).decode() != bid.receipt:
        return "the receipt does not match the bid"
    if crypto.sealed_digest(bid.sealed) != bid.sealed_sha256:
        return "the sealed bid does not match the hash in its receipt"
    return ""


def bid_submit(*, actor: User, number: str, brn: str, sealed: str) -> Bid:
    """Take a sealed bid from the supplier `brn` (represented by `actor`) for tender `number`.
    A live bid of the same supplier is replaced. Returns the bid with its signed receipt.

    On PostgreSQL, called outside any transaction (as the API and the notice page call it),
    the transaction takes two round trips to the server (`_bid_submit_pipelined`); inside a
    caller's transaction the same two statements run in a savepoint. A refusal, or a row that
    is missing, takes the ORM path, which names what is missing (docs/procurement.md)."""
    brn = brn.replace("-", "").strip() if isinstance(brn, str) else brn
    if connection.vendor != "postgresql" or not (
        getattr(actor, "is_authenticated", False)
        and actor.is_business
        and lookup_text(number)
        and isinstance(brn, str)
        and brn.isdigit()
        and len(brn) == 10
    ):
        with transaction.atomic():
            return _bid_submit_orm(actor=actor, number=number, brn=brn, sealed=sealed)  # refused there
    if connection.in_atomic_block:
        with transaction.atomic():
            bid, written = _bid_submit_sql(actor=actor, number=number, brn=brn, sealed=sealed)
            if written is None:
                return _bid_submit_orm(actor=actor, number=number, brn=brn, sealed=sealed)
    else:
        bid, written = _bid_submit_pipelined(actor=actor, number=number, brn=brn, sealed=sealed)
        if written is None:  # rolled back; the ORM path names what is missing (or, in a race, takes it)
            with transaction.atomic():
                return _bid_submit_orm(actor=actor, number=number, brn=brn, sealed=sealed)
    # The transaction is over, and the write's answer has come back with it.
    status = written.fetchone()[0]
    written.close()
    try:
        business_require_active(Business(status=status))  # as it was once the lock was held
    except ServiceError as exc:  # nothing was written: the statement wrote only for an active one
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="bid") from None
    bid._state.adding = False
    bid._state.db = "default"
    return bid


def _bid_submit_pipelined(*, actor: User, number: str, brn: str, sealed: str):
    """`_bid_submit_sql` in a transaction of its own, in two round trips: BEGIN and the locking
    read go together and their answer is awaited (the receipt needs it); the write and COMMIT
    go with the Sync that ends the psycopg pipeline. The supplier's row is locked for one
    turnaround to this process. BEGIN and COMMIT are sent as statements, on a connection in
    autocommit mode: through Django's `atomic`, psycopg would wait for its BEGIN, and for a
    Sync when Django turns autocommit back on, before the one that ends the pipeline
    (docs/benchmarks.md, issue 7). Whatever goes wrong, no transaction is left open."""
    connection.ensure_connection()
    pgconn = connection.connection
    bid = written = None
    try:
        with connection.wrap_database_errors, pgconn.pipeline():
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
            bid, written = _bid_submit_sql(actor=actor, number=number, brn=brn, sealed=sealed)
            if written is not None:
                with connection.cursor() as cursor:
                    cursor.execute("COMMIT")
    finally:
        # A refusal, a missing row or a failed statement: the transaction is still open (an
        # explicit one outlives the pipeline's Sync), or aborted, or the connection is gone.
        if not pgconn.closed and pgconn.info.transaction_status != pq.TransactionStatus.IDLE:
            with connection.wrap_database_errors:
                pgconn.execute("ROLLBACK")
    return bid, written


def _bid_submit_sql(*, actor: User, number: str, brn: str, sealed: str):
    """The bid through plain SQL in the current transaction: (bid, the write's cursor, its
    answer not yet read), or (None, None) when a row is missing (the ORM path names it)."""
    with connection.cursor() as cursor:
        cursor.execute(BIDDER_SQL, [str(number), str(brn), getattr(actor, "pk", None)])
        row = cursor.fetchone()
    if row is None:  # something is missing: the ORM path names it (and locks as before)
        return None, None
    tender_id, state, deadline, tender_categories, waiting, supplier_id, categories, status, bid_id = row
    try:
        business_require_active(Business(status=status))
        _require_published(state)
        now = timezone.now()  # taken after the lock: the time the receipt states is the time checked
        if now >= deadline:
            raise ValidationFailed(_("The submission deadline has passed."), field="deadline", code="late")
        if waiting:
            raise Conflict(_("Bidding opens when the opening committee has its key shares."), field="tender")
        _eligible_and_well_formed(_json(categories), _json(tender_categories), sealed)
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="bid") from None
    bid = Bid(
        pk=bid_id,
        tender_id=tender_id,
        supplier_id=supplier_id,
        submitted_by=actor,
        sealed=sealed,
        sealed_sha256=crypto.sealed_digest(sealed),
        submitted_at=now,
    )
    _receipt_sign(bid, number=str(number), brn=brn)
    written = connection.cursor()
    written.execute(
        WRITE_SQL,
        {
            "supplier": supplier_id, "tender": tender_id, "bid": bid_id, "actor": actor.pk, "now": now,
            "replaced": Bid.State.REPLACED, "live": Bid.State.LIVE, "active": Business.Status.ACTIVE,
            "sealed": sealed, "sha": bid.sealed_sha256, "receipt": bid.receipt,
            "signature": bid.receipt_signature, "key_id": bid.receipt_key_id,
            "label": Bid._meta.label_lower, "number": str(number),
        },
    )  # fmt: skip
    return bid, written


def _json(value):
    """A jsonb column read with plain SQL (Django has psycopg hand jsonb over as text)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _eligible_and_well_formed(categories: list, tender_categories: list, sealed: str) -> None:
    if not set(categories) & set(tender_categories):
        raise ValidationFailed(
            _("The supplier is not registered for this tender's product categories."),
            field="brn",
            code="not_eligible",
        )
    try:
        crypto.sealed_parse(sealed)
    except crypto.SealError as exc:
        raise ValidationFailed(
            _("The sealed bid is malformed: %(why)s.") % {"why": exc}, field="sealed"
        ) from None


def _receipt_sign(bid: Bid, *, number: str, brn: str) -> None:
    key = keys.platform_key()
    bid.receipt = crypto.canonical(receipt_payload(bid, number=number, brn=brn)).decode()
    bid.receipt_signature = crypto.b64u(key.sign(bid.receipt.encode()))
    bid.receipt_key_id = key.key_id


def _bid_submit_orm(*, actor: User, number: str, brn: str, sealed: str) -> Bid:
    """`bid_submit` through the ORM: on other databases, and to name what is missing."""
    try:
        tender, supplier, now = _bidder(actor=actor, number=number, brn=brn)
        _eligible_and_well_formed(supplier.categories, tender.categories, sealed)
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="bid") from None
    replaced = list(
        Bid.objects.filter(tender=tender, supplier=supplier, state=Bid.State.LIVE).values_list(
            "pk", flat=True
        )
    )
    Bid.objects.filter(pk__in=replaced).update(state=Bid.State.REPLACED, state_changed_at=now)
    bid = Bid.objects.create(
        tender=tender,
        supplier=supplier,
        submitted_by=actor,
        sealed=sealed,
        sealed_sha256=crypto.sealed_digest(sealed),
        submitted_at=now,
        receipt="",
        receipt_signature="",
    )
    _receipt_sign(bid, number=tender.number, brn=supplier.business.brn)
    bid.save(update_fields=["receipt", "receipt_signature", "receipt_key_id"])
    audit_record(
        actor=actor,
        action="procurement.bid_submit",
        obj=bid,
        after={"tender": tender.number, "sealed_sha256": bid.sealed_sha256, "replaced": replaced},
    )
    return bid


@transaction.atomic
def bid_withdraw(*, actor: User, number: str, brn: str) -> Bid:
    """Withdraw the supplier's live bid before the deadline."""
    try:
        tender, supplier, now = _bidder(actor=actor, number=number, brn=brn)
        bid = Bid.objects.filter(tender=tender, supplier=supplier, state=Bid.State.LIVE).first()
        if bid is None:
            raise NotFound(_("There is no bid to withdraw."), field="bid")
    except ServiceError as exc:
        raise _refused(exc, actor=actor, tender=str(number)[:30], action="withdrawal") from None
    bid.state = Bid.State.WITHDRAWN
    bid.state_changed_at = now
    bid.save(update_fields=["state", "state_changed_at"])
    audit_record(actor=actor, action="procurement.bid_withdraw", obj=bid, after={"state": bid.state})
    return bid
