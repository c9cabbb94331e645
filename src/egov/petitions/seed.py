"""Petition categories of the demo nation, each routed to its competent agency.

`egov seed` runs `history_seed()` (through `seed_step`): `categories_seed()` (creates what is
missing, skips agencies the database does not hold), then the demo citizen's petitions in the
officials' queues.
"""

import datetime as dt

from django.utils import timezone

from egov.accounts.models import User
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.petitions import services
from egov.petitions.models import Category
from egov.petitions.procedure import ACT_ROLES
from egov.registry.models import Agency

# code, Korean name, English name, competent agency code, complaint period
CATEGORIES = (
    ("road-jongno", "도로·교통 (종로구)", "Roads and traffic (Jongno-gu)", "3000000",
     "petitions.complaint.suggestion"),
    ("sanitation-jongno", "청소·환경 (종로구)", "Waste and environment (Jongno-gu)", "3000000",
     "petitions.complaint.other"),
    ("parking-gangnam", "주차 (강남구)", "Parking (Gangnam-gu)", "3220000", "petitions.complaint.other"),
    ("housing-seoul", "주택·건축 (서울특별시)", "Housing and building (Seoul)", "6110000",
     "petitions.complaint.inquiry_law"),
    ("port-busan", "항만 (부산광역시)", "Port (Busan)", "6260000", "petitions.complaint.inquiry_procedure"),
    ("resident-registration", "주민등록 제도", "Resident registration", "1741000",
     "petitions.complaint.inquiry_law"),
)  # fmt: skip


def categories_seed() -> list[Category]:
    agencies = Agency.objects.in_bulk({row[3] for row in CATEGORIES}, field_name="code")
    out = []
    for code, name_ko, name_en, agency_code, period in CATEGORIES:
        agency = agencies.get(agency_code)
        if agency is None:
            continue
        category, _created = Category.objects.get_or_create(
            code=code,
            defaults={"name_ko": name_ko, "name_en": name_en, "agency": agency, "period_code": period},
        )
        out.append(category)
    return out


# category, kind, days ago received, title, body, what the agency did:
# "" open as received, "assign", "start" (in progress), "answer", "answer+rate:N"
HISTORY = (
    (
        "road-jongno",
        "complaint",
        5,
        "보도블록 파손 신고",
        "종로 1가 버스정류장 앞 보도블록이 깨져 있어 위험합니다.",
        "answer+rate:4",
    ),
    (
        "sanitation-jongno",
        "complaint",
        2,
        "골목 쓰레기 무단투기",
        "인사동 골목에 쓰레기가 매일 쌓입니다. 단속을 요청합니다.",
        "start",
    ),
    (
        "sanitation-jongno",
        "grievance",
        20,
        "재활용품 수거 누락",
        "3주째 우리 집 앞 재활용품이 수거되지 않고 있습니다.",
        "assign",
    ),
    (
        "road-jongno",
        "complaint",
        0,
        "횡단보도 신호등 고장",
        "종로5가 사거리 보행 신호등이 꺼져 있습니다.",
        "",
    ),
    (
        "parking-gangnam",
        "complaint",
        1,
        "거주자 우선주차 배정 문의",
        "거주자 우선주차 신청 결과는 언제 나오나요?",
        "",
    ),
    (
        "parking-gangnam",
        "complaint",
        6,
        "불법 주차 단속 요청",
        "테헤란로 이면도로 불법 주차로 소방차가 지나갈 수 없습니다.",
        "answer+rate:2",
    ),
    (
        "housing-seoul",
        "complaint",
        3,
        "리모델링 허가 기준 질의",
        "공동주택 리모델링 허가 기준이 궁금합니다.",
        "",
    ),
    (
        "port-busan",
        "complaint",
        0,
        "여객터미널 주차 안내",
        "부산항 국제여객터미널 장기주차 요금을 알려 주세요.",
        "",
    ),
    (
        "resident-registration",
        "proposal",
        4,
        "전입신고 알림 개선 제안",
        "전입신고가 처리되면 문자로 알려 주면 좋겠습니다.",
        "answer",
    ),
)

ANSWERS = {
    "road-jongno": "현장을 확인하여 파손된 보도블록을 교체하였습니다. 불편을 드려 죄송합니다.",
    "parking-gangnam": "해당 구간을 집중 단속 구역으로 지정하고 주 3회 단속하겠습니다.",
    "resident-registration": "좋은 제안 감사합니다. 전입신고 처리 결과 알림을 검토하여 반영하겠습니다.",
}


def seed_step(*, options: SeedOptions) -> SeedReport:
    """Petitions' step of `egov seed`: the categories and the demo citizen's petitions."""
    return SeedReport(lines=[summary_line("petitions", history_seed())])


def history_seed() -> dict[str, int]:
    """The demo citizen's petitions in every state (answered, in progress, open, one overdue), so
    the demo officials' queues show work. Needs the demo logins; skips what is missing."""
    categories = {c.code: c for c in categories_seed()}
    citizen = User.objects.filter(username="citizen", is_demo=True).first()
    if citizen is None:
        return {"categories": len(categories)}
    officials = {
        u.agency_id: u
        for u in User.objects.filter(is_demo=True, kind="official", roles__role__in=ACT_ROLES)
        .select_related("agency")
        .order_by("-id")
    }
    now = timezone.now()
    filed = 0
    for code, kind, days_ago, title, body, done in HISTORY:
        category = categories.get(code)
        if category is None:
            continue
        petition = services.petition_file(
            actor=citizen, kind=kind, category=category, title=title, body=body,
            received_at=now - dt.timedelta(days=days_ago, hours=2),
        )  # fmt: skip
        filed += 1
        official = officials.get(petition.agency_id)
        if not done or official is None:
            continue
        if done == "assign":
            services.petition_assign(actor=official, petition=petition, assignee=official)
        elif done == "start":
            services.petition_start(actor=official, petition=petition)
        elif done.startswith("answer"):
            petition = services.petition_answer(actor=official, petition=petition, answer=ANSWERS[code])
            if "+rate:" in done:
                services.petition_rate(actor=citizen, petition=petition, satisfaction=int(done.split(":")[1]))
    return {"categories": len(categories), "petitions": filed}
