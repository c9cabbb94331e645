"""The year-end settlement computed (tax/yearend_calc.py): worked examples done by hand, the
bands at their edges, and properties that hold for any input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.tax.yearend_calc import (
    card_deduction,
    computed_tax,
    earned_income_deduction,
    settle,
    wage_credit,
    wage_credit_cap,
)


def test_worked_example_fifty_million_is_a_refund():
    s = settle(total_pay=50_000_000, withheld_tax=3_000_000, insurance=1_200_000, medical=2_000_000,
               education=3_000_000, card=20_000_000)  # fmt: skip
    # 근로소득공제: 12,000,000 + 5 % of (50,000,000 - 45,000,000) = 12,250,000
    assert s.earned_income_deduction == 12_250_000
    assert s.earned_income == 37_750_000
    assert s.basic_deduction == 1_500_000
    # card: 20,000,000 - 25 % x 50,000,000 = 7,500,000 over; 15 % = 1,125,000 (cap 3,000,000)
    assert s.card_deduction == 1_125_000
    assert s.tax_base == 37_750_000 - 1_500_000 - 1_125_000 == 35_125_000
    # 840,000 + 15 % of (35,125,000 - 14,000,000) = 840,000 + 3,168,750
    assert s.computed_tax == 4_008_750
    # 715,000 + 30 % of 2,708,750 = 1,527,625, capped: 740,000 - 17,000,000 x 8/1000 = 604,000 -> 660,000
    assert s.wage_credit == 660_000
    assert s.insurance_credit == 120_000  # 12 % of 1,000,000 (the limit; 1,200,000 paid)
    assert s.medical_credit == 75_000  # 15 % of (2,000,000 - 3 % x 50,000,000)
    assert s.education_credit == 450_000  # 15 % of 3,000,000
    assert s.standard_credit == 0  # the special credits (645,000) are larger than 130,000
    assert s.determined_tax == 4_008_750 - 660_000 - 645_000 == 2_703_750
    assert s.balance == -296_250  # refunded
    assert s.determined_local_tax == 270_375
    assert s.withheld_local_tax == 300_000
    assert s.local_balance == -29_620  # -29,625 cut to the ten won
    assert s.refund == 325_870 and s.additional == 0


def test_worked_example_twenty_million_takes_the_standard_credit():
    s = settle(total_pay=20_000_000, withheld_tax=200_000)
    assert s.earned_income_deduction == 7_500_000 + 750_000
    assert s.tax_base == 20_000_000 - 8_250_000 - 1_500_000 == 10_250_000
    assert s.computed_tax == 615_000  # 6 %
    assert s.wage_credit == 338_250  # 55 % of 615,000, under the cap 740,000
    assert s.standard_credit == 130_000
    assert s.determined_tax == 615_000 - 338_250 - 130_000 == 146_750
    assert s.balance == -53_250
    assert s.local_balance == -5_320  # 14,675 - 20,000 = -5,325 cut to the ten won


def test_worked_example_high_pay_owes_additional_tax():
    s = settle(total_pay=150_000_000, withheld_tax=30_000_000, card=10_000_000)
    assert s.earned_income_deduction == 14_750_000 + 1_000_000
    assert s.card_deduction == 0  # 10,000,000 is under 25 % of 150,000,000
    assert s.tax_base == 132_750_000
    assert s.computed_tax == 15_360_000 + 15_662_500  # 35 % of 44,750,000
    assert s.wage_credit == 200_000  # the floor of the cap above 120,000,000
    assert s.determined_tax == 31_022_500 - 200_000 - 130_000 == 30_692_500
    assert s.balance == 692_500
    assert s.local_balance == 3_069_250 - 3_000_000
    assert s.additional == 692_500 + 69_250 and s.refund == 0


@pytest.mark.parametrize(
    ("pay", "deduction"),
    [(0, 0), (5_000_000, 3_500_000), (15_000_000, 7_500_000), (45_000_000, 12_000_000),
     (100_000_000, 14_750_000), (362_500_000, 20_000_000), (500_000_000, 20_000_000)],
)  # fmt: skip
def test_earned_income_deduction_bands_meet_at_their_edges(pay, deduction):
    assert earned_income_deduction(pay) == deduction


@pytest.mark.parametrize(
    ("base", "tax"),
    [(14_000_000, 840_000), (50_000_000, 6_240_000), (88_000_000, 15_360_000), (150_000_000, 37_060_000),
     (300_000_000, 94_060_000), (500_000_000, 174_060_000), (1_000_000_000, 384_060_000),
     (1_000_000_100, 384_060_045)],
)  # fmt: skip
def test_the_progressive_rates_meet_at_their_edges(base, tax):
    assert computed_tax(base) == tax


def test_card_deduction_caps():
    assert card_deduction(30_000_000, 100_000_000) == 3_000_000
    assert card_deduction(80_000_000, 200_000_000) == 2_500_000
    assert card_deduction(40_000_000, 10_000_000) == 0
    assert card_deduction(40_000_000, 10_000_100) == 15


def test_wage_credit_caps():
    assert wage_credit_cap(33_000_000) == 740_000
    assert wage_credit_cap(40_000_000) == 684_000
    assert wage_credit_cap(70_000_000) == 660_000
    assert wage_credit_cap(100_000_000) == 500_000
    assert wage_credit_cap(200_000_000) == 200_000
    assert wage_credit(1_300_000, 20_000_000) == 715_000
    assert wage_credit(2_000_000, 20_000_000) == 740_000  # 715,000 + 210,000, capped


@pytest.mark.parametrize("field", ["total_pay", "withheld_tax", "insurance", "medical", "education", "card"])
@pytest.mark.parametrize("bad", [-1, 1.5, "100", True])
def test_bad_amounts_name_the_argument(field, bad):
    values = {"total_pay": 1, "withheld_tax": 0} | {field: bad}
    with pytest.raises(ValueError, match=field):
        settle(**values)


won = st.integers(min_value=0, max_value=2_000_000_000)
small = st.integers(min_value=0, max_value=100_000_000)


@settings(max_examples=300, deadline=None)
@given(pay=won, withheld=won, ins=small, med=small, edu=small, card=won)
def test_properties_for_any_input(pay, withheld, ins, med, edu, card):
    s = settle(total_pay=pay, withheld_tax=withheld, insurance=ins, medical=med, education=edu, card=card)
    assert 0 <= s.determined_tax <= s.computed_tax
    assert s.earned_income_deduction <= min(pay, 20_000_000)
    assert s.tax_base >= 0
    assert abs(s.determined_tax - s.withheld_tax - s.balance) < 10 and s.balance % 10 == 0
    assert s.determined_local_tax == s.determined_tax // 10
    assert (s.refund == 0) or (s.additional == 0)


@settings(max_examples=200, deadline=None)
@given(pay=won, more=st.integers(1, 50_000_000), ins=small, med=small, edu=small, card=won)
def test_more_pay_never_lowers_the_tax(pay, more, ins, med, edu, card):
    kwargs = {"withheld_tax": 0, "insurance": ins, "medical": med, "education": edu, "card": card}
    higher, lower = settle(total_pay=pay + more, **kwargs), settle(total_pay=pay, **kwargs)
    assert higher.determined_tax >= lower.determined_tax


@settings(max_examples=200, deadline=None)
@given(pay=won, kind=st.sampled_from(["insurance", "medical", "education", "card"]), a=won, b=won)
def test_more_deductible_spending_never_raises_the_tax(pay, kind, a, b):
    low, high = sorted((a, b))
    assert (settle(total_pay=pay, withheld_tax=0, **{kind: high}).determined_tax
            <= settle(total_pay=pay, withheld_tax=0, **{kind: low}).determined_tax)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(pay=won, w=won, extra=st.integers(min_value=20, max_value=10_000_000))
def test_withholding_more_refunds_more(pay, w, extra):
    more, less = settle(total_pay=pay, withheld_tax=w + extra), settle(total_pay=pay, withheld_tax=w)
    assert more.balance < less.balance
