"""The portal's pages: the catalogue with facets, a dataset, a table's preview, downloads, and the
back office where an agency describes its datasets."""

import pytest

from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.opendata.models import Dataset, Resource
from egov.opendata.services import dataset_update
from tests import factories
from tests.conftest import login_official


@pytest.fixture
def korean(client):
    client.cookies["django_language"] = "ko"
    return client


def test_the_catalogue_lists_datasets_with_facets_in_korean(korean, catalogue):
    page = korean.get("/data/").content.decode()
    assert "시내버스 이용 현황" in page and "서울특별시 예산" in page
    assert "서울특별시" in page and "교통및물류" in page and "CSV" in page
    narrowed = korean.get("/data/", {"res_format": "JSON"}).content.decode()
    assert "서울특별시 예산" in narrowed and "시내버스 이용 현황" not in narrowed
    searched = korean.get("/data/", {"q": "버스"}).content.decode()
    assert "시내버스 이용 현황" in searched and "서울특별시 예산" not in searched


def test_the_catalogue_pages_its_results(client, catalogue):
    from egov.opendata import views

    views.PAGE_SIZE, saved = 1, views.PAGE_SIZE
    try:
        first = client.get("/data/").content.decode()
        second = client.get("/data/", {"page": 2}).content.decode()
    finally:
        views.PAGE_SIZE = saved
    assert 'data-testid="pagination"' in first and "page=2" in first
    assert ("시내버스 이용 현황" in first) != ("시내버스 이용 현황" in second)
    assert client.get("/data/", {"page": "x"}).status_code == 200


def test_the_dataset_page_shows_resources_versions_and_licence(korean, bus_dataset):
    page = korean.get(f"/data/dataset/{bus_dataset.name}/").content.decode()
    assert "시내버스 이용 현황" in page and "kogl.or.kr" in page and 'data-testid="versions"' in page
    assert korean.get("/data/dataset/nothing-here/").status_code == 404


def test_a_download_is_counted_and_served_as_the_file(client, bus_dataset):
    resource = bus_dataset.resources.get()
    response = client.get(f"/data/resource/{resource.pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert response.content.decode("utf-8-sig").startswith("월,자치구")
    client.get(f"/data/resource/{resource.pk}/download")
    assert Resource.objects.get(pk=resource.pk).download_count == 2
    assert client.get("/data/resource/00000000-0000-0000-0000-000000000000/download").status_code == 404


def test_a_table_is_previewed_under_its_korean_labels(korean, bus_dataset):
    resource = bus_dataset.resources.get()
    page = korean.get(f"/data/resource/{resource.pk}/").content.decode()
    assert "이용객 수" in page and "부산 해운대구" in page and ">riders<" not in page


@pytest.fixture
def seoul_admin(seoul):
    """Sora administers Seoul's agency account."""
    return factories.official("sora", seoul, roles=("viewer", "agency_admin"))


def test_an_agency_administrator_describes_its_dataset(client, seoul_admin, bus_dataset):
    login_official(client, seoul_admin)
    assert "시내버스 이용 현황" in client.get("/office/data/").content.decode()
    response = client.post(
        f"/office/data/{bus_dataset.name}/edit",
        {
            "title_ko": "서울 시내버스 이용 현황",
            "title_en": "Seoul bus riders",
            "notes": "설명",
            "tags": "교통, 버스, 서울",
            "licence": "kogl-type2",
            "frequency": "monthly",
            "contact_name": "교통정책과",
            "contact_email": "bus@seoul.go.kr",
            "temporal_start": "2026-01-01",
            "temporal_end": "2026-03-31",
            "spatial": "서울특별시",
        },
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(pk=bus_dataset.pk)
    assert dataset.title_ko == "서울 시내버스 이용 현황" and dataset.licence == "kogl-type2"
    assert sorted(t.name for t in dataset.tags.all()) == ["교통", "버스", "서울"]
    assert "서울 시내버스" in dataset.search_text


def test_a_coverage_that_ends_before_it_starts_is_refused_on_the_field(client, seoul_admin, bus_dataset):
    login_official(client, seoul_admin)
    response = client.post(
        f"/office/data/{bus_dataset.name}/edit",
        {
            "title_ko": "x",
            "licence": "kogl-type1",
            "frequency": "monthly",
            "spatial": "서울",
            "temporal_start": "2026-03-01",
            "temporal_end": "2026-01-01",
        },
    )
    assert (
        response.status_code == 400
        and Dataset.objects.get(pk=bus_dataset.pk).title_ko == "시내버스 이용 현황"
    )


def test_another_agencys_official_cannot_see_or_edit_the_dataset(client, carol, bus_dataset):
    login_official(client, carol)
    assert "시내버스" not in client.get("/office/data/").content.decode()
    assert client.get(f"/office/data/{bus_dataset.name}/edit").status_code == 404
    with pytest.raises(NotFound):
        dataset_update(actor=carol, dataset=bus_dataset, title_ko="x")


def test_only_the_agency_administrator_may_edit(seoul, seoul_supervisor, seoul_admin, bus_dataset):
    with pytest.raises(PermissionDenied):
        dataset_update(actor=seoul_supervisor, dataset=bus_dataset, title_ko="x")
    with pytest.raises(ValidationFailed) as caught:
        dataset_update(actor=seoul_admin, dataset=bus_dataset, publisher=None)
    assert caught.value.field == "publisher"
    with pytest.raises(ValidationFailed):
        dataset_update(actor=seoul_admin, dataset=bus_dataset, licence="mine")


def test_a_citizen_has_no_back_office(client, alice, bus_dataset):
    client.force_login(alice)
    assert client.get("/office/data/").status_code in (302, 403)
