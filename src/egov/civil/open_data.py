"""Open data the civil services publish: this month's counters per service (applications,
online share, papers saved, visits avoided, processing time) — the public counters page's
figures."""

from egov.civil.selectors import counters
from egov.core.open_data import Column, OpenDataFeed, Table

MOIS = "1741000"


def counters_table() -> Table:
    rows, month = counters()
    return Table(
        columns=[
            Column("month", "text", "월"),
            Column("service_code", "text", "민원사무 코드"),
            Column("service", "text", "민원사무명"),
            Column("agency", "text", "소관기관"),
            Column("applications", "int", "신청 건수"),
            Column("online", "int", "온라인 신청"),
            Column("counter", "int", "방문 신청"),
            Column("online_percent", "numeric", "온라인 비율(%)"),
            Column("papers_saved", "int", "절감된 구비서류 수"),
            Column("average_days", "numeric", "평균 처리일수"),
        ],
        rows=(
            [
                month,
                r["service"].code,
                r["service"].name_ko,
                r["service"].agency.name_ko,
                r["total"],
                r["online"],
                r["counter"],
                round(r["online_share"] * 100, 1),
                r["papers_saved"],
                round(r["average_days"], 1) if r["average_days"] is not None else None,
            ]
            for r in rows
        ),
    )


FEEDS = (
    OpenDataFeed(
        slug="civil-service-counters",
        title_ko="정부24 민원사무별 신청·처리 현황",
        title_en="Civil service applications per service",
        description_ko=(
            "이번 달 민원사무별 신청 건수, 온라인 신청 비율, 절감된 구비서류와 평균 처리일수입니다."
        ),
        publisher_code=MOIS,
        theme="public-administration",
        frequency="daily",
        licence="kogl-type1",
        build=counters_table,
        tags=("정부24", "민원", "통계"),
    ),
)
