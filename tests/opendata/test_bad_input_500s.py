"""Inputs a reviewer found answering 500: each now answers a CKAN error (or a 400 page)."""

import json

import pytest

from egov.opendata.models import Resource


def _post(client, action, params):
    return client.post(f"/api/3/action/{action}", data=json.dumps(params), content_type="application/json")


@pytest.mark.parametrize(
    "action,params,field",
    [
        ("package_search", {"q": "\x00"}, "q"),
        ("package_search", {"fq": "tags:\x00"}, "fq"),
        ("package_show", {"id": "\x00"}, "id"),
        ("package_search", {"start": 10**30}, "start"),
        ("package_search", {"rows": 1001}, "rows"),
        ("package_search", {"start": -1}, "start"),
    ],
)
def test_ckan_bad_values_are_validation_errors(client, catalogue, action, params, field):
    r = _post(client, action, params)
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert field in body["error"]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"filters": {"delay_minutes": "NaN"}}, "filters"),
        ({"filters": {"delay_minutes": "Infinity"}}, "filters"),
        ({"filters": {"riders": 1e400}}, "filters"),
        ({"filters": {"riders": 10**30}}, "filters"),
        ({"filters": {"_id": 10**30}}, "filters"),
        ({"filters": {"month": "\x00"}}, "filters"),
        ({"q": "\x00"}, "q"),
        ({"limit": 10**30}, "limit"),
    ],
)
def test_datastore_bad_values_are_validation_errors(client, catalogue, params, field):
    rid = str(Resource.objects.get(dataset__name="bus-riders").pk)
    r = _post(client, "datastore_search", {"resource_id": rid, **params})
    assert r.status_code == 409, r.content
    assert r.json()["error"]["__type"] == "Validation Error"
    assert field in r.json()["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/data/?q=%00",
        "/data/?organization=%00",
        "/data/?tags=%00",
        "/data/dataset/%00/",
        "/data/requests/%00/",
    ],
)
def test_portal_pages_with_nul_are_400(client, catalogue, url):
    assert client.get(url).status_code == 400


def test_catalogue_page_far_past_the_end_is_empty_not_500(client, catalogue):
    r = client.get("/data/?page=99999999999999999999")
    assert r.status_code == 200


def test_get_nul_in_q_answers_ckan_envelope(client, catalogue):
    r = client.get("/api/3/action/package_search?q=%00")
    assert r.status_code == 400
    assert r.json()["success"] is False


def test_unknown_api_key_message_is_not_doubled(client, catalogue):
    r = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="not-a-key")
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Access denied: unknown or revoked API key"


def test_datastore_q_matches_values_not_field_names(client, catalogue):
    rid = str(Resource.objects.get(dataset__name="bus-riders").pk)
    r = client.get("/api/3/action/datastore_search", {"resource_id": rid, "q": "district"})
    assert r.status_code == 200
    assert r.json()["result"]["total"] == 0
