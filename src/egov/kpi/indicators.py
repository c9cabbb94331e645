"""The indicators the government reports (성과지표), each computed from rollup cells.

An indicator names its measures (what the apps count, `kpi_sources.py`) and how they combine:

- `ratio`: 100 × count(measures[0]) / count(measures[1]) (a share, in %);
- `sum`: the count of every measure listed, added;
- `average`: total(measures[0]) / count(measures[0]) (the mean value of the facts);
- `percentile`: the `percentile`-th percentile of measures[0]'s histogram.

Targets are per year; `direction` says whether more is better. docs/kpi.md lists them all.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from egov.kpi.histogram import buckets_add, percentile

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    formula: str
    unit: str
    owner: str
    direction: str
    kind: str
    measures: tuple[str, ...]
    targets: dict[int, float] = field(default_factory=dict)
    percentile: float | None = None
    by_service: bool = False  # shown per service (procedure, customs lane) as well
    # officials may list the records behind the figure: the code of the `MeasureSource` whose
    # `records` lists them ("cases.history": the case kernel's closed cases); "" for none
    drill_down: str = ""

    def target(self, year: int) -> float | None:
        return self.targets.get(year)

    def value(self, cells: list[dict]) -> float | None:
        """The indicator over `cells` (rollup cells of its measures, already narrowed to the
        agencies, months and services wanted); None when there is nothing to count."""
        mine = [c for c in cells if c["measure"] in self.measures]
        if self.kind == "sum":
            return float(sum(c["count"] for c in mine)) if mine else None
        first = [c for c in mine if c["measure"] == self.measures[0]]
        if self.kind == "ratio":
            denominator = sum(c["count"] for c in mine if c["measure"] == self.measures[1])
            return 100.0 * sum(c["count"] for c in first) / denominator if denominator else None
        if self.kind == "average":
            n = sum(c["count"] for c in first)
            return sum(c["total"] for c in first) / n if n else None
        if self.kind == "percentile":
            merged: list[int] = []
            for c in first:
                merged = buckets_add(merged, c.get("buckets") or [])
            return percentile(merged, self.percentile or 50)
        raise ValueError(f"{self.code}: unknown kind {self.kind}")

    def met(self, value: float | None, year: int) -> bool | None:
        target = self.target(year)
        if value is None or target is None:
            return None
        return value >= target if self.direction == HIGHER else value <= target


MOIS = _("Ministry of the Interior and Safety")
ACRC = _("Anti-Corruption and Civil Rights Commission")
PPS = _("Public Procurement Service")
KCS = _("Korea Customs Service")
CASES = "cases.history"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="online_services_share",
        name=_("Services available online"),
        definition=_("Share of the civil services in the catalogue that a citizen can complete online."),
        formula=_("services open for online application ÷ services in the catalogue × 100"),
        unit="%", owner=MOIS, direction=HIGHER, kind="ratio",
        measures=("civil.services_online", "civil.services"),
        targets={2025: 80, 2026: 85, 2027: 90},
    ),
    Indicator(
        code="papers_avoided",
        name=_("Papers not submitted thanks to data sharing"),
        definition=_(
            "Papers a citizen did not have to bring because the agency fetched the information "
            "from the agency that holds it through the exchange (the service's papers replaced)."
        ),
        formula=_("papers each online application's shared-information fetches replaced, added up"),
        unit=_("cases"), owner=MOIS, direction=HIGHER, kind="sum",
        measures=("civil.papers_avoided",),
        targets={2025: 1000, 2026: 2000, 2027: 3000}, drill_down="civil.filings",
    ),
    Indicator(
        code="visits_avoided",
        name=_("Visits avoided"),
        definition=_("Applications filed and certificates issued online instead of at a counter."),
        formula=_("online applications + certificates issued online"),
        unit=_("cases"), owner=MOIS, direction=HIGHER, kind="sum",
        measures=("civil.visits_avoided",),
        targets={2025: 1000, 2026: 2000, 2027: 3000}, drill_down="civil.filings",
    ),
    Indicator(
        code="processing_days_p50",
        name=_("Processing time, median"),
        definition=_(
            "Business days from receipt to the answer or decision, counting the first day; half of "
            "the cases closed took no longer. By the month the case was received."
        ),
        formula=_("50th percentile of business days from receipt to closing"),
        unit=_("days"), owner=MOIS, direction=LOWER, kind="percentile", percentile=50,
        measures=("cases.closed",), targets={2025: 5, 2026: 4, 2027: 3}, by_service=True, drill_down=CASES,
    ),
    Indicator(
        code="processing_days_p95",
        name=_("Processing time, 95th percentile"),
        definition=_(
            "Business days from receipt to the answer or decision that 95 in 100 closed cases stay within."
        ),
        formula=_("95th percentile of business days from receipt to closing"),
        unit=_("days"), owner=MOIS, direction=LOWER, kind="percentile", percentile=95,
        measures=("cases.closed",), targets={2025: 14, 2026: 12, 2027: 10}, by_service=True, drill_down=CASES,
    ),
    Indicator(
        code="on_time_share",
        name=_("Closed within the statutory period"),
        definition=_("Share of the cases with a statutory processing period closed by their due date."),
        formula=_("cases closed by the due date ÷ cases with a period closed × 100"),
        unit="%", owner=MOIS, direction=HIGHER, kind="ratio",
        measures=("cases.on_time", "cases.clocked"), targets={2025: 95, 2026: 97, 2027: 98},
        by_service=True, drill_down=CASES,
    ),
    Indicator(
        code="petition_satisfaction",
        name=_("Petition satisfaction"),
        definition=_("The petitioners' rating of the answers they received, from 1 to 5."),
        formula=_("sum of ratings ÷ number of ratings"),
        unit=_("points"), owner=ACRC, direction=HIGHER, kind="average",
        measures=("petitions.satisfaction",), targets={2025: 3.5, 2026: 3.8, 2027: 4.0},
        drill_down="petitions.history",
    ),
    Indicator(
        code="disclosure_rate",
        name=_("Disclosure rate"),
        definition=_("Share of the information disclosure requests decided with full or partial disclosure."),
        formula=_("requests disclosed in full or in part ÷ requests decided × 100"),
        unit="%", owner=MOIS, direction=HIGHER, kind="ratio",
        measures=("disclosure.disclosed", "disclosure.decided"), targets={2025: 90, 2026: 92, 2027: 94},
        drill_down="disclosure.history",
    ),
    Indicator(
        code="e_participation",
        name=_("E-participation"),
        definition=_("Public proposals posted and agreements given to them online."),
        formula=_("proposals posted + agreements given"),
        unit=_("cases"), owner=ACRC, direction=HIGHER, kind="sum",
        measures=("participation.proposals", "participation.agreements"),
        drill_down="participation.proposals",
        targets={2025: 500, 2026: 1000, 2027: 1500},
    ),
    Indicator(
        code="bids_per_tender",
        name=_("Bids per tender"),
        definition=_("Bids received by the tenders awarded (competition in public procurement)."),
        formula=_("bids received by the awarded tenders ÷ tenders awarded"),
        unit=_("bids"), owner=PPS, direction=HIGHER, kind="average",
        measures=("procurement.bids_per_award",), targets={2025: 3, 2026: 4, 2027: 5},
        drill_down="procurement.awards",
    ),
    Indicator(
        code="procurement_electronic_share",
        name=_("Tenders awarded electronically"),
        definition=_("Share of the awarded tenders whose bids were all received and opened electronically."),
        formula=_("tenders awarded on electronic bids only ÷ tenders awarded × 100"),
        unit="%", owner=PPS, direction=HIGHER, kind="ratio",
        measures=("procurement.awards_electronic", "procurement.awards"),
        drill_down="procurement.awards",
        targets={2025: 99, 2026: 99, 2027: 100},
    ),
    Indicator(
        code="award_below_estimate",
        name=_("Awards below the estimated price"),
        definition=_("Share of the awarded tenders whose awarded amount is below the estimated price."),
        formula=_("awards below the estimated price ÷ tenders awarded × 100"),
        unit="%", owner=PPS, direction=HIGHER, kind="ratio",
        measures=("procurement.awards_below_estimate", "procurement.awards"),
        drill_down="procurement.awards",
        targets={2025: 80, 2026: 85, 2027: 85},
    ),
    Indicator(
        code="edocs_sent_electronically",
        name=_("Documents sent electronically"),
        definition=_(
            "Official documents delivered to another department or agency as signed electronic messages."
        ),
        formula=_("number of documents delivered electronically"),
        unit=_("cases"), owner=MOIS, direction=HIGHER, kind="sum",
        measures=("edocs.sent_electronically",), targets={2025: 500, 2026: 1000, 2027: 1500},
        drill_down="edocs.messages",
    ),
    Indicator(
        code="customs_clearance_hours",
        name=_("Customs clearance time, median"),
        definition=_(
            "Hours from the import declaration to release, per inspection lane; counted once the "
            "customs system reports its clearances."
        ),
        formula=_("50th percentile of hours from declaration to release, per lane"),
        unit=_("hours"), owner=KCS, direction=LOWER, kind="percentile", percentile=50,
        measures=("customs.clearance_hours",), targets={2025: 2, 2026: 1.5, 2027: 1.5}, by_service=True,
        drill_down="customs.releases",
    ),
    Indicator(
        code="availability",
        name=_("Availability"),
        definition=_("Share of the minutes in which the platform answered its readiness probe."),
        formula=_("probes answered ready ÷ probes × 100"),
        unit="%", owner=MOIS, direction=HIGHER, kind="ratio",
        measures=("platform.probes_ok", "platform.probes"), targets={2025: 99.9, 2026: 99.9, 2027: 99.95},
    ),
)  # fmt: skip

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def indicator_get(code: str) -> Indicator | None:
    return BY_CODE.get(code)


def measures_all() -> set[str]:
    return {m for indicator in INDICATORS for m in indicator.measures}
