"""Each defect issue 14 found in the API's contract, asked for directly."""

import pytest
from django.test import override_settings

from egov.api import api
from tests.conftest import login_official

SCHEMA_URL = "/api/v1/openapi.json"


def error_shaped(response) -> bool:
    body = response.json()
    return {"code", "message", "field"} <= set(body) and "detail" not in body


def test_a_multipart_verification_without_its_boundary_is_a_400_not_a_500(db, client):
    response = client.generic(
        "POST", "/api/v1/documents/verify", b"number=1", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_body" and error_shaped(response)


def test_the_exchange_catalogue_and_tender_items_are_documented_with_their_own_schemas(db, client):
    document = client.get(SCHEMA_URL).json()
    schemas = document["components"]["schemas"]
    items = document["paths"]["/api/v1/exchange/items"]["get"]["responses"]["200"]
    assert items["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/ExchangeItemOut")
    assert set(schemas["ExchangeItemOut"]["properties"]) == {
        "code",
        "provider",
        "name_ko",
        "name_en",
        "fields",
        "subject",
    }
    assert set(schemas["ProcurementItemOut"]["properties"]) == {"description", "quantity", "unit"}
    assert "ItemOut" not in schemas


def test_no_two_api_schemas_share_a_component_name():
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    api.get_openapi_schema(path_prefix="/api/v1/")  # imports every router
    ours = [c for c in subclasses(Schema) if c.__module__.startswith("egov.")]
    names = [c.__name__ for c in ours]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_every_operation_declares_422_and_its_authentication_errors(db, client):
    document = client.get(SCHEMA_URL).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in operation["responses"], (method, path)
            if operation.get("security"):
                assert "401" in operation["responses"], (method, path)


def test_an_undeclared_query_value_is_a_declared_422_in_the_error_shape(db, client):
    response = client.get("/api/v1/procurement/tenders", {"open_only": "maybe"})
    assert response.status_code == 422 and error_shaped(response)
    assert response.json()["field"] == "open_only"
    responses = client.get(SCHEMA_URL).json()["paths"]["/api/v1/procurement/tenders"]["get"]["responses"]
    assert "422" in responses


def test_a_failed_csrf_check_answers_in_the_error_shape(bob, client):
    from django.test import Client

    login_official(client, bob)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(
        "/api/v1/registry/residents/search", {"q": "이서"}, content_type="application/json"
    )
    assert response.status_code == 403 and error_shaped(response)
    assert response.json()["code"] == "forbidden"


def test_an_unauthenticated_call_answers_in_the_error_shape(db, client):
    response = client.post(
        "/api/v1/registry/residents/search", {"q": "이서"}, content_type="application/json"
    )
    assert response.status_code == 401 and error_shaped(response)


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/v1/registry/businesses/status", {"brn": ""}),
        ("/api/v1/documents/verify", {"number": ""}),
    ],
)
def test_an_empty_identifier_breaks_the_schema_and_gets_its_422(db, client, path, params):
    response = client.get(path, params)
    assert response.status_code == 422 and error_shaped(response)
    assert response.json()["field"] == next(iter(params))


def test_the_schema_states_the_constraints_the_server_applies(db, client):
    document = client.get(SCHEMA_URL).json()
    status = document["paths"]["/api/v1/registry/businesses/status"]["get"]["parameters"][0]["schema"]
    assert "pattern" in status
    search = document["components"]["schemas"]["ResidentSearchIn"]["properties"]["q"]
    assert search["minLength"] == 2 and "pattern" in search
    query = document["paths"]["/api/v1/exchange/queries"]["post"]
    headers = {p["name"]: p["schema"] for p in query["parameters"]}
    assert "pattern" in headers["X-Road-Id"] and "pattern" in headers["X-Road-Client"]
    bid = document["components"]["schemas"]["BidIn"]["properties"]
    assert "pattern" in bid["brn"] and "pattern" in bid["sealed"]


def test_a_one_character_name_is_refused_by_the_schema(bob, client):
    login_official(client, bob)
    response = client.post("/api/v1/registry/residents/search", {"q": "이"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "q"


def test_a_well_shaped_id_number_nobody_can_hold_finds_nobody(bob, client):
    login_official(client, bob)
    response = client.post(
        "/api/v1/registry/residents/search", {"q": "901301-1234567"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == []


def test_a_business_number_with_a_wrong_check_digit_is_one_nobody_holds(db, client):
    response = client.get("/api/v1/registry/businesses/status", {"brn": "123-45-67890"})
    assert response.status_code == 404 and response.json()["field"] == "brn"


def test_an_issuance_number_with_a_wrong_check_digit_is_unknown(db, client):
    response = client.get("/api/v1/documents/verify", {"number": "1234-5678-9012-3450"})
    assert response.status_code == 200
    assert response.json()["status"] == "unknown" and response.json()["checks"] == {"check_digit": False}


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path", ["/accounts/login", "/accounts/login/otp"])
def test_a_post_to_a_path_missing_its_trailing_slash_is_a_404_even_in_debug(db, client, path):
    assert client.post(path, {"username": "bob"}).status_code == 404


@override_settings(DEBUG=True)
def test_a_get_is_still_redirected_to_the_path_with_its_slash(db, client):
    assert client.get("/accounts/login").status_code == 301
