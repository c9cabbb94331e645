import datetime as dt

import pytest

from egov.core.open_data import MIN_CELL, Column, OpenDataFeed, Table, feeds, suppress_small
from egov.opendata.models import Dataset, DatasetVersion, DatastoreRow
from egov.opendata.services import feed_refresh, feeds_refresh
from tests import factories
from tests.opendata.conftest import BUS_ROWS, bus_feed, bus_table


def test_a_feed_publishes_its_table_as_a_dataset_with_a_datastore_and_a_csv(bus_dataset):
    resource = bus_dataset.resources.get()
    assert bus_dataset.name == "bus-riders" and bus_dataset.publisher.code == "6110000"
    assert bus_dataset.theme.title_ko == "교통및물류"
    assert sorted(t.name for t in bus_dataset.tags.all()) == ["교통", "버스"]
    assert resource.datastore_active and resource.row_count == len(BUS_ROWS) and resource.format == "CSV"
    assert [f["id"] for f in resource.fields] == ["month", "district", "riders", "delay_minutes"]
    assert DatastoreRow.objects.filter(resource=resource).count() == len(BUS_ROWS)
    csv = bytes(resource.content).decode("utf-8-sig").splitlines()
    assert csv[0] == "월,자치구,이용객 수,평균 지연(분)" and csv[1] == "2026-01,종로구,1200,3.5"
    assert bus_dataset.versions.get().number == 1


def test_a_refresh_before_the_feed_is_due_publishes_nothing(bus_dataset, now):
    assert (
        feed_refresh(feed=bus_feed(), now=bus_dataset.versions.get().issued_at + dt.timedelta(days=1)) is None
    )
    assert DatasetVersion.objects.count() == 1


def test_each_due_refresh_is_a_new_version_with_its_date_and_replaces_the_rows(bus_dataset, now):
    fewer = bus_feed(build=lambda: Table(columns=bus_table().columns, rows=BUS_ROWS[:2]))
    dataset = feed_refresh(feed=fewer, now=now)
    assert dataset.pk == bus_dataset.pk and dataset.version == 2
    assert [v.number for v in dataset.versions.order_by("number")] == [1, 2]
    assert dataset.versions.get(number=2).issued_at == now and dataset.versions.get(number=2).rows == 2
    assert DatastoreRow.objects.filter(resource__dataset=dataset).count() == 2


def test_a_feed_waits_while_its_agency_is_not_in_the_registry(mois):
    assert feed_refresh(feed=bus_feed(), force=True) is None
    assert not Dataset.objects.exists()


def test_a_feed_declaration_refuses_an_unknown_licence_or_frequency():
    with pytest.raises(ValueError, match="licence"):
        bus_feed(licence="public-domain")
    with pytest.raises(ValueError, match="frequency"):
        bus_feed(frequency="hourly")


def test_a_broken_table_is_refused_and_nothing_is_written(seoul):
    bad = bus_feed(build=lambda: Table(columns=[Column("Bad Name", "text", "x")], rows=[["a"]]))
    with pytest.raises(ValueError, match="bad column"):
        feed_refresh(feed=bad, force=True)
    short = bus_feed(
        build=lambda: Table(columns=[Column("a", "text", "가"), Column("b", "int", "나")], rows=[["x"]])
    )
    with pytest.raises(ValueError, match="values for 2 columns"):
        feed_refresh(feed=short, force=True)
    assert not Dataset.objects.exists()


def test_small_counts_are_suppressed():
    assert (
        suppress_small(MIN_CELL - 1) is None
        and suppress_small(MIN_CELL) == MIN_CELL
        and suppress_small(0) is None
    )


def test_the_platform_declares_feeds_for_its_apps():
    slugs = {f.slug for f in feeds()}
    assert {
        "administrative-agencies",
        "petition-statistics-monthly",
        "petition-statistics-by-agency",
        "disclosure-statistics-by-agency",
        "civil-service-counters",
        "procurement-ocds-releases",
        "information-sharing-usage",
        "customs-trade-statistics",
        "customs-clearance-times",
        "edocs-statistics-by-agency",
        "kpi-online-services-share",
        "kpi-customs-clearance-hours",
    } <= slugs
    assert all(isinstance(f, OpenDataFeed) for f in feeds())


@pytest.fixture
def kcs(db):
    return factories.agency("1220000", "관세청", "Korea Customs Service", kind="office")


def test_every_platform_feed_publishes_on_the_first_run(mois, seoul, jongno, kcs):
    published = feeds_refresh(force=True)
    assert "administrative-agencies" in published and "procurement-ocds-releases" in published
    assert len(published) == len(feeds())
    agencies = Dataset.objects.get(name="administrative-agencies").resources.get()
    assert agencies.row_count == 4  # with 관세청
    ocds = Dataset.objects.get(name="procurement-ocds-releases").resources.get()
    assert ocds.format == "JSON" and b'"releases"' in bytes(ocds.content)
    assert feeds_refresh() == []  # none is due again at once


def test_the_seed_step_publishes_the_platform_feeds_once(mois, seoul, jongno, kcs):
    from egov.core.seeding import SeedOptions
    from egov.opendata.seed import seed_present, seed_step

    assert not seed_present()
    report = seed_step(options=SeedOptions(residents=10))
    assert seed_present() and str(len(feeds())) in report.lines[0]
