"""UN/EDIFACT CUSDEC in, CUSRES out: the same service, errors naming segment and element."""

import pytest

from egov.customs.edifact import cusdec_build, cusdec_cancel_build, cusdec_parse, cusdec_receive
from egov.customs.models import Amendment, Declaration
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_for_case
from tests.customs.conftest import laptops_export, tshirts

pytestmark = pytest.mark.django_db


def test_a_cusdec_round_trips_to_the_same_arguments():
    data = tshirts(trader_brn="1018212345")
    data["items"][0].update(preference="KORUS", origin_proof="US-CO-1")
    parsed = cusdec_parse(cusdec_build(**data))
    assert parsed.data["kind"] == "import" and parsed.data["transport_document"] == "DBHU2026001"
    assert parsed.data["items"] == [{**data["items"][0]}]
    assert parsed.where["items[0].hs_code"] == "LIN[1]/CST[1]/2.1"


def test_an_export_cusdec_is_released_and_answered_with_its_number(customs, jisoo, segye):
    answer = cusdec_receive(actor=jisoo, text=cusdec_build(trader_brn=segye.brn, **laptops_export()))
    declaration = Declaration.objects.get()
    assert "CUSRES:D:96B:UN" in answer and f"BGM+962+{declaration.number}+29'" in answer
    assert "GIS+released'" in answer


def test_an_unknown_hs_code_is_answered_naming_the_segment_and_element(customs, jisoo, segye):
    data = laptops_export()
    data["items"][0]["hs_code"] = "8471309999"
    answer = cusdec_receive(actor=jisoo, text=cusdec_build(trader_brn=segye.brn, **data))
    assert "BGM+962++27'" in answer and "ERC+INVALID'" in answer and "LIN[1]/CST[1]/2.1" in answer
    assert not Declaration.objects.exists()


def test_a_syntax_error_is_answered_with_a_cusres(customs, jisoo):
    answer = cusdec_receive(
        actor=jisoo, text="UNA:+.? 'UNB+UNOC:3+X+Y+200101:1000+1'UNH+1+CUSDEC:D:96B:UN'BGM+929"
    )
    assert "ERC+SYNTAX'" in answer or "ERC+MISSING'" in answer
    assert not Declaration.objects.exists()
    answer = cusdec_receive(actor=jisoo, text="")
    assert "ERC+SYNTAX'" in answer


def test_a_wrong_message_type_is_refused(customs, jisoo):
    text = cusdec_build(trader_brn="1018212345", **laptops_export()).replace("CUSDEC:D:96B", "INVOIC:D:96A")
    assert "ERC+UNSUPPORTED'" in cusdec_receive(actor=jisoo, text=text)


def test_a_cusdec_change_amends_the_declaration_through_the_same_service_as_the_portal(customs, hana, hanbit):
    original = tshirts(trader_brn=hanbit.brn)
    first = cusdec_receive(actor=hana, text=cusdec_build(**original))
    declaration = Declaration.objects.get()
    assert declaration.state == "awaiting_payment" and declaration.tax_total == 1_701_000

    # the same message, its value corrected: BGM 1225 = 4 (change), RFF+ABE the number, FTX+ACB why
    changed = {**original, "invoice_amount": "4000", "items": [{**original["items"][0], "value": "4000"}]}
    text = cusdec_build(
        **changed, function="4", number=declaration.number, reason="송장 금액 정정", control="2"
    )
    parsed = cusdec_parse(text)
    assert (parsed.function, parsed.number, parsed.reason) == ("4", declaration.number, "송장 금액 정정")
    answer = cusdec_receive(actor=hana, text=text)

    assert f"BGM+962+{declaration.number}+29'" in answer and "GIS+awaiting_payment'" in answer
    assert f"BGM+962+{declaration.number}+29'" in first
    declaration.refresh_from_db()
    amendment = Amendment.objects.get(declaration=declaration)
    assert amendment.reason == "송장 금액 정정" and amendment.after["1"] == {"value": "4000"}
    assert declaration.customs_value == 5_600_000 and declaration.tax_total < 1_701_000
    assert payment_order_for_case(declaration).amount == declaration.tax_total  # a new order
    assert [e.action for e in declaration.events.all()][-1] == "amend"


def test_a_cusdec_replacement_found_by_its_reference_changes_an_items_hs_code(customs, hana, hanbit):
    original = tshirts(trader_brn=hanbit.brn)
    cusdec_receive(actor=hana, text=cusdec_build(**original))
    replaced = {**original, "items": [{**original["items"][0], "hs_code": "6109101000", "sequence": 1}]}
    answer = cusdec_receive(actor=hana, text=cusdec_build(**replaced, function="5", reason="HS 정정"))
    assert "+29'" in answer
    declaration = Declaration.objects.get()
    assert declaration.items.get().heading.code == "6109101000"
    amendment = Amendment.objects.get()
    assert amendment.before == {"1": {"hs_code": "6109100000"}, "tax_total": 1_701_000}
    assert declaration.conveyance  # an empty TDT 8028 leaves the vessel the manifest gave


