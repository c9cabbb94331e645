import datetime as dt

import pytest
from django.utils import timezone

from egov.core.open_data import Column, FileOutput, OpenDataFeed, Table
from egov.opendata.services import feed_refresh

BUS_ROWS = [
    ["2026-01", "종로구", 1200, 3.5],
    ["2026-01", "강남구", 800, 2.0],
    ["2026-02", "종로구", 1500, 4.25],
    ["2026-02", "강남구", 50, None],
    ["2026-03", "부산 해운대구", 99, 1.0],
]


def bus_table() -> Table:
    return Table(
        columns=[
            Column("month", "text", "월"),
            Column("district", "text", "자치구"),
            Column("riders", "int", "이용객 수"),
            Column("delay_minutes", "numeric", "평균 지연(분)"),
        ],
        rows=BUS_ROWS,
    )


def bus_feed(**overrides) -> OpenDataFeed:
    values = {
        "slug": "bus-riders",
        "title_ko": "시내버스 이용 현황",
        "title_en": "City bus riders",
        "publisher_code": "6110000",
        "theme": "transport",
        "frequency": "monthly",
        "licence": "kogl-type1",
        "build": bus_table,
        "description_ko": "자치구별 월간 시내버스 이용객 수입니다.",
        "tags": ("교통", "버스"),
    }
    return OpenDataFeed(**(values | overrides))


def budget_file() -> FileOutput:
    return FileOutput(
        name="예산 원자료", format="JSON", media_type="application/json", content=b'{"budget": 1}'
    )


def budget_feed() -> OpenDataFeed:
    return OpenDataFeed(
        slug="seoul-budget",
        title_ko="서울특별시 예산",
        title_en="Seoul budget",
        publisher_code="6110000",
        theme="finance",
        frequency="annual",
        licence="cc-by-4.0",
        build=budget_file,
        tags=("예산",),
    )


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def bus_dataset(seoul, now):
    """Seoul's bus riders, published once by its feed."""
    return feed_refresh(feed=bus_feed(), now=now - dt.timedelta(days=40))


@pytest.fixture
def budget_dataset(seoul, now):
    return feed_refresh(feed=budget_feed(), now=now)


@pytest.fixture
def catalogue(bus_dataset, budget_dataset):
    return [bus_dataset, budget_dataset]
