"""Demo proposals for `egov seed`: the demo citizen's public proposals, with agreements and
comments from a few neighbours (citizen accounts without a usable password)."""

from django.contrib.auth.hashers import make_password

from egov.accounts.models import User
from egov.core.seeding import SeedOptions, SeedReport, summary_line
from egov.participation import services
from egov.petitions.models import Category
from egov.registry.models import Resident

NEIGHBOURS = 8

PROPOSALS = (
    ("road-jongno", "종로 횡단보도에 그늘막을 설치해 주세요",
     "여름철 종로 일대 횡단보도 앞에서 신호를 기다리는 시민이 많습니다. 그늘막을 설치해 주세요.", 8,
     ("찬성합니다. 어르신들께 꼭 필요합니다.", "광화문 쪽에도 있으면 좋겠어요.")),
    ("sanitation-jongno", "골목마다 재활용 분리수거함을 두면 좋겠습니다",
     "주택가 골목에 분리수거함이 없어 쓰레기가 섞여 버려집니다.", 3, ("관리는 누가 하나요?",)),
)  # fmt: skip


def seed_step(*, options: SeedOptions) -> SeedReport:
    """Participation's step of `egov seed` (after petitions' categories): the demo proposals."""
    return SeedReport(lines=[summary_line("participation", proposals_seed())])


def proposals_seed() -> dict[str, int]:
    """Two proposals by the demo citizen, agreed and commented on by neighbours from the same
    district. Skips everything when the demo citizen or the categories are missing."""
    citizen = User.objects.filter(username="citizen", is_demo=True).select_related("resident").first()
    categories = Category.objects.in_bulk([row[0] for row in PROPOSALS], field_name="code")
    if citizen is None or citizen.resident is None or not categories:
        return {}
    residents = (
        Resident.objects.filter(
            agency_id=citizen.resident.agency_id, account__isnull=True, status=Resident.Status.RESIDENT
        )
        .exclude(pk=citizen.resident_id)
        .order_by("pk")[:NEIGHBOURS]
    )
    unusable = make_password(None)
    neighbours = [
        User.objects.create(
            username=f"neighbour.{i + 1}", kind=User.Kind.CITIZEN, resident=r, password=unusable
        )
        for i, r in enumerate(residents)
    ]
    counts = {"proposals": 0, "agreements": 0, "comments": 0}
    for code, title, body, agreements, comments in PROPOSALS:
        if code not in categories:
            continue
        proposal = services.proposal_post(actor=citizen, category=categories[code], title=title, body=body)
        counts["proposals"] += 1
        for user in neighbours[:agreements]:
            if not services.proposal_is_open(proposal):  # a low threshold made it a petition
                break
            proposal = services.proposal_agree(actor=user, proposal=proposal)
            counts["agreements"] += 1
        for user, text in zip(
            neighbours, comments if services.proposal_is_open(proposal) else (), strict=False
        ):
            services.proposal_comment(actor=user, proposal=proposal, body=text)
            counts["comments"] += 1
    return counts
