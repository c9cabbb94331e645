"""Bidding software tokens: issued in the portal (shown once, only the SHA-256 kept), sent as
`Authorization: Bearer`, acting as their user for the bid API only, refused once revoked or
expired, and never a way around the check of whom the user represents."""

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from egov.accounts.models import BusinessRepresentation, User
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import client as bidder
from egov.procurement import services
from egov.procurement.models import Bid, BidToken
from tests.procurement.conftest import seal


def _bid(api: Client, tender, brn: str, token: str | None, price: int = 70_000_000):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return api.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": brn, "sealed": seal(tender, brn, price)},
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def api():
    return Client(enforce_csrf_checks=True)  # as a program calls it: no session, no CSRF token


@pytest.fixture
def token(hana, hanbit_supplier):
    return services.bid_token_issue(actor=hana, name="입찰 프로그램 (사무실 PC)")[1]


def test_hana_issues_a_token_in_the_portal_and_sees_it_once(client, hana, hanbit_supplier):
    client.force_login(hana)
    page = client.post("/procurement/suppliers/tokens", {"name": "입찰 프로그램"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    shown = re.search(
        r'<code id="issued-token">(egovbid_[A-Za-z0-9_-]+)</code>', page.content.decode()
    ).group(1)
    stored = BidToken.objects.get()
    assert stored.user == hana and stored.name == "입찰 프로그램"
    assert stored.checksum == hashlib.sha256(shown.encode()).hexdigest()
    assert shown not in str(BidToken.objects.values().get())  # only the hash is kept
    assert AuditEvent.objects.filter(action="procurement.bid_token_issue", object_id=str(stored.pk)).exists()
    again = client.get("/procurement/suppliers/tokens").content.decode()
    assert shown not in again and stored.hint in again  # listed by its first characters only


def test_a_program_bids_and_withdraws_with_the_token_without_session_or_csrf(
    api, tender, hana, hanbit, token
):
    answer = _bid(api, tender, hanbit.brn, token)
    assert answer.status_code == 201, answer.content
    assert answer["Cache-Control"] == "no-store"
    bid = Bid.objects.get()
    assert bid.submitted_by == hana and bid.state == Bid.State.LIVE
    withdrawn = api.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids/withdraw",
        {"brn": hanbit.brn},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_a_session_still_needs_its_csrf_token(api, tender, hana, hanbit, hanbit_supplier):
    api.force_login(hana)
    assert _bid(api, tender, hanbit.brn, None).status_code in (401, 403)
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t, raw: BidToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()),
        lambda t, raw: BidToken.objects.filter(pk=t.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        ),
        lambda t, raw: User.objects.filter(pk=t.user_id).update(is_active=False),
    ],
    ids=["revoked", "expired", "user-deactivated"],
)
def test_a_dead_token_is_refused(api, tender, hanbit, token, spoil):
    assert _bid(api, tender, hanbit.brn, token).status_code == 201
    spoil(BidToken.objects.get(), token)
    answer = _bid(api, tender, hanbit.brn, token, price=71_000_000)
    assert answer.status_code == 401
    assert Bid.objects.count() == 1


@pytest.mark.parametrize("value", ["egovbid_" + "A" * 43, "not-a-token", "egovbid_" + "x" * 200, ""])
def test_an_unknown_or_malformed_token_is_refused(api, tender, hanbit, token, value):
    answer = _bid(api, tender, hanbit.brn, value)
    assert answer.status_code == 401
    assert not Bid.objects.exists()


def test_a_token_cannot_bid_for_a_business_its_user_does_not_represent(
    api, tender, token, donghae, donghae_supplier
):
    answer = _bid(api, tender, donghae.brn, token)
    assert answer.status_code == 403
    assert not Bid.objects.exists()


def test_a_token_stops_bidding_for_a_business_its_user_no_longer_represents(api, tender, hana, hanbit, token):
    BusinessRepresentation.objects.filter(user=hana, business=hanbit).delete()
    assert _bid(api, tender, hanbit.brn, token).status_code == 403
    assert not Bid.objects.exists()


def test_a_token_is_for_the_bid_api_only(api, hana, token):
    pages = api.get("/procurement/suppliers/tokens", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert pages.status_code == 302  # to the login page: a token is no portal login
    assert api.get("/api/v1/civil/applications", HTTP_AUTHORIZATION=f"Bearer {token}").status_code in (
        401,
        404,
    )


def test_hana_revokes_her_token_and_minsu_cannot(client, api, tender, hana, hanbit, minsu, token):
    stored = BidToken.objects.get()
    client.force_login(minsu)
    assert client.post(f"/procurement/suppliers/tokens/{stored.pk}/revoke").status_code == 404
    assert "입찰 프로그램" not in client.get("/procurement/suppliers/tokens").content.decode()
    with pytest.raises(NotFound):
        services.bid_token_revoke(actor=minsu, token_id=stored.pk)
    client.force_login(hana)
    assert client.post(f"/procurement/suppliers/tokens/{stored.pk}/revoke").status_code == 302
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert AuditEvent.objects.filter(action="procurement.bid_token_revoke").count() == 1
    assert _bid(api, tender, hanbit.brn, token).status_code == 401


def test_issuing_is_refused_with_a_reason(settings, client, hana, hanbit, minsu, alice, hanbit_supplier):
    with pytest.raises(PermissionDenied):
        services.bid_token_issue(actor=alice, name="x")
    with pytest.raises(ValidationFailed) as exc:  # minsu's business is no supplier yet
        services.bid_token_issue(actor=minsu, name="x")
    assert exc.value.code == "not_supplier"
    for name in ("", "   ", "a" * 101, "bad\x00name"):
        with pytest.raises(ValidationFailed) as exc:
            services.bid_token_issue(actor=hana, name=name)
        assert exc.value.field == "name"
    settings.EGOV_BID_TOKENS_PER_USER = 2
    services.bid_token_issue(actor=hana, name="one")
    services.bid_token_issue(actor=hana, name="two")
    with pytest.raises(Conflict):
        services.bid_token_issue(actor=hana, name="three")
    client.force_login(hana)
    page = client.post("/procurement/suppliers/tokens", {"name": "three"})
    assert page.status_code == 400 and "revoke one first" in page.content.decode()
    assert BidToken.objects.count() == 2


def test_a_citizen_cannot_open_the_token_page(client, alice):
    client.force_login(alice)
    assert client.get("/procurement/suppliers/tokens").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_bidders_client_submits_with_a_token(live_server, tender, hanbit, token):
    program = bidder.BidderClient(live_server.url, token=token)
    notice = program.tender(tender.number)
    receipt = program.submit(notice, brn=hanbit.brn, price=69_000_000)
    assert receipt["state"] == "live"
    assert program.withdraw(notice, brn=hanbit.brn)["state"] == "withdrawn"
    with pytest.raises(ValueError, match="token, or a username"):
        bidder.BidderClient(live_server.url)
