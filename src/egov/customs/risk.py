"""Risk selectivity: rules officials write without code, compiled once per rule-set version,
evaluated against a declaration's facts; the lane; the random inspection draw.

A rule is (`field`, `operator`, `value`, `weight`, `reason`). The fields are the facts below,
computed once per declaration (`facts_of`) and kept with its risk record, so a back-test
re-evaluates past declarations from their facts without reading their items again. A fact
is a scalar (a string or a number) or a set (the origins, HS chapters and codes of the items);
a set matches when any member does, and the members that matched are recorded as the values.
"""

import bisect
import hashlib
import hmac
import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed

# field -> (kind of fact, what it is). "set" facts hold strings; "number" facts numbers.
FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("text", "import or export"),
    "trader": ("text", "the trader's business registration number"),
    "declarant": ("text", "the declarant's business registration number"),
    "aeo_grade": ("text", "the trader's AEO grade, '' when none"),
    "transport_mode": ("text", "UN/ECE Rec 19 transport mode"),
    "port_of_loading": ("text", "UN/LOCODE of the port of loading"),
    "origin": ("set", "ISO 3166 origin countries of the items"),
    "hs_chapter": ("set", "HS chapters (2 digits) of the items"),
    "hs_code": ("set", "10-digit national codes of the items"),
    "customs_value": ("number", "the declaration's customs value in won"),
    "unit_price_ratio_min": ("number", "lowest declared unit price / reference price"),
    "unit_price_ratio_max": ("number", "highest declared unit price / reference price"),
    "item_count": ("number", "the number of items"),
    "preference_claimed": ("number", "1 when an FTA preference is claimed, else 0"),
}
OPERATORS = {
    "text": ("eq", "ne", "in", "not_in", "prefix"),
    "set": ("in", "not_in", "prefix"),
    "number": ("eq", "ne", "gt", "gte", "lt", "lte"),
}


@dataclass(frozen=True)
class CompiledRule:
    code: str
    field: str
    weight: int
    reason: str
    test: Callable[[object], object]  # fact -> the matching value(s), or None
    value: object = None  # as written, and the operator: for `RuleIndex`
    operator: str = ""


@dataclass(frozen=True)
class CompiledRuleSet:
    version: int
    yellow_from: int
    red_from: int
    quota_bp: int
    rules: tuple[CompiledRule, ...]


def rule_clean(*, field: str, operator: str, value, weight, reason: str, prefix: str = "") -> tuple:
    """The rule's parts checked and normalised, or ValidationFailed naming the part at fault."""
    if field not in FIELDS:
        raise ValidationFailed(_("Choose a field the rules know."), field=f"{prefix}field")
    kind = FIELDS[field][0]
    if operator not in OPERATORS[kind]:
        raise ValidationFailed(_("This comparison does not apply to this field."), field=f"{prefix}operator")
    if operator in ("in", "not_in"):
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ValidationFailed(_("Give a list of values."), field=f"{prefix}value")
    elif kind == "number":
        try:
            value = str(Decimal(str(value).strip()))
        except ArithmeticError:
            raise ValidationFailed(_("Give a number."), field=f"{prefix}value") from None
    else:
        value = str(value).strip()
        if not value:
            raise ValidationFailed(_("Give a value."), field=f"{prefix}value")
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The weight is a whole number."), field=f"{prefix}weight") from None
    if not -1000 <= weight <= 1000:
        raise ValidationFailed(_("The weight is between -1000 and 1000."), field=f"{prefix}weight")
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationFailed(_("Say why the rule exists (up to 300 characters)."), field=f"{prefix}reason")
    return field, operator, value, weight, reason


def _test(kind: str, operator: str, value) -> Callable[[object], object]:
    if kind == "set":
        if operator == "in":
            wanted = frozenset(value)
            return lambda fact: sorted(fact & wanted) or None
        if operator == "not_in":
            banned = frozenset(value)
            return lambda fact: sorted(fact - banned) or None
        return lambda fact: sorted(f for f in fact if f.startswith(value)) or None
    if kind == "number":
        limit = Decimal(value)
        compare = {
            "eq": limit.__eq__,
            "ne": limit.__ne__,
            "gt": limit.__lt__,
            "gte": limit.__le__,
            "lt": limit.__gt__,
            "lte": limit.__ge__,
        }[operator]
        return lambda fact: fact if compare(fact) else None  # `evaluate` gives numbers as Decimals
    if operator == "eq":
        return lambda fact: fact if fact == value else None
    if operator == "ne":
        return lambda fact: fact if fact != value else None
    if operator == "in":
        wanted = frozenset(value)
        return lambda fact: fact if fact in wanted else None
    if operator == "not_in":
        banned = frozenset(value)
        return lambda fact: fact if fact not in banned else None
    return lambda fact: fact if isinstance(fact, str) and fact.startswith(value) else None


