"""The multiple reserve price method (복수예비가격): the committed seed, the draw anyone can
recompute, picks sealed inside the bid, the floor, and the whole flow through the API.

Hana (한빛상사), Minsu (동해건설) and Jisoo (서해전자) bid on Jongno-gu's tender; Kim and Lee open it;
Bob awards it.
"""

import datetime as dt
import hashlib
import hmac
import json
import zipfile
from decimal import Decimal

import pytest

from egov.core.errors import Conflict, ValidationFailed
from egov.procurement import client as bidder
from egov.procurement import crypto, reserve, services
from egov.procurement.crypto import b64u
from egov.procurement.models import Award, Bid, ReserveDraw, Tender
from tests import factories
from tests.conftest import login_official
from tests.procurement.conftest import business_user, close, tender_kwargs
from tests.standards import standards_file

SEED = bytes(range(32))
HASHES = [hashlib.sha256(f"bid {n}".encode()).hexdigest() for n in range(3)]


def mrp_kwargs(committee, **overrides):
    return tender_kwargs(
        committee,
        award_method="multiple_reserve_price",
        reserve_range_bp=200,
        floor_rate="87.745",
        **overrides,
    )


@pytest.fixture
def mrp_tender(bob, committee, shares):
    """A multiple reserve price tender (base 72,000,000 won, ±2%, floor rate 87.745%)."""
    tender = services.tender_publish(actor=bob, **mrp_kwargs(committee))
    for member in committee:
        shares[member.username] = services.committee_share_collect(actor=member, number=tender.number)
    return tender


@pytest.fixture
def seohae(jongno):
    owner = factories.resident(jongno, "이지수", "Lee Jisoo", sex="F")
    return factories.business(jongno, owner, name="서해전자")


@pytest.fixture
def jisoo(seohae):
    """Jisoo represents 서해전자."""
    return business_user("jisoo", seohae)


@pytest.fixture
def seohae_supplier(jisoo, seohae):
    return services.supplier_register(actor=jisoo, brn=seohae.brn, categories=["43"])


def sealed(tender, brn, price, picks=None, plaintext=None):
    if plaintext is not None:  # a hand-made plaintext, sealed as a client would
        return crypto.seal(
            public_point_bytes=bytes(tender.opening_public_key),
            tender_number=tender.number,
            brn=brn,
            plaintext=json.dumps(plaintext).encode(),
            iv=bytes(12),
        )
    return bidder.seal_bid(
        opening_key=b64u(bytes(tender.opening_public_key)),
        tender=tender.number,
        brn=brn,
        price=price,
        picks=picks,
    )


