"""Open data customs publishes (issue 19, item 4): trade statistics (수출입 무역통계) and
clearance times (통관 소요시간), from the declarations released in the last MONTHS months.

Nothing about a trader is in them: a trade cell is a month, a flow, an HS chapter and a country,
and the clearance cells a month, a customs office and a lane. A cell with fewer than `MIN_CELL`
declarations publishes no figures (its count and values are empty), as one importer's trade in
a chapter, country and month would otherwise be readable from it (관세법 제116조, 비밀유지).
"""

import datetime as dt
import math
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from egov.core.open_data import MIN_CELL, Column, OpenDataFeed, Table, suppress_small
from egov.customs.models import Declaration, DeclarationItem
from egov.registry.models import Agency

KCS = "1220000"  # 관세청
SEOUL = ZoneInfo("Asia/Seoul")
MONTHS = 12
FLOWS = {Declaration.Kind.IMPORT: "수입", Declaration.Kind.EXPORT: "수출"}
LANES = {"green": "녹색(서류 없이 수리)", "yellow": "황색(서류심사)", "red": "적색(물품검사)"}


def _first_month(now: dt.datetime | None) -> dt.datetime:
    """The first instant (Seoul time) of the month MONTHS - 1 months before `now`'s."""
    local = (now or timezone.now()).astimezone(SEOUL)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _released(now: dt.datetime | None):
    return Declaration.objects.filter(state=Declaration.State.RELEASED, decided_at__gte=_first_month(now))


def trade_table(*, now: dt.datetime | None = None) -> Table:
    """Per month of release, flow (import, export), HS chapter (the tariff line's first two
    digits) and country (an import's country of origin; an export's country of destination, the
    port of discharge's UN/LOCODE country): declarations, goods items, customs value and duty
    in won. Cells of fewer than MIN_CELL declarations are published empty."""
    items = DeclarationItem.objects.filter(declaration__in=_released(now))
    groups: dict[tuple, dict] = {}
    for kind, country_field in (
        (Declaration.Kind.IMPORT, "origin"),
        (Declaration.Kind.EXPORT, "declaration__port_of_discharge"),
    ):
        rows = (
            items.filter(declaration__kind=kind)
            .annotate(
                month=TruncMonth("declaration__decided_at", tzinfo=SEOUL),
                chapter=Substr("heading__code", 1, 2),
                country=Substr(country_field, 1, 2),
            )
            .values("month", "chapter", "country")
            .annotate(
                declarations=Count("declaration", distinct=True),
                items=Count("id"),
                value=Sum("customs_value"),
                duty=Sum("duty"),
            )
            .order_by()
        )
        for r in rows:
            month = r["month"].astimezone(SEOUL).strftime("%Y-%m")
            groups[(month, FLOWS[kind], r["chapter"], r["country"].upper())] = r
    out = []
    for key in sorted(groups):
        r = groups[key]
        shown = r["declarations"] >= MIN_CELL
        out.append(
            [
                *key,
                suppress_small(r["declarations"]),
                r["items"] if shown else None,
                r["value"] if shown else None,
                r["duty"] if shown else None,
            ]
        )
    return Table(
        columns=[
            Column("month", "text", "수리 월"),
            Column("flow", "text", "수출입 구분"),
            Column("hs_chapter", "text", "HS 류(2단위)"),
            Column("country", "text", "국가(원산지·목적지, ISO 3166)"),
            Column("declarations", "int", "신고 건수(10건 미만은 비공개)"),
            Column("items", "int", "물품 란 수"),
            Column("customs_value_won", "int", "과세가격(원)"),
            Column("duty_won", "int", "관세(원)"),
        ],
        rows=out,
    )


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values`."""
    return values[max(0, math.ceil(len(values) * share) - 1)]


def clearance_table(*, now: dt.datetime | None = None) -> Table:
    """Per month of release, customs office and lane: import declarations released, and the
    median, 95th percentile and average hours from submission to release. Cells of fewer than
    MIN_CELL declarations are published empty."""
    rows = (
        _released(now)
        .filter(kind=Declaration.Kind.IMPORT)
        .exclude(lane="")
        .values_list("agency_id", "lane", "submitted_at", "decided_at")
    )
    hours: dict[tuple, list[float]] = {}
    for agency_id, lane, submitted, released in rows.iterator(chunk_size=5000):
        month = released.astimezone(SEOUL).strftime("%Y-%m")
        spent = max(0.0, (released - submitted).total_seconds() / 3600)
        hours.setdefault((month, agency_id, lane), []).append(spent)
    offices = Agency.objects.in_bulk({agency_id for _month, agency_id, _lane in hours})
    out = []
    for month, agency_id, lane in sorted(hours, key=lambda k: (k[0], offices[k[1]].code, k[2])):
        spent = sorted(hours[(month, agency_id, lane)])
        shown = len(spent) >= MIN_CELL
        office = offices[agency_id]
        out.append(
            [
                month,
                office.code,
                office.name_ko,
                LANES.get(lane, lane),
                suppress_small(len(spent)),
                round(_percentile(spent, 0.5), 2) if shown else None,
                round(_percentile(spent, 0.95), 2) if shown else None,
                round(sum(spent) / len(spent), 2) if shown else None,
            ]
        )
    return Table(
        columns=[
            Column("month", "text", "수리 월"),
            Column("office_code", "text", "세관 기관코드"),
            Column("office", "text", "세관"),
            Column("lane", "text", "심사 구분"),
            Column("released", "int", "수리 건수(10건 미만은 비공개)"),
            Column("median_hours", "numeric", "소요시간 중앙값(시간)"),
            Column("p95_hours", "numeric", "소요시간 95백분위(시간)"),
            Column("average_hours", "numeric", "평균 소요시간(시간)"),
        ],
        rows=out,
    )


FEEDS = (
    OpenDataFeed(
        slug="customs-trade-statistics",
        title_ko="관세청 수출입 무역통계(월별·품목별·국가별)",
        title_en="Trade statistics per month, HS chapter and country",
        description_ko=(
            "최근 12개월 동안 수리된 수출입신고를 수리 월, HS 류(2단위)와 국가(수입은 원산지, "
            "수출은 목적지)별로 모은 신고 건수, 과세가격과 관세입니다. 신고가 10건 미만인 칸은 "
            "특정 업체의 거래가 드러나지 않도록 공개하지 않습니다."
        ),
        publisher_code=KCS,
        theme="industry",
        frequency="daily",
        licence="kogl-type1",
        build=trade_table,
        tags=("관세", "무역통계", "수출입"),
    ),
    OpenDataFeed(
        slug="customs-clearance-times",
        title_ko="관세청 수입통관 소요시간(월별·세관별·심사 구분별)",
        title_en="Import clearance times per month, customs office and lane",
        description_ko=(
            "최근 12개월 동안 수리된 수입신고의 신고부터 수리까지 걸린 시간(중앙값, 95백분위, "
            "평균)을 수리 월, 세관과 심사 구분(녹색·황색·적색)별로 보여 줍니다. 10건 미만인 칸은 "
            "공개하지 않습니다."
        ),
        publisher_code=KCS,
        theme="industry",
        frequency="daily",
        licence="kogl-type1",
        build=clearance_table,
        tags=("관세", "통관", "소요시간"),
    ),
)
