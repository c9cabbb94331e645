import json

from egov.procurement import crypto
from egov.procurement.models import Bid
from tests.procurement.conftest import close, seal


def test_anyone_searches_open_tenders_by_api(client, tender):
    answer = client.get("/api/v1/procurement/tenders", {"q": "노트북"})
    assert answer.status_code == 200
    assert [t["number"] for t in answer.json()] == [tender.number]
    assert answer.json()[0]["agency"]["code"] == tender.agency.code
    assert client.get("/api/v1/procurement/tenders", {"category": "86"}).json() == []


def test_a_notice_publishes_its_opening_key_as_raw_point_and_jwk(client, tender):
    body = client.get(f"/api/v1/procurement/tenders/{tender.number}").json()
    assert crypto.b64u_decode(body["opening_key"]["raw"]) == bytes(tender.opening_public_key)
    assert body["opening_key"]["jwk"]["crv"] == "P-256"
    assert body["bids_open"] is True
    assert body["items"][0]["quantity"] == 40
    assert body["opening_record"] == []


def test_an_unknown_tender_answers_404(client, db):
    answer = client.get("/api/v1/procurement/tenders/nope")
    assert answer.status_code == 404
    assert answer.json()["field"] == "tender"


def test_hana_bids_by_api_and_gets_a_receipt(client, tender, hana, hanbit, hanbit_supplier):
    client.force_login(hana)
    sealed = seal(tender, hanbit.brn, 70_000_000)
    answer = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": sealed},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert json.loads(body["receipt"])["sealed_sha256"] == crypto.sealed_digest(sealed)
    assert "price" not in body
    key = client.get("/api/v1/procurement/receipt-key").json()
    assert key["key_id"] == body["key_id"]
    withdrawn = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids/withdraw",
        {"brn": hanbit.brn},
        content_type="application/json",
    )
    assert withdrawn.json()["state"] == "withdrawn"


def test_bids_by_api_need_a_login(client, tender, hanbit):
    answer = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": "v1.a.b.c"},
        content_type="application/json",
    )
    assert answer.status_code == 401


def test_a_refused_bid_answers_with_the_field(client, tender, hana, hanbit, hanbit_supplier):
    client.force_login(hana)
    answer = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": "v1.a.b.c"},
        content_type="application/json",
    )
    assert answer.status_code == 422  # the schema states a sealed bid's shape
    assert answer.json()["field"] == "sealed"
    close(tender)
    late = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 1)},
        content_type="application/json",
    )
    assert (late.status_code, late.json()["code"]) == (400, "late")
    assert not Bid.objects.exists()


def test_the_procurement_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/procurement/tenders" in paths
    assert "/api/v1/procurement/ocds/{ocid}" in paths
