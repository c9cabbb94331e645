"""Release: on payment through payments' on-paid handler, at once for an AEO (deferred monthly
payment), held when the single window finds no permit; withdrawal and amendment."""

import pytest

from egov.accounts.models import AgencySystem
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.ids import brn_check_digit
from egov.customs.models import Amendment, Permit
from egov.customs.services import (
    declaration_amend,
    declaration_recheck,
    declaration_submit,
    declaration_withdraw,
)
from egov.customs.services.notices import release_notices_issue_pending
from egov.customs.shared import QUARANTINE_ITEM
from egov.documents.models import Document
from egov.exchange.models import AccessLogEntry
from egov.exchange.selectors import access_log_for_me
from egov.exchange.services import ExchangeRefused, shared_item_fetch
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from egov.payments.statements import statement_import
from tests import factories
from tests.customs.conftest import tshirts
from tests.payments.conftest import camt054, credit

pytestmark = pytest.mark.django_db


def _fish(**overrides):
    items = [
        {
            "description": "Frozen mackerel",
            "hs_code": "0303890000",
            "origin": "NO",
            "unit": "KGM",
            "quantity": "5000",
            "value": "20000",
        }
    ]
    return tshirts(
        items=items,
        invoice_amount="20000",
        transport_document="DBHU2026002",
        declarant_reference="DH-1",
        **overrides,
    )


