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
def test_ninja_api_with_nul_answers_error_shape(client):
    r = client.get("/api/v1/anything", {"q": "a\x00b"})
    assert r.status_code == 400
    assert r.json() == {"code": "invalid", "message": "A NUL character cannot be used.", "field": "q"}
