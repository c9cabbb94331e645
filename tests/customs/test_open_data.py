"""Customs' open data and performance figures (issue 19, items 4 and 6): trade statistics and
clearance times published as datasets by the open-data feeds, and the clearance time per lane
counted into the KPI rollups from the release step."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.open_data import MIN_CELL, feeds
from egov.customs.models import Declaration
from egov.customs.open_data import clearance_table, trade_table
from egov.customs.services import declaration_submit
from egov.kpi.models import Rollup
from egov.kpi.rollups import rollups_rebuild
from egov.opendata.models import Dataset
from egov.opendata.services import feed_refresh
from tests.customs.conftest import tshirts

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(customs, jisoo, segye, manifest):
    """An AEO's import of T-shirts (HS 6109, from the US), released at once."""
    manifest.lines.filter(transport_document="DBHU2026003").update(consignee=segye)
    declaration = declaration_submit(
        actor=jisoo,
        trader_brn=segye.brn,
        **tshirts(transport_document="DBHU2026003", declarant_reference="SG-1"),
    )
    assert declaration.state == "released" and declaration.lane
    return declaration


def _copies(declaration: Declaration, n: int) -> list[Declaration]:
    """`n` more released declarations like `declaration`, submitted 1..n hours before release."""
    items = list(declaration.items.all())
    out = []
    for i in range(1, n + 1):
        copy = Declaration.objects.get(pk=declaration.pk)
        copy.pk = copy.id = None
        copy.clock = None
        copy.number = f"{declaration.number[:-3]}{i:03d}"
        copy.declarant_reference = f"SG-COPY-{i}"
        copy.submitted_at = declaration.decided_at - dt.timedelta(hours=i)
        copy.save()
        for item in items:
            item.pk = item.id = None
            item.declaration = copy
            item.save()
        out.append(copy)
    return out


def _rows(table):
    names = [c.name for c in table.columns]
    return [dict(zip(names, row, strict=True)) for row in table.rows]


def test_the_release_step_counts_the_clearance_hours_of_its_lane_in_the_kpi_rollups(released):
    rollups_rebuild()
    cell = Rollup.objects.get(measure="customs.clearance_hours", agency_id=released.agency_id, subtree=False)
    assert cell.service == released.lane and cell.count == 1
    assert cell.month == timezone.localtime(released.submitted_at).date().replace(day=1)
    assert Rollup.objects.filter(measure="customs.clearance_hours", agency__isnull=True).get().count == 1


def test_an_export_or_a_declaration_still_open_is_not_a_clearance(released, hana, hanbit):
    declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())  # awaiting payment
    rollups_rebuild()
    nation = Rollup.objects.filter(measure="customs.clearance_hours", agency__isnull=True)
    assert sum(c.count for c in nation) == 1


def test_a_cell_of_fewer_than_ten_declarations_publishes_no_figures(released):
    [trade] = _rows(trade_table())
    assert (trade["flow"], trade["hs_chapter"], trade["country"]) == ("수입", "61", "US")
    assert trade["declarations"] is None and trade["customs_value_won"] is None and trade["duty_won"] is None
    [clearance] = _rows(clearance_table())
    assert clearance["office_code"] == released.agency.code
    assert clearance["released"] is None and clearance["median_hours"] is None


def test_trade_and_clearance_cells_of_ten_declarations_are_published(released):
    copies = _copies(released, MIN_CELL - 1)
    [trade] = _rows(trade_table())
    assert trade["month"] == timezone.localtime(released.decided_at).strftime("%Y-%m")
    assert trade["declarations"] == MIN_CELL and trade["items"] == MIN_CELL
    assert trade["customs_value_won"] == MIN_CELL * released.items.get().customs_value
    [clearance] = _rows(clearance_table())
    assert clearance["released"] == MIN_CELL and clearance["lane"]
    hours = sorted((d.decided_at - d.submitted_at).total_seconds() / 3600 for d in [released, *copies])
    assert clearance["median_hours"] == round(hours[4], 2)  # nearest rank: the 5th of 10
    assert clearance["p95_hours"] == round(hours[9], 2) == 9.0


def test_the_customs_feeds_are_published_by_the_customs_service(released):
    for slug in ("customs-trade-statistics", "customs-clearance-times"):
        [feed] = [f for f in feeds() if f.slug == slug]
        dataset = feed_refresh(feed=feed, force=True)
        assert Dataset.objects.get(name=slug).publisher.code == "1220000"
        assert dataset.resources.get().row_count == 1
