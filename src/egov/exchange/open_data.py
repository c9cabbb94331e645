"""Open data the information-sharing platform publishes: how often each kind of data was asked
for, by which agency, per month — counts only, never a person, a case or a purpose, and any
count under `MIN_CELL` suppressed so that no one can be singled out."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from egov.core.open_data import Column, OpenDataFeed, Table, suppress_small
from egov.exchange.models import AccessLogEntry, SharedItem
from egov.registry.models import Agency

MOIS = "1741000"
SEOUL = ZoneInfo("Asia/Seoul")
MONTHS = 12


def access_aggregates_table(*, now: dt.datetime | None = None) -> Table:
    """Granted queries per shared item, requesting agency and month (Seoul time), the last
    MONTHS months; cells under MIN_CELL published empty."""
    now = now or timezone.now()
    local = now.astimezone(SEOUL)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    groups = (
        AccessLogEntry.objects.filter(at__gte=first, outcome=AccessLogEntry.Outcome.GRANTED)
        .annotate(month=TruncMonth("at", tzinfo=SEOUL))
        .values("month", "item_code", "consumer_id")
        .annotate(n=Count("id"))
        .order_by("month", "item_code", "consumer_id")
    )
    groups = list(groups)
    items = {i.code: i for i in SharedItem.objects.all()}
    agencies = Agency.objects.in_bulk({g["consumer_id"] for g in groups if g["consumer_id"]})
    rows = []
    for g in groups:
        item = items.get(g["item_code"])
        agency = agencies.get(g["consumer_id"])
        rows.append(
            [
                g["month"].astimezone(SEOUL).strftime("%Y-%m"),
                g["item_code"],
                item.name_ko if item else g["item_code"],
                agency.code if agency else None,
                agency.name_ko if agency else "기타",
                suppress_small(g["n"]),
            ]
        )
    return Table(
        columns=[
            Column("month", "text", "월"),
            Column("item_code", "text", "공동이용 정보 코드"),
            Column("item", "text", "공동이용 정보"),
            Column("agency_code", "text", "이용기관 코드"),
            Column("agency", "text", "이용기관"),
            Column("queries", "int", "조회 건수(10건 미만은 비공개)"),
        ],
        rows=rows,
    )


FEEDS = (
    OpenDataFeed(
        slug="information-sharing-usage",
        title_ko="행정정보 공동이용 현황(월별·기관별)",
        title_en="Use of shared administrative information per month and agency",
        description_ko=(
            "행정기관이 어떤 종류의 행정정보를 월별로 몇 번 조회했는지 보여 줍니다. "
            "개인에 관한 정보는 없으며, 10건 미만인 칸은 공개하지 않습니다."
        ),
        publisher_code=MOIS,
        theme="public-administration",
        frequency="monthly",
        licence="kogl-type1",
        build=access_aggregates_table,
        tags=("행정정보 공동이용", "통계"),
    ),
)