def test_paying_the_duties_releases_the_goods_with_a_signed_import_certificate(
    customs, hana, hanbit, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    order = payment_order_for_case(declaration)
    with django_capture_on_commit_callbacks(execute=True):
        statement_import(actor=None, content=camt054([credit(order, order.amount, "CUS-1")]), source="test")
    declaration.refresh_from_db()
    assert declaration.state == "released" and declaration.decided_at is not None
    assert [e.action for e in declaration.events.all()] == ["submit", "charge", "release"]
    with django_capture_on_commit_callbacks(execute=True):
        release_notices_issue_pending()
    declaration.refresh_from_db()
    assert Document.objects.get(number=declaration.release_document).doc_type == "customs.import_release"
    notice = declaration.events.get(action="issue_notice")
    assert "납부" in notice.note and declaration.release_document in notice.note
    assert any("hana@hanbit.example" in m.to for m in mailoutbox)


def test_a_partial_payment_leaves_the_goods_waiting(customs, hana, hanbit, settings):
    settings.EGOV_PAYMENT_AGENCY = "1741000"
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    order = payment_order_for_case(declaration)
    statement_import(actor=None, content=camt054([credit(order, 1000, "CUS-2")]), source="test")
    declaration.refresh_from_db()
    assert declaration.state == "awaiting_payment" and not declaration.release_document


def test_an_aeo_import_is_released_at_once_and_pays_monthly(customs, jisoo, segye, manifest):
    manifest.lines.filter(transport_document="DBHU2026003").update(consignee=segye)
    declaration = declaration_submit(
        actor=jisoo,
        trader_brn=segye.brn,
        **tshirts(transport_document="DBHU2026003", declarant_reference="SG-1"),
    )
    assert declaration.state == "released" and declaration.deferred_payment
    order = payment_order_for_case(declaration)
    assert order.state == PaymentOrder.State.OPEN and order.amount == declaration.tax_total
    assert "AEO AA" in declaration.events.get(action="release").note


def test_fish_without_a_quarantine_clearance_is_held_with_the_reason(customs, sora, donghae):
    declaration = declaration_submit(actor=sora, trader_brn=donghae.brn, **_fish())
    assert declaration.state == "held"
    assert "0303890000" in declaration.hold_reason and "single window" in declaration.hold_reason
    entry = AccessLogEntry.objects.get(item_code="quarantine.import_permits")
    # the permits are the business's: read about the business, not about its representative
    assert entry.outcome == "granted" and entry.subject_business == donghae and entry.subject is None
    assert entry.case_ref == f"customs.declaration:{declaration.number}"
    assert not payment_order_for_case(declaration)


def test_once_the_clearance_is_issued_a_recheck_lets_the_declaration_go_on(
    customs, sora, donghae, quarantine_permit
):
    quarantine_permit.valid_from = quarantine_permit.valid_until  # not valid yet
    quarantine_permit.save()
    declaration = declaration_submit(actor=sora, trader_brn=donghae.brn, **_fish())
    assert declaration.state == "held"
    Permit.objects.filter(pk=quarantine_permit.pk).update(
        valid_from=quarantine_permit.valid_until.replace(year=2020)
    )
    declaration = declaration_recheck(actor=sora, declaration=declaration)
    assert declaration.state == "awaiting_payment" and not declaration.hold_reason
    assert [e.action for e in declaration.events.all()] == ["submit", "hold", "recheck", "charge"]


def test_fish_with_its_clearance_goes_straight_to_payment(customs, sora, donghae, quarantine_permit):
    declaration = declaration_submit(actor=sora, trader_brn=donghae.brn, **_fish())
    assert declaration.state == "awaiting_payment"


def test_without_the_grant_the_declaration_is_held_saying_the_check_cannot_be_made(
    customs, sora, donghae, single_window
):
    single_window.status = "revoked"
    single_window.save()
    declaration = declaration_submit(actor=sora, trader_brn=donghae.brn, **_fish())
    assert declaration.state == "held" and "cannot check" in declaration.hold_reason


def test_withdrawing_cancels_the_open_payment_order_and_is_recorded(customs, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    declaration = declaration_withdraw(actor=hana, declaration=declaration, reason="잘못 신고함")
    assert declaration.state == "withdrawn"
    assert payment_order_for_case(declaration).state == PaymentOrder.State.CANCELLED
    assert declaration.events.get(action="withdraw").note == "잘못 신고함"
    with pytest.raises(Conflict):
        declaration_withdraw(actor=hana, declaration=declaration, reason="again")


def test_a_released_declaration_cannot_be_withdrawn(customs, jisoo, segye):
    from tests.customs.conftest import laptops_export

    declaration = declaration_submit(actor=jisoo, trader_brn=segye.brn, **laptops_export())
    with pytest.raises(Conflict):
        declaration_withdraw(actor=jisoo, declaration=declaration, reason="late")


def test_someone_else_cannot_withdraw(customs, hana, hanbit, sora):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    with pytest.raises(NotFound):
        declaration_withdraw(actor=sora, declaration=declaration, reason="x")


def test_an_amendment_reassesses_records_before_and_after_and_replaces_the_order(customs, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    first = payment_order_for_case(declaration)
    declaration = declaration_amend(
        actor=hana,
        declaration=declaration,
        reason="수량 정정",
        items={"1": {"quantity": "900", "value": "4500.00"}},
    )
    assert declaration.customs_value == 6_300_000 and declaration.tax_total == 1_530_900
    amendment = Amendment.objects.get(declaration=declaration)
    assert amendment.before["1"] == {"quantity": "1000.000", "value": "5000.00"}
    assert amendment.after["tax_total"] == 1_530_900
    first.refresh_from_db()
    assert first.state == PaymentOrder.State.CANCELLED
    assert payment_order_for_case(declaration).amount == 1_530_900


def test_an_amendment_with_a_bad_value_is_refused_naming_it(customs, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    with pytest.raises(ValidationFailed) as refused:
        declaration_amend(actor=hana, declaration=declaration, reason="x", items={"1": {"quantity": "0"}})
    assert refused.value.field == "items[1].quantity"
    with pytest.raises(ValidationFailed) as refused:
        declaration_amend(actor=hana, declaration=declaration, reason="x", items={"7": {"quantity": "1"}})
    assert refused.value.field == "items[7]"
    assert not Amendment.objects.exists()


def test_the_permit_check_is_not_on_the_representatives_who_looked_at_my_data_page(
    customs, sora, donghae, quarantine_permit, client
):
    declaration = declaration_submit(actor=sora, trader_brn=donghae.brn, **_fish())
    assert declaration.state == "awaiting_payment"
    assert AccessLogEntry.objects.filter(subject_business=donghae, outcome="granted").count() == 1
    choi = factories.citizen("choi.sora", donghae.representative)
    assert not access_log_for_me(actor=choi).exists()
    client.force_login(choi)
    page = client.get("/my/access-log/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200 and "수입검역" not in page.content.decode()


def test_an_item_about_businesses_is_asked_by_registration_number_under_a_grant(
    customs, donghae, quarantine_permit, single_window
):
    system = AgencySystem.objects.get(name="UNI-PASS")
    ask = {"actor": system, "item": QUARANTINE_ITEM, "purpose": "통관 요건 확인", "fields": ["permits"]}
    data, entry = shared_item_fetch(subject=donghae.brn_formatted, basis=f"grant:{single_window.pk}", **ask)
    assert [p["number"] for p in data["permits"]] == ["QIA-2026-1"] and entry.subject_business == donghae
    refusals = {
        "malformed_id": {"subject": "1234567890", "basis": f"grant:{single_window.pk}"},  # bad check digit
        "unknown_subject": {"subject": _unknown_brn(), "basis": f"grant:{single_window.pk}"},
        "consent_invalid": {"subject": donghae.brn, "basis": "consent:1"},  # a consent is a person's
    }
    for code, arguments in refusals.items():
        with pytest.raises(ExchangeRefused) as refused:
            shared_item_fetch(**ask, **arguments)
        assert refused.value.code == code
        assert refused.value.log_entry.subject is None and refused.value.log_entry.outcome == "refused"
    # the representative's national ID number names no business: refused, nothing served
    with pytest.raises(ExchangeRefused) as refused:
        shared_item_fetch(
            subject=donghae.representative.rrn_reveal(), basis=f"grant:{single_window.pk}", **ask
        )
    assert refused.value.code == "malformed_id"


def _unknown_brn() -> str:
    nine = "987654321"
    return nine + str(brn_check_digit(nine))