def open_tender(tender, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()


# --- the pure derivation -------------------------------------------------------------------------


def recompute_prices(seed: bytes, hashes: list[str], base: int, range_bp: int) -> list[int]:
    """The recipe of docs/procurement.md written out again, without egov code."""
    key = hmac.new(
        seed, b"egov-reserve-prices-v1" + b"".join(bytes.fromhex(h) for h in sorted(hashes)), hashlib.sha256
    ).digest()
    low = -(-base * (10000 - range_bp) // 10000)
    high = base * (10000 + range_bp) // 10000
    n = high - low + 1
    prices, counter = [], 0
    while len(prices) < 15:
        block = hmac.new(key, counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
        for i in range(0, 32, 8):
            u = int.from_bytes(block[i : i + 8], "big")
            if u < 2**64 - 2**64 % n and len(prices) < 15:
                prices.append(low + u % n)
    return prices


def test_the_draw_is_fifteen_whole_won_prices_within_the_range():
    prices = reserve.reserve_prices_derive(SEED, HASHES, 72_000_000, 200)
    assert len(prices) == 15
    assert all(isinstance(p, int) and 70_560_000 <= p <= 73_440_000 for p in prices)
    assert prices == recompute_prices(SEED, HASHES, 72_000_000, 200)
    assert len(set(prices)) > 10  # spread over the range, not one value


def test_the_draw_does_not_depend_on_the_order_of_the_hashes_but_on_each_of_them():
    prices = reserve.reserve_prices_derive(SEED, HASHES, 72_000_000, 300)
    assert reserve.reserve_prices_derive(SEED, list(reversed(HASHES)), 72_000_000, 300) == prices
    assert reserve.reserve_prices_derive(SEED, [h.upper() for h in HASHES], 72_000_000, 300) == prices
    assert reserve.reserve_prices_derive(SEED, HASHES[:2], 72_000_000, 300) != prices
    assert reserve.reserve_prices_derive(bytes(32), HASHES, 72_000_000, 300) != prices


def test_a_narrow_range_keeps_every_price_inside_it():
    prices = reserve.reserve_prices_derive(SEED, [], 101, 100)  # 99.99 .. 102.01 → 100 .. 102
    assert reserve.reserve_range(101, 100) == (100, 102)
    assert set(prices) <= {100, 101, 102} and len(set(prices)) > 1


def test_the_derivation_refuses_bad_inputs():
    with pytest.raises(ValueError, match="seed"):
        reserve.reserve_prices_derive(b"short", HASHES, 100, 200)
    with pytest.raises(ValueError, match="hash"):
        reserve.reserve_prices_derive(SEED, ["abcd"], 100, 200)
    with pytest.raises(ValueError, match="range"):
        reserve.reserve_prices_derive(SEED, HASHES, 100, 0)
    with pytest.raises(ValueError, match="base price"):
        reserve.reserve_prices_derive(SEED, HASHES, -5, 200)


def test_the_four_most_picked_numbers_make_the_estimated_price_lower_number_first_on_ties():
    prices = [1000 + n for n in range(1, 16)]
    picks = [[5, 9], [9, 14], [5, 14], [2, 7], [7, 12], [1, 15]]
    counts, chosen, estimated = reserve.estimated_price_derive(prices, picks)
    assert counts[4] == counts[8] == counts[13] == counts[6] == 2
    assert chosen == [5, 7, 9, 14]
    assert estimated == (1005 + 1007 + 1009 + 1014) // 4
    # one pick each for 1, 2, 12, 15: with 5, 7 and 9 at two picks the tie among the ones goes to 1
    counts, chosen, _estimated = reserve.estimated_price_derive(prices, [[5, 7], [9, 5], [7, 9], [12, 1]])
    assert chosen == [1, 5, 7, 9]
    # nobody picked: numbers 1 to 4
    assert reserve.estimated_price_derive(prices, [])[1] == [1, 2, 3, 4]


def test_the_estimated_price_is_rounded_down_and_the_floor_up():
    _counts, _chosen, estimated = reserve.estimated_price_derive([10, 10, 10, 11] + [0] * 11, [])
    assert estimated == 10  # 41 / 4 = 10.25
    assert reserve.floor_amount_derive(1_000_000, "87.745") == 877_450
    assert reserve.floor_amount_derive(1_000_001, Decimal("87.745")) == 877_451  # 877,450.877… up
    with pytest.raises(ValueError):
        reserve.floor_amount_derive(1_000_000, "87.7451")


def test_picks_are_two_different_numbers_from_1_to_15():
    assert reserve.picks_valid([1, 15])
    for bad in ([3, 3], [0, 5], [5, 16], [5], [1, 2, 3], ["1", "2"], [True, 2], None, "1,2"):
        assert not reserve.picks_valid(bad)
    with pytest.raises(ValueError, match="picks"):
        bidder.seal_bid(opening_key=b64u(bytes(65)), tender="T", brn="1", price=5, picks=[4, 4])


# --- publication ---------------------------------------------------------------------------------


def test_the_seed_is_committed_at_publication_and_kept_encrypted(client, mrp_tender, hana, hanbit_supplier):
    seed = crypto.reserve_seed_unseal(mrp_tender.reserve_seed_sealed, tender_id=mrp_tender.pk)
    assert len(seed) == 32 and seed not in bytes(mrp_tender.reserve_seed_sealed)
    assert hashlib.sha256(seed).hexdigest() == mrp_tender.reserve_seed_commitment
    body = client.get(f"/api/v1/procurement/tenders/{mrp_tender.number}").json()
    assert body["reserve_seed_commitment"] == mrp_tender.reserve_seed_commitment
    assert (body["reserve_range_bp"], body["floor_rate"], body["reserve_draw"]) == (200, "87.745", None)
    client.force_login(hana)
    page = client.get(f"/procurement/tenders/{mrp_tender.number}/").content.decode()
    assert seed.hex() not in json.dumps(body) and seed.hex() not in page
    assert mrp_tender.reserve_seed_commitment in page and 'data-seal="pick"' in page
    with pytest.raises(ValueError):  # bound to its tender: not usable under another id
        crypto.reserve_seed_unseal(mrp_tender.reserve_seed_sealed, tender_id=mrp_tender.pk + 1)


def test_a_lowest_price_tender_has_no_seed_and_takes_no_range(bob, committee, tender):
    assert tender.reserve_seed_commitment == "" and tender.reserve_seed_sealed is None
    with pytest.raises(ValidationFailed) as exc:
        services.tender_publish(actor=bob, **tender_kwargs(committee, reserve_range_bp=200))
    assert exc.value.field == "reserve_range_bp"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reserve_range_bp": None}, "reserve_range_bp"),
        ({"reserve_range_bp": 1001}, "reserve_range_bp"),
        ({"reserve_range_bp": "200"}, "reserve_range_bp"),
        ({"floor_rate": None}, "floor_rate"),
        ({"floor_rate": "87.7455"}, "floor_rate"),
        ({"floor_rate": "0"}, "floor_rate"),
        ({"floor_rate": "100.5"}, "floor_rate"),
        ({"floor_rate": "eighty"}, "floor_rate"),
        ({"floor_rate": "NaN"}, "floor_rate"),
    ],
)
def test_a_multiple_reserve_price_notice_needs_its_range_and_floor_rate(bob, committee, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        services.tender_publish(actor=bob, **{**mrp_kwargs(committee), **overrides})
    assert exc.value.field == field
    assert not Tender.objects.exists()


# --- the opening ---------------------------------------------------------------------------------


def test_bids_with_bad_picks_are_invalid_with_the_reason(
    mrp_tender, committee, shares, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier
):
    number = mrp_tender.number
    services.bid_submit(
        actor=hana,
        number=number,
        brn=hanbit.brn,
        sealed=sealed(
            mrp_tender,
            hanbit.brn,
            0,
            plaintext={"tender": number, "supplier": hanbit.brn, "price": 70_000_000, "picks": [4, 4]},
        ),
    )
    services.bid_submit(
        actor=minsu,
        number=number,
        brn=donghae.brn,
        sealed=sealed(
            mrp_tender, donghae.brn, 0, plaintext={"tender": number, "supplier": donghae.brn, "price": 1}
        ),
    )
    open_tender(mrp_tender, committee, shares)
    bids = {b.supplier.business.name: b for b in Bid.objects.filter(tender=mrp_tender)}
    assert bids["한빛상사"].invalid_reason == "the bid's picks are not two different numbers from 1 to 15"
    assert bids["동해건설"].invalid_reason == "the bid's picks are not two different numbers from 1 to 15"
    assert bids["한빛상사"].rank is None and bids["한빛상사"].price is None
    draw = ReserveDraw.objects.get(tender=mrp_tender)
    assert draw.pick_counts == [0] * 15 and draw.chosen == [1, 2, 3, 4]  # invalid picks do not count
    assert sorted(draw.bid_hashes) == draw.bid_hashes and len(draw.bid_hashes) == 2  # all sealed bids


def test_a_lowest_price_bid_with_picks_is_invalid(tender, committee, shares, hana, hanbit, hanbit_supplier):
    services.bid_submit(
        actor=hana,
        number=tender.number,
        brn=hanbit.brn,
        sealed=sealed(tender, hanbit.brn, 70_000_000, [1, 2]),
    )
    open_tender(tender, committee, shares)
    bid = Bid.objects.get(tender=tender)
    assert "picks" in bid.invalid_reason and bid.rank is None
    assert not ReserveDraw.objects.exists()


def test_a_seed_that_does_not_match_its_commitment_stops_the_opening(
    mrp_tender, committee, shares, hana, hanbit, hanbit_supplier
):
    services.bid_submit(
        actor=hana,
        number=mrp_tender.number,
        brn=hanbit.brn,
        sealed=sealed(mrp_tender, hanbit.brn, 70_000_000, [1, 2]),
    )
    Tender.objects.filter(pk=mrp_tender.pk).update(
        reserve_seed_sealed=crypto.reserve_seed_seal(bytes(32), tender_id=mrp_tender.pk)
    )
    close(mrp_tender)
    services.opening_share_submit(actor=committee[0], number=mrp_tender.number, share=shares["kim"])
    with pytest.raises(Conflict, match="commitment"):
        services.opening_share_submit(actor=committee[1], number=mrp_tender.number, share=shares["lee"])
    mrp_tender.refresh_from_db()
    assert mrp_tender.state == "published" and not ReserveDraw.objects.exists()


# --- the whole flow, recomputed from what is published ------------------------------------------


def test_bids_sealed_with_picks_are_opened_drawn_awarded_and_recomputable(
    client,
    mrp_tender,
    bob,
    committee,
    shares,
    hana,
    hanbit,
    hanbit_supplier,
    minsu,
    donghae,
    donghae_supplier,
    jisoo,
    seohae,
    seohae_supplier,
):
    number = mrp_tender.number
    notice = client.get(f"/api/v1/procurement/tenders/{number}").json()
    assert notice["award_method"] == "multiple_reserve_price"
    # Whatever the draw, the floor is between 61.9 and 64.5 million won: 60,000,000 is always below
    # it and 65,000,000 always at or above it.
    offers = [(hana, hanbit, 60_000_000, [3, 7]), (minsu, donghae, 65_000_000, [7, 11]),
              (jisoo, seohae, 70_000_000, [3, 12])]  # fmt: skip
    for user, business, price, picks in offers:
        client.force_login(user)
        answer = client.post(
            f"/api/v1/procurement/tenders/{number}/bids",
            {
                "brn": business.brn,
                "sealed": bidder.seal_bid(
                    opening_key=notice["opening_key"]["raw"],
                    tender=number,
                    brn=business.brn,
                    price=price,
                    picks=picks,
                ),
            },
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    client.logout()
    open_tender(mrp_tender, committee, shares)
    award = services.tender_award(actor=bob, number=number)
    assert award.bid.supplier.business.name == "동해건설" and award.amount == 65_000_000
    assert "Multiple reserve price" in award.reason and "65,000,000" in award.reason

    # Anyone recomputes the draw from the published notice alone.
    body = client.get(f"/api/v1/procurement/tenders/{number}").json()
    draw = body["reserve_draw"]
    seed = bytes.fromhex(draw["seed"])
    assert hashlib.sha256(seed).hexdigest() == draw["seed_commitment"] == notice["reserve_seed_commitment"]
    record = body["opening_record"]
    assert sorted(b["sealed_sha256"] for b in record) == draw["bid_hashes"]
    prices = recompute_prices(seed, draw["bid_hashes"], body["base_price"], body["reserve_range_bp"])
    assert prices == draw["prices"]
    counts = [0] * 15
    for b in record:
        if b["valid"]:
            for n in b["picks"]:
                counts[n - 1] += 1
    assert counts == draw["pick_counts"]
    assert counts[2] == counts[6] == 2 and counts[10] == counts[11] == 1
    chosen = sorted(sorted(range(1, 16), key=lambda n: (-counts[n - 1], n))[:4])
    assert chosen == draw["chosen"] == [3, 7, 11, 12]
    estimated = sum(prices[n - 1] for n in chosen) // 4
    assert estimated == draw["estimated_price"]
    floor = -(-estimated * 87745 // 100000)
    assert floor == draw["floor_amount"]
    eligible = [b for b in record if b["valid"] and b["price"] >= floor]
    assert min(eligible, key=lambda b: b["price"])["brn"] == body["award"]["brn"] == donghae.brn

    # Every bidder sees their rank and why a bid did not win.
    ranks = {b["supplier"]: (b["rank"], b["excluded_reason"]) for b in record}
    assert ranks["한빛상사"] == (1, f"below the floor amount of {floor:,} won")
    assert ranks["동해건설"] == (2, "") and ranks["서해전자"] == (3, "")
    page = client.get(f"/procurement/tenders/{number}/").content.decode()
    assert draw["seed"] in page and f"{estimated:,}" in page and "below the floor amount" in page

    # The OCDS award release carries the reason, links the published evaluation, and is valid.
    release = client.get(f"/api/v1/procurement/ocds/{body['ocid']}").json()["releases"][-1]
    assert release["tag"] == ["award"] and release["awards"][0]["description"] == award.reason
    assert release["awards"][0]["documents"][0]["documentType"] == "evaluationReports"
    assert _release_errors(release) == []


def _release_errors(release: dict) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    with zipfile.ZipFile(standards_file("ocds-standard-1.1.5-schema.zip")) as archive:
        schema = json.loads(archive.read("standard-1__1__5/schema/release-schema.json"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(release)]


def test_only_bids_below_the_floor_leave_the_tender_unawarded(
    mrp_tender, bob, committee, shares, hana, hanbit, hanbit_supplier
):
    services.bid_submit(
        actor=hana,
        number=mrp_tender.number,
        brn=hanbit.brn,
        sealed=sealed(mrp_tender, hanbit.brn, 50_000_000, [1, 2]),
    )
    open_tender(mrp_tender, committee, shares)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=mrp_tender.number)
    assert exc.value.code == "no_eligible_bid"
    assert not Award.objects.exists()


def test_the_client_refuses_to_submit_without_picks_to_a_multiple_reserve_price_tender():
    client = bidder.BidderClient.__new__(bidder.BidderClient)  # no login needed to be refused
    tender = {"number": "T", "award_method": "multiple_reserve_price", "opening_key": {"raw": ""}}
    with pytest.raises(ValueError, match="two picks"):
        client.submit(tender, brn="1", price=5)
    with pytest.raises(ValueError, match="no picks"):
        client.submit({**tender, "award_method": "lowest_price"}, brn="1", price=5, picks=[1, 2])


def test_the_published_times_are_aware(mrp_tender, committee, shares):
    open_tender(mrp_tender, committee, shares)
    draw = ReserveDraw.objects.get(tender=mrp_tender)
    assert draw.drawn_at.tzinfo is not None and draw.drawn_at >= mrp_tender.opening_at - dt.timedelta(days=1)
    assert Tender.objects.get(pk=mrp_tender.pk).reserve_seed_sealed is None  # revealed, so erased


def test_bob_publishes_a_multiple_reserve_price_notice_with_scoring_from_the_back_office(
    client, bob, committee
):
    login_official(client, bob)
    kwargs = tender_kwargs(committee)
    form = {
        "title": kwargs["title"],
        "items": "Laptop, 14 inch | 40 | EA",
        "budget": 80_000_000,
        "base_price": 72_000_000,
        "award_method": "multiple_reserve_price",
        "reserve_range_bp": "300",
        "floor_rate": "87.745",
        "scoring_rules": '{"pass_mark": 85, "criteria": [{"criterion": "price", "weight": 100}]}',
        "categories": ["43"],
        "deadline": kwargs["deadline"].strftime("%Y-%m-%dT%H:%M"),
        "opening_at": kwargs["opening_at"].strftime("%Y-%m-%dT%H:%M"),
        "committee": [m.pk for m in committee],
    }
    refused = client.post("/office/procurement/new", {**form, "floor_rate": ""})
    assert refused.status_code == 200 and "floor rate" in refused.content.decode()
    answer = client.post("/office/procurement/new", form)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    tender = Tender.objects.get()
    assert (tender.reserve_range_bp, tender.floor_rate) == (300, Decimal("87.745"))
    assert tender.scoring_rules["criteria"] == [{"criterion": "price", "weight": 100}]
    assert len(tender.reserve_seed_commitment) == 64
