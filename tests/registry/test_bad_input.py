"""Whatever an official types, the back office answers with a form error, never a 500, and
the register is unchanged."""

import pytest

from egov.core.models import AuditEvent
from tests import factories
from tests.conftest import login_official

JUNK = [
    {},
    {"reason": "", "legal_basis": ""},
    {
        "occurred_on": "not-a-date",
        "since": "2024-13-45",
        "agency": "abc",
        "status": "exploded",
        "model_year": "nineteen",
        "household_number": "x" * 500,
        "relation_to_head": "head",
        "name_ko": "\x00",
        "postal_code": "1234567",
        "reason": "r" * 5000,
        "legal_basis": "b",
    },  # fmt: skip
    {
        "occurred_on": "2099-01-01",
        "since": "2099-01-01",
        "spouse_rrn": "000000-0000000",
        "parent_rrn": "garbage",
        "owner_id_number": "123-45-67890",
        "rrn": "991332-1234567",
        "plate": "ABC",
        "name_ko": "김",
        "name_en": "1234",
        "model_name": " ",
        "reason": "x",
        "legal_basis": "y",
        "road_address": "서울 종로구 1",
        "postal_code": "03045",
        "model_year": "1800",
        "representative_rrn": "1",
    },  # fmt: skip
]
ACTIONS = [
    "residents/{r}/correct/", "residents/{r}/move/", "residents/{r}/death/", "residents/{r}/marriage/",
    "residents/{r}/divorce/", "residents/{r}/parent/", "residents/{r}/birth/",
    "businesses/{b}/correct/", "businesses/{b}/status/", "vehicles/{v}/transfer/", "vehicles/{v}/correct/",
]  # fmt: skip


@pytest.mark.parametrize("data", JUNK)
def test_junk_on_every_form_is_a_form_error_and_changes_nothing(client, bob, jongno, data):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_official(client, bob)
    person = factories.resident(jongno)
    business = factories.business(jongno, person)
    vehicle = factories.vehicle(jongno, person)
    audits = AuditEvent.objects.count()
    for action in ACTIONS:
        url = "/office/" + action.format(r=person.pk, b=business.pk, v=vehicle.pk)
        response = client.post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        if data:  # an empty POST simply shows the form again
            assert 'class="egov-error"' in response.content.decode(), url
    for search in ("residents", "businesses", "vehicles"):
        assert client.post(f"/office/{search}/", {"q": data.get("reason", "") or "%"}).status_code == 200
    assert AuditEvent.objects.count() == audits


def test_malformed_json_to_the_api_is_a_4xx(client, bob):
    login_official(client, bob)
    response = client.post("/api/v1/registry/residents/search", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_a_nul_character_in_an_api_search_is_a_4xx(client, bob):
    login_official(client, bob)
    response = client.post(
        "/api/v1/registry/residents/search", {"q": "김\u0000민"}, content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_a_nul_character_in_a_reason_is_refused_by_the_service(bob, jongno):
    import datetime as dt

    from egov.core.errors import ValidationFailed
    from egov.registry import services

    person = factories.resident(jongno)
    with pytest.raises(ValidationFailed) as exc:
        services.death_register(actor=bob, resident=person, occurred_on=dt.date(2024, 1, 1), reason="a\x00b")
    assert exc.value.field == "reason"
