"""Open data the registry publishes: the list of administrative agencies (행정기관코드)."""

from egov.core.open_data import Column, OpenDataFeed, Table
from egov.registry.models import Agency

MOIS = "1741000"  # 행정안전부 publishes the code list


def agencies_table() -> Table:
    """Every agency with its code, names, kind and parent's code."""
    rows = Agency.objects.select_related("parent").order_by("code")
    kinds = dict(Agency.Kind.choices)
    return Table(
        columns=[
            Column("code", "text", "행정기관코드"),
            Column("name_ko", "text", "기관명"),
            Column("name_en", "text", "기관명(영문)"),
            Column("kind", "text", "기관유형"),
            Column("parent_code", "text", "상위기관코드"),
        ],
        rows=(
            [
                a.code,
                a.name_ko,
                a.name_en,
                str(kinds.get(a.kind, a.kind)),
                a.parent.code if a.parent else None,
            ]
            for a in rows
        ),
    )


FEEDS = (
    OpenDataFeed(
        slug="administrative-agencies",
        title_ko="행정기관 코드 목록",
        title_en="Administrative agency codes",
        description_ko="행정기관코드와 기관명, 기관유형, 상위기관 코드입니다.",
        publisher_code=MOIS,
        theme="public-administration",
        frequency="monthly",
        licence="kogl-type1",
        build=agencies_table,
        tags=("행정기관", "기관코드"),
    ),
)