def compile_rules(*, version: int, yellow_from: int, red_from: int, quota_bp: int, rules) -> CompiledRuleSet:
    """Turn rule rows (or dicts with the same keys) into closures, once."""
    compiled = []
    for rule in rules:
        get = rule.get if isinstance(rule, dict) else lambda name, r=rule: getattr(r, name)
        kind = FIELDS[get("field")][0]
        compiled.append(
            CompiledRule(
                get("code"),
                get("field"),
                int(get("weight")),
                get("reason"),
                _test(kind, get("operator"), get("value")),
                get("value"),
                get("operator"),
            )
        )
    return CompiledRuleSet(version, yellow_from, red_from, quota_bp, tuple(compiled))


_CACHE: dict[tuple[int, int], CompiledRuleSet] = {}


def compiled_rule_set(rule_set) -> CompiledRuleSet:
    """The compiled form of an active or retired rule set (they never change), cached per
    process by version; a draft is compiled afresh each time (it may still be edited)."""
    key = (rule_set.pk, rule_set.version)
    if rule_set.state != "draft" and key in _CACHE:
        return _CACHE[key]
    compiled = compile_rules(
        version=rule_set.version,
        yellow_from=rule_set.yellow_from,
        red_from=rule_set.red_from,
        quota_bp=rule_set.inspection_quota_bp,
        rules=list(rule_set.rules.all()),
    )
    if rule_set.state != "draft":
        _CACHE[key] = compiled
    return compiled


@dataclass(frozen=True)
class Assessment:
    score: int
    lane: str
    fired: list[dict]


def evaluate(rules: CompiledRuleSet, facts: dict) -> Assessment:
    """The score (sum of the weights of the rules that fire), the lane it gives, and each rule
    fired with the value that made it fire."""
    score = 0
    fired = []
    values = _numbers(facts)
    for rule in rules.rules:
        fact = values.get(rule.field)
        if fact is None:
            continue
        hit = rule.test(fact)
        if hit is None:
            continue
        score += rule.weight
        fired.append(
            {
                "rule": rule.code,
                "field": rule.field,
                "value": _jsonable(hit),
                "weight": rule.weight,
                "reason": rule.reason,
            }
        )
    return Assessment(score, lane_for(rules, score), fired)


def _numbers(facts: dict) -> dict:
    values = {}
    for name, value in facts.items():
        if value is not None and FIELDS.get(name, ("",))[0] == "number" and not isinstance(value, Decimal):
            value = Decimal(value)
        values[name] = value
    return values


class _StringIndex:
    """Which of one field's rules a single string satisfies, by dictionary look-ups instead of
    one test per rule: `eq`/`in` by value, `prefix` by the value's first characters, `ne` and
    `not_in` as all of them but those that name the value. Rule positions are bits of an int."""

    def __init__(self, rules: list[tuple[int, CompiledRule, str]]):
        self.exact: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        self.excluded: dict[str, int] = {}
        self.negative = 0
        for position, rule, operator in rules:
            bit = 1 << position
            values = [rule.value] if isinstance(rule.value, str) else list(rule.value)
            if operator in ("eq", "in"):
                for value in values:
                    self.exact[value] = self.exact.get(value, 0) | bit
            elif operator == "prefix":
                self.prefixes[rule.value] = self.prefixes.get(rule.value, 0) | bit
            else:  # ne, not_in
                self.negative |= bit
                for value in values:
                    self.excluded[value] = self.excluded.get(value, 0) | bit
        self.lengths = sorted({len(p) for p in self.prefixes})

    def mask(self, value: str) -> int:
        bits = self.exact.get(value, 0) | (self.negative & ~self.excluded.get(value, 0))
        for length in self.lengths:
            bits |= self.prefixes.get(value[:length], 0)
        return bits


