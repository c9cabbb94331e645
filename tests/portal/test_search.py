"""Site search: one search over every app's declared sections (services, tender notices,
published information, proposals), each found through its `search.py`; pagination and
filters; the shared KRDS pagination."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.civil.models import Service
from egov.core.search import search_query_clean, search_sections
from egov.disclosure.publications import publication_publish
from egov.procurement import services as procurement
from tests import factories
from tests.procurement.conftest import tender_kwargs

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path, client):
    settings.DATA_DIR = tmp_path / "data"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"


def get(client, **params) -> str:
    answer = client.get("/search/", params)
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.fixture
def services_catalogue(jongno):
    """Twenty-five 도로 services and one 여권 service of Jongno-gu."""
    rows = [
        Service(code=f"road-{i:02d}", name_ko=f"도로 점용 허가 {i:02d}", name_en=f"Road permit {i:02d}",
                agency=jongno, legal_basis="도로법", kind="processed", handler="configurable")
        for i in range(25)
    ]  # fmt: skip
    rows.append(
        Service(code="passport", name_ko="여권 재발급", name_en="Passport", agency=jongno,
                legal_basis="여권법", kind="instant", handler="configurable")
    )  # fmt: skip
    return Service.objects.bulk_create(rows)


@pytest.fixture
def road_tender(bob, jongno):
    committee = [factories.official(name, jongno, roles=("viewer",)) for name in ("kim", "lee", "park")]
    return procurement.tender_publish(actor=bob, **tender_kwargs(committee, title="도로 포장 보수 공사"))


@pytest.fixture
def road_publication(bob):
    return publication_publish(
        actor=bob, title="도로 정비 계획", description="2026년 종로구 도로 정비",
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )  # fmt: skip


def test_every_app_declares_its_sections_through_its_search_module(db):
    codes = [s.code for s in search_sections()]
    assert codes == ["services", "tenders", "publications", "proposals"]


def test_a_query_is_trimmed_and_capped():
    assert search_query_clean("  도로   포장 ") == "도로 포장" and len(search_query_clean("가" * 500)) == 100


def test_one_search_finds_services_tenders_and_publications(
    client, services_catalogue, road_tender, road_publication
):
    page = client.get("/search/", {"q": "도로"}, HTTP_ACCEPT_LANGUAGE="ko")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="search-group-services"' in html and "도로 점용 허가 00" in html
    assert "도로 포장 보수 공사" in html and "도로 정비 계획" in html
    assert html.count("도로 점용 허가") == 5 and "section=services" in html  # a preview, then more
    assert "여권 재발급" not in html


def test_one_section_pages_twenty_at_a_time_and_keeps_its_filters(client, services_catalogue):
    first = get(client, q="도로", section="services")
    assert first.count("도로 점용 허가") == 20 and "krds-pagination" in first
    second = get(client, q="도로", section="services", page=2)
    assert second.count("도로 점용 허가") == 5
    instant = client.get("/search/", {"q": "여권", "section": "services", "kind": "instant"}).content.decode()
    assert "여권 재발급" in instant
    processed = client.get(
        "/search/", {"q": "여권", "section": "services", "kind": "processed"}
    ).content.decode()
    assert "여권 재발급" not in processed


def test_the_tender_filter_shows_only_those_taking_bids(client, road_tender, bob):
    procurement.tender_cancel(actor=bob, number=road_tender.number, reason="예산 부족")
    assert "도로 포장" in get(client, q="도로", section="tenders")
    assert "도로 포장" not in get(client, q="도로", section="tenders", status="open")


def test_bad_input_is_never_an_error(client, db):
    bad = [{}, {"q": ""}, {"q": "x", "section": "nonsense"}, {"q": "%_\\'\""}]
    bad.append({"q": "도로", "section": "services", "page": "abc"})
    for params in bad:
        get(client, **params)
