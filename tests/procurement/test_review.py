"""Review of the contract and bid paths: bad input never gives a 500, authorization on every
object, CSRF on the POST pages, and the regression tests of the review's fixes."""

import datetime as dt
import json
import os
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from egov.core.errors import NotFound, ValidationFailed
from egov.procurement import crypto, ocds, services
from egov.procurement.models import Bid, Contract, Milestone, Payment, Tender
from tests.conftest import login_official
from tests.procurement.conftest import seal, tender_kwargs
from tests.procurement.test_contracts import awarded, contract, issue, open_tender  # noqa: F401 (fixtures)


def _today(data: dict) -> dict:
    return {k: (timezone.localdate().isoformat() if v == "TODAY" else v) for k, v in data.items()}


def _accepted_milestone(bob, signed: Contract, amount=10_000_000):
    m = services.milestone_add(
        actor=bob, contract=signed.number, description="납품", due_date=signed.start_date, amount=amount
    )
    services.milestone_decide(actor=bob, milestone_id=m.pk, accepted=True, note="")
    return m


@pytest.mark.parametrize(
    "data",
    [
        {"description": "x", "due_date": "2026-13-45", "amount": "1"},
        {"description": "x", "due_date": "99999-01-01", "amount": "1"},
        {"description": "x", "due_date": "0001-01-01", "amount": "1"},
        {"description": "x", "due_date": "TODAY", "amount": "abc"},
        {"description": "x", "due_date": "TODAY", "amount": "-5"},
        {"description": "x", "due_date": "TODAY", "amount": "1" + "0" * 40},
        {"description": "x", "due_date": "TODAY", "amount": "1e5"},
        {"description": "x\x00y", "due_date": "TODAY", "amount": "1"},
        {},
    ],
)
def test_a_bad_milestone_is_refused_on_the_page(client, contract, bob, data):  # noqa: F811
    login_official(client, bob)
    answer = client.post(f"/office/procurement/contracts/{contract.number}/milestones", _today(data))
    assert answer.status_code == 400
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "abc", "paid_on": "TODAY", "reference": "R"},
        {"amount": "-1", "paid_on": "TODAY", "reference": "R"},
        {"amount": "9" * 40, "paid_on": "TODAY", "reference": "R"},
        {"amount": "1", "paid_on": "9999-12-31", "reference": "R"},
        {"amount": "1", "paid_on": "0001-01-01", "reference": "R"},
        {"amount": "1", "paid_on": "TODAY", "reference": "R\x00"},
        {"amount": "1", "paid_on": "TODAY", "reference": ""},
        {},
    ],
)
def test_a_bad_payment_is_refused_on_the_page(client, contract, bob, data):  # noqa: F811
    m = _accepted_milestone(bob, contract)
    login_official(client, bob)
    answer = client.post(f"/office/procurement/milestones/{m.pk}/pay", _today(data))
    assert answer.status_code == 302
    assert not Payment.objects.exists()


@pytest.mark.parametrize("pk", ["99999999999999999999", "2147483648", "0"])
def test_unknown_milestone_and_question_numbers_are_404(client, contract, bob, pk):  # noqa: F811
    login_official(client, bob)
    assert client.post(f"/office/procurement/milestones/{pk}/pay", {}).status_code == 404
    assert client.post(f"/office/procurement/milestones/{pk}/decide", {}).status_code == 404
    assert client.post(f"/office/procurement/questions/{pk}/answer", {}).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"start_date": "TODAY", "end_date": "9999-12-31", "terms": "t", "language": "ko"},
        {"start_date": "TODAY", "end_date": "TODAY", "terms": "t\x00", "language": "ko"},
        {"start_date": "TODAY", "end_date": "TODAY", "terms": "t", "language": "fr"},
        {"start_date": "TODAY", "end_date": "TODAY", "terms": "t" * 10_001, "language": "ko"},
        {},
    ],
)
def test_a_bad_contract_is_refused_on_the_page(client, awarded, bob, data):  # noqa: F811
    login_official(client, bob)
    answer = client.post(f"/office/procurement/tenders/{awarded.number}/contract", _today(data))
    assert answer.status_code == 302 and not Contract.objects.exists()


def test_a_contract_cannot_start_in_the_far_future(awarded, bob):  # noqa: F811
    """Fix: a contract starting in 9999 was accepted (only the period's length was bounded)."""
    with pytest.raises(ValidationFailed) as exc:
        issue(bob, awarded, start_date=dt.date(9999, 12, 30), end_date=dt.date(9999, 12, 31))
    assert exc.value.field == "start_date"
    start = timezone.localdate() + dt.timedelta(days=365)
    assert issue(bob, awarded, start_date=start, end_date=start + dt.timedelta(days=30)).start_date == start


