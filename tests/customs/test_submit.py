"""Submitting a declaration: the duty assessed line by line, the lanes, idempotent resubmission,
and every refusal naming its field with nothing written."""

from decimal import Decimal

import pytest
from django.utils import timezone

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.models import Notification
from egov.customs.models import Declaration, DeclarationItem
from egov.customs.services import declaration_submit, tariff_rate_record
from egov.customs.services.notices import release_notices_issue_pending
from egov.documents.models import Document
from egov.payments.services import payment_order_for_case
from tests.customs.conftest import laptops_export, tshirts

pytestmark = pytest.mark.django_db


def test_a_us_tshirt_import_is_assessed_line_by_line_and_waits_for_its_payment(customs, hana, hanbit):
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    declaration.refresh_from_db()
    item = declaration.items.get()
    # 5,000 USD x 1,400 = 7,000,000 won; basic 13 %; VAT 10 % of 7,910,000
    assert item.customs_value == 7_000_000
    assert item.duty_rate == Decimal("13.000") and item.duty == 910_000
    assert item.vat == 791_000 and item.excise == 0
    assert [line["step"] for line in item.explanation] == ["customs_value", "duty", "vat"]
    assert item.explanation[1]["source"] == "basic"
    assert declaration.tax_total == 1_701_000
    assert declaration.lane == "green" and declaration.state == "awaiting_payment"
    assert declaration.agency.code == "1222000"  # Busan Customs, the port of discharge
    order = payment_order_for_case(declaration)
    assert order.amount == 1_701_000 and order.payer == hana
    assert [e.action for e in declaration.events.all()] == ["submit", "charge"]


def test_a_korus_preference_with_its_proof_brings_the_duty_to_zero(customs, hana, hanbit):
    items = [{**tshirts()["items"][0], "preference": "KORUS", "origin_proof": "US-CO-2026-77"}]
    declaration = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts(items=items))
    item = declaration.items.get()
    assert item.duty == 0 and item.explanation[1]["source"] == "fta:KORUS"
    assert item.vat == 700_000


def test_an_excise_line_adds_the_individual_consumption_tax(customs, hana, hanbit):
    items = [
        {
            "description": "Sedan",
            "hs_code": "8703230000",
            "origin": "JP",
            "unit": "H87",
            "quantity": "1",
            "value": "30000",
        }
    ]
    declaration = declaration_submit(
        actor=hana,
        trader_brn=hanbit.brn,
        **tshirts(items=items, invoice_amount="30000", transport_document="DBHU2026003"),
    )
    item = declaration.items.get()
    # 42,000,000 won; duty 8 % = 3,360,000; excise 5 % of 45,360,000 = 2,268,000; VAT 10 % of 47,628,000
    assert (item.customs_value, item.duty, item.excise, item.vat) == (
        42_000_000,
        3_360_000,
        2_268_000,
        4_762_800,
    )
    assert [line["step"] for line in item.explanation] == ["customs_value", "duty", "excise", "vat"]


def test_a_green_export_is_released_at_once_and_its_signed_certificate_follows(customs, jisoo, segye):
    declaration = declaration_submit(actor=jisoo, trader_brn=segye.brn, **laptops_export())
    assert declaration.state == "released" and declaration.lane == "green"
    assert declaration.decided_at is not None and declaration.release_notice_pending
    assert declaration.tax_total == 0 and declaration.agency.code == "1223000"
    assert not Document.objects.exists()  # the request did not sign anything
    assert [e.action for e in declaration.events.all()] == ["submit", "release"]

    assert not Notification.objects.filter(user=jisoo).exists()  # told with the notice

    assert release_notices_issue_pending() == 1
    declaration.refresh_from_db()
    document = Document.objects.get(number=declaration.release_document)
    assert document.doc_type == "customs.export_release" and document.subject_business == segye
    assert [e.action for e in declaration.events.all()] == ["submit", "release", "issue_notice"]
    told = Notification.objects.get(user=jisoo)
    assert declaration.number in told.title_ko and declaration.release_document in told.body
    assert release_notices_issue_pending() == 0  # issued once


