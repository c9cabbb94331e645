"""Open data the disclosure app publishes: this year's information-disclosure statistics per
agency (nothing about a requester)."""

from egov.core.open_data import Column, OpenDataFeed, Table
from egov.disclosure.selectors import statistics

MOIS = "1741000"


def by_agency_table() -> Table:
    groups, year = statistics()
    return Table(
        columns=[
            Column("year", "int", "연도"),
            Column("agency_code", "text", "기관코드"),
            Column("agency", "text", "기관명"),
            Column("received", "int", "청구 건수"),
            Column("open", "int", "처리 중"),
            Column("full", "int", "공개"),
            Column("partial", "int", "부분공개"),
            Column("refused", "int", "비공개"),
            Column("deemed_refused", "int", "간주 비공개"),
            Column("on_time_percent", "numeric", "기한 내 결정률(%)"),
            Column("average_days", "numeric", "평균 결정일수(근무일)"),
        ],
        rows=(
            [
                year,
                g["agency"].code,
                g["agency"].name_ko,
                g["total"],
                g["open"],
                g["full"],
                g["partial"],
                g["refused"],
                g["deemed_refused"],
                round(g["on_time_share"] * 100, 1) if g["on_time_share"] is not None else None,
                round(g["average_days"], 1) if g["average_days"] is not None else None,
            ]
            for g in groups
        ),
    )


FEEDS = (
    OpenDataFeed(
        slug="disclosure-statistics-by-agency",
        title_ko="정보공개 청구 처리 현황(기관별)",
        title_en="Information disclosure requests per agency",
        description_ko="올해 접수된 정보공개 청구의 기관별 결정 현황과 기한 내 결정률입니다.",
        publisher_code=MOIS,
        theme="public-administration",
        frequency="daily",
        licence="kogl-type1",
        build=by_agency_table,
        tags=("정보공개", "통계"),
    ),
)