def test_a_nul_in_a_number_or_query_is_never_a_500(client, contract, bob, hana):  # noqa: F811
    """Fix: PostgreSQL refuses NUL in text; a %00 in a tender or contract number gave a 500."""
    # Pages: a NUL anywhere in the address is a 400 before any view (core.middleware.RejectNulMiddleware);
    # the JSON API answers from its own validation: not found.
    for path in ("/procurement/tenders/%00/", "/procurement/?q=%00&all=1"):
        assert client.get(path).status_code == 400, path
    for path in (
        "/api/v1/procurement/tenders/%00",
        "/api/v1/procurement/tenders/%00/contract",
        "/api/v1/procurement/ocds/ocds-egov01-%00",
        "/api/v1/procurement/ocds/ocds-egov01-%00/record",
        "/procurement/tenders/" + "9" * 5000 + "/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/procurement/tenders?q=%00&open_only=false").status_code == 200
    client.force_login(hana)
    assert client.get("/procurement/contracts/%00/").status_code == 400
    login_official(client, bob)
    for path in ("/office/procurement/contracts/%00/", "/office/procurement/tenders/%00/"):
        assert client.get(path).status_code == 400, path
    assert client.post("/office/procurement/tenders/%00/award").status_code == 400
    assert client.post("/office/procurement/contracts/%00/milestones", {}).status_code == 400
    with pytest.raises(NotFound):
        services.milestone_add(
            actor=bob, contract=contract.number + "\x00", description="x", due_date="2026-01-01", amount=1
        )


