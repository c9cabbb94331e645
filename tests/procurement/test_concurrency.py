"""At the same moment: one supplier's bids, and two committee members' shares."""

import pytest
from django.db import connection

from egov.procurement import services
from egov.procurement.models import Bid, Tender
from tests.procurement.conftest import close, seal
from tests.registry.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL row locks; SQLite serialises writers anyway")


def test_five_bids_of_one_supplier_at_once_leave_one_live_bid(tender, hana, hanbit, hanbit_supplier):
    sealed = [seal(tender, hanbit.brn, 70_000_000 + n) for n in range(5)]
    outcomes = run_together(
        *(
            lambda s=s: services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=s)
            for s in sealed
        )
    )
    assert all(isinstance(o, Bid) for o in outcomes), outcomes
    assert Bid.objects.filter(state="live").count() == 1
    assert Bid.objects.filter(state="replaced").count() == 4


def test_three_shares_at_once_open_the_tender_once(tender, committee, shares, hana, hanbit, hanbit_supplier):
    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70))
    close(tender)
    outcomes = run_together(
        *(
            lambda m=m: services.opening_share_submit(actor=m, number=tender.number, share=shares[m.username])
            for m in committee
        )
    )
    assert sum(isinstance(o, Tender) for o in outcomes) >= 2, outcomes
    tender.refresh_from_db()
    assert tender.state == "opened"
    assert Bid.objects.get().rank == 1
