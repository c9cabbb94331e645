"""The year-end settlement of an employee's wage income (근로소득 연말정산), computed.

One pure function, `settle`: integers of won in, integers of won out, no database. The bands,
rates and caps are those for income earned in 2024 and later as this module understands them;
each is named with its article in docs/tax.md (section "The settlement computed"), and the ones
not confirmed against the statute text are marked UNCONFIRMED there.

Rounding: every amount is rounded down to the won (원 미만 절사) where a rate is applied; the
amount still to be collected or refunded (차감징수세액) and its local income tax are cut to the
ten won towards zero (국고금 관리법 제47조: 10원 미만 끝수는 계산하지 않음).

Modelled: the employee alone (기본공제 for one person; no dependants, no pension or
health-insurance premiums deducted from income, no housing, donations or monthly rent), all card
spending at the credit-card rate, insurance premiums as 보장성보험료, medical and education costs
as the employee's own (no cap on either, as for the taxpayer themselves).
"""

from dataclasses import asdict, dataclass

# 소득세법 제47조①: 근로소득공제 — (upper bound of the band, base, rate in %, band start)
EARNED_INCOME_BANDS = (
    (5_000_000, 0, 70, 0),
    (15_000_000, 3_500_000, 40, 5_000_000),
    (45_000_000, 7_500_000, 15, 15_000_000),
    (100_000_000, 12_000_000, 5, 45_000_000),
    (None, 14_750_000, 2, 100_000_000),
)
EARNED_INCOME_CAP = 20_000_000  # 소득세법 제47조① 단서

BASIC_PER_PERSON = 1_500_000  # 소득세법 제50조①

# 조세특례제한법 제126조의2: 신용카드 등 사용금액 소득공제
CARD_THRESHOLD_PCT = 25  # of 총급여
CARD_CREDIT_RATE_PCT = 15
CARD_CAPS = ((70_000_000, 3_000_000), (None, 2_500_000))  # (총급여 up to, cap)

# 소득세법 제55조①: 종합소득 기본세율 — (upper bound, base tax, rate in %, band start)
TAX_BANDS = (
    (14_000_000, 0, 6, 0),
    (50_000_000, 840_000, 15, 14_000_000),
    (88_000_000, 6_240_000, 24, 50_000_000),
    (150_000_000, 15_360_000, 35, 88_000_000),
    (300_000_000, 37_060_000, 38, 150_000_000),
    (500_000_000, 94_060_000, 40, 300_000_000),
    (1_000_000_000, 174_060_000, 42, 500_000_000),
    (None, 384_060_000, 45, 1_000_000_000),
)

# 소득세법 제59조: 근로소득세액공제
WAGE_CREDIT_KNEE = 1_300_000
WAGE_CREDIT_LOW_PCT = 55
WAGE_CREDIT_HIGH_BASE = 715_000
WAGE_CREDIT_HIGH_PCT = 30

# 소득세법 제59조의4
INSURANCE_RATE_PCT = 12  # ① 보장성보험료
INSURANCE_LIMIT = 1_000_000
MEDICAL_RATE_PCT = 15  # ② 의료비, what exceeds 3 % of 총급여
MEDICAL_FLOOR_PCT = 3
EDUCATION_RATE_PCT = 15  # ③ 교육비
STANDARD_CREDIT = 130_000  # ⑨ 표준세액공제, when no 특별세액공제 is claimed (the larger is used)

LOCAL_TAX_PCT = 10  # 지방세법 제103조의3: 개인지방소득세 = 소득세의 10 %


def _pct(amount: int, pct: int) -> int:
    """`pct` % of `amount`, rounded down to the won."""
    return amount * pct // 100


def _banded(amount: int, bands) -> int:
    for upper, base, pct, start in bands:
        if upper is None or amount <= upper:
            return base + _pct(amount - start, pct)
    raise AssertionError("the last band is open")  # pragma: no cover


def earned_income_deduction(total_pay: int) -> int:
    """근로소득공제 (소득세법 제47조): by the bands, at most 20,000,000 won."""
    return min(_banded(total_pay, EARNED_INCOME_BANDS), EARNED_INCOME_CAP)


def card_deduction(total_pay: int, card: int) -> int:
    """신용카드 등 소득공제 (조특법 제126조의2): 15 % of the spending over 25 % of 총급여, capped."""
    over = card - _pct(total_pay, CARD_THRESHOLD_PCT)
    if over <= 0:
        return 0
    cap = next(cap for upper, cap in CARD_CAPS if upper is None or total_pay <= upper)
    return min(_pct(over, CARD_CREDIT_RATE_PCT), cap)


def computed_tax(base: int) -> int:
    """산출세액 (소득세법 제55조) on 과세표준 `base`."""
    return _banded(max(base, 0), TAX_BANDS)


