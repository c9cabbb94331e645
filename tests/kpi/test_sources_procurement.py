"""KONEPS' indicators from real awards: a tender published, sealed bids submitted, opened by
the committee and awarded through procurement's services, then the worker's tick."""

from egov.procurement import services
from tests.kpi.helpers import tick_and_read
from tests.procurement.conftest import *  # noqa: F403  (the procurement cast, as fixtures)
from tests.procurement.conftest import seal
from tests.procurement.test_award_ocds import open_tender


def test_an_award_counts_its_bids_below_estimate_and_electronic_share_for_the_buying_agency(
    tender,
    committee,
    shares,
    hana,
    hanbit,
    hanbit_supplier,
    minsu,
    donghae,
    donghae_supplier,
    bob,
    jongno,
    gangnam,
):
    assert tick_and_read("bids_per_tender", jongno) is None  # nothing awarded yet
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_100_000)
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 69_900_000)
    )
    open_tender(tender, committee, shares)
    assert tick_and_read("bids_per_tender", jongno) is None  # opened is not awarded
    award = services.tender_award(actor=bob, number=tender.number)

    assert tick_and_read("bids_per_tender", jongno, award.awarded_at) == 2.0
    assert tick_and_read("procurement_electronic_share", jongno, award.awarded_at) == 100.0
    # 69,900,000 is below the base price (72,000,000) and below any reserve price drawn around it
    expected_below = 100.0 if award.amount < _estimate(tender) else 0.0
    assert tick_and_read("award_below_estimate", jongno, award.awarded_at) == expected_below
    assert tick_and_read("bids_per_tender", gangnam, award.awarded_at) is None  # the buyer's, not a bidder's


def _estimate(opened) -> int:
    from egov.procurement.models import ReserveDraw

    draw = ReserveDraw.objects.filter(tender=opened).first()
    return draw.estimated_price if draw else opened.base_price
