"""A citizen opens the performance dashboard: each chart is drawn by Chart.js from the table
beside it, the tables stay readable, and the page breaks no content security rule."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from egov.core.measures import Fact
from egov.kpi.indicators import INDICATORS
from egov.kpi.rollups import _cells_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_every_chart_from_its_table(page, live_server, jongno):
    # The figures are cached per state of the rollups; a dashboard an earlier test rendered in
    # this process (the database emptied since, the rollups' version the same) must not answer.
    cache.clear()
    today = timezone.localdate()
    with transaction.atomic():
        _cells_add(
            [Fact("cases.closed", jongno.pk, today, "petitions.petition", value=d) for d in (1, 2, 3, 9)]
            + [
                Fact("cases.clocked", jongno.pk, today, count=4),
                Fact("cases.on_time", jongno.pk, today, count=3),
            ]
        )
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(f"{live_server.url}/kpi/")
    page.wait_for_function("document.querySelectorAll('figure[data-kpi-chart] canvas').length > 0")
    page.wait_for_function("window.Chart !== undefined")
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('figure[data-kpi-chart] canvas'))"
        ".filter(c => window.Chart.getChart(c) !== undefined).length"
    )
    page.shot("dashboard")
    assert drawn == len(INDICATORS)
    assert "처리기간 내 처리율" in page.inner_text("body") and "75%" in page.inner_text("body")
    assert not problems, problems