def wage_credit_cap(total_pay: int) -> int:
    """The cap of 근로소득세액공제 by 총급여 (소득세법 제59조②)."""
    if total_pay <= 33_000_000:
        return 740_000
    if total_pay <= 70_000_000:
        return max(740_000 - (total_pay - 33_000_000) * 8 // 1000, 660_000)
    if total_pay <= 120_000_000:
        return max(660_000 - (total_pay - 70_000_000) // 2, 500_000)
    return max(500_000 - (total_pay - 120_000_000) // 2, 200_000)


def wage_credit(tax: int, total_pay: int) -> int:
    """근로소득세액공제 (소득세법 제59조①②)."""
    if tax <= WAGE_CREDIT_KNEE:
        credit = _pct(tax, WAGE_CREDIT_LOW_PCT)
    else:
        credit = WAGE_CREDIT_HIGH_BASE + _pct(tax - WAGE_CREDIT_KNEE, WAGE_CREDIT_HIGH_PCT)
    return min(credit, wage_credit_cap(total_pay))


def _tens(amount: int) -> int:
    """Cut to the ten won towards zero (국고금 관리법 제47조)."""
    return amount // 10 * 10 if amount >= 0 else -((-amount) // 10 * 10)


@dataclass(frozen=True)
class Settlement:
    total_pay: int  # 총급여
    earned_income_deduction: int  # 근로소득공제
    earned_income: int  # 근로소득금액
    basic_deduction: int  # 기본공제
    card_deduction: int  # 신용카드 등 소득공제
    tax_base: int  # 과세표준
    computed_tax: int  # 산출세액
    wage_credit: int  # 근로소득세액공제
    insurance_credit: int  # 보험료 세액공제
    medical_credit: int  # 의료비 세액공제
    education_credit: int  # 교육비 세액공제
    standard_credit: int  # 표준세액공제 (0 when the special credits are larger)
    determined_tax: int  # 결정세액
    withheld_tax: int  # 기납부세액 (소득세)
    balance: int  # 차감징수세액: < 0 a refund, > 0 additional tax
    determined_local_tax: int  # 지방소득세 결정세액
    withheld_local_tax: int  # 기납부세액 (지방소득세)
    local_balance: int  # 지방소득세 차감징수세액

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def refund(self) -> int:
        """환급 예정 금액, 소득세 and 지방소득세 together (0 if nothing is refunded)."""
        return max(-(self.balance + self.local_balance), 0)

    @property
    def additional(self) -> int:
        """추가 납부 금액, 소득세 and 지방소득세 together (0 if nothing is due)."""
        return max(self.balance + self.local_balance, 0)


def settle(
    *,
    total_pay: int,
    withheld_tax: int,
    withheld_local_tax: int | None = None,
    insurance: int = 0,
    medical: int = 0,
    education: int = 0,
    card: int = 0,
) -> Settlement:
    """The settlement of a year's wage income `total_pay` (총급여), from the deduction data
    (insurance premiums, medical and education costs, card spending) and the tax withheld
    monthly (`withheld_tax`; its local income tax 10 % of it unless given). Amounts are
    non-negative integers of won (ValueError otherwise, naming the argument)."""
    args = {"total_pay": total_pay, "withheld_tax": withheld_tax, "insurance": insurance,
            "medical": medical, "education": education, "card": card}  # fmt: skip
    if withheld_local_tax is None and isinstance(withheld_tax, int):
        withheld_local_tax = _pct(withheld_tax, LOCAL_TAX_PCT)
    elif withheld_local_tax is None:
        withheld_local_tax = withheld_tax
    args["withheld_local_tax"] = withheld_local_tax
    for name, value in args.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(name)

    deduction = earned_income_deduction(total_pay)
    earned = total_pay - deduction
    basic = BASIC_PER_PERSON
    card_ded = card_deduction(total_pay, card)
    base = max(earned - basic - card_ded, 0)
    tax = computed_tax(base)
    wage = wage_credit(tax, total_pay)

    insurance_credit = _pct(min(insurance, INSURANCE_LIMIT), INSURANCE_RATE_PCT)
    medical_credit = _pct(max(medical - _pct(total_pay, MEDICAL_FLOOR_PCT), 0), MEDICAL_RATE_PCT)
    education_credit = _pct(education, EDUCATION_RATE_PCT)
    special = insurance_credit + medical_credit + education_credit
    standard = STANDARD_CREDIT if STANDARD_CREDIT > special else 0
    if standard:
        insurance_credit = medical_credit = education_credit = 0

    determined = max(tax - wage - insurance_credit - medical_credit - education_credit - standard, 0)
    local = _pct(determined, LOCAL_TAX_PCT)
    return Settlement(
        total_pay=total_pay,
        earned_income_deduction=deduction,
        earned_income=earned,
        basic_deduction=basic,
        card_deduction=card_ded,
        tax_base=base,
        computed_tax=tax,
        wage_credit=wage,
        insurance_credit=insurance_credit,
        medical_credit=medical_credit,
        education_credit=education_credit,
        standard_credit=standard,
        determined_tax=determined,
        withheld_tax=withheld_tax,
        balance=_tens(determined - withheld_tax),
        determined_local_tax=local,
        withheld_local_tax=withheld_local_tax,
        local_balance=_tens(local - withheld_local_tax),
    )
