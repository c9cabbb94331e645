"""Securities (담보): goods released before payment while a security covers their duties, the
balance used up by unpaid releases and freed by payment; only customs officials record them."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.customs.models import SecurityDeposit
from egov.customs.services import declaration_submit, security_deposit_register
from egov.customs.services.securities import security_free_balance
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from tests.customs.conftest import tshirts
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


def _security(park, hanbit, amount=2_000_000):
    today = timezone.localdate()
    return security_deposit_register(
        actor=park,
        trader_brn=hanbit.brn,
        kind="insurance",
        reference="SGI-2026-0001",
        amount=amount,
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=335),
    )


def test_an_import_covered_by_a_security_is_released_before_payment_and_paying_frees_it(
    customs, hana, hanbit, park, settings
):
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    security = _security(park, hanbit)
    first = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    assert first.state == "released" and first.deferred_payment and first.security == security
    assert "SGI-2026-0001" in first.events.get(action="release").note
    order = payment_order_for_case(first)
    assert order.state == PaymentOrder.State.OPEN and order.amount == first.tax_total == 1_701_000
    assert security_free_balance(security) == 2_000_000 - 1_701_000

    # a second one the balance no longer covers waits for its payment, as without a security
    second = declaration_submit(
        actor=hana,
        trader_brn=hanbit.brn,
        **tshirts(declarant_reference="HB-2", transport_document="DBHU2026003"),
    )
    assert second.state == "awaiting_payment" and second.security is None

    statement_import(actor=None, content=camt054([credit(order, order.amount, "SEC-1")]), source="test")
    first.refresh_from_db()
    assert first.secured_amount == 0 and security_free_balance(security) == 2_000_000


def test_an_expired_security_covers_nothing(customs, hana, hanbit, park):
    security = _security(park, hanbit)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    SecurityDeposit.objects.filter(pk=security.pk).update(valid_until=yesterday)
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    assert declaration.state == "awaiting_payment"


def test_only_customs_officials_record_securities_and_bad_input_names_the_field(customs, hana, hanbit, park):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        _security(hana, hanbit)
    for field, value in (("amount", 0), ("kind", "gold"), ("valid_until", "2020-13-01")):
        arguments = {
            "trader_brn": hanbit.brn,
            "kind": "cash",
            "reference": "C-1",
            "amount": 1000,
            "valid_from": today,
            "valid_until": today,
            field: value,
        }
        with pytest.raises(ValidationFailed) as refused:
            security_deposit_register(actor=park, **arguments)
        assert refused.value.field == field
    _security(park, hanbit)
    with pytest.raises(ValidationFailed) as twice:
        _security(park, hanbit)
    assert twice.value.field == "reference"
    assert SecurityDeposit.objects.count() == 1