class RuleIndex:
    """A rule set compiled for many declarations at once (the back-test). Rules are grouped by
    the fact they look at; a declaration's value of a field is turned into the set of that
    field's rules it satisfies (a bit mask) by look-ups, not by trying each rule: strings by
    `_StringIndex`, a set fact as the union over its members (a set rule fires when any member
    does), a number by where it falls among the rules' thresholds (two bisections tell below,
    equal or above for every threshold at once; each such place is evaluated once by the
    rules' own tests). Values come as text, as the risk record stores them
    (`store.facts_pages`); a value seen before is not looked at again."""

    def __init__(self, rules: CompiledRuleSet):
        self.rules = rules
        by_field: dict[str, list[int]] = {}
        for position, rule in enumerate(rules.rules):
            by_field.setdefault(rule.field, []).append(position)
        self.fields = sorted(by_field)
        self._by_field = by_field
        self._strings = {
            name: _StringIndex([(p, rules.rules[p], rules.rules[p].operator) for p in positions])
            for name, positions in by_field.items()
            if FIELDS[name][0] != "number"
        }
        self._thresholds = {
            name: sorted({Decimal(str(rules.rules[p].value)) for p in positions})
            for name, positions in by_field.items()
            if FIELDS[name][0] == "number"
        }
        self._masks: dict[str, dict] = {name: {} for name in self.fields}  # value as text -> mask
        self._scores: dict[int, int] = {0: 0}
        self.mask_counts: dict[str, Counter] = {name: Counter() for name in self.fields}

    def _mask(self, name: str, raw: str) -> int:
        kind = FIELDS[name][0]
        if kind == "set":
            index = self._strings[name]
            bits = 0
            for member in json.loads(raw):
                bits |= index.mask(member)
            return bits
        if kind == "text":
            return self._strings[name].mask(raw)
        value = Decimal(raw)
        thresholds = self._thresholds[name]
        place = (bisect.bisect_left(thresholds, value), bisect.bisect_right(thresholds, value))
        masks = self._masks[name]
        if place not in masks:
            bits = 0
            for position in self._by_field[name]:
                if self.rules.rules[position].test(value) is not None:
                    bits |= 1 << position
            masks[place] = bits
        return masks[place]

    def _score(self, bits: int) -> int:
        score = self._scores.get(bits)
        if score is None:
            score = self._scores[bits] = sum(
                rule.weight for position, rule in enumerate(self.rules.rules) if bits >> position & 1
            )
        return score

    def scores(self, rows: list[tuple], first: int) -> list[int]:
        """The score of each row, whose facts (text, or None) are `row[first:]` in the order of
        `fields`; counts the rules each fired, for `hits`."""
        scores = [0] * len(rows)
        for offset, name in enumerate(self.fields):
            column = first + offset
            masks = self._masks[name] if FIELDS[name][0] != "number" else {}
            seen = self.mask_counts[name]
            for index, row in enumerate(rows):
                raw = row[column]
                if raw is None:
                    continue
                bits = masks.get(raw)
                if bits is None:
                    bits = self._mask(name, raw)
                    if len(masks) < MEMO:
                        masks[raw] = bits
                if bits:
                    seen[bits] += 1
                    scores[index] += self._score(bits)
        return scores

    def hits(self) -> Counter:
        """Declarations each rule fired on, over every row scored so far (by rule code)."""
        hits: Counter = Counter()
        for name in self.fields:
            for bits, count in self.mask_counts[name].items():
                for position in self._by_field[name]:
                    if bits >> position & 1:
                        hits[self.rules.rules[position].code] += count
        return hits


MEMO = 200_000  # distinct text values remembered per field (traders, HS codes...)


def lane_for(rules: CompiledRuleSet, score: int) -> str:
    if score >= rules.red_from:
        return "red"
    if score >= rules.yellow_from:
        return "yellow"
    return "green"


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def facts_jsonable(facts: dict) -> dict:
    """Facts as JSON (sets as sorted lists, Decimals as strings) for the risk record."""
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else _jsonable(v) for k, v in facts.items()}


def facts_from_json(data: dict) -> dict:
    return {
        k: frozenset(v) if FIELDS.get(k, ("",))[0] == "set" else v for k, v in data.items() if k in FIELDS
    }


# --- the random inspection draw -------------------------------------------------------------


def seed_new() -> bytes:
    return secrets.token_bytes(32)


def seed_commitment(seed: bytes) -> str:
    """What is published before the draw: SHA-256 of the seed, hex."""
    return hashlib.sha256(seed).hexdigest()


def draw_value(seed: bytes, number: str) -> int:
    """The declaration's draw in [0, 10000): HMAC-SHA256(seed, number), first 8 bytes, scaled."""
    digest = hmac.new(seed, number.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") * 10000 >> 64


def drawn(seed: bytes, number: str, quota_bp: int) -> bool:
    """Whether the green declaration `number` is drawn for inspection under a quota of
    `quota_bp` basis points: anyone holding the revealed seed can recompute it."""
    return draw_value(seed, number) < quota_bp
