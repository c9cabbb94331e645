"""The documents behind "documents sent electronically" (issue 19 item 7): listed to the sending
agency's officials; linked, with their title, only for an official who may open the document."""

import pytest

from egov.edocs.models import Position
from egov.edocs.services.approval import document_sign, document_submit
from egov.edocs.services.delivery import document_dispatch
from tests.conftest import login_official
from tests.edocs.conftest import _department, _post
from tests.edocs.stepup import fresh
from tests.kpi.conftest import advance

CASES = "/office/kpi/edocs_sent_electronically/cases/"


@pytest.fixture
def dispatched(draft, minji, junho, soyeon, park, gangnam_office):
    document = document_submit(actor=minji, step_up=fresh(minji), document=draft())
    for official in (junho, soyeon, park):
        document = document_sign(actor=official, step_up=fresh(official), document=document)
    document_dispatch(actor=minji, document=document)
    document.refresh_from_db()
    advance()  # the figure counts it
    return document


def test_a_dispatched_document_is_behind_the_figure_linked_for_its_department(dispatched, minji, client):
    login_official(client, minji)
    dashboard = client.get("/office/kpi/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert CASES in dashboard
    text = client.get(CASES, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'href="/office/edocs/documents/{dispatched.number}/"' in text
    assert dispatched.title in text and "강남구" in text
    assert client.get(f"/office/edocs/documents/{dispatched.number}/").status_code == 200


def test_another_department_of_the_agency_sees_the_row_without_link_or_title(dispatched, jongno, client):
    civil = _department(jongno, "3000030", "민원여권과", "Civil Affairs Division")
    other = _post("jiwoo", civil, Position.STAFF, "주무관", "윤지우")
    login_official(client, other)
    text = client.get(CASES, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert dispatched.number in text
    assert f'href="/office/edocs/documents/{dispatched.number}/"' not in text
    assert dispatched.title not in text
    assert client.get(f"/office/edocs/documents/{dispatched.number}/").status_code == 404


def test_another_agencys_official_sees_nothing(dispatched, gangnam_clerk, client):
    login_official(client, gangnam_clerk)
    text = client.get(CASES, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert dispatched.number not in text
