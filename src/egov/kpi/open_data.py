"""Every performance series published as an open dataset (issue 19, item 7): one dataset per
indicator, `kpi-<code>`, holding the national series of last year and this year — per month, and
per service (procedure, customs lane) where the indicator is shown by service — with its unit and
the year's target, read from the rollups (`selectors.indicator_series`), refreshed daily by the
worker like every other feed."""

from django.utils import timezone, translation

from egov.core.open_data import Column, OpenDataFeed, Table
from egov.kpi.indicators import INDICATORS, Indicator
from egov.kpi.selectors import indicator_series
from egov.kpi.templatetags.kpi import service_label

MOIS = "1741000"  # 행정안전부: performance management of the e-government


def series_table(code: str) -> Table:
    """The national series of the indicator `code`, last year and this year."""
    this_year = timezone.localdate().year
    rows = []
    with translation.override("ko"):
        for year in (this_year - 1, this_year):
            _columns, series = indicator_series(code=code, year=year)
            for _code, year_, month, service, value, unit, target in series:
                label = service_label(service) if service else "전체"
                rows.append([year_, month, service, label, value, unit, target])
    return Table(
        columns=[
            Column("year", "int", "연도"),
            Column("month", "int", "월"),
            Column("service_code", "text", "서비스 구분 코드"),
            Column("service", "text", "서비스 구분"),
            Column("value", "numeric", "실적"),
            Column("unit", "text", "단위"),
            Column("target", "numeric", "연간 목표"),
        ],
        rows=rows,
    )


def _feed(indicator: Indicator) -> OpenDataFeed:
    with translation.override("ko"):
        name, definition, formula = str(indicator.name), str(indicator.definition), str(indicator.formula)
    with translation.override("en"):
        name_en = str(indicator.name)
    return OpenDataFeed(
        slug="kpi-" + indicator.code.replace("_", "-"),
        title_ko=f"전자정부 성과지표: {name}",
        title_en=f"E-government performance indicator: {name_en}",
        description_ko=(
            f"{definition} 산식: {formula}. 플랫폼의 처리 기록을 월별로 집계한 전국 실적(지난해와 "
            "올해)과 연간 목표입니다."
        ),
        publisher_code=MOIS,
        theme="public-administration",
        frequency="daily",
        licence="kogl-type1",
        build=lambda: series_table(indicator.code),
        tags=("성과지표", "전자정부", "통계"),
    )


FEEDS = tuple(_feed(indicator) for indicator in INDICATORS)
