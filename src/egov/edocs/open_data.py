"""Open data On-nara publishes (issue 19, item 4): e-document statistics (전자문서 유통 현황)
per month and agency over the last MONTHS months — official documents approved (of them
internal approvals, 내부결재), documents delivered to other departments or agencies as signed
electronic messages, bounced messages, and the average hours from submission to approval.
Counts of an agency's documents only: no title, no official, no recipient."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from egov.core.open_data import Column, OpenDataFeed, Table
from egov.edocs.models import Message, OfficialDocument
from egov.registry.models import Agency

MOIS = "1741000"
SEOUL = ZoneInfo("Asia/Seoul")
MONTHS = 12


def _first_month(now: dt.datetime | None) -> dt.datetime:
    local = (now or timezone.now()).astimezone(SEOUL)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def statistics_table(*, now: dt.datetime | None = None) -> Table:
    """Per month (Seoul time) and agency: documents approved, internal approvals, messages
    delivered and bounced (by the sending agency, month sent), average approval hours."""
    first = _first_month(now)
    cells: dict[tuple[str, int], dict] = {}

    def cell(month, agency_id) -> dict:
        key = (month.astimezone(SEOUL).strftime("%Y-%m"), agency_id)
        return cells.setdefault(
            key, {"approved": 0, "internal": 0, "delivered": 0, "bounced": 0, "hours": 0.0, "timed": 0}
        )

    approved = OfficialDocument.objects.filter(approved_at__gte=first)
    for r in (
        approved.annotate(month=TruncMonth("approved_at", tzinfo=SEOUL))
        .values("month", "agency_id")
        .annotate(n=Count("id"), internal=Count("id", filter=Q(internal=True)))
        .order_by()
    ):
        c = cell(r["month"], r["agency_id"])
        c["approved"], c["internal"] = r["n"], r["internal"]
    for agency_id, submitted, approved_at in approved.filter(submitted_at__isnull=False).values_list(
        "agency_id", "submitted_at", "approved_at"
    ):
        c = cell(approved_at, agency_id)
        c["hours"] += max(0.0, (approved_at - submitted).total_seconds() / 3600)
        c["timed"] += 1
    for r in (
        Message.objects.filter(sent_at__gte=first)
        .annotate(month=TruncMonth("sent_at", tzinfo=SEOUL))
        .values("month", "sender_id")
        .annotate(
            delivered=Count("id", filter=Q(state=Message.State.DELIVERED)),
            bounced=Count("id", filter=Q(state=Message.State.BOUNCED)),
        )
        .order_by()
    ):
        c = cell(r["month"], r["sender_id"])
        c["delivered"], c["bounced"] = r["delivered"], r["bounced"]
    agencies = Agency.objects.in_bulk({agency_id for _month, agency_id in cells})
    rows = []
    for month, agency_id in sorted(cells, key=lambda k: (k[0], agencies[k[1]].code)):
        c = cells[(month, agency_id)]
        agency = agencies[agency_id]
        rows.append(
            [
                month,
                agency.code,
                agency.name_ko,
                c["approved"],
                c["internal"],
                c["delivered"],
                c["bounced"],
                round(c["hours"] / c["timed"], 1) if c["timed"] else None,
            ]
        )
    return Table(
        columns=[
            Column("month", "text", "월"),
            Column("agency_code", "text", "기관코드"),
            Column("agency", "text", "기관명"),
            Column("approved", "int", "결재된 문서"),
            Column("internal", "int", "내부결재"),
            Column("delivered", "int", "전자 발송된 문서(수신기관별)"),
            Column("bounced", "int", "반송된 발송"),
            Column("average_approval_hours", "numeric", "평균 결재 소요시간(시간)"),
        ],
        rows=rows,
    )


FEEDS = (
    OpenDataFeed(
        slug="edocs-statistics-by-agency",
        title_ko="온-나라 전자문서 생산·유통 현황(월별·기관별)",
        title_en="Official documents approved and sent electronically per month and agency",
        description_ko=(
            "최근 12개월 동안 기관별로 결재된 공문서(내부결재 포함), 다른 기관·부서에 전자문서로 "
            "발송된 건수와 반송 건수, 평균 결재 소요시간입니다. 문서의 제목이나 내용, 공무원에 관한 "
            "정보는 없습니다."
        ),
        publisher_code=MOIS,
        theme="public-administration",
        frequency="daily",
        licence="kogl-type1",
        build=statistics_table,
        tags=("온-나라", "전자문서", "통계"),
    ),
)
