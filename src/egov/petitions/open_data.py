"""Open data the petitions app publishes: this year's petition statistics per month, as the
public statistics page counts them (nothing about a petitioner)."""

from egov.core.open_data import Column, OpenDataFeed, Table
from egov.petitions.selectors import statistics, statistics_monthly

MOIS = "1741000"


def _share(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _days(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def monthly_table() -> Table:
    months, year = statistics_monthly()
    return Table(
        columns=[
            Column("month", "text", "월"),
            Column("received", "int", "접수 건수"),
            Column("answered", "int", "처리 건수"),
            Column("on_time_percent", "numeric", "기한 내 처리율(%)"),
            Column("average_days", "numeric", "평균 처리일수(근무일)"),
        ],
        rows=(
            [m["month"], m["received"], m["closed"], _share(m["on_time_share"]), _days(m["average_days"])]
            for m in months
        ),
    )


def by_agency_table() -> Table:
    groups, year = statistics()
    return Table(
        columns=[
            Column("year", "int", "연도"),
            Column("agency_code", "text", "기관코드"),
            Column("agency", "text", "기관명"),
            Column("category", "text", "민원 분야"),
            Column("received", "int", "접수 건수"),
            Column("answered", "int", "처리 건수"),
            Column("on_time_percent", "numeric", "기한 내 처리율(%)"),
            Column("average_days", "numeric", "평균 처리일수(근무일)"),
            Column("average_satisfaction", "numeric", "평균 만족도"),
        ],
        rows=(
            [
                year,
                g["agency"].code,
                g["agency"].name_ko,
                g["category"].name_ko,
                g["total"],
                g["answered"],
                _share(g["on_time_share"]),
                _days(g["average_days"]),
                round(g["average_satisfaction"], 2) if g["average_satisfaction"] is not None else None,
            ]
            for g in groups
        ),
    )


FEEDS = (
    OpenDataFeed(
        slug="petition-statistics-monthly",
        title_ko="국민신문고 민원 처리 현황(월별)",
        title_en="Petitions handled per month",
        description_ko="올해 접수된 민원의 월별 접수·처리 건수, 기한 내 처리율과 평균 처리일수입니다.",
        publisher_code=MOIS,
        theme="participation",
        frequency="daily",
        licence="kogl-type1",
        build=monthly_table,
        tags=("민원", "국민신문고", "통계"),
    ),
    OpenDataFeed(
        slug="petition-statistics-by-agency",
        title_ko="국민신문고 기관별·분야별 민원 처리 현황",
        title_en="Petitions handled per agency and category",
        description_ko="올해 접수된 민원의 기관별·분야별 처리 현황과 만족도입니다.",
        publisher_code=MOIS,
        theme="participation",
        frequency="daily",
        licence="kogl-type1",
        build=by_agency_table,
        tags=("민원", "국민신문고", "통계"),
    ),
)
