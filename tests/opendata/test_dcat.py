"""The catalogue in DCAT-AP 3, checked with the standard's own SHACL shapes."""

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.standards import standards_file


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(standards_file("dcat-ap-3.0.1-SHACL.ttl"), format="turtle")


def _graph(client, path: str, fmt: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=fmt)


def test_the_catalogue_is_served_in_turtle_json_ld_and_rdf_xml_alike(client, catalogue):
    turtle = _graph(client, "/catalog.ttl", "turtle")
    assert len(turtle) > 0
    assert len(_graph(client, "/catalog.jsonld", "json-ld")) == len(turtle)
    assert len(_graph(client, "/catalog.rdf", "xml")) == len(turtle)
    datasets = set(turtle.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 2
    titles = {str(t) for d in datasets for t in turtle.objects(d, DCTERMS.title)}
    assert {"시내버스 이용 현황", "서울특별시 예산"} <= titles
    assert client.get("/catalog.ttl")["Content-Type"].startswith("text/turtle")
    resource = catalogue[0].resources.get()
    urls = {str(o) for o in turtle.objects(None, DCAT.downloadURL)}
    assert any(u.endswith(f"/data/resource/{resource.pk}/download") for u in urls)
    pages = {str(o) for o in turtle.objects(None, DCAT.landingPage)}
    assert any(u.endswith("/data/dataset/bus-riders/") for u in pages)


FORMATS = [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"), ("/catalog.rdf", "xml")]


def _with_contact_and_period(catalogue) -> None:
    """The first dataset gets a contact point and a temporal coverage (two blank nodes)."""
    import datetime as dt

    from egov.opendata.services import dataset_update
    from tests import factories

    admin = factories.official("sora", catalogue[0].publisher, roles=("agency_admin",))
    dataset_update(
        actor=admin,
        dataset=catalogue[0],
        notes='줄바꿈\n과 "따옴표", <꺾쇠> & 역슬래시 \\ 가 든 설명\r\n',
        contact_name="교통정책과",
        contact_email="bus@seoul.go.kr",
        temporal_start=dt.date(2026, 1, 1),
        temporal_end=dt.date(2026, 3, 31),
    )


@pytest.mark.parametrize(("path", "fmt"), FORMATS)
def test_the_catalogue_conforms_to_dcat_ap_3_with_no_violation(client, catalogue, shapes, path, fmt):
    from pyshacl import validate

    _with_contact_and_period(catalogue)
    data = _graph(client, path, fmt)
    assert len(set(data.subjects(RDF.type, DCAT.Dataset))) == 2
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    violations = [line for line in text.splitlines() if "Severity: sh:Violation" in line]
    assert conforms and violations == [], text


def test_json_ld_and_rdf_xml_hold_the_same_graph_as_turtle(client, catalogue):
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    _with_contact_and_period(catalogue)
    turtle = _graph(client, "/catalog.ttl", "turtle")
    assert len(list(turtle.subjects(RDF.type, DCAT.Dataset))) == 2
    notes = {str(o) for o in turtle.objects(None, DCTERMS.description)}
    assert '줄바꿈\n과 "따옴표", <꺾쇠> & 역슬래시 \\ 가 든 설명\r\n' in notes
    for path, fmt in FORMATS[1:]:
        other = _graph(client, path, fmt)
        if not isomorphic(turtle, other):
            _both, only_turtle, only_other = graph_diff(to_isomorphic(turtle), to_isomorphic(other))
            pytest.fail(
                f"{path}: only in Turtle {sorted(only_turtle)[:5]}, only here {sorted(only_other)[:5]}"
            )


def test_an_empty_catalogue_still_conforms(client, mois, shapes):
    from pyshacl import validate

    conforms, _, text = validate(
        _graph(client, "/catalog.ttl", "turtle"), shacl_graph=shapes, inference="none"
    )
    assert conforms, text


def test_each_dataset_keeps_its_rdf_fragment_written_again_when_it_changes(client, catalogue):
    from egov.opendata.models import DatasetRdf
    from egov.opendata.services import dataset_update
    from tests import factories

    bus = catalogue[0]
    fragment = DatasetRdf.objects.get(dataset=bus)  # written by the feed's refresh
    assert "시내버스 이용 현황" in fragment.ntriples and fragment.source_modified == bus.modified_at
    admin = factories.official("sora", bus.publisher, roles=("agency_admin",))
    bus = dataset_update(actor=admin, dataset=bus, title_ko="시내버스 승하차 현황")
    fragment.refresh_from_db()
    assert '"시내버스 승하차 현황"@ko' in fragment.ntriples
    assert fragment.source_modified == bus.modified_at
    graph = _graph(client, "/catalog.ttl", "turtle")
    node = next(d for d in graph.subjects(RDF.type, DCAT.Dataset) if "bus-riders" in str(d))
    assert {str(t) for t in graph.objects(node, DCTERMS.title)} == {"시내버스 승하차 현황", bus.title_en}


def test_a_stale_or_missing_fragment_is_written_before_the_catalogue_is_assembled(client, catalogue):
    from egov.opendata.models import Dataset, DatasetRdf

    DatasetRdf.objects.all().delete()
    Dataset.objects.filter(pk=catalogue[1].pk).update(title_ko="바뀐 제목")  # no service: no fragment
    graph = _graph(client, "/catalog.ttl", "turtle")
    assert DatasetRdf.objects.count() == 2
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 2
    assert "바뀐 제목" in {str(t) for t in graph.objects(None, DCTERMS.title)}
    lines = client.get("/catalog.ttl").content.decode().splitlines()
    assert len(lines) == len(set(lines))  # shared nodes described once
