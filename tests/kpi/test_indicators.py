"""Each indicator's formula on a small known set: the rollup cells the apps' facts make, and
the figure the indicator reads from them."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.measures import Fact, rollup_cells
from egov.disclosure import services as disclosure
from egov.kpi.indicators import BY_CODE, INDICATORS
from egov.kpi.models import Probe
from egov.kpi.rollups import _cells_add, probe_record
from egov.kpi.selectors import indicators_public
from egov.petitions import services as petitions
from tests.disclosure.test_services import refuse, request_one
from tests.kpi.conftest import advance
from tests.petitions.test_services import file_one

TODAY = timezone.localdate()


def cells(*facts):
    """Cells as the rollups hold them for the nation, from hand-made facts."""
    _cells_add(facts)
    figures, _year = indicators_public()
    return {f["indicator"].code: f for f in figures}


def test_every_indicator_is_declared_with_its_definition_formula_unit_owner_direction_and_targets():
    assert len(INDICATORS) >= 14
    for indicator in INDICATORS:
        assert indicator.name and indicator.definition and indicator.formula and indicator.unit
        assert indicator.owner and indicator.direction in ("higher", "lower")
        assert indicator.target(TODAY.year) is not None


@pytest.mark.parametrize(
    ("code", "facts", "expected"),
    [
        ("online_services_share", [("civil.services", 4), ("civil.services_online", 3)], 75.0),
        ("papers_avoided", [("civil.papers_avoided", 2), ("civil.papers_avoided", 3)], 5.0),
        ("visits_avoided", [("civil.visits_avoided", 1)] * 7, 7.0),
        ("on_time_share", [("cases.clocked", 4), ("cases.on_time", 3)], 75.0),
        ("disclosure_rate", [("disclosure.decided", 5), ("disclosure.disclosed", 4)], 80.0),
        ("e_participation", [("participation.proposals", 2), ("participation.agreements", 10)], 12.0),
        ("award_below_estimate", [("procurement.awards", 4), ("procurement.awards_below_estimate", 1)], 25.0),
        (
            "procurement_electronic_share",
            [("procurement.awards", 2), ("procurement.awards_electronic", 2)],
            100.0,
        ),
        ("edocs_sent_electronically", [("edocs.sent_electronically", 9)], 9.0),
        ("availability", [("platform.probes", 1000), ("platform.probes_ok", 999)], 99.9),
    ],
)
def test_counts_and_shares_are_read_from_the_cells(jongno, code, facts, expected):
    made = [Fact(measure, jongno.pk, TODAY, count=count) for measure, count in facts]
    assert cells(*made)[code]["actual"] == pytest.approx(expected)


def test_averages_and_percentiles_are_read_from_totals_and_histograms(jongno):
    facts = [Fact("cases.closed", jongno.pk, TODAY, "petitions.petition", value=d) for d in range(1, 21)]
    facts += [Fact("petitions.satisfaction", jongno.pk, TODAY, value=v) for v in (5, 4, 3)]
    facts += [Fact("procurement.bids_per_award", jongno.pk, TODAY, value=v) for v in (2, 6)]
    figures = cells(*facts)
    assert figures["processing_days_p50"]["actual"] == 10.0
    assert figures["processing_days_p95"]["actual"] == 19.0
    assert figures["processing_days_p50"]["services"] == [{"service": "petitions.petition", "value": 10.0}]
    assert figures["petition_satisfaction"]["actual"] == 4.0
    assert figures["bids_per_tender"]["actual"] == 4.0


def test_customs_clearance_reads_nothing_until_the_customs_app_reports(jongno):
    figures = cells(Fact("cases.received", jongno.pk, TODAY))
    assert figures["customs_clearance_hours"]["actual"] is None
    figures = cells(*[Fact("customs.clearance_hours", jongno.pk, TODAY, "green", value=v) for v in (1, 2, 3)])
    assert figures["customs_clearance_hours"]["actual"] == 2.0
    assert figures["customs_clearance_hours"]["services"] == [{"service": "green", "value": 2.0}]


def test_a_target_is_met_in_the_indicators_direction(jongno):
    figures = cells(
        *[Fact("cases.closed", jongno.pk, TODAY, value=30) for _ in range(3)],
        Fact("civil.services", jongno.pk, TODAY, count=10),
        Fact("civil.services_online", jongno.pk, TODAY, count=10),
    )
    assert figures["processing_days_p50"]["met"] is False  # lower is better, 30 days is over the target
    assert figures["online_services_share"]["met"] is True


def test_petitions_count_filing_answer_on_time_satisfaction_and_follow_a_transfer(
    petitioner, categories, bob, jongno, gangnam
):
    answered = petitions.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    petitions.petition_rate(actor=petitioner, petition=answered, satisfaction=4)
    moved = file_one(petitioner, categories)
    petitions.petition_transfer(actor=bob, petition=moved, to_agency=gangnam, reason="관할 아님")
    advance()
    figures = {f["indicator"].code: f for f in indicators_public()[0]}
    assert figures["petition_satisfaction"]["actual"] == 4.0
    assert figures["on_time_share"]["actual"] == 100.0
    received = rollup_cells(measures=["petitions.received"], year=TODAY.year)
    by_agency = {c["agency_id"]: c["count"] for c in received}
    assert by_agency == {jongno.pk: 1, gangnam.pk: 1}


def test_disclosure_rate_counts_decisions_that_disclose(requester, jongno, bob):
    disclosure.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    refuse(bob, request_one(requester, jongno))
    advance()
    figures = {f["indicator"].code: f for f in indicators_public()[0]}
    assert figures["disclosure_rate"]["actual"] == 50.0


def test_availability_comes_from_the_probes_recorded_once_a_minute(db):
    now = timezone.now()
    assert probe_record(now=now) is not None
    assert probe_record(now=now) is None  # the same minute: once
    Probe.objects.create(minute=now - dt.timedelta(minutes=5), ok=False)
    advance()
    assert BY_CODE["availability"].value([]) is None
    figures = {f["indicator"].code: f for f in indicators_public()[0]}
    assert figures["availability"]["actual"] == 50.0


def test_each_indicator_gives_its_series_as_columns_and_rows_for_the_open_data_feeds(jongno):
    from egov.kpi.selectors import indicator_feeds, indicator_series

    cells(*[Fact("cases.closed", jongno.pk, TODAY, "petitions.petition", value=d) for d in (2, 4, 6)])
    columns, rows = indicator_series(code="processing_days_p50")
    assert columns == ["indicator", "year", "month", "service", "value", "unit", "target"]
    assert [r[2:5] for r in rows] == [[TODAY.month, "", 4.0], [TODAY.month, "petitions.petition", 4.0]]
    assert len(indicator_feeds()) == len(INDICATORS)


def test_every_indicator_series_is_published_as_an_open_dataset_in_korean(jongno, mois):
    from egov.core.open_data import feeds
    from egov.opendata.models import DatastoreRow
    from egov.opendata.services import feed_refresh

    by_slug = {f.slug: f for f in feeds()}
    assert {"kpi-" + i.code.replace("_", "-") for i in INDICATORS} <= set(by_slug)
    cells(*[Fact("cases.closed", jongno.pk, TODAY, "petitions.petition", value=d) for d in (2, 4, 6)])
    feed = by_slug["kpi-processing-days-p50"]
    assert feed.title_ko == "전자정부 성과지표: 처리기간(중앙값)"
    dataset = feed_refresh(feed=feed, force=True)
    rows = [r.data for r in DatastoreRow.objects.filter(resource__dataset=dataset).order_by("row_id")]
    assert [(r["year"], r["month"], r["service_code"], r["value"]) for r in rows] == [
        (TODAY.year, TODAY.month, "", 4.0),
        (TODAY.year, TODAY.month, "petitions.petition", 4.0),
    ]
    assert rows[0]["service"] == "전체" and rows[1]["service"] != "petitions.petition"
    assert rows[0]["target"] == BY_CODE["processing_days_p50"].target(TODAY.year)
