"""The contract after the award: a signed document, milestones, delivery acceptance, payments."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.audit import AuditEvent
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import Document
from egov.documents.verification import verify_number
from egov.procurement import services
from egov.procurement.models import Contract, Milestone, Payment
from tests.conftest import login_official
from tests.procurement.conftest import close, seal


def open_tender(tender, committee, shares):
    close(tender)
    services.opening_share_submit(actor=committee[0], number=tender.number, share=shares["kim"])
    services.opening_share_submit(actor=committee[1], number=tender.number, share=shares["lee"])
    tender.refresh_from_db()


@pytest.fixture
def awarded(tender, committee, shares, bob, hana, hanbit, hanbit_supplier, minsu, donghae, donghae_supplier):
    services.bid_submit(
        actor=hana, number=tender.number, brn=hanbit.brn, sealed=seal(tender, hanbit.brn, 70_000_000)
    )
    services.bid_submit(
        actor=minsu, number=tender.number, brn=donghae.brn, sealed=seal(tender, donghae.brn, 71_000_000)
    )
    open_tender(tender, committee, shares)
    services.tender_award(actor=bob, number=tender.number)
    return tender


def issue(actor, tender, **overrides) -> Contract:
    today = timezone.localdate()
    kwargs = {
        "start_date": today,
        "end_date": today + dt.timedelta(days=90),
        "terms": "납품 장소: 종로구청\nDelivery within 60 days.",
        # no grant for tax.clearance here: the registrar records the paper certificate checked
        "clearance_document": "1234-567-8901",
        "clearance_checked_on": today,
    }
    kwargs.update(overrides)
    return services.contract_issue(actor=actor, number=tender.number, **kwargs)


@pytest.fixture
def contract(awarded, bob) -> Contract:
    return issue(bob, awarded)


def test_the_registrar_issues_the_contract_as_a_signed_document(awarded, bob, hanbit):
    contract = issue(bob, awarded)
    assert contract.number == f"{awarded.number}-C"
    assert contract.amount == 70_000_000 and contract.supplier.business == hanbit
    document = Document.objects.get(pk=contract.document_id)
    assert document.doc_type == "procurement.contract" and document.subject_business == hanbit
    assert document.agency_id == awarded.agency_id
    assert verify_number(document.number).status == "valid"
    assert AuditEvent.objects.filter(action="procurement.contract_issue", object_id=str(contract.pk)).exists()
    with pytest.raises(Conflict) as exc:
        issue(bob, awarded)
    assert exc.value.field == "tender"


def test_a_contract_needs_an_award_the_registrar_and_valid_dates(tender, awarded, bob, carol, committee):
    today = timezone.localdate()
    with pytest.raises(NotFound):
        issue(carol, awarded)  # another agency
    with pytest.raises(PermissionDenied):
        issue(committee[0], awarded)  # an official of the agency without the registrar role
    for overrides, field in (
        ({"end_date": today - dt.timedelta(days=1)}, "end_date"),
        ({"start_date": "not a date"}, "start_date"),
        ({"start_date": today - dt.timedelta(days=30)}, "start_date"),
        ({"end_date": today + dt.timedelta(days=366 * 11)}, "end_date"),
        ({"terms": "  "}, "terms"),
        ({"language": "fr"}, "language"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            issue(bob, awarded, **overrides)
        assert exc.value.field == field, overrides
    assert not Contract.objects.exists() and not Document.objects.exists()


def test_no_contract_before_the_award(tender, bob):
    with pytest.raises(Conflict) as exc:
        issue(bob, tender)
    assert exc.value.field == "tender"


def test_milestones_stay_within_the_contract_amount(contract, bob, carol):
    due = contract.start_date + dt.timedelta(days=30)
    first = services.milestone_add(
        actor=bob, contract=contract.number, description="1차 납품", due_date=due, amount=40_000_000
    )
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_add(
            actor=bob, contract=contract.number, description="2차", due_date=due, amount=30_000_001
        )
    assert exc.value.field == "amount" and "30,000,000" in exc.value.message
    for kwargs, field in (
        ({"due_date": contract.end_date + dt.timedelta(days=1)}, "due_date"),
        ({"amount": 0}, "amount"),
        ({"amount": "5"}, "amount"),
        ({"description": ""}, "description"),
    ):
        values = {"description": "x", "due_date": due, "amount": 1_000} | kwargs
        with pytest.raises(ValidationFailed) as exc:
            services.milestone_add(actor=bob, contract=contract.number, **values)
        assert exc.value.field == field
    with pytest.raises(NotFound):
        services.milestone_add(actor=carol, contract=contract.number, description="x", due_date=due, amount=1)
    # A rejected delivery no longer counts: its amount is free for the replacement.
    services.milestone_decide(actor=bob, milestone_id=first.pk, accepted=False, note="불량 10대")
    services.milestone_add(
        actor=bob, contract=contract.number, description="1차 재납품", due_date=due, amount=70_000_000
    )


def test_acceptance_payments_and_completion(contract, bob, committee):
    due = contract.start_date + dt.timedelta(days=30)
    a = services.milestone_add(
        actor=bob, contract=contract.number, description="1차", due_date=due, amount=30_000_000
    )
    b = services.milestone_add(
        actor=bob, contract=contract.number, description="2차", due_date=due, amount=40_000_000
    )
    today = timezone.localdate()
    with pytest.raises(Conflict) as exc:  # not accepted yet
        services.payment_record(actor=bob, milestone_id=a.pk, amount=1, paid_on=today, reference="T-1")
    assert exc.value.field == "milestone"
    with pytest.raises(PermissionDenied):
        services.milestone_decide(actor=committee[0], milestone_id=a.pk, accepted=True)
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_decide(actor=bob, milestone_id=a.pk, accepted=False, note="")
    assert exc.value.field == "note"
    services.milestone_decide(actor=bob, milestone_id=a.pk, accepted=True, note="검수 완료")
    with pytest.raises(Conflict):
        services.milestone_decide(actor=bob, milestone_id=a.pk, accepted=False, note="again")
    services.payment_record(actor=bob, milestone_id=a.pk, amount=10_000_000, paid_on=today, reference="T-1")
    for kwargs, field in (
        ({"amount": 20_000_001}, "amount"),
        ({"paid_on": today + dt.timedelta(days=1)}, "paid_on"),
        ({"paid_on": today - dt.timedelta(days=1)}, "paid_on"),
        ({"reference": ""}, "reference"),
    ):
        values = {"amount": 1_000, "paid_on": today, "reference": "T-2"} | kwargs
        with pytest.raises(ValidationFailed) as exc:
            services.payment_record(actor=bob, milestone_id=a.pk, **values)
        assert exc.value.field == field, kwargs
    services.payment_record(actor=bob, milestone_id=a.pk, amount=20_000_000, paid_on=today, reference="T-2")
    services.milestone_decide(actor=bob, milestone_id=b.pk, accepted=True)
    contract.refresh_from_db()
    assert contract.state == Contract.State.ACTIVE
    services.payment_record(actor=bob, milestone_id=b.pk, amount=40_000_000, paid_on=today, reference="T-3")
    contract.refresh_from_db()
    assert contract.state == Contract.State.COMPLETED and contract.completed_at
    with pytest.raises(Conflict):
        services.milestone_add(actor=bob, contract=contract.number, description="x", due_date=due, amount=1)
    assert Payment.objects.count() == 3
    assert AuditEvent.objects.filter(action="procurement.payment_record").count() == 3
    assert AuditEvent.objects.filter(action="procurement.milestone_decide").count() == 2


def test_the_public_sees_the_summary_and_the_supplier_the_details(client, contract, bob, hana, minsu):
    milestone = services.milestone_add(
        actor=bob,
        contract=contract.number,
        description="1차 납품",
        due_date=contract.start_date,
        amount=70_000_000,
    )
    services.milestone_decide(actor=bob, milestone_id=milestone.pk, accepted=True, note="검수 담당 메모")
    services.payment_record(
        actor=bob,
        milestone_id=milestone.pk,
        amount=5_000_000,
        paid_on=timezone.localdate(),
        reference="BANK-77",
    )
    number = contract.tender.number
    body = client.get(f"/api/v1/procurement/tenders/{number}/contract").json()
    assert body["number"] == contract.number and body["amount"] == 70_000_000
    assert body["status"] == "active" and body["paid_total"] == 5_000_000
    assert body["verification_url"].endswith(f"/verify?n={contract.document.number}")
    assert client.get(f"/api/v1/procurement/tenders/{number}").json()["contract"] == body
    page = client.get(f"/procurement/tenders/{number}/").content.decode()
    assert contract.number in page and "BANK-77" not in page and "검수 담당 메모" not in page
    assert "BANK-77" not in str(body) and "검수 담당 메모" not in str(body)

    client.force_login(hana)
    page = client.get(f"/procurement/contracts/{contract.number}/").content.decode()
    assert "BANK-77" in page and "검수 담당 메모" in page
    assert contract.number in client.get("/procurement/contracts/").content.decode()
    client.force_login(minsu)  # the other bidder
    assert client.get(f"/procurement/contracts/{contract.number}/").status_code == 404
    assert contract.number not in client.get("/procurement/contracts/").content.decode()


def test_no_contract_answers_404(client, tender):
    answer = client.get(f"/api/v1/procurement/tenders/{tender.number}/contract")
    assert answer.status_code == 404 and answer.json()["field"] == "contract"


def test_the_office_pages_issue_and_record(client, awarded, bob, carol):
    login_official(client, bob)
    page = client.get(f"/office/procurement/tenders/{awarded.number}/")
    assert "Issue and sign the contract" in page.content.decode()
    today = timezone.localdate()
    answer = client.post(
        f"/office/procurement/tenders/{awarded.number}/contract",
        {"start_date": today.isoformat(), "end_date": (today - dt.timedelta(days=1)).isoformat(),
         "terms": "x", "language": "ko"},
    )  # fmt: skip
    assert answer.status_code == 302 and not Contract.objects.exists()
    answer = client.post(
        f"/office/procurement/tenders/{awarded.number}/contract",
        {"start_date": today.isoformat(), "end_date": (today + dt.timedelta(days=60)).isoformat(),
         "terms": "Delivery within 60 days.", "language": "en",
         "clearance_document": "1234-567-8901", "clearance_checked_on": today.isoformat()},
    )  # fmt: skip
    contract = Contract.objects.get()
    assert answer.status_code == 302 and answer.url.endswith(
        f"/office/procurement/contracts/{contract.number}/"
    )
    url = f"/office/procurement/contracts/{contract.number}/milestones"
    answer = client.post(
        url, {"description": "too much", "due_date": today.isoformat(), "amount": 80_000_000}
    )
    assert answer.status_code == 400 and "at most" in answer.content.decode()
    client.post(url, {"description": "전량 납품", "due_date": today.isoformat(), "amount": 70_000_000})
    milestone = Milestone.objects.get()
    client.post(f"/office/procurement/milestones/{milestone.pk}/decide", {"decision": "accept", "note": "ok"})
    answer = client.post(
        f"/office/procurement/milestones/{milestone.pk}/pay",
        {"amount": 70_000_000, "paid_on": today.isoformat(), "reference": "TR-1"},
    )
    assert answer.status_code == 302
    contract.refresh_from_db()
    assert contract.state == Contract.State.COMPLETED
    assert client.get(f"/office/procurement/contracts/{contract.number}/").status_code == 200
    login_official(client, carol)
    assert client.get(f"/office/procurement/contracts/{contract.number}/").status_code == 404
    assert client.post(f"/office/procurement/milestones/{milestone.pk}/pay", {}).status_code == 404
