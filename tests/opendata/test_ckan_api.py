"""The CKAN Action API, driven by the `ckanapi` client unchanged against a live server, and by
plain HTTP for what a client library hides (statuses, both prefixes, GET and forms)."""

import json

import ckanapi
import pytest

from egov.opendata.models import Resource
from egov.opendata.services import apikey_issue


@pytest.fixture
def ckan(transactional_db, live_server, catalogue, settings):
    settings.EGOV_PUBLIC_URL = live_server.url
    return ckanapi.RemoteCKAN(live_server.url, user_agent="egov-tests")


@pytest.fixture
def bus_resource(catalogue):
    return Resource.objects.get(dataset__name="bus-riders")


def test_status_show_says_what_the_site_serves(ckan):
    status = ckan.action.status_show()
    assert "datastore" in status["extensions"] and status["ckan_version"].startswith("2.")


def test_package_list_and_package_show_give_ckans_shapes(ckan):
    assert ckan.action.package_list() == ["bus-riders", "seoul-budget"]
    package = ckan.action.package_show(id="bus-riders")
    assert package["title"] == "시내버스 이용 현황" and package["organization"]["name"] == "6110000"
    assert package["license_id"] == "kogl-type1" and package["groups"][0]["name"] == "transport"
    assert {t["name"] for t in package["tags"]} == {"교통", "버스"}
    resource = package["resources"][0]
    assert resource["format"] == "CSV" and resource["datastore_active"] is True
    assert resource["url"].endswith(f"/data/resource/{resource['id']}/download")
    assert ckan.action.package_show(id=package["id"])["name"] == "bus-riders"


def test_an_unknown_dataset_is_a_not_found_error(ckan):
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.resource_show(id="00000000-0000-0000-0000-000000000000")


def test_a_missing_id_is_a_validation_error(ckan):
    with pytest.raises(ckanapi.ValidationError) as caught:
        ckan.action.package_show()
    assert "id" in caught.value.error_dict


def test_package_search_filters_sorts_pages_and_counts_facets(ckan):
    result = ckan.action.package_search(q="버스")
    assert result["count"] == 1 and result["results"][0]["name"] == "bus-riders"
    result = ckan.action.package_search(
        fq="res_format:JSON", **{"facet.field": ["organization", "license_id", "groups"]}
    )
    assert [r["name"] for r in result["results"]] == ["seoul-budget"]
    assert result["facets"]["license_id"] == {"cc-by-4.0": 1}
    everything = ckan.action.package_search(
        rows=1, start=1, sort="name asc", **{"facet.field": ["res_format", "tags"]}
    )
    assert everything["count"] == 2 and [r["name"] for r in everything["results"]] == ["seoul-budget"]
    assert everything["facets"]["res_format"] == {"CSV": 1, "JSON": 1}
    assert ckan.action.package_search(fq='tags:"교통" -organization:6110000')["count"] == 0
    assert ckan.action.package_search(q="groups:finance")["results"][0]["name"] == "seoul-budget"


def test_an_unreadable_search_is_a_search_query_error(ckan):
    for bad in ({"fq": "title:x OR 1=1"}, {"fq": "organization:(a b)"}, {"sort": "secret desc"}):
        with pytest.raises(ckanapi.SearchQueryError):
            ckan.action.package_search(**bad)
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows=-1)
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(rows=100000)


def test_organizations_groups_and_tags_are_listed(ckan):
    assert ckan.action.organization_list() == ["6110000"]
    assert ckan.action.organization_list(all_fields=True)[0]["package_count"] == 2
    org = ckan.action.organization_show(id="6110000", include_datasets=True)
    assert org["title"] == "서울특별시" and len(org["packages"]) == 2
    assert ckan.action.group_list() == ["finance", "transport"]
    assert ckan.action.tag_list() == ["교통", "버스", "예산"]
    assert ckan.action.tag_list(query="버") == ["버스"]
    with pytest.raises(ckanapi.NotFound):
        ckan.action.organization_show(id="9999999")


