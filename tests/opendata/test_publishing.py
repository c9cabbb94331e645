"""An agency publishes through the back office: its administrator creates a dataset of its own
agency and uploads files, each a new version; the dataset then shows in the catalogue, in
CKAN's package_show/package_search and in the DCAT-AP export. Other agencies find nothing;
citizens are refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from egov.core.errors import NotFound, ValidationFailed
from egov.core.models import AuditEvent
from egov.opendata.models import Dataset, DatasetRdf
from egov.opendata.services import dataset_create, resource_upload
from tests import factories
from tests.conftest import login_official

NEW = {
    "title_ko": "서울시 공원 목록",
    "title_en": "Seoul parks",
    "notes": "서울특별시가 관리하는 공원의 이름과 위치입니다.",
    "theme": "transport",
    "tags": "공원, 녹지",
    "licence": "kogl-type3",
    "frequency": "quarterly",
    "contact_name": "푸른도시정책과",
    "contact_email": "parks@seoul.go.kr",
    "temporal_start": "2026-01-01",
    "temporal_end": "2026-06-30",
    "spatial": "서울특별시",
}
PARKS_CSV = "공원명,자치구\n남산공원,중구\n보라매공원,동작구\n".encode()


@pytest.fixture
def seoul_admin(seoul):
    return factories.official("sora", seoul, roles=("viewer", "agency_admin"))


@pytest.fixture
def parks(seoul_admin):
    return dataset_create(
        actor=seoul_admin,
        theme="transport",
        tags=["공원"],
        title_ko="서울시 공원 목록",
        licence="kogl-type1",
        frequency="annual",
    )


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def test_an_agency_administrator_publishes_a_dataset_and_uploads_a_file(client, seoul_admin):
    login_official(client, seoul_admin)
    assert client.get("/office/data/new").status_code == 200
    response = client.post("/office/data/new", NEW)
    assert response.status_code == 302
    dataset = Dataset.objects.get(title_ko="서울시 공원 목록")
    assert dataset.publisher == seoul_admin.agency and dataset.feed == "" and dataset.version == 0
    assert dataset.licence == "kogl-type3" and dataset.frequency == "quarterly"
    assert dataset.theme.name == "transport" and dataset.spatial == "서울특별시"
    assert str(dataset.temporal_end) == "2026-06-30" and dataset.contact_email == "parks@seoul.go.kr"
    assert sorted(t.name for t in dataset.tags.all()) == ["공원", "녹지"]
    assert response["Location"] == f"/office/data/{dataset.name}/upload"
    assert AuditEvent.objects.filter(action="opendata.dataset_create", object_id=str(dataset.pk)).exists()

    upload = SimpleUploadedFile("parks.csv", PARKS_CSV, content_type="text/csv")
    response = client.post(f"/office/data/{dataset.name}/upload", {"file": upload, "name": "공원 목록"})
    assert response.status_code == 302
    dataset.refresh_from_db()
    resource = dataset.resources.get()
    assert (
        resource.format == "CSV"
        and resource.media_type == "text/csv"
        and bytes(resource.content) == PARKS_CSV
    )
    version = dataset.versions.get()
    assert dataset.version == 1 and version.number == 1 and version.size == len(PARKS_CSV)
    assert version.issued_at == resource.last_modified
    assert AuditEvent.objects.filter(action="opendata.resource_upload", object_id=str(dataset.pk)).exists()

    # A second file is a second version.
    pdf = SimpleUploadedFile("안내.pdf", b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf")
    assert client.post(f"/office/data/{dataset.name}/upload", {"file": pdf}).status_code == 302
    dataset.refresh_from_db()
    assert dataset.version == 2 and [r.format for r in dataset.resources.all()] == ["CSV", "PDF"]

    # The catalogue, CKAN and DCAT all have it.
    assert "서울시 공원 목록" in client.get("/data/", {"q": "공원"}).content.decode()
    assert "서울시 공원 목록" in client.get(f"/data/dataset/{dataset.name}/").content.decode()
    shown = client.get("/api/3/action/package_show", {"id": dataset.name}).json()
    assert shown["success"] and shown["result"]["license_id"] == "kogl-type3"
    assert shown["result"]["organization"]["name"] == "6110000"
    assert [r["format"] for r in shown["result"]["resources"]] == ["CSV", "PDF"]
    found = client.get("/api/3/action/package_search", {"q": "공원"}).json()["result"]
    assert [d["name"] for d in found["results"]] == [dataset.name]
    fragment = DatasetRdf.objects.get(dataset=dataset)
    assert fragment.source_modified == dataset.modified_at and "서울시 공원 목록" in fragment.ntriples
    graph = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert any(dataset.name in str(d) for d in graph.subjects(RDF.type, DCAT.Dataset))


def test_json_and_xlsx_are_taken_by_their_content(seoul_admin, parks):
    resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("a.json", b'{"a": 1}'))
    resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("b.xlsx", _xlsx()))
    parks.refresh_from_db()
    assert [r.format for r in parks.resources.all()] == ["JSON", "XLSX"] and parks.version == 2


@pytest.mark.parametrize(
    "filename,content",
    [
        ("parks.exe", b"MZ\x90\x00"),
        ("parks.csv", b"\x89PNG\r\n\x1a\n0000"),  # a picture named .csv
        ("parks.json", b"{not json"),
        ("parks.xlsx", b"PK\x03\x04 not a workbook"),
        ("parks.pdf", b"hello"),
        ("parks.csv", b""),
        ("parks.csv", "이름\n".encode("euc-kr")),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_on_the_file_field(seoul_admin, parks, filename, content):
    with pytest.raises(ValidationFailed) as caught:
        resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile(filename, content))
    assert caught.value.field == "file"
    parks.refresh_from_db()
    assert parks.version == 0 and not parks.resources.exists() and not parks.versions.exists()


def test_a_file_over_the_platforms_limit_is_refused(settings, seoul_admin, parks):
    settings.EGOV_PETITION_MAX_ATTACHMENT_BYTES = 20
    with pytest.raises(ValidationFailed) as caught:
        resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("p.csv", PARKS_CSV))
    assert caught.value.field == "file" and not parks.resources.exists()


def test_the_upload_page_names_the_field_in_korean(client, seoul_admin, parks):
    login_official(client, seoul_admin)
    client.cookies["django_language"] = "ko"
    response = client.post(
        f"/office/data/{parks.name}/upload", {"file": SimpleUploadedFile("p.json", b"{oops")}
    )
    assert response.status_code == 400
    assert "p.json" in response.content.decode() and "파일" in response.content.decode()


def test_bad_input_on_creation_names_the_field(client, seoul_admin):
    login_official(client, seoul_admin)
    response = client.post("/office/data/new", NEW | {"temporal_start": "2026-09-01"})
    assert response.status_code == 400 and not Dataset.objects.exists()
    assert response.context["form"].errors.keys() == {"temporal_end"}
    response = client.post("/office/data/new", NEW | {"licence": "gpl"})
    assert response.status_code == 400 and "licence" in response.context["form"].errors
    response = client.post("/office/data/new", NEW | {"theme": ""})
    assert response.status_code == 400 and "theme" in response.context["form"].errors
    with pytest.raises(ValidationFailed) as caught:
        dataset_create(actor=seoul_admin, theme="nope", title_ko="x")
    assert caught.value.field == "theme" and not Dataset.objects.exists()


def test_another_agencys_official_cannot_add_to_it_and_citizens_are_refused(client, carol, alice, parks):
    gangnam_admin = factories.official("gina", carol.agency, roles=("viewer", "agency_admin"))
    login_official(client, gangnam_admin)
    assert client.get(f"/office/data/{parks.name}/upload").status_code == 404
    upload = SimpleUploadedFile("p.csv", PARKS_CSV)
    assert client.post(f"/office/data/{parks.name}/upload", {"file": upload}).status_code == 404
    assert client.get(f"/office/data/{parks.name}/edit").status_code == 404
    with pytest.raises(NotFound):
        resource_upload(actor=gangnam_admin, dataset=parks, upload=SimpleUploadedFile("p.csv", PARKS_CSV))
    client.logout()
    client.force_login(alice)
    assert client.get("/office/data/new").status_code == 403
    assert client.post("/office/data/new", NEW).status_code == 403
    assert client.get(f"/office/data/{parks.name}/upload").status_code == 403
    assert not parks.resources.exists() and Dataset.objects.count() == 1


def test_an_official_without_the_administrator_role_cannot_publish(client, seoul):
    viewer = factories.official("vin", seoul, roles=("viewer",))
    login_official(client, viewer)
    assert client.post("/office/data/new", NEW).status_code == 403
    assert not Dataset.objects.exists()


def test_an_agency_published_dataset_keeps_the_catalogue_conforming_to_dcat_ap_3(client, seoul_admin, parks):
    from pyshacl import validate

    from tests.standards import standards_file

    resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("p.csv", PARKS_CSV))
    resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("b.xlsx", _xlsx()))
    resource_upload(actor=seoul_admin, dataset=parks, upload=SimpleUploadedFile("c.pdf", b"%PDF-1.7\n"))
    shapes = Graph().parse(standards_file("dcat-ap-3.0.1-SHACL.ttl"), format="turtle")
    data = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert len(set(data.subjects(RDF.type, DCAT.Distribution))) == 3
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms and "Severity: sh:Violation" not in text, text
