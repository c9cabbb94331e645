"""The dashboards: the public one in Korean with nothing but words and figures; the officials'
one with their agency's figures, the cases behind a figure for their own agencies only, and the
yearly report as a signed PDF."""

import re

from egov.documents.models import Document
from egov.kpi.indicators import INDICATORS
from egov.petitions import services
from tests import factories
from tests.conftest import login_official
from tests.kpi.conftest import advance
from tests.petitions.test_services import file_one


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def figures_part(client) -> str:
    """The dashboard's figures (the page's header carries a form token of its own)."""
    return client.get("/kpi/").content.decode().split('data-testid="summary"')[1]


def answered(petitioner, categories, official, n=2):
    return [
        services.petition_answer(actor=official, petition=file_one(petitioner, categories), answer="답변")
        for _ in range(n)
    ]


def test_the_public_dashboard_reads_in_korean_without_internal_codes(petitioner, categories, bob, client):
    answered(petitioner, categories, bob)
    advance()
    page = client.get("/kpi/", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    text = visible_text(page.content.decode())
    for words in ("전자정부 성과", "목표", "실적", "처리기간 내 처리율", "민원", "월별"):
        assert words in text, words
    for code in [i.code for i in INDICATORS] + ["petitions.petition", "cases.closed", "Target", "Actual"]:
        assert code not in text, code
    assert "data-kpi-chart" in page.content.decode() and "chartjs/chart.umd.min.js" in page.content.decode()


def test_a_bad_year_is_said_and_this_years_figures_shown(client, db):
    page = client.get("/kpi/?year=1999", HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200 and "2000년부터 올해까지" in page.content.decode()


def test_an_official_sees_their_agencys_figures_and_the_cases_behind_them(
    petitioner, categories, bob, carol, client
):
    mine = answered(petitioner, categories, bob)
    advance()
    login_official(client, bob)
    page = client.get("/office/kpi/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "우리 기관 성과" in page and "/office/kpi/processing_days_p50/cases/" in page
    drill = client.get("/office/kpi/processing_days_p50/cases/?service=petitions.petition").content.decode()
    assert all(p.number in drill for p in mine)


def test_the_cases_behind_a_figure_are_refused_outside_the_officials_agencies(
    petitioner, categories, bob, carol, gangnam, client
):
    mine = answered(petitioner, categories, bob)
    advance()
    login_official(client, carol)  # Gangnam-gu: Jongno-gu's cases are not hers
    drill = client.get("/office/kpi/processing_days_p50/cases/").content.decode()
    assert not any(p.number in drill for p in mine)
    jongno_id = mine[0].agency_id
    assert client.get(f"/office/kpi/processing_days_p50/cases/?agency={jongno_id}").status_code == 404
    assert client.get(f"/office/kpi/?agency={jongno_id}").status_code == 404
    assert client.get("/office/kpi/availability/cases/").status_code == 404  # no cases behind it


def test_citizens_and_visitors_do_not_reach_the_officials_dashboard(petitioner, client):
    assert client.get("/office/kpi/").status_code == 302  # to the login page
    client.force_login(petitioner)
    assert client.get("/office/kpi/").status_code == 403
    assert client.get("/office/kpi/processing_days_p50/cases/").status_code == 403
    assert client.post("/office/kpi/report").status_code == 403


def test_the_yearly_report_is_issued_as_a_signed_pdf_by_the_officials_agency(
    petitioner, categories, bob, jongno, client
):
    answered(petitioner, categories, bob)
    advance()
    login_official(client, bob)
    response = client.post("/office/kpi/report", {"year": ""})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    document = Document.objects.get(doc_type="kpi.report")
    assert document.agency == jongno and document.number in response["Content-Disposition"]


def test_an_official_of_a_city_sees_its_districts_together(petitioner, categories, bob, seoul, client):
    answered(petitioner, categories, bob)
    advance()
    city = factories.official("sora", seoul)
    login_official(client, city)
    page = client.get("/office/kpi/").content.decode()
    assert "/office/kpi/processing_days_p50/cases/" in page


def test_the_dashboard_is_rendered_again_only_when_the_worker_moves_the_rollups(
    petitioner, categories, bob, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answered(petitioner, categories, bob, n=1)
    advance()
    first = figures_part(client)
    with CaptureQueriesContext(connection) as queries:
        assert figures_part(client) == first
    assert not any("kpi_rollup" in q["sql"] for q in queries.captured_queries)  # from the cache
    answered(petitioner, categories, bob, n=1)
    assert figures_part(client) == first  # the worker has not counted it yet
    advance()
    with CaptureQueriesContext(connection) as queries:
        figures_part(client)
    assert any("kpi_rollup" in q["sql"] for q in queries.captured_queries)  # read again