def test_resubmitting_the_same_reference_creates_one_declaration(customs, hana, hanbit):
    first = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    again = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    assert again.pk == first.pk and Declaration.objects.count() == 1
    assert not getattr(again, "created_now", False)


def test_a_broker_declares_for_a_trader_under_its_mandate(customs, minho, broker, hanbit):
    declaration = declaration_submit(actor=minho, trader_brn=hanbit.brn, **tshirts())
    assert declaration.declarant == broker.business and declaration.broker == broker
    assert declaration.trader == hanbit


def test_a_broker_without_a_mandate_is_refused(customs, minho, donghae):
    with pytest.raises(ValidationFailed) as refused:
        declaration_submit(actor=minho, trader_brn=donghae.brn, **tshirts(transport_document="DBHU2026002"))
    assert refused.value.field == "trader_brn" and refused.value.code == "no_mandate"
    assert not Declaration.objects.exists()


def test_someone_representing_neither_trader_nor_broker_is_refused(customs, sora, hanbit):
    with pytest.raises(PermissionDenied) as refused:
        declaration_submit(actor=sora, trader_brn=hanbit.brn, **tshirts())
    assert refused.value.field == "trader_brn"


def test_a_citizen_cannot_declare(customs, alice, hanbit):
    with pytest.raises(PermissionDenied):
        declaration_submit(actor=alice, trader_brn=hanbit.brn, **tshirts())


def _item(**changes) -> list[dict]:
    return [{**tshirts()["items"][0], **changes}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": _item(hs_code="6109109999")}, "items[0].hs_code"),
        ({"items": _item(hs_code="61091")}, "items[0].hs_code"),
        ({"items": _item(origin="XX")}, "items[0].origin"),
        ({"items": _item(unit="BOX")}, "items[0].unit"),
        ({"items": _item(quantity="0")}, "items[0].quantity"),
        ({"items": _item(quantity="-5")}, "items[0].quantity"),
        ({"items": _item(quantity=12.5)}, "items[0].quantity"),
        ({"items": _item(value="abc")}, "items[0].value"),
        ({"items": _item(description="")}, "items[0].description"),
        ({"items": _item(preference="KORUS")}, "items[0].origin_proof"),
        ({"items": _item(preference="KORUS", origin="CN", origin_proof="X")}, "items[0].origin"),
        ({"items": _item(preference="NOPE", origin_proof="X")}, "items[0].preference"),
        ({"items": []}, "items"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "dollars"}, "currency"),
        ({"invoice_amount": "5000.01"}, "invoice_amount"),
        ({"transport_document": "NOSUCHBL"}, "transport_document"),
        ({"transport_document": "DBHU2026002"}, "transport_document"),
        ({"transport_document": ""}, "transport_document"),
        ({"transport_mode": "9"}, "transport_mode"),
        ({"port_of_loading": "LA"}, "port_of_loading"),
        ({"incoterm": "XXX"}, "incoterm"),
        ({"kind": "smuggle"}, "kind"),
        ({"declarant_reference": ""}, "declarant_reference"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    customs, hana, hanbit, overrides, field
):
    with pytest.raises(ValidationFailed) as refused:
        declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts(**overrides))
    assert refused.value.field == field
    assert not Declaration.objects.exists() and not DeclarationItem.objects.exists()


def test_an_unknown_trader_is_refused(customs, hana):
    with pytest.raises(ValidationFailed) as refused:
        declaration_submit(actor=hana, trader_brn="1234567890", **tshirts())
    assert refused.value.field == "trader_brn"


def test_a_rate_recorded_today_applies_to_the_next_submission_of_a_process_that_read_the_old_one(
    customs, hana, hanbit, kang
):
    first = declaration_submit(actor=hana, trader_brn=hanbit.brn, **tshirts())
    assert first.items.get().duty_rate == Decimal("13.000")  # the process holds the tariff now
    tariff_rate_record(
        actor=kang, code="6109100000", kind="basic", rate="8", effective_from=timezone.localdate()
    )
    second = declaration_submit(
        actor=hana,
        trader_brn=hanbit.brn,
        **tshirts(declarant_reference="HB-2", transport_document="DBHU2026003"),
    )
    assert second.items.get().duty_rate == Decimal("8.000") and second.items.get().duty == 560_000
