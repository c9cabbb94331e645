"""Securities (담보): goods released before payment while a security covers their duties, the
balance used up by unpaid releases and freed by payment; only customs officials record them."""

import datetime as dt

import pytest
from django.utils import timezone

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditEvent
from egov.customs.models import SecurityDeposit
from egov.customs.selectors import security_list_for
from egov.customs.services import declaration_submit, security_deposit_register, security_deposit_release
from egov.customs.services.securities import security_free_balance
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from tests.conftest import login_official
from tests.customs.conftest import tshirts
from tests.customs.test_pages import KO
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


def test_a_security_held_by_an_unpaid_release_is_released_only_once_paid(
    customs, hana, hanbit, park, settings
):
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    security = _security(park, hanbit)
    assert security.office == park.agency
    released = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    with pytest.raises(Conflict) as held:
        security_deposit_release(actor=park, deposit_id=security.pk, reason="해지 신청")
    assert held.value.code == "held" and "1,701,000" in held.value.message
    security.refresh_from_db()
    assert security.released_at is None

    order = payment_order_for_case(released)
    statement_import(actor=None, content=camt054([credit(order, order.amount, "SEC-2")]), source="test")
    security_deposit_release(actor=park, deposit_id=security.pk, reason="해지 신청")
    security.refresh_from_db()
    assert security.released_by == park and security.release_reason == "해지 신청"
    event = AuditEvent.objects.get(action="customs.security_release")
    assert event.actor == park and event.after["reference"] == "SGI-2026-0001"
    with pytest.raises(Conflict):
        security_deposit_release(actor=park, deposit_id=security.pk, reason="again")
    # a released security covers nothing more
    later = declaration_submit(
        actor=hana,
        trader_brn=hanbit.brn,
        **tshirts(declarant_reference="HB-3", transport_document="DBHU2026003"),
    )
    assert later.state == "awaiting_payment" and later.security is None


def test_another_offices_official_cannot_see_or_release_a_security(customs, hanbit, park, yoon, hana):
    security = _security(park, hanbit)
    with pytest.raises(NotFound):
        security_deposit_release(actor=yoon, deposit_id=security.pk, reason="r")
    assert [s.pk for s in security_list_for(actor=park)] == [security.pk]
    assert security_list_for(actor=yoon) == []
    with pytest.raises(PermissionDenied):
        security_list_for(actor=hana)
    security.refresh_from_db()
    assert security.released_at is None


def test_the_officials_page_lists_records_and_releases_securities_in_korean(
    customs, client, hana, hanbit, park, yoon, settings
):
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    security = _security(park, hanbit)
    declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    login_official(client, park)
    page = client.get("/office/customs/securities/", **KO).content.decode()
    assert "담보" in page and hanbit.name in page and "SGI-2026-0001" in page
    assert "2,000,000" in page and "1,701,000" in page and "299,000" in page

    # held: refused with the reason on the page, nothing changed
    refused = client.post(
        f"/office/customs/securities/{security.pk}/release", {f"release{security.pk}-reason": "해지"}, **KO
    )
    assert refused.status_code == 400 and "1,701,000" in refused.content.decode()
    security.refresh_from_db()
    assert security.released_at is None

    today = timezone.localdate()
    recorded = client.post(
        "/office/customs/securities/",
        {
            "trader_brn": hanbit.brn,
            "kind": "cash",
            "reference": "CASH-7",
            "amount": "500,000",
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert recorded.status_code == 302
    cash = SecurityDeposit.objects.get(reference="CASH-7")
    assert cash.office == park.agency and cash.amount == 500_000
    released = client.post(
        f"/office/customs/securities/{cash.pk}/release", {f"release{cash.pk}-reason": "반환"}
    )
    assert released.status_code == 302
    cash.refresh_from_db()
    assert cash.released_at is not None

    bad = client.post("/office/customs/securities/", {"trader_brn": hanbit.brn, "kind": "gold"}, **KO)
    assert bad.status_code == 400

    # another office's official: the security is not there for her, and she cannot release it
    client.logout()
    login_official(client, yoon)
    assert "SGI-2026-0001" not in client.get("/office/customs/securities/", **KO).content.decode()
    other = client.post(
        f"/office/customs/securities/{security.pk}/release", {f"release{security.pk}-reason": "x"}
    )
    assert other.status_code == 404
    client.logout()
    client.force_login(hana)
    assert client.get("/office/customs/securities/").status_code in (302, 403)
