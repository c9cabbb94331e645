"""The bid's persistence seam (`procurement.store`): on PostgreSQL the plain-SQL path and the
ORM path read the same facts and store the same bid, receipt and audit event; on every other
database the ORM path is the only one, and the rules (tests/procurement/test_bids.py) run
above both."""

import pytest
from django.db import connection

from egov.core.models import AuditEvent
from egov.procurement import services, store
from egov.procurement.models import Bid
from tests.procurement.conftest import seal


@pytest.fixture
def paths(monkeypatch):
    """Switch the store's path: "sql" (PostgreSQL only) or "orm"."""

    def take(path: str) -> None:
        if path == "sql" and connection.vendor != "postgresql":
            pytest.skip("the plain-SQL path is PostgreSQL's")
        monkeypatch.setattr(store, "postgresql_fast_path", lambda: path == "sql")

    return take


@pytest.mark.parametrize("order", [("sql", "orm", "sql"), ("orm", "orm", "orm")])
def test_both_paths_store_the_same_bid_receipt_and_audit_event(
    tender, hana, hanbit, hanbit_supplier, paths, order
):
    dashed = f"{hanbit.brn[:3]}-{hanbit.brn[3:5]}-{hanbit.brn[5:]}"
    made = []
    for n, path in enumerate(order):
        paths(path)
        brn = dashed if n == 0 else hanbit.brn
        made.append(
            services.bid_submit(
                actor=hana, number=tender.number, brn=brn, sealed=seal(tender, hanbit.brn, 72 - n)
            )
        )
    stored = list(Bid.objects.filter(tender=tender).order_by("pk"))
    assert [b.pk for b in stored] == [b.pk for b in made]
    assert [b.state for b in stored] == ["replaced", "replaced", "live"]
    for returned, bid in zip(made, stored, strict=True):
        assert services.receipt_verify(bid) == ""
        assert (returned.receipt, returned.receipt_signature, returned.submitted_at) == (
            bid.receipt, bid.receipt_signature, bid.submitted_at,
        )  # fmt: skip
        opened = (bid.price, bid.content, bid.picks, bid.rank, bid.invalid_reason, bid.excluded_reason)
        assert (*opened, bid.score) == (None, "", [], None, "", "", None)
        assert bid.submitted_by == hana and bid.supplier == hanbit_supplier
    assert [b.state_changed_at for b in stored[:2]] == [stored[1].submitted_at, stored[2].submitted_at]
    events = AuditEvent.objects.filter(
        action="procurement.bid_submit", object_type="procurement.bid"
    ).order_by("id")
    assert [(e.actor_id, e.object_id, e.after, e.before, e.reason, e.legal_basis) for e in events] == [
        (
            hana.pk,
            str(bid.pk),
            {"tender": tender.number, "sealed_sha256": bid.sealed_sha256, "replaced": replaced},
            {},
            "",
            "",
        )
        for bid, replaced in zip(stored, [[], [stored[0].pk], [stored[1].pk]], strict=True)
    ]


def test_both_paths_read_the_same_facts(tender, hana, minsu, hanbit, hanbit_supplier, donghae, postgres_only):
    from django.db import transaction

    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70))
    cases = [
        {"number": tender.number, "brn": hanbit.brn, "user_id": hana.pk},  # all there, one live bid
        {"number": tender.number, "brn": hanbit.brn, "user_id": minsu.pk},  # not represented
        {"number": tender.number, "brn": donghae.brn, "user_id": minsu.pk},  # not a supplier
        {"number": "nope", "brn": hanbit.brn, "user_id": hana.pk},  # no tender
        {"number": tender.number, "brn": "", "user_id": None},  # no business, nobody
    ]
    for case in cases:
        with transaction.atomic():
            sql = store.bidder_facts_sql(**case, reserve_id=False)
            orm = store.bidder_facts_orm(**case)
        assert sql == orm, case
    assert sql.business_id is None and sql.tender_id == tender.pk


def test_the_sql_path_reserves_the_new_bids_id_only_when_tender_and_supplier_exist(
    tender, hana, hanbit, hanbit_supplier, postgres_only
):
    from django.db import transaction

    with transaction.atomic():
        found = store.bidder_facts_sql(number=tender.number, brn=hanbit.brn, user_id=hana.pk)
        missing = store.bidder_facts_sql(number="nope", brn=hanbit.brn, user_id=hana.pk)
    assert isinstance(found.new_bid_id, int) and missing.new_bid_id is None
