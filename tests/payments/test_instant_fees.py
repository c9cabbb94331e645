"""An instant certificate whose service has a fee: requested, paid by virtual account, then
issued by itself when the bank reports the payment (the seeded 자동차등록증, 1,000 won)."""

import io

import pytest
from pypdf import PdfReader

from egov.civil import services as civil
from egov.civil.models import Application, Service
from egov.civil.seed import catalogue_seed
from egov.core.errors import ValidationFailed
from egov.documents.services import document_pdf
from egov.exchange.services import shared_item_sync
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from tests import factories
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def vehicle_certificate(mois, jongno, gangnam, busan):
    factories.agency("1613000", "국토교통부", "Ministry of Land, Transport", kind="ministry")
    factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    shared_item_sync()
    catalogue_seed()
    return Service.objects.get(code="vehicle-registration")


@pytest.fixture
def car(payer, jongno):
    return factories.vehicle(jongno, payer.resident)


def request(payer, service, key="car-0001") -> Application:
    return civil.certificate_issue(actor=payer, service=service, idempotency_key=key, consent=True)


def pay(order, amount, ref="CAR-1"):
    statement_import(actor=None, content=camt054([credit(order, amount, ref)], message_id=ref), source="test")


def actions(application) -> list[str]:
    return [e.action for e in application.events.order_by("id")]


def test_the_seeded_instant_certificate_with_a_fee_is_issued_once_paid(
    vehicle_certificate, car, payer, mailoutbox, django_capture_on_commit_callbacks
):
    assert vehicle_certificate.kind == Service.Kind.INSTANT and vehicle_certificate.fee == 1000
    with django_capture_on_commit_callbacks(execute=True):
        application = request(payer, vehicle_certificate)
    assert application.state == Application.State.AWAITING_PAYMENT and application.document is None
    assert application.clock is None  # an instant certificate has no processing period
    order = payment_order_for_case(application)
    assert order.amount == 1000 and order.payer == payer and order.state == PaymentOrder.State.OPEN
    assert actions(application) == ["request", "charge"]
    assert len(mailoutbox) == 1 and order.virtual_account_display.split("-")[0] in mailoutbox[0].body
    assert request(payer, vehicle_certificate).pk == application.pk  # the same request again
    assert PaymentOrder.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        pay(order, 1000)
    application.refresh_from_db()
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    assert application.state == Application.State.ISSUED and application.decided_at is not None
    assert actions(application) == ["request", "charge", "pay", "issue_paid"]
    text = PdfReader(io.BytesIO(document_pdf(application.document))).pages[0].extract_text()
    assert car.plate in text
    assert len(application.fetched) == 2  # checked at the request, fetched again to issue
    assert len(mailoutbox) == 2 and application.number in mailoutbox[1].body


def test_a_partial_payment_issues_nothing(vehicle_certificate, car, payer):
    application = request(payer, vehicle_certificate)
    pay(payment_order_for_case(application), 400)
    application.refresh_from_db()
    assert application.state == Application.State.AWAITING_PAYMENT and application.document is None


def test_a_certificate_that_cannot_be_made_is_refused_before_any_charge(vehicle_certificate, payer):
    with pytest.raises(ValidationFailed) as refused:
        request(payer, vehicle_certificate)  # no vehicle registered to Alice
    assert refused.value.field == "service"
    assert not Application.objects.exists() and not PaymentOrder.objects.exists()


def test_when_the_data_is_gone_by_the_payment_the_request_closes_with_its_reason(
    vehicle_certificate, car, payer
):
    application = request(payer, vehicle_certificate)
    car.delete()  # sold and deregistered before Alice paid
    order = payment_order_for_case(application)
    pay(order, 1000)
    application.refresh_from_db()
    order.refresh_from_db()
    assert application.state == Application.State.REJECTED and application.document is None
    assert actions(application) == ["request", "charge", "pay", "issue_failed"]
    assert application.decision_reason
    assert order.state == PaymentOrder.State.PAID  # refunded by an official from the payments queue


def test_withdrawing_a_request_waiting_for_its_fee_cancels_the_order(vehicle_certificate, car, payer):
    application = request(payer, vehicle_certificate)
    civil.application_withdraw(actor=payer, application=application, reason="")
    application.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN
    assert payment_order_for_case(application).state == PaymentOrder.State.CANCELLED


def test_the_page_tells_the_citizen_to_pay_and_shows_the_account(client, vehicle_certificate, car, payer):
    client.force_login(payer)
    answer = client.post(
        "/services/vehicle-registration/apply",
        {"idempotency_key": "a" * 32, "consent": "on", "language": "ko"},
        HTTP_ACCEPT_LANGUAGE="ko",
        follow=True,
    )
    page = answer.content.decode()
    order = PaymentOrder.objects.get()
    assert answer.status_code == 200 and "가상계좌" in page and order.virtual_account_display in page
    assert "수수료" in page