def test_datastore_search_filters_sorts_pages_and_chooses_fields(ckan, bus_resource):
    rid = str(bus_resource.pk)
    everything = ckan.action.datastore_search(resource_id=rid)
    assert everything["total"] == 5 and everything["records"][0] == {
        "_id": 1,
        "month": "2026-01",
        "district": "종로구",
        "riders": 1200,
        "delay_minutes": 3.5,
    }
    jongno = ckan.action.datastore_search(resource_id=rid, filters={"district": "종로구"}, sort="riders desc")
    assert jongno["total"] == 2 and [r["riders"] for r in jongno["records"]] == [1500, 1200]
    some = ckan.action.datastore_search(resource_id=rid, filters={"riders": ["50", 99]}, fields=["district"])
    assert some["records"] == [{"district": "강남구"}, {"district": "부산 해운대구"}]
    assert [f["id"] for f in some["fields"]] == ["district"]
    found = ckan.action.datastore_search(resource_id=rid, q="해운대")
    assert found["total"] == 1 and found["records"][0]["_id"] == 5
    page = ckan.action.datastore_search(resource_id=rid, limit=2, offset=2, sort="_id")
    assert [r["_id"] for r in page["records"]] == [3, 4] and page["total"] == 5
    by_delay = ckan.action.datastore_search(
        resource_id=rid, sort="delay_minutes asc", fields="_id,delay_minutes"
    )
    assert [r["_id"] for r in by_delay["records"]] == [5, 2, 1, 3, 4]  # the empty cell last


def test_datastore_search_refuses_what_is_not_a_field_of_the_resource(ckan, bus_resource):
    rid = str(bus_resource.pk)
    bad_calls = [
        {"filters": {"password": "x"}},
        {"filters": {"riders": "many"}},
        {"filters": {"district": {"$ne": 1}}},
        {"filters": "[]"},
        {"sort": "riders; DROP TABLE opendata_datastorerow"},
        {"sort": "data->>'x'"},
        {"fields": ["resource_id"]},
        {"limit": "ten"},
        {"offset": -1},
    ]
    for params in bad_calls:
        with pytest.raises(ckanapi.ValidationError):
            ckan.action.datastore_search(resource_id=rid, **params)
    assert ckan.action.datastore_search(resource_id=rid)["total"] == 5


def test_datastore_search_reads_only_the_resource_asked_for(ckan, bus_resource, catalogue):
    budget = Resource.objects.get(dataset__name="seoul-budget")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id=str(budget.pk))  # a file, no table
    with pytest.raises(ckanapi.NotFound):
        ckan.action.datastore_search(resource_id="bus-riders")
    records = ckan.action.datastore_search(resource_id=str(bus_resource.pk), limit=100)["records"]
    assert len(records) == 5


def test_both_prefixes_answer_get_and_post_json_and_forms(ckan, live_server):
    import requests

    for prefix in ("/api/3/action/", "/api/action/"):
        got = requests.get(live_server.url + prefix + "package_show", params={"id": "bus-riders"}, timeout=10)
        assert got.status_code == 200 and got.json()["success"] is True
        assert got.json()["help"].endswith("help_show?name=package_show")
        posted = requests.post(live_server.url + prefix + "package_search", json={"q": "예산"}, timeout=10)
        assert posted.json()["result"]["count"] == 1
        form = requests.post(live_server.url + prefix + "package_search", data={"rows": "1"}, timeout=10)
        assert len(form.json()["result"]["results"]) == 1