def test_a_nul_in_a_bid_is_refused_naming_the_field(client, tender, hana, hanbit, hanbit_supplier):
    """Fix: a NUL in `brn` reached the plain-SQL path of bid_submit and gave a 500."""
    client.force_login(hana)
    url = f"/api/v1/procurement/tenders/{tender.number}/bids"
    for payload, field in (
        ({"brn": hanbit.brn + "\x00", "sealed": seal(tender, hanbit.brn, 1)}, "brn"),
        ({"brn": hanbit.brn, "sealed": "v1.\x00.a.b"}, "sealed"),
        ({"brn": "1" * 100_000, "sealed": "x"}, "brn"),
        ({"brn": hanbit.brn, "sealed": "x" * 200_000}, "sealed"),
        ({"brn": hanbit.brn, "sealed": "v1.\ud800.\u00e9.b"}, "sealed"),
        ({"brn": "\ud800", "sealed": "x"}, "brn"),
        ({"brn": hanbit.brn}, None),
    ):
        answer = client.post(url, payload, content_type="application/json")
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.content[:200])
        if field:
            assert answer.json()["field"] == field
    answer = client.post(
        "/api/v1/procurement/tenders/%00/bids",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 1)},
        content_type="application/json",
    )
    assert answer.status_code == 404
    answer = client.post(
        "/api/v1/procurement/tenders/%00/bids/withdraw", {"brn": hanbit.brn}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert not Bid.objects.exists()


def test_every_post_needs_the_csrf_token(contract, tender, bob, hana, hanbit, hanbit_supplier):  # noqa: F811
    bids = Bid.objects.count()
    business = Client(enforce_csrf_checks=True)
    business.force_login(hana)
    answer = business.post(
        f"/api/v1/procurement/tenders/{tender.number}/bids",
        {"brn": hanbit.brn, "sealed": seal(tender, hanbit.brn, 5)},
        content_type="application/json",
    )
    assert answer.status_code == 403
    for path in ("bid", "withdraw", "ask"):
        assert business.post(f"/procurement/tenders/{tender.number}/{path}", {}).status_code == 403
    assert business.post("/procurement/suppliers/register", {}).status_code == 403
    m = _accepted_milestone(bob, contract)
    office = Client(enforce_csrf_checks=True)
    office.force_login(bob)
    session = office.session
    session["otp_device_id"] = bob.totpdevice_set.get().persistent_id
    session.save()
    number = contract.tender.number
    assert office.get(f"/office/procurement/contracts/{contract.number}/").status_code == 200
    for path in (
        f"/office/procurement/tenders/{number}/share",
        f"/office/procurement/tenders/{number}/open",
        f"/office/procurement/tenders/{number}/award",
        f"/office/procurement/tenders/{number}/contract",
        f"/office/procurement/contracts/{contract.number}/milestones",
        f"/office/procurement/milestones/{m.pk}/decide",
        f"/office/procurement/milestones/{m.pk}/pay",
        "/office/procurement/new",
    ):
        assert office.post(path, {}).status_code == 403, path
    assert Bid.objects.count() == bids and Milestone.objects.get().state == Milestone.State.ACCEPTED


def test_state_changing_pages_refuse_get(client, contract, tender, bob, hana):  # noqa: F811
    client.force_login(hana)
    for path in ("bid", "withdraw", "ask"):
        assert client.get(f"/procurement/tenders/{tender.number}/{path}").status_code == 405
    login_official(client, bob)
    m = services.milestone_add(
        actor=bob, contract=contract.number, description="x", due_date=contract.start_date, amount=1
    )
    for path in (
        f"/office/procurement/tenders/{tender.number}/share",
        f"/office/procurement/tenders/{tender.number}/award",
        f"/office/procurement/contracts/{contract.number}/milestones",
        f"/office/procurement/milestones/{m.pk}/decide",
        f"/office/procurement/milestones/{m.pk}/pay",
    ):
        assert client.get(path).status_code == 405, path


def test_who_sees_the_contract(client, contract, bob, carol, committee, hana, minsu, alice):  # noqa: F811
    m = _accepted_milestone(bob, contract)
    services.payment_record(
        actor=bob, milestone_id=m.pk, amount=1, paid_on=timezone.localdate(), reference="REF-9"
    )
    # anonymous: the public summary only, the private pages go to the login
    assert client.get("/procurement/contracts/").status_code == 302
    assert client.get(f"/procurement/contracts/{contract.number}/").status_code == 302
    assert client.get(f"/office/procurement/contracts/{contract.number}/").status_code == 302
    public = client.get(f"/api/v1/procurement/ocds/{ocds.ocid_of(contract.tender)}/record").content.decode()
    assert "REF-9" not in public and "bob" not in public.lower()
    # a citizen and another business: refused / not found
    client.force_login(alice)
    assert client.get(f"/procurement/contracts/{contract.number}/").status_code == 403
    client.force_login(minsu)
    assert client.get(f"/procurement/contracts/{contract.number}/").status_code == 404
    # an official of the agency without the role sees the page but cannot act
    login_official(client, committee[0])
    assert client.get(f"/office/procurement/contracts/{contract.number}/").status_code == 200
    answer = client.post(
        f"/office/procurement/milestones/{m.pk}/pay",
        {"amount": 1, "paid_on": timezone.localdate().isoformat(), "reference": "X"},
    )
    assert answer.status_code == 403 and Payment.objects.count() == 1
    # another agency: not found
    login_official(client, carol)
    assert client.get(f"/office/procurement/contracts/{contract.number}/").status_code == 404


def test_ocds_addresses_use_the_public_url(settings, contract):  # noqa: F811
    """Fix: `_absolute` read a setting that does not exist and always gave https://egov.example."""
    settings.EGOV_PUBLIC_URL = "https://koneps.example.kr"
    assert ocds.extension_url().startswith("https://koneps.example.kr/static/")
    package = ocds.release_package(ocds.process_of(contract.tender), uri="x")
    assert package["extensions"][0].startswith("https://koneps.example.kr/")


def _seal_raw(tender, brn: str, plaintext: bytes) -> str:
    return crypto.seal(
        public_point_bytes=bytes(tender.opening_public_key),
        tender_number=tender.number,
        brn=brn,
        plaintext=plaintext,
        iv=os.urandom(12),
    )


@pytest.mark.parametrize("content", ["a\x00b", "\ud800", {"nested": "\ud800"}])
def test_a_bid_whose_content_is_not_text_is_invalid_and_the_opening_completes(
    tender, committee, shares, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier, content
):
    """Fix: a bidder could seal a content with a NUL (or an unpaired surrogate); PostgreSQL
    refused to store it at the opening, so the opening failed every time and the tender could
    never be opened."""
    plaintext = json.dumps({"tender": tender.number, "supplier": hanbit.brn, "price": 60_000_000,
                            "content": content}).encode()  # fmt: skip
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=_seal_raw(tender, hanbit.brn, plaintext)
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 65_000_000, "ok")
    )
    open_tender(tender, committee, shares)
    assert tender.state == "opened"
    bad = Bid.objects.get(supplier=hanbit_supplier)
    good = Bid.objects.get(supplier=donghae_supplier)
    assert bad.rank is None and "not text" in bad.invalid_reason and bad.content == ""
    assert good.rank == 1 and good.content == "ok"