def test_a_cusdec_amendment_is_refused_naming_what_it_may_not_change_or_misses(customs, hana, hanbit, sora):
    original = tshirts(trader_brn=hanbit.brn)
    cusdec_receive(actor=hana, text=cusdec_build(**original))
    number = Declaration.objects.get().number
    unchanged = cusdec_build(**original, function="4", number=number, reason="r")
    assert "ERC+MISSING'" in cusdec_receive(actor=hana, text=unchanged)
    no_reason = cusdec_build(**{**original, "conveyance": "NEW SHIP"}, function="4", number=number)
    assert "ERC+MISSING'" in (answer := cusdec_receive(actor=hana, text=no_reason)) and "FTX?+ACB" in answer
    other_port = cusdec_build(
        **{**original, "port_of_loading": "CNSHA"}, function="5", number=number, reason="r"
    )
    answer = cusdec_receive(actor=hana, text=other_port)
    assert "ERC+NOT_AMENDABLE'" in answer and "LOC[1]/2.1" in answer
    bad_code = {**original, "items": [{**original["items"][0], "hs_code": "6109109999"}]}
    answer = cusdec_receive(
        actor=hana, text=cusdec_build(**bad_code, function="4", number=number, reason="r")
    )
    assert "ERC+INVALID'" in answer and "LIN[1]/CST[1]/2.1" in answer
    # another trader's representative: the declaration does not exist for her
    answer = cusdec_receive(
        actor=sora, text=cusdec_build(**original, function="4", number=number, reason="r")
    )
    assert "ERC+NOT_FOUND'" in answer
    assert not Amendment.objects.exists()
    unknown_function = cusdec_build(**original, function="7")
    assert "ERC+CODE'" in cusdec_receive(actor=hana, text=unknown_function)


def test_a_cusdec_cancellation_withdraws_the_declaration_through_the_same_service_as_the_portal(
    customs, hana, hanbit
):
    cusdec_receive(actor=hana, text=cusdec_build(**tshirts(trader_brn=hanbit.brn)))
    declaration = Declaration.objects.get()
    assert declaration.state == "awaiting_payment"
    text = cusdec_cancel_build(
        kind="import", declarant_reference=declaration.declarant_reference, number=declaration.number,
        reason="중복 신고", control="3",
    )  # fmt: skip
    parsed = cusdec_parse(text)
    assert (parsed.function, parsed.number, parsed.reason) == ("1", declaration.number, "중복 신고")
    answer = cusdec_receive(actor=hana, text=text)

    assert f"BGM+962+{declaration.number}+29'" in answer and "GIS+withdrawn'" in answer
    declaration.refresh_from_db()
    assert declaration.state == "withdrawn" and declaration.decided_at is not None
    assert payment_order_for_case(declaration).state == PaymentOrder.State.CANCELLED
    event = declaration.events.order_by("at", "pk").last()
    assert event.action == "withdraw" and event.note == "중복 신고" and event.actor == hana


def test_a_cusdec_cancellation_found_by_the_declarants_reference_alone(customs, hana, hanbit):
    original = tshirts(trader_brn=hanbit.brn)
    cusdec_receive(actor=hana, text=cusdec_build(**original))
    reference = original["declarant_reference"]
    text = cusdec_cancel_build(kind="import", declarant_reference=reference, reason="취소")
    assert "GIS+withdrawn'" in cusdec_receive(actor=hana, text=text)
    assert Declaration.objects.get().state == "withdrawn"


def test_a_cusdec_cancellation_of_a_released_declaration_is_refused_at_the_element_naming_it(
    customs, jisoo, segye, hana, hanbit
):
    cusdec_receive(actor=jisoo, text=cusdec_build(trader_brn=segye.brn, **laptops_export()))
    released = Declaration.objects.get()
    assert released.state == "released"
    text = cusdec_cancel_build(
        kind="export", declarant_reference=released.declarant_reference, number=released.number, reason="r"
    )
    answer = cusdec_receive(actor=jisoo, text=text)
    assert "BGM+962++27'" in answer and "ERC+CLOSED'" in answer and "FTX+AAO+++RFF[1]/1.2:" in answer
    released.refresh_from_db()
    assert released.state == "released"
    assert [e.action for e in released.events.all()][-1] != "withdraw"

    # without a reason, nothing happens; another trader's declaration does not exist for the sender
    cusdec_receive(actor=hana, text=cusdec_build(**tshirts(trader_brn=hanbit.brn)))
    mine = Declaration.objects.get(trader=hanbit)
    no_reason = cusdec_cancel_build(
        kind="import", declarant_reference=mine.declarant_reference, number=mine.number, reason=""
    )
    assert "ERC+MISSING'" in (answer := cusdec_receive(actor=hana, text=no_reason)) and "FTX?+ACB" in answer
    others = cusdec_cancel_build(
        kind="import", declarant_reference=mine.declarant_reference, number=mine.number, reason="r"
    )
    assert "ERC+NOT_FOUND'" in cusdec_receive(actor=jisoo, text=others)
    mine.refresh_from_db()
    assert mine.state == "awaiting_payment"
