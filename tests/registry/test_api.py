from tests import factories
from tests.conftest import login_official


def test_anyone_checks_a_business_status_by_number(client, jongno, alice_resident):
    business = factories.business(jongno, alice_resident)
    response = client.get("/api/v1/registry/businesses/status", {"brn": business.brn_formatted})
    assert response.status_code == 200
    assert response.json() == {"brn": business.brn_formatted, "status": "active", "closed_on": None}


def test_a_business_number_with_a_wrong_check_digit_is_one_nobody_holds(client, db):
    response = client.get("/api/v1/registry/businesses/status", {"brn": "1234567890"})
    assert response.status_code == 404
    assert response.json()["field"] == "brn" and response.json()["code"] == "not_found"
    assert "check digit" in response.json()["message"]


def test_a_malformed_business_number_gets_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/registry/businesses/status", {"brn": "12345"})
    assert response.status_code == 422 and response.json()["field"] == "brn"


def test_a_missing_parameter_gets_a_422_naming_the_field(client, db):
    response = client.get("/api/v1/registry/businesses/status")
    assert response.status_code == 422 and response.json()["field"] == "brn"


def test_an_unknown_business_is_a_404(client, db):
    response = client.get("/api/v1/registry/businesses/status", {"brn": "124-81-00998"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_resident_search_needs_a_logged_in_official(client, alice, jongno):
    search = {
        "path": "/api/v1/registry/residents/search",
        "data": {"q": "이서"},
        "content_type": "application/json",
    }
    assert client.post(**search).status_code == 401
    client.force_login(alice)
    assert client.post(**search).status_code == 403


def test_bob_searches_residents_through_the_api_and_sees_masked_numbers(client, bob, alice_resident):
    login_official(client, bob)
    data = client.post(
        "/api/v1/registry/residents/search", {"q": "이서"}, content_type="application/json"
    ).json()
    assert [r["rrn_masked"] for r in data] == [alice_resident.rrn_masked]
    assert client.get(f"/api/v1/registry/residents/{alice_resident.pk}").json()["name_ko"] == "이서연"


def test_dave_gets_404_for_a_seoul_resident(client, dave, alice_resident):
    login_official(client, dave)
    assert client.get(f"/api/v1/registry/residents/{alice_resident.pk}").status_code == 404


def test_the_openapi_document_is_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/registry/businesses/status" in schema["paths"]


def test_a_search_without_q_gets_a_422_naming_the_field(client, bob):
    login_official(client, bob)
    response = client.post("/api/v1/registry/residents/search", {}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "q"