@pytest.mark.parametrize(
    "changes",
    [
        {"deadline": "0001-01-01T00:00"},
        {"budget": "9" * 30},
        {"base_price": "-1"},
        {"items": "Laptop | 1e5 | EA"},
        {"items": "Laptop | 99999999999999999999 | EA"},
        {"items": "no pipes"},
        {"award_method": "multiple_reserve_price", "reserve_range_bp": "200", "floor_rate": "NaN"},
        {"award_method": "multiple_reserve_price", "reserve_range_bp": "200", "floor_rate": "1e400"},
        {"award_method": "multiple_reserve_price", "reserve_range_bp": "999", "floor_rate": "87.745"},
        {"scoring_rules": '{"pass_mark": NaN, "criteria": []}'},
        {"scoring_rules": "[1, 2]"},
        {"scoring_rules": '{"pass_mark": 1e999, "criteria": [{"criterion": "price", "weight": 100}]}'},
        {"documents": "Spec | javascript:alert(1)"},
        {"committee": ["999999999999"]},
        {"title": "x\x00"},
    ],
)
def test_a_bad_notice_is_refused_on_the_page(client, bob, committee, changes):
    login_official(client, bob)
    kwargs = tender_kwargs(committee)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title": kwargs["title"],
        "items": "Laptop, 14 inch | 40 | EA",
        "budget": 80_000_000,
        "base_price": 72_000_000,
        "award_method": "lowest_price",
        "categories": ["43"],
        "deadline": kwargs["deadline"].strftime(fmt),
        "opening_at": kwargs["opening_at"].strftime(fmt),
        "committee": [m.pk for m in committee],
    }
    data.update(changes)
    answer = client.post("/office/procurement/new", data)
    assert answer.status_code == 200, answer.status_code
    assert not Tender.objects.exists()


def test_a_notice_far_in_the_future_still_renders(client, bob, committee):
    """No upper bound on the deadline (a finding left to the lead): at least nothing breaks."""
    kwargs = tender_kwargs(committee)
    far = dt.datetime(9999, 12, 31, 14, 0, tzinfo=dt.UTC)
    tender = services.tender_publish(actor=bob, **{**kwargs, "deadline": far, "opening_at": far})
    assert client.get(f"/procurement/tenders/{tender.number}/").status_code == 200
    assert client.get(f"/api/v1/procurement/tenders/{tender.number}").status_code == 200
    assert client.get(f"/api/v1/procurement/ocds/{ocds.ocid_of(tender)}/record").status_code == 200


class _NamedControls(HTMLParser):
    """The names of the controls inside the bid form: what a browser sends without seal.js."""

    def __init__(self):
        super().__init__()
        self.inside, self.names = False, set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "bid-form":
            self.inside = True
        elif self.inside and tag in ("input", "textarea", "select") and attrs.get("name"):
            self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def test_without_seal_js_the_bid_form_sends_no_price_content_or_picks(
    client, bob, committee, hana, hanbit, hanbit_supplier
):
    """Fix: the price, content and pick fields had names, so a browser that did not run seal.js
    (script blocked or failed to load, JavaScript off) sent the price to the server in clear."""
    kwargs = tender_kwargs(
        committee, award_method="multiple_reserve_price", reserve_range_bp=200, floor_rate="87.745"
    )
    tender = services.tender_publish(actor=bob, **kwargs)
    for member in committee:
        services.committee_share_collect(actor=member, number=tender.number)
    client.force_login(hana)
    page = client.get(f"/procurement/tenders/{tender.number}/").content.decode()
    parser = _NamedControls()
    parser.feed(page)
    assert parser.names == {"csrfmiddlewaretoken", "brn", "sealed"}
    assert page.count('data-seal="pick"') == 15 and 'data-seal="price"' in page


def test_an_unreadable_reserve_seed_stops_the_opening_with_a_refusal(bob, committee):
    """Fix: a stored seed that did not decrypt raised SealError out of the opening: a 500."""
    from egov.core.errors import Conflict
    from tests.procurement.conftest import close

    kwargs = tender_kwargs(
        committee, award_method="multiple_reserve_price", reserve_range_bp=200, floor_rate="87.745"
    )
    tender = services.tender_publish(actor=bob, **kwargs)
    shares = [services.committee_share_collect(actor=m, number=tender.number) for m in committee]
    Tender.objects.filter(pk=tender.pk).update(reserve_seed_sealed=b"\x01" + b"\x00" * 40)
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares[0])
    with pytest.raises(Conflict) as exc:
        services.opening_share_submit(actor=committee[1], number=tender.number, share=shares[1])
    assert exc.value.field == "tender"
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED and tender.reserve_seed_sealed is not None
