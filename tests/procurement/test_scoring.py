"""Qualification scoring (적격심사): the rule set checked at publication, the arithmetic, and the
award going to the lowest-priced bid whose supplier passes.

Hana's 한빛상사 opened last year and has no awards; Minsu's 동해건설 has traded since 2006.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from egov.core.errors import ValidationFailed
from egov.procurement import scoring, services
from egov.procurement.models import Award, Bid, Tender
from egov.registry.models import Business
from tests.procurement.conftest import close, seal, tender_kwargs

RULES = {
    "pass_mark": 85,
    "criteria": [
        {"criterion": "price", "weight": 50},
        {"criterion": "experience", "weight": 20, "full_at": 2},
        {"criterion": "business_age", "weight": 30, "full_at": 10},
    ],
}


def test_a_rule_set_is_cleaned_into_its_canonical_form():
    assert scoring.rule_set_clean(RULES) == RULES
    assert scoring.rule_set_clean(
        {"pass_mark": 50.5, "criteria": [{"weight": 100, "criterion": "price"}]}
    ) == {
        "pass_mark": 50.5,
        "criteria": [{"criterion": "price", "weight": 100}],
    }


@pytest.mark.parametrize(
    ("rules", "why"),
    [
        ([], "rule set is"),
        ({"pass_mark": 85, "criteria": [], "extra": 1}, "rule set is"),
        ({"pass_mark": 101, "criteria": RULES["criteria"]}, "pass_mark"),
        ({"pass_mark": True, "criteria": RULES["criteria"]}, "pass_mark"),
        ({"pass_mark": 85, "criteria": []}, "non-empty"),
        ({"pass_mark": 85, "criteria": [{"criterion": "credit", "weight": 100}]}, "one of"),
        ({"pass_mark": 85, "criteria": [{"criterion": "price", "weight": 60}]}, "add up to 100"),
        (
            {"pass_mark": 85, "criteria": [{"criterion": "price", "weight": 50}] * 2},
            "twice",
        ),
        ({"pass_mark": 85, "criteria": [{"criterion": "price", "weight": 100, "full_at": 3}]}, "takes only"),
        (
            {
                "pass_mark": 85,
                "criteria": [{"criterion": "price", "weight": 50}, {"criterion": "experience", "weight": 50}],
            },
            "full_at",
        ),
        ({"pass_mark": 85, "criteria": [{"criterion": "price", "weight": 0}]}, "weight"),
    ],
)
def test_a_bad_rule_set_is_refused_with_the_reason(rules, why):
    with pytest.raises(scoring.RuleSetError, match=why):
        scoring.rule_set_clean(rules)


def test_the_score_adds_its_parts_and_compares_with_the_pass_mark():
    result = scoring.score(RULES, price=80_000_000, lowest_price=70_000_000, awards=1, business_years=25)
    assert result["points"] == {"price": "43.75", "experience": "10.00", "business_age": "30.00"}
    assert result["total"] == "83.75" and result["passed"] is False
    assert result["facts"] == {"awards": 1, "business_years": 25, "lowest_price": 70_000_000}
    best = scoring.score(RULES, price=70_000_000, lowest_price=70_000_000, awards=5, business_years=10)
    assert (best["total"], best["passed"]) == ("100.00", True)
    assert Decimal(
        scoring.score(RULES, price=3, lowest_price=1, awards=0, business_years=0)["total"]
    ) == Decimal("16.67")


def test_publication_refuses_a_bad_rule_set_naming_the_field(bob, committee):
    with pytest.raises(ValidationFailed) as exc:
        services.tender_publish(
            actor=bob,
            **tender_kwargs(committee, scoring_rules={"pass_mark": 85, "criteria": [{"criterion": "x"}]}),
        )
    assert exc.value.field == "scoring_rules"
    assert not Tender.objects.exists()


def publish_scored(bob, committee, shares, rules):
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee, scoring_rules=rules))
    for member in committee:
        shares[member.username] = services.committee_share_collect(actor=member, number=tender.number)
    return tender


def bid_and_open(tender, committee, shares, offers):
    for user, business, price in offers:
        services.bid_submit(
            actor=user, number=tender.number, brn=business.brn, sealed=seal(tender, business.brn, price)
        )
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])


@pytest.fixture
def offers(hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    """한빛상사 (one year old) bids lowest; 동해건설 (since 2006) a little higher."""
    today = timezone.localdate()
    Business.objects.filter(pk=hanbit.pk).update(opened_on=today - dt.timedelta(days=400))
    Business.objects.filter(pk=donghae.pk).update(opened_on=dt.date(2006, 1, 2))
    return [(hana, hanbit, 69_000_000), (minsu, donghae, 70_000_000)]


def test_the_lowest_bidder_failing_the_scoring_loses_to_the_next_that_passes(
    client, bob, committee, shares, offers, donghae
):
    rules = {**RULES, "pass_mark": 75}
    tender = publish_scored(bob, committee, shares, rules)
    bid_and_open(tender, committee, shares, offers)
    award = services.tender_award(actor=bob, number=tender.number)
    assert award.bid.supplier.business == donghae and award.amount == 70_000_000
    assert "Qualification score 79.29 (pass mark 75)." in award.reason
    bids = {b.supplier.business.name: b for b in Bid.objects.filter(tender=tender)}
    # 한빛상사: price 50 + no awards 0 + one year of ten 3 = 53; 동해건설: 49.29 + 0 + 30 = 79.29
    assert (bids["한빛상사"].score["total"], bids["한빛상사"].score["passed"]) == ("53.00", False)
    assert bids["한빛상사"].excluded_reason == "qualification score 53.00 is below the pass mark 75"
    assert bids["동해건설"].score["points"] == {
        "price": "49.29",
        "experience": "0.00",
        "business_age": "30.00",
    }
    body = client.get(f"/api/v1/procurement/tenders/{tender.number}").json()
    assert body["scoring_rules"] == rules
    assert [
        (s["supplier"], s["rank"], s["score"]["total"], s["score"]["passed"]) for s in body["award"]["scores"]
    ] == [
        ("한빛상사", 1, "53.00", False),
        ("동해건설", 2, "79.29", True),
    ]
    assert [(b["rank"], b["excluded_reason"] != "") for b in body["opening_record"]] == [
        (1, True),
        (2, False),
    ]
    page = client.get(f"/procurement/tenders/{tender.number}/").content.decode()
    assert "79.29" in page and "qualification score 53.00 is below the pass mark 75" in page

    # The award is 동해건설's track record at the next tender: one award of two → 10 points.
    shares.clear()
    second = publish_scored(bob, committee, shares, rules)
    bid_and_open(second, committee, shares, offers)
    services.tender_award(actor=bob, number=second.number)
    donghae_bid = Bid.objects.get(tender=second, supplier__business=donghae)
    assert donghae_bid.score["facts"]["awards"] == 1 and donghae_bid.score["points"]["experience"] == "10.00"


def test_nobody_passing_leaves_the_tender_unawarded(bob, committee, shares, offers):
    tender = publish_scored(bob, committee, shares, RULES)  # pass mark 85: 53 and 79.29 fail
    bid_and_open(tender, committee, shares, offers)
    with pytest.raises(ValidationFailed) as exc:
        services.tender_award(actor=bob, number=tender.number)
    assert exc.value.code == "no_eligible_bid"
    assert not Award.objects.exists()
    assert not Bid.objects.filter(score__isnull=False).exists()  # nothing half-stored
