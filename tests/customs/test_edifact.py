"""UN/EDIFACT CUSDEC in, CUSRES out: the same service, errors naming segment and element."""

import pytest

from egov.customs.edifact import cusdec_build, cusdec_parse, cusdec_receive
from egov.customs.models import Declaration
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
