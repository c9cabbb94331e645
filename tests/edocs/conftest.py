"""Jongno-gu's office at work: Minji drafts in the general affairs division (총무과), Junho (team
leader) reviews, Soyeon of the finance division (재무과) cooperates, Director Park approves
general business under the delegation table (전결); the mayor (구청장) approves budgets. Gangnam
and Busan receive; Haeundae has no On-nara registry office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.edocs.models import DelegationRule, Department, DocumentKind, OfficialPost, Position
from egov.edocs.services.drafting import document_draft
from tests import factories


@pytest.fixture(scope="session")
def edocs_home(tmp_path_factory):
    return tmp_path_factory.mktemp("edocs-data")


@pytest.fixture(autouse=True)
def edocs_data_dir(settings, edocs_home):
    settings.DATA_DIR = edocs_home
    settings.EGOV_PUBLIC_URL = "https://gov.example"
    return edocs_home


def _department(agency, code, name_ko, name_en, *, registry=False):
    return Department.objects.create(
        agency=agency,
        code=code,
        name_ko=name_ko,
        name_en=name_en,
        is_registry_office=registry,
        address=f"{agency.name_ko} 청사",
        telephone="02-2148-1234",
    )


def _post(username, department, position, title, name, roles=("viewer", "registrar")):
    user = factories.official(username, department.agency, roles=roles)
    user.email = f"{username}@gov.example"
    user.save(update_fields=["email"])
    OfficialPost.objects.create(
        official=user, department=department, position=position, title=title, display_name=name
    )
    return user


@pytest.fixture
def general_affairs(jongno):
    DelegationRule.objects.create(agency=jongno, kind=DocumentKind.GENERAL, position=Position.DIRECTOR)
    DelegationRule.objects.create(agency=jongno, kind=DocumentKind.NOTICE, position=Position.DIRECTOR)
    return _department(jongno, "3000010", "총무과", "General Affairs Division", registry=True)


@pytest.fixture
def finance(jongno):
    return _department(jongno, "3000020", "재무과", "Finance Division")


@pytest.fixture
def minji(general_affairs):
    """Minji drafts in Jongno's general affairs division."""
    return _post("minji", general_affairs, Position.STAFF, "주무관", "김민지")


@pytest.fixture
def junho(general_affairs):
    """Junho, her team leader, reviews."""
    return _post("junho", general_affairs, Position.TEAM_LEADER, "총무팀장", "이준호")


@pytest.fixture
def park(general_affairs):
    """Director Park approves general business under the delegation table."""
    return _post("park", general_affairs, Position.DIRECTOR, "총무과장", "박정우")


@pytest.fixture
def soyeon(finance):
    """Soyeon of the finance division cooperates."""
    return _post("soyeon", finance, Position.DIRECTOR, "재무과장", "최소연")


@pytest.fixture
def mayor(general_affairs):
    return _post(
        "mayor", general_affairs, Position.HEAD, "종로구청장", "정문헌", roles=("viewer", "agency_admin")
    )


@pytest.fixture
def gangnam_office(gangnam):
    return _department(gangnam, "3220010", "행정지원과", "Administrative Support Division", registry=True)


@pytest.fixture
def gangnam_clerk(gangnam_office):
    """Hana registers what Gangnam receives."""
    return _post("hana", gangnam_office, Position.STAFF, "주무관", "한하나")


@pytest.fixture
def gangnam_welfare(gangnam):
    return _department(gangnam, "3220020", "복지정책과", "Welfare Policy Division")


@pytest.fixture
def gangnam_officer(gangnam_welfare):
    """Taeyang works in Gangnam's welfare division and answers what is assigned to him."""
    return _post("taeyang", gangnam_welfare, Position.STAFF, "주무관", "오태양")


def pdf_upload(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n")


@pytest.fixture
def draft(minji, junho, soyeon, park, gangnam):
    def draft(**overrides):
        values = {
            "actor": minji,
            "title": "2027년 민원실 환경 개선 계획 협조 요청",
            "content": "1. 관련: 총무과-100\n2. 민원실 환경 개선 계획을 붙임과 같이 알려 드립니다.",
            "line": [(junho, "review"), (soyeon, "cooperate"), (park, "approve")],
            "recipients": [gangnam],
            "kind": DocumentKind.NOTICE,
            "attachments": [pdf_upload()],
        }
        values.update(overrides)
        return document_draft(**values)

    return draft


@pytest.fixture
def unit_tasks(jongno):
    """Jongno's classification scheme: general administration kept 1 year (disposed when it
    ends) and regulations kept permanently (transferred to the archive)."""
    from egov.edocs.models import UnitTask

    return {
        "short": UnitTask.objects.create(
            agency=jongno, code="A01", name_ko="일반 행정", name_en="General administration", retention="1"
        ),
        "archive": UnitTask.objects.create(
            agency=jongno,
            code="A02",
            name_ko="자치법규",
            name_en="Local regulations",
            retention="10",
            archival=True,
        ),
    }
