"""Qualification scoring (적격심사): a tender's rule set, validated at publication, and the score
of a bid under it. Pure functions: the facts (past awards, business age) are gathered by the
award service and published with each score, so anyone can check the arithmetic.

A rule set (JSON):

    {"pass_mark": 85,
     "criteria": [
       {"criterion": "price", "weight": 50},
       {"criterion": "experience", "weight": 30, "full_at": 5},
       {"criterion": "business_age", "weight": 20, "full_at": 10}]}

- `weight`s are whole numbers that add up to 100; each criterion at most once; `pass_mark` is
  a number from 0 to 100 (a bid passes with a total at or above it).
- `price`: weight × (lowest price among the bids scored ÷ this bid's price).
- `experience`: the supplier's awards on this platform before this one (the track record);
  weight × min(awards, full_at) ÷ full_at.
- `business_age`: whole years since the business opened (business register, `opened_on`) on
  the award date; weight × min(years, full_at) ÷ full_at.

Each part and the total are rounded to two decimals. The business register holds no credit
rating, so there is no credit criterion (a later rule type when the register carries one).
"""

from decimal import ROUND_HALF_UP, Decimal

CRITERIA = ("price", "experience", "business_age")
NEEDS_FULL_AT = ("experience", "business_age")


class RuleSetError(ValueError):
    """A rule set that cannot be used; the message says why."""


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def rule_set_clean(rules) -> dict:
    """The rule set in its canonical form, or RuleSetError."""
    if not isinstance(rules, dict) or set(rules) - {"pass_mark", "criteria"}:
        raise RuleSetError('a rule set is {"pass_mark": …, "criteria": […]}')
    pass_mark = rules.get("pass_mark")
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) or not 0 <= pass_mark <= 100:
        raise RuleSetError("pass_mark is a number from 0 to 100")
    criteria = rules.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        raise RuleSetError("criteria is a non-empty list")
    out, seen = [], set()
    for item in criteria:
        if not isinstance(item, dict) or item.get("criterion") not in CRITERIA:
            raise RuleSetError(f"each criterion is one of {', '.join(CRITERIA)}")
        name = item["criterion"]
        allowed = {"criterion", "weight"} | ({"full_at"} if name in NEEDS_FULL_AT else set())
        if set(item) - allowed:
            raise RuleSetError(f"{name} takes only {', '.join(sorted(allowed))}")
        if name in seen:
            raise RuleSetError(f"{name} appears twice")
        seen.add(name)
        if not _whole(item.get("weight"), 1, 100):
            raise RuleSetError(f"the weight of {name} is a whole number from 1 to 100")
        clean = {"criterion": name, "weight": item["weight"]}
        if name in NEEDS_FULL_AT:
            if not _whole(item.get("full_at"), 1, 1000):
                raise RuleSetError(f"full_at of {name} is a whole number from 1 to 1000")
            clean["full_at"] = item["full_at"]
        out.append(clean)
    if sum(c["weight"] for c in out) != 100:
        raise RuleSetError("the weights add up to 100")
    return {"pass_mark": pass_mark, "criteria": out}


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score(rules: dict, *, price: int, lowest_price: int, awards: int, business_years: int) -> dict:
    """The score of one bid: each criterion's points, the facts used, the total and whether it
    passes. Points are strings with two decimals (exact, JSON-safe)."""
    parts: dict[str, str] = {}
    total = Decimal(0)
    for item in rules["criteria"]:
        weight = Decimal(item["weight"])
        if item["criterion"] == "price":
            points = weight * Decimal(lowest_price) / Decimal(price)
        elif item["criterion"] == "experience":
            points = weight * min(awards, item["full_at"]) / item["full_at"]
        else:
            points = weight * min(business_years, item["full_at"]) / item["full_at"]
        points = _round(points)
        parts[item["criterion"]] = str(points)
        total += points
    return {
        "points": parts,
        "facts": {"awards": awards, "business_years": business_years, "lowest_price": lowest_price},
        "total": str(total),
        "pass_mark": str(rules["pass_mark"]),
        "passed": total >= Decimal(str(rules["pass_mark"])),
    }