def test_errors_have_ckans_envelope_and_statuses_never_a_500(ckan, live_server):
    import requests

    def call(name, method="get", **kwargs):
        response = getattr(requests, method)(live_server.url + "/api/3/action/" + name, timeout=10, **kwargs)
        return response.status_code, response.json()

    status, body = call("package_delete")
    assert status == 400 and body["success"] is False and "Action name not known" in body["error"]["message"]
    status, body = call("package_show", params={"id": "nope"})
    assert status == 404 and body["error"]["__type"] == "Not Found Error"
    status, body = call("package_show", params={"id": "bus-riders", "evil": "1"})
    assert status == 409 and body["error"]["__type"] == "Validation Error" and "evil" in body["error"]
    status, body = call("package_search", params={"fq": "x:y"})
    assert status == 400 and body["error"]["__type"] == "Search Query Error"
    status, body = call(
        "package_search", method="post", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400 and body["success"] is False
    status, body = call("package_search", method="post", json=["a list"])
    assert status == 400
    status, body = call("datastore_search", params={"resource_id": "x", "filters": "{bad"})
    assert status in (404, 409)
    status, body = call("package_show", method="put")
    assert status == 400


def test_an_api_key_sent_as_ckan_sends_it_lifts_the_anonymous_limit(ckan, live_server, settings):
    settings.EGOV_OPENDATA_ANONYMOUS_RATE = "2/3600"
    key, secret = apikey_issue(
        actor=None, holder="데이터 분석 회사", contact_email="data@example.kr", daily_quota=5
    )
    anonymous = ckanapi.RemoteCKAN(live_server.url, user_agent="egov-tests")
    anonymous.action.status_show()
    anonymous.action.status_show()
    with pytest.raises(ckanapi.CKANAPIError, match="429"):
        anonymous.action.status_show()
    keyed = ckanapi.RemoteCKAN(live_server.url, apikey=secret, user_agent="egov-tests")
    for _ in range(5):
        keyed.action.status_show()
    with pytest.raises(ckanapi.CKANAPIError, match="429"):
        keyed.action.status_show()
    with pytest.raises(ckanapi.NotAuthorized):
        ckanapi.RemoteCKAN(live_server.url, apikey="not-a-key").action.status_show()


def test_the_envelope_is_json_in_utf8(ckan, live_server):
    import requests

    response = requests.get(live_server.url + "/api/action/group_list?all_fields=true", timeout=10)
    assert response.headers["Content-Type"].startswith("application/json")
    assert "교통및물류" in response.content.decode("utf-8")
    assert json.loads(response.content)["result"][1]["title"] == "교통및물류"


def test_package_search_builds_each_package_as_package_show_does_from_the_dataset(client, catalogue):
    from egov.opendata.models import Dataset, Resource
    from egov.opendata.services import resource_download_count

    bus = Dataset.objects.get(name="bus-riders")
    Dataset.objects.filter(name="seoul-budget").update(theme=None)  # a dataset without a theme
    second = Resource.objects.create(
        dataset=bus, position=1, name="노선별", format="JSON", media_type="application/json", content=b"{}",
        size=2, last_modified=bus.modified_at,
    )  # fmt: skip
    resource_download_count(resource_id=second.pk)

    def call(action, params):
        response = client.post(
            f"/api/action/{action}", data=json.dumps(params), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()["result"]

    found = {p["name"]: p for p in call("package_search", {"rows": 100, "sort": "name asc"})["results"]}
    for name in ("bus-riders", "seoul-budget"):
        assert found[name] == call("package_show", {"id": name})
    package = found["bus-riders"]
    assert package["id"] == str(bus.pk) and package["version"] == str(bus.version)
    assert package["organization"]["title"] == bus.publisher.name_ko == package["author"]
    assert package["metadata_modified"] == bus.modified_at.replace(tzinfo=None).isoformat()
    assert [t["name"] for t in package["tags"]] == ["교통", "버스"] and package["num_tags"] == 2
    assert [r["name"] for r in package["resources"]] == [bus.resources.get(position=0).name, "노선별"]
    assert package["resources"][1]["download_count"] == 1 and package["resources"][1]["size"] == 2
    assert package["resources"][1]["url"].endswith(f"/data/resource/{second.pk}/download")
    assert found["seoul-budget"]["groups"] == [] and found["seoul-budget"]["license_title"]
    assert call("resource_show", {"id": str(second.pk)}) == package["resources"][1]
