import pytest

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.procurement import services
from egov.procurement.models import Award
from tests.conftest import login_official
from tests.procurement.conftest import close, seal, tender_kwargs


def open_tender(tender, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()


@pytest.fixture
def opened(tender, committee, shares, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_100_000)
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 69_900_000)
    )
    open_tender(tender, committee, shares)
    return tender


def test_the_lowest_valid_price_wins_and_the_reason_is_published(opened, bob, client):
    award = services.tender_award(actor=bob, number=opened.number)
    assert award.bid.supplier.business.name == "동해건설"
    assert award.amount == 69_900_000
    assert "69,900,000" in award.reason
    body = client.get(f"/api/v1/procurement/tenders/{opened.number}").json()
    assert body["award"]["amount"] == 69_900_000
    with pytest.raises(Conflict):
        services.tender_award(actor=bob, number=opened.number)


def test_no_award_before_the_opening_or_by_another_agency(tender, bob, carol, committee):
    with pytest.raises(Conflict):
        services.tender_award(actor=bob, number=tender.number)
    with pytest.raises(NotFound):
        services.tender_award(actor=carol, number=tender.number)
    with pytest.raises(PermissionDenied):
        services.tender_award(actor=committee[0], number=tender.number)  # a viewer on the committee


def test_a_tender_without_a_valid_bid_is_not_awarded(tender, bob, committee, shares):
    open_tender(tender, committee, shares)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=tender.number)
    assert exc.value.code == "no_valid_bid"
    assert not Award.objects.exists()


def test_a_multiple_reserve_price_tender_without_an_eligible_bid_is_not_awarded(bob, committee, shares):
    tender = services.tender_publish(
        actor=bob,
        **tender_kwargs(
            committee, award_method="multiple_reserve_price", reserve_range_bp=200, floor_rate="87.745"
        ),
    )
    for member in committee:
        shares[member.username] = services.committee_share_collect(actor=member, number=tender.number)
    open_tender(tender, committee, shares)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=tender.number)
    assert exc.value.code == "no_valid_bid"


def test_bob_awards_from_the_back_office(client, opened, bob):
    login_official(client, bob)
    assert (
        "Award (lowest price)" in client.get(f"/office/procurement/tenders/{opened.number}/").content.decode()
    )
    answer = client.post(f"/office/procurement/tenders/{opened.number}/award", follow=True)
    assert "Lowest price among 2 valid bids" in answer.content.decode()


def test_every_bidder_is_told_the_result_once(opened, bob, hana, minsu):
    from egov.core.models import Notification

    services.tender_award(actor=bob, number=opened.number)
    minsu_told = Notification.objects.get(user=minsu, topic="tender")
    hana_told = Notification.objects.get(user=hana, topic="tender")
    assert minsu_told.title_ko.startswith("낙찰:") and hana_told.title_ko.startswith("입찰 결과:")
    assert "다른 업체" in hana_told.body and minsu_told.link == f"/procurement/tenders/{opened.number}/"
