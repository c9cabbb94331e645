"""The JSON API and the public pages: same service, errors in the platform's shape."""

import pytest

from egov.customs.edifact import cusdec_build
from egov.customs.tasks import release_notices_tick
from tests.customs.conftest import laptops_export, tshirts

pytestmark = pytest.mark.django_db
URL = "/api/v1/customs/declarations"


def test_a_declaration_submitted_through_the_api_and_again_answers_201_then_200(
    customs, client, hana, hanbit
):
    client.force_login(hana)
    body = tshirts(trader_brn=hanbit.brn)
    first = client.post(URL, body, content_type="application/json")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["state"] == "awaiting_payment" and data["tax_total"] == 1_701_000
    assert data["items"][0]["explanation"][1]["rate"] == "13.000"
    again = client.post(URL, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    shown = client.get(f"{URL}/{data['number']}").json()
    assert [s["action"] for s in shown["history"]] == ["submit", "charge"]
    assert data["items"] == shown["items"]  # the 201's items, from memory, as the database has them


def test_a_refusal_names_the_field(customs, client, hana, hanbit):
    client.force_login(hana)
    body = tshirts(trader_brn=hanbit.brn)
    body["items"][0]["hs_code"] = "6109109999"
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "invalid",
        "field": "items[0].hs_code",
        "message": "The tariff has no line with this HS code.",
    }


def test_an_anonymous_caller_is_refused(customs, client, hanbit):
    assert (
        client.post(URL, tshirts(trader_brn=hanbit.brn), content_type="application/json").status_code == 401
    )


def test_amendment_and_withdrawal_through_the_api(customs, client, hana, hanbit, sora):
    client.force_login(hana)
    number = client.post(URL, tshirts(trader_brn=hanbit.brn), content_type="application/json").json()[
        "number"
    ]
    amended = client.post(
        f"{URL}/{number}/amendments",
        {"reason": "수량", "items": {"1": {"quantity": "900"}}},
        content_type="application/json",
    )
    assert amended.status_code == 200, amended.content
    client.force_login(sora)
    assert client.get(f"{URL}/{number}").status_code == 404
    assert (
        client.post(
            f"{URL}/{number}/withdrawal", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(hana)
    withdrawn = client.post(f"{URL}/{number}/withdrawal", {"reason": "취소"}, content_type="application/json")
    assert withdrawn.json()["state"] == "withdrawn"
    again = client.post(f"{URL}/{number}/withdrawal", {"reason": "취소"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "closed"


def test_edifact_through_the_api(customs, client, jisoo, segye):
    client.force_login(jisoo)
    text = cusdec_build(trader_brn=segye.brn, **laptops_export())
    answer = client.post("/api/v1/customs/edifact", text, content_type="text/plain")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/edifact")
    assert "GIS+released'" in answer.content.decode()


def test_statistics_are_public(customs, client, jisoo, segye):
    client.force_login(jisoo)
    client.post(URL, laptops_export(trader_brn=segye.brn), content_type="application/json")
    client.logout()
    data = client.get("/api/v1/customs/statistics").json()
    assert data["trade"]["by_chapter"] == [
        {"kind": "export", "chapter": "84", "value": 16_800_000, "items": 1}
    ]
    assert data["clearance"][0]["lane"] == "green" and data["clearance"][0]["released"] == 1
    page = client.get("/customs/statistics/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    assert client.get("/api/v1/customs/draws").status_code == 200


def test_an_empty_edifact_body_is_refused_in_cusres(customs, client, jisoo):
    from egov.customs.models import Declaration

    client.force_login(jisoo)
    answer = client.post("/api/v1/customs/edifact", " ", content_type="text/plain")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/edifact")
    text = answer.content.decode()
    assert text.startswith("UN") and "CUSRES" in text and "SYNTAX" in text and "empty" in text
    assert not Declaration.objects.exists()
    missing = client.post("/api/v1/customs/edifact", "", content_type="text/plain")
    assert missing.status_code == 400 and missing.json()["field"] == "body"


def test_a_green_export_answers_released_at_once_and_shows_its_notice_after_the_worker_tick(
    customs, client, jisoo, segye
):
    client.force_login(jisoo)
    answer = client.post(URL, laptops_export(trader_brn=segye.brn), content_type="application/json")
    data = answer.json()
    assert answer.status_code == 201 and data["state"] == "released"
    assert data["release_notice_pending"] and data["release_document"] == ""
    page = client.get(f"/my/customs/{data['number']}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "발급 중입니다" in page

    release_notices_tick()  # what `egov worker` runs every second

    data = client.get(f"{URL}/{data['number']}").json()
    assert not data["release_notice_pending"] and data["release_document"]
    assert [step["action"] for step in data["history"]][-1] == "issue_notice"
    page = client.get(f"/my/customs/{data['number']}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f"/verify?number={data['release_document']}" in page and "발급 중입니다" not in page
