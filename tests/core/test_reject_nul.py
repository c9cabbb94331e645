"""A NUL character in an address, a query parameter or a form field answers 400, never a 500."""

import pytest


@pytest.mark.django_db
def test_page_with_nul_is_a_korean_400(client):
    r = client.get("/?q=%00", HTTP_ACCEPT_LANGUAGE="ko")
    assert r.status_code == 400
    assert "사용할 수 없는 문자" in r.content.decode()


@pytest.mark.django_db
def test_path_with_nul_is_400(client):
    assert client.get("/data/dataset/%00/").status_code == 400


@pytest.mark.django_db
def test_ckan_api_with_nul_answers_ckan_envelope(client):
    r = client.get("/api/3/action/package_list", {"limit": "\x00"})
    assert r.status_code == 400
    body = r.json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert "limit" in body["error"]


@pytest.mark.django_db
def test_the_json_api_answers_a_nul_with_a_status_its_schema_documents(client):
    """`/api/v1/` is left to its own validation: a NUL in a declared parameter is refused with
    a documented status, one in an undeclared parameter is ignored (never a 400 the schema does
    not list, never a 500)."""
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/registry/businesses/status"][
        "get"
    ]
    documented = {int(code) for code in operation["responses"]}
    declared = client.get("/api/v1/registry/businesses/status", {"brn": "123\x0045678"})
    assert declared.status_code in documented and declared.status_code != 500
    undeclared = client.get("/api/v1/exchange/log/checkpoint", {"\x18": "a\x00b"})
    assert undeclared.status_code != 400 and undeclared.status_code < 500
