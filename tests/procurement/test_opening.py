import pytest

from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.procurement import crypto, selectors, services
from egov.procurement.models import Bid, CommitteeMember
from tests.procurement.conftest import close, seal


@pytest.fixture
def bids(tender, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    hanbit_bid = services.bid_submit(
        actor=hana,
        number=tender.number,
        brn=hanbit.brn,
        sealed=seal(tender, hanbit.brn, 70_100_000, "30 days"),
    )
    donghae_bid = services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 69_900_000)
    )
    return {"hanbit": hanbit_bid, "donghae": donghae_bid}


def test_two_shares_open_the_tender_and_the_record_ranks_by_price(tender, bids, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    tender.refresh_from_db()
    assert tender.state == "published"
    assert selectors.opening_record(tender=tender) == []
    services.opening_share_submit(actor=committee[2], number=tender.number, share=shares["park"])
    tender.refresh_from_db()
    assert tender.state == "opened"
    record = selectors.opening_record(tender=tender)
    assert [(b.supplier.business.name, b.price, b.rank) for b in record] == [
        ("동해건설", 69_900_000, 1),
        ("한빛상사", 70_100_000, 2),
    ]
    assert record[1].content == "30 days"
    assert not CommitteeMember.objects.filter(submitted_share__isnull=False).exists()  # shares erased


def test_replaced_and_withdrawn_bids_are_not_opened(tender, bids, committee, shares, hana, hanbit):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 60_000_000)
    )
    services.bid_withdraw(actor=hana, number=tender.number, brn=hanbit.brn)
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()
    assert [b.price for b in selectors.opening_record(tender=tender)] == [69_900_000]


def test_a_tampered_bid_is_listed_invalid_with_the_reason(tender, bids, committee, shares):
    sealed = bids["hanbit"].sealed
    head, ct = sealed.rsplit(".", 1)
    raw = bytearray(crypto.b64u_decode(ct))
    raw[0] ^= 1
    Bid.objects.filter(pk=bids["hanbit"].pk).update(sealed=f"{head}.{crypto.b64u(bytes(raw))}")
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()
    record = {b.supplier.business.name: b for b in selectors.opening_record(tender=tender)}
    assert record["한빛상사"].rank is None and record["한빛상사"].price is None
    assert "does not match the hash in its receipt" in record["한빛상사"].invalid_reason
    assert record["동해건설"].rank == 1


def test_a_bid_whose_receipt_was_rewritten_to_match_still_fails_its_signature(
    tender, bids, committee, shares
):
    other = seal(tender, bids["hanbit"].supplier.business.brn, 1)
    Bid.objects.filter(pk=bids["hanbit"].pk).update(sealed=other, sealed_sha256=crypto.sealed_digest(other))
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    bid = Bid.objects.get(pk=bids["hanbit"].pk)
    assert bid.invalid_reason == "the receipt does not match the bid"


def test_a_bid_sealed_to_another_supplier_does_not_decrypt(
    tender, hana, hanbit, hanbit_supplier, committee, shares
):
    # sealed with the wrong supplier in the additional data: the server cannot tell, the opening can
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, "1234567890", 5)
    )
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    assert Bid.objects.get().invalid_reason.startswith("the sealed bid does not decrypt")


def test_no_opening_before_the_opening_time(tender, bids, committee, shares, caplog):
    with pytest.raises(ValidationFailed) as exc:
        services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    assert exc.value.code == "too_early"
    assert "code=too_early" in caplog.text


def test_a_wrong_or_repeated_share_is_refused(tender, bids, committee, shares):
    close(tender)
    with pytest.raises(ValidationFailed) as exc:
        services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["lee"])
    assert exc.value.code == "wrong_share"
    with pytest.raises(ValidationFailed) as exc:
        services.opening_share_submit(actor=committee[0], number=tender.number, share="1:zz")
    assert exc.value.field == "share"
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    with pytest.raises(Conflict) as exc:
        services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    assert exc.value.code == "repeated_share"
    tender.refresh_from_db()
    assert tender.state == "published"


def test_someone_off_the_committee_cannot_hand_in_a_share(tender, bids, bob, shares):
    close(tender)
    with pytest.raises(NotFound):
        services.opening_share_submit(actor=bob, number=tender.number, share=shares["kim"])


def test_an_opened_tender_takes_no_more_shares(tender, bids, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    with pytest.raises(Conflict):
        services.opening_share_submit(actor=committee[2], number=tender.number, share=shares["park"])


def test_one_share_alone_cannot_rebuild_the_key(tender, shares):
    with pytest.raises(Exception):  # noqa: B017, PT011 (pycryptodome needs two points)
        crypto.opening_key_combine([shares["kim"]], bytes(tender.opening_public_key))
