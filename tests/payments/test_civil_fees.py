"""A civil service's fee: the application waits for the payment and moves on by itself."""

import pytest

from egov.civil import services as civil
from egov.civil.models import Service
from egov.civil.seed import catalogue_seed
from egov.exchange.services import shared_item_sync
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from tests import factories
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def dog_registration(mois, jongno, gangnam, busan):
    factories.agency(
        "1613000", "국토교통부", "Ministry of Land, Infrastructure and Transport", kind="ministry"
    )
    factories.agency("1210000", "국세청", "National Tax Service", kind="ministry")
    shared_item_sync()
    catalogue_seed()
    service = Service.objects.get(code="dog-registration")
    service.fee = 10000
    service.save(update_fields=["fee"])
    return service


def test_alices_dog_registration_waits_for_its_fee_and_proceeds_when_paid(
    dog_registration, payer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = civil.application_submit(
            actor=payer, service=dog_registration, idempotency_key="dog-0001", consent=True,
            data={"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001", "neutered": True},
        )  # fmt: skip
    application.refresh_from_db()
    assert application.state == "awaiting_payment"
    assert application.clock.state == "paused"
    order = payment_order_for_case(application)
    assert order.amount == 10000 and order.payer == payer and order.agency == application.agency
    assert [e.action for e in application.events.all()] == ["submit", "charge"]
    assert len(mailoutbox) == 1 and order.virtual_account_display.split("-")[0] in mailoutbox[0].body

    statement_import(actor=None, content=camt054([credit(order, 10000, "DOG-1")]), source="test")
    application.refresh_from_db()
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PAID
    assert application.state == "submitted" and application.clock.state == "running"
    assert [e.action for e in application.events.all()] == ["submit", "charge", "pay"]


def test_a_partial_fee_leaves_the_application_waiting(dog_registration, payer):
    application = civil.application_submit(
        actor=payer, service=dog_registration, idempotency_key="dog-0002", consent=True,
        data={"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001", "neutered": True},
    )  # fmt: skip
    order = payment_order_for_case(application)
    statement_import(actor=None, content=camt054([credit(order, 4000, "DOG-2")]), source="test")
    application.refresh_from_db()
    assert application.state == "awaiting_payment"


def test_a_free_service_is_not_charged(dog_registration, payer):
    dog_registration.fee = 0
    dog_registration.save(update_fields=["fee"])
    application = civil.application_submit(
        actor=payer, service=dog_registration, idempotency_key="dog-0003", consent=True,
        data={"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001", "neutered": True},
    )  # fmt: skip
    assert application.state == "submitted" and payment_order_for_case(application) is None


def test_withdrawing_an_application_waiting_for_its_fee_cancels_its_payment_order(dog_registration, payer):
    application = civil.application_submit(
        actor=payer, service=dog_registration, idempotency_key="dog-0004", consent=True,
        data={"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001", "neutered": True},
    )  # fmt: skip
    civil.application_withdraw(actor=payer, application=application, reason="잘못 신청")
    order = payment_order_for_case(application)
    assert order.state == PaymentOrder.State.CANCELLED
    result = statement_import(actor=None, content=camt054([credit(order, 10000, "DOG-4")]), source="test")
    assert result.counts["closed"] == 1  # money sent anyway waits in the queue, to go back


def test_withdrawing_after_a_partial_payment_leaves_the_order_for_reconciliation(dog_registration, payer):
    application = civil.application_submit(
        actor=payer, service=dog_registration, idempotency_key="dog-0005", consent=True,
        data={"dog_name": "초코", "breed": "푸들", "chip_number": "410000000000001", "neutered": True},
    )  # fmt: skip
    order = payment_order_for_case(application)
    statement_import(actor=None, content=camt054([credit(order, 4000, "DOG-5")]), source="test")
    civil.application_withdraw(actor=payer, application=application)
    order.refresh_from_db()
    assert order.state == PaymentOrder.State.PARTLY_PAID
