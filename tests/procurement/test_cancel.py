"""Cancelling a tender notice (취소공고): who may, when, what it erases and refuses afterwards, and
how the cancellation is published (notice page, API, search, OCDS in test_ocds_tooling)."""

import pytest
from django.utils import timezone

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.procurement import services
from egov.procurement.models import Bid, CommitteeMember, Tender
from tests.conftest import login_official
from tests.procurement.conftest import close, seal, tender_kwargs


def test_the_registrar_cancels_a_published_notice_with_a_public_reason(tender, bob):
    cancelled = services.tender_cancel(actor=bob, number=tender.number, reason="  Budget withdrawn  ")
    tender.refresh_from_db()
    assert cancelled.pk == tender.pk
    assert tender.state == Tender.State.CANCELLED
    assert tender.cancelled_by == bob and tender.cancelled_at is not None
    assert tender.cancel_reason == "Budget withdrawn"
    event = AuditEvent.objects.get(action="procurement.tender_cancel")
    assert event.actor_id == bob.pk and event.object_id == str(tender.pk)
    assert event.reason == "Budget withdrawn"
    assert event.before == {"state": "published"} and event.after["state"] == "cancelled"


def test_only_the_agencys_registrar_cancels(tender, carol, committee):
    with pytest.raises(NotFound) as exc:
        services.tender_cancel(actor=carol, number=tender.number, reason="Not mine")
    assert exc.value.field == "tender"
    with pytest.raises(PermissionDenied):  # Kim is a Jongno-gu official without the role
        services.tender_cancel(actor=committee[0], number=tender.number, reason="No role")
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED and tender.cancelled_at is None
    assert not AuditEvent.objects.filter(action="procurement.tender_cancel").exists()


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001, "a\x00b"])
def test_a_cancellation_needs_a_reason_of_bounded_length(tender, bob, reason):
    with pytest.raises(ValidationFailed) as exc:
        services.tender_cancel(actor=bob, number=tender.number, reason=reason)
    assert exc.value.field == "reason"
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED


def test_an_opened_or_cancelled_notice_cannot_be_cancelled(tender, bob, committee, shares):
    services.tender_cancel(actor=bob, number=tender.number, reason="Specification withdrawn")
    with pytest.raises(Conflict) as exc:
        services.tender_cancel(actor=bob, number=tender.number, reason="Again")
    assert exc.value.field == "state" and tender.number in exc.value.message
    assert AuditEvent.objects.filter(action="procurement.tender_cancel").count() == 1

    other = services.tender_publish(actor=bob, **tender_kwargs(committee))
    keys = {m.username: services.committee_share_collect(actor=m, number=other.number) for m in committee}
    close(other)
    services.opening_share_submit(actor=committee[0], number=other.number, share=keys["kim"])
    services.opening_share_submit(actor=committee[1], number=other.number, share=keys["lee"])
    with pytest.raises(Conflict) as exc:
        services.tender_cancel(actor=bob, number=other.number, reason="Too late")
    assert exc.value.field == "state" and other.number in exc.value.message
    other.refresh_from_db()
    assert other.state == Tender.State.OPENED and other.cancelled_at is None


def test_shares_still_on_the_server_are_erased(bob, committee):
    """Uncollected shares (waiting for their member) are erased, and the member cannot get one."""
    tender = services.tender_publish(actor=bob, **tender_kwargs(committee))
    services.committee_share_collect(actor=committee[0], number=tender.number)
    assert CommitteeMember.objects.filter(tender=tender, pending_share__isnull=False).count() == 2
    services.tender_cancel(actor=bob, number=tender.number, reason="Duplicate notice")
    members = CommitteeMember.objects.filter(tender=tender)
    assert all(m.pending_share is None and m.submitted_share is None for m in members)
    tender.refresh_from_db()
    assert tender.reserve_seed_sealed is None
    with pytest.raises(Conflict) as exc:
        services.committee_share_collect(actor=committee[1], number=tender.number)
    assert exc.value.code == "cancelled"
    event = AuditEvent.objects.get(action="procurement.tender_cancel")
    assert event.after["shares_erased"] == [2, 3]


def test_a_share_handed_in_for_the_opening_is_erased_and_the_tender_never_opens(
    tender, bob, committee, shares, hana, hanbit, hanbit_supplier
):
    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70))
    close(tender)  # the opening time has come; one member hands in a share
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    assert CommitteeMember.objects.get(tender=tender, index=1).submitted_share is not None
    services.tender_cancel(actor=bob, number=tender.number, reason="Irregularity reported")
    assert not CommitteeMember.objects.filter(tender=tender, submitted_share__isnull=False).exists()
    with pytest.raises(Conflict) as exc:
        services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    assert exc.value.code == "cancelled"
    bid = Bid.objects.get(tender=tender)
    assert bid.state == Bid.State.LIVE and bid.price is None and bid.content == ""  # sealed for good
    tender.refresh_from_db()
    assert tender.state == Tender.State.CANCELLED and tender.opened_at is None


