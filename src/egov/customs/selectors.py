"""Permission-checked reads of customs: declarations, queues, the back-test, statistics.

A business representative sees the declarations of the traders they represent (whoever filed
them, their brokers included) and those their broker firm filed under a mandate; an official
sees those of their customs office and the offices under it. To anyone else a declaration
does not exist (NotFound)."""

import functools
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessRepresentation
from egov.accounts.permissions import agency_scope_ids
from egov.cases.selectors import case_queue_for
from egov.core.errors import NotFound, PermissionDenied
from egov.customs import risk, store
from egov.customs.models import (
    Declaration,
    DeclarationDraft,
    DeclarationItem,
    InspectionDraw,
    RuleSet,
    SecurityDeposit,
)
from egov.customs.offices import customs_official_require
from egov.customs.procedure import DECLARATION


def _visible(actor) -> Q | None:
    if getattr(actor, "is_official", False):
        scope = agency_scope_ids(actor)
        return Q(agency_id__in=scope) if scope else None
    if getattr(actor, "is_business", False):
        mine = list(BusinessRepresentation.objects.filter(user=actor).values_list("business_id", flat=True))
        return Q(trader_id__in=mine) | Q(declarant_id__in=mine) if mine else None
    return None


def declaration_list_for(*, actor, state: str = "", limit: int = 200) -> QuerySet[Declaration]:
    """The declarations `actor` may see, newest first."""
    condition = _visible(actor)
    if condition is None:
        raise PermissionDenied(_("Only traders, brokers and customs officials see declarations."))
    rows = Declaration.objects.filter(condition).select_related("trader", "declarant", "agency")
    if state:
        rows = rows.filter(state=state)
    return rows[:limit]


def declaration_get_for(*, actor, number: str) -> Declaration:
    """One declaration `actor` may see, by number, or NotFound."""
    condition = _visible(actor)
    found = None
    if condition is not None:
        found = (
            Declaration.objects.filter(condition, number=str(number or "")[:24])
            .select_related("trader", "declarant", "agency", "broker__business", "rule_set", "clock")
            .first()
        )
    if found is None:
        raise NotFound(_("No such declaration."), field="number")
    return found


def security_list_for(*, actor, trader_brn: str = "") -> list[SecurityDeposit]:
    """The securities (담보) lodged with the official's customs office and the offices under it,
    by trader, each with `held`: the part unpaid released declarations hold of it. Anyone but a
    customs official is refused."""
    customs_official_require(actor, "registrar")
    rows = (
        SecurityDeposit.objects.filter(office_id__in=agency_scope_ids(actor))
        .select_related("business", "office")
        .annotate(held=Coalesce(Sum("declarations__secured_amount"), Value(0)))
        .order_by(
            "business__name", "business_id", F("released_at").asc(nulls_first=True), "valid_until", "id"
        )
    )
    digits = "".join(c for c in str(trader_brn or "") if c.isdigit())[:10]
    if digits:
        rows = rows.filter(business__brn__startswith=digits)
    return list(rows[:500])


def declaration_by_reference_for(*, actor, reference: str) -> Declaration:
    """The declaration one of `actor`'s businesses declared under its own `reference` (LRN),
    or NotFound."""
    mine = []
    if getattr(actor, "is_business", False):
        mine = list(BusinessRepresentation.objects.filter(user=actor).values_list("business_id", flat=True))
    found = (
        Declaration.objects.filter(declarant_id__in=mine, declarant_reference=str(reference or "")[:35])
        .select_related("trader", "declarant", "agency")
        .first()
    )
    if found is None:
        raise NotFound(_("No such declaration."), field="declarant_reference")
    return found


def declaration_items(declaration: Declaration) -> list[DeclarationItem]:
    return list(declaration.items.select_related("heading").order_by("sequence"))


def declaration_queue_for(*, actor, view: str = "team") -> QuerySet[Declaration]:
    """The office's open declarations under review or inspection, most urgent first."""
    return case_queue_for(actor=actor, procedure=DECLARATION, view=view).select_related("trader", "agency")


def drafts_for(*, actor) -> QuerySet[DeclarationDraft]:
    return DeclarationDraft.objects.filter(owner=actor)


def draws_public(*, limit: int = 60) -> QuerySet[InspectionDraw]:
    """The daily draws: commitments, and seeds once revealed (public; no declarations)."""
    return InspectionDraw.objects.order_by("-day").only(
        "day", "seed_commitment", "seed_revealed", "revealed_at"
    )[:limit]


# --- back-test -----------------------------------------------------------------------------------


@dataclass
class Backtest:
    draft_version: int
    declarations: int = 0
    seconds: float = 0.0
    lanes_before: Counter = field(default_factory=Counter)
    lanes_after: Counter = field(default_factory=Counter)
    moves: Counter = field(default_factory=Counter)  # (before, after) -> count
    hits_before: Counter = field(default_factory=Counter)  # rule code -> declarations it fired on
    hits_after: Counter = field(default_factory=Counter)


def backtest(*, actor, rule_set: RuleSet, limit: int = 1_000_000, page: int = 50_000) -> Backtest:
    """Run `rule_set` over the last `limit` declarations from the facts recorded at their
    submission and compare with the lanes (by score, before any random draw) and rule hits they
    got. Reads only the facts the rules look at, in pages by primary key (`store.facts_pages`),
    and evaluates each distinct value once (`risk.RuleIndex`)."""
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only customs officials back-test rule sets."))
    compiled = risk.compiled_rule_set(rule_set)
    index = risk.RuleIndex(compiled)
    result = Backtest(draft_version=rule_set.version)
    started = time.perf_counter()
    lane_for = functools.partial(risk.lane_for, compiled)
    oldest = None
    for rows in store.facts_pages(fields=index.fields, limit=limit, page=page):
        scores = index.scores(rows, first=2)
        pairs = Counter(zip((row[1] or "green" for row in rows), map(lane_for, scores), strict=True))
        for (before, after), count in pairs.items():
            result.lanes_before[before] += count
            result.lanes_after[after] += count
            if before != after:
                result.moves[(before, after)] += count
        result.declarations += len(rows)
        oldest = rows[-1][0]
    result.hits_after = index.hits()
    if oldest is not None:
        result.hits_before = Counter(store.hits_since(from_id=oldest))
    result.seconds = time.perf_counter() - started
    return result


# --- statistics (public: totals only, nothing about a trader) ------------------------------------


def trade_statistics(*, year: int | None = None) -> dict:
    """Released declarations' customs value (won) and count by month and kind, by HS chapter and
    by origin country (imports) — the open-data table."""
    released = Q(declaration__state=Declaration.State.RELEASED)
    items = DeclarationItem.objects.filter(released)
    decls = Declaration.objects.filter(state=Declaration.State.RELEASED)
    if year:
        items = items.filter(declaration__submitted_at__year=year)
        decls = decls.filter(submitted_at__year=year)
    by_month = list(
        decls.annotate(month=TruncMonth("submitted_at"))
        .values("month", "kind")
        .annotate(declarations=Count("id"), value=Sum("customs_value"))
        .order_by("month", "kind")
    )
    chapters: dict[tuple[str, str], list[int]] = {}
    for row in items.values("declaration__kind", "heading__code", "customs_value"):
        key = (row["declaration__kind"], row["heading__code"][:2])
        total = chapters.setdefault(key, [0, 0])
        total[0] += row["customs_value"]
        total[1] += 1
    by_country = list(
        items.values("declaration__kind", "origin")
        .annotate(value=Sum("customs_value"), items=Count("id"))
        .order_by("declaration__kind", "-value")
    )
    return {
        "by_month": [
            {
                "month": r["month"].strftime("%Y-%m"),
                "kind": r["kind"],
                "declarations": r["declarations"],
                "value": r["value"] or 0,
            }
            for r in by_month
        ],
        "by_chapter": [
            {"kind": k, "chapter": c, "value": v[0], "items": v[1]} for (k, c), v in sorted(chapters.items())
        ],
        "by_country": [
            {
                "kind": r["declaration__kind"],
                "country": r["origin"],
                "value": r["value"] or 0,
                "items": r["items"],
            }
            for r in by_country
        ],
    }


def clearance_times(*, year: int | None = None) -> list[dict]:
    """Per lane: released declarations and the median and 90th percentile of the time from
    submission to release, in seconds."""
    rows = Declaration.objects.filter(state=Declaration.State.RELEASED, decided_at__isnull=False)
    if year:
        rows = rows.filter(submitted_at__year=year)
    by_lane: dict[str, list[float]] = {}
    for lane, submitted, decided in rows.values_list("lane", "submitted_at", "decided_at").iterator():
        by_lane.setdefault(lane, []).append((decided - submitted).total_seconds())
    out = []
    for lane in ("green", "yellow", "red"):
        times = sorted(by_lane.get(lane, []))
        if not times:
            out.append({"lane": lane, "released": 0, "median_seconds": None, "p90_seconds": None})
            continue
        out.append(
            {
                "lane": lane,
                "released": len(times),
                "median_seconds": round(times[len(times) // 2], 1),
                "p90_seconds": round(times[min(len(times) - 1, int(len(times) * 0.9))], 1),
            }
        )
    return out