def test_a_cancelled_notice_takes_no_bid_and_no_withdrawal(tender, bob, hana, hanbit, hanbit_supplier):
    services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70))
    services.tender_cancel(actor=bob, number=tender.number, reason="Budget withdrawn")
    sealed = seal(tender, hanbit.brn, 69)
    with pytest.raises(Conflict) as exc:
        services.bid_submit(actor=hana, number=tender.number, brn=hanbit.brn, sealed=sealed)
    assert (exc.value.code, exc.value.field) == ("cancelled", "tender")
    with pytest.raises(Conflict) as exc:
        services.bid_withdraw(actor=hana, number=tender.number, brn=hanbit.brn)
    assert exc.value.code == "cancelled"
    assert [b.state for b in Bid.objects.filter(tender=tender)] == [Bid.State.LIVE]


def test_a_cancelled_notice_is_neither_amended_nor_asked_about(tender, bob, hana):
    services.tender_cancel(actor=bob, number=tender.number, reason="Budget withdrawn")
    with pytest.raises(Conflict) as exc:
        services.tender_amend(actor=bob, number=tender.number, reason="Fix", budget=90_000_000)
    assert exc.value.code == "cancelled"
    with pytest.raises(Conflict) as exc:
        services.clarification_ask(actor=hana, number=tender.number, question="Still on?")
    assert exc.value.code == "cancelled"


def test_the_api_refuses_a_bid_on_a_cancelled_notice(client, tender, bob, hana, hanbit, hanbit_supplier):
    services.tender_cancel(actor=bob, number=tender.number, reason="Budget withdrawn")
    client.force_login(hana)
    answer = client.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 70)},
        content_type="application/json",
    )
    # a refusal with its own code is a 400 (egov.api), like `repeated_share` or `late`
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (400, "cancelled", "tender")


def test_the_notice_and_the_api_show_the_cancellation(client, tender, bob):
    services.tender_cancel(actor=bob, number=tender.number, reason="예산 삭감으로 취소합니다")
    tender.refresh_from_db()
    detail = client.get(f"/api/v1/procurement/tenders/{tender.number}").json()
    assert detail["state"] == "cancelled" and detail["bids_open"] is False
    assert detail["cancellation"]["reason"] == "예산 삭감으로 취소합니다"
    assert detail["cancellation"]["cancelled_at"].startswith(tender.cancelled_at.isoformat()[:19])
    page = client.get(f"/procurement/tenders/{tender.number}/").content.decode()
    assert "예산 삭감으로 취소합니다" in page
    assert timezone.localtime(tender.cancelled_at).strftime("%Y-%m-%d %H:%M") in page
    assert 'id="bid-form"' not in page


def test_an_uncancelled_notice_has_no_cancellation(client, tender):
    assert client.get(f"/api/v1/procurement/tenders/{tender.number}").json()["cancellation"] is None


def test_open_only_search_leaves_cancelled_notices_out(client, tender, bob, committee):
    other = services.tender_publish(actor=bob, **tender_kwargs(committee, title="종로구청 의자 구매"))
    services.tender_cancel(actor=bob, number=tender.number, reason="Budget withdrawn")
    open_numbers = [t["number"] for t in client.get("/api/v1/procurement/tenders").json()]
    assert open_numbers == [other.number]
    every = [t["number"] for t in client.get("/api/v1/procurement/tenders?open_only=false").json()]
    assert sorted(every) == sorted([tender.number, other.number])
    page = client.get("/procurement/").content.decode()
    assert other.number in page and tender.number not in page
    assert tender.number in client.get("/procurement/", {"all": "1"}).content.decode()


def test_bob_cancels_from_the_back_office(client, tender, bob):
    login_official(client, bob)
    url = f"/office/procurement/tenders/{tender.number}/"
    page = client.get(url).content.decode()
    assert f'action="/office/procurement/tenders/{tender.number}/cancel"' in page
    assert "csrfmiddlewaretoken" in page
    refused = client.post(url + "cancel", {"reason": "  "})
    assert refused.status_code == 400
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED
    done = client.post(url + "cancel", {"reason": "Budget withdrawn"})
    assert done.status_code == 302 and done.url == url
    tender.refresh_from_db()
    assert tender.state == Tender.State.CANCELLED and tender.cancel_reason == "Budget withdrawn"
    page = client.get(url).content.decode()
    assert "Budget withdrawn" in page
    assert f'action="/office/procurement/tenders/{tender.number}/cancel"' not in page
    again = client.post(url + "cancel", {"reason": "Again"}, follow=True)
    assert tender.number in again.content.decode()  # the refusal names the tender


def test_the_cancel_form_checks_csrf_and_the_agency(tender, bob, carol):
    from django.test import Client

    strict = login_official(Client(), bob)
    strict.handler.enforce_csrf_checks = True  # logged in: now the form must carry its token
    assert (
        strict.post(f"/office/procurement/tenders/{tender.number}/cancel", {"reason": "x"}).status_code == 403
    )
    other = Client()
    login_official(other, carol)
    assert (
        other.post(f"/office/procurement/tenders/{tender.number}/cancel", {"reason": "x"}).status_code == 404
    )
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED
