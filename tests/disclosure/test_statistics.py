"""Public statistics of information disclosure, per agency: requests, decisions by kind, deemed
refusals, on-time share and average business days, counted by the database; a page and a CSV
that never name the requester."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from egov.core.deadlines import business_days_between
from egov.core.errors import ValidationFailed
from egov.core.models import CaseClock
from egov.disclosure import selectors, services
from egov.disclosure.deem import disclosure_deem_refusals
from tests.disclosure.test_services import refuse, request_one
from tests.kpi.conftest import advance


def a_year_of_requests(requester, jongno, gangnam, bob):
    """Jongno-gu discloses one request in full, refuses one, decides one partly after its due date
    and lets one run out (deemed refused); Gangnam-gu has one still open."""
    full = services.request_decide(actor=bob, request=request_one(requester, jongno), outcome="full")
    refused = refuse(bob, request_one(requester, jongno))
    late = request_one(requester, jongno)
    CaseClock.objects.filter(pk=late.clock_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    late.refresh_from_db()
    late = services.request_decide(
        actor=bob,
        request=late,
        outcome="partial",
        grounds="개인정보는 제외합니다.",
        withheld_parts=[{"category": "6", "description": "위원 연락처"}],
    )
    request_one(requester, jongno)
    assert disclosure_deem_refusals(now=timezone.now() + dt.timedelta(days=40)) == 1
    request_one(requester, gangnam)
    advance()  # the worker's tick: the statistics read the rollups
    return full, refused, late


def test_statistics_count_decisions_by_kind_and_on_time_share_per_agency(requester, jongno, gangnam, bob):
    decided = a_year_of_requests(requester, jongno, gangnam, bob)
    rows, year = selectors.statistics()
    assert year == timezone.localdate().year
    by_agency = {row["agency"].code: row for row in rows}
    row = by_agency[jongno.code]
    assert (row["total"], row["open"], row["decided"]) == (4, 0, 3)
    assert (row["full"], row["partial"], row["refused"], row["deemed_refused"]) == (1, 1, 1, 1)
    assert row["on_time"] == 2 and row["on_time_share"] == 0.5  # the late one and the deemed refusal
    days = [business_days_between(r.submitted_at, r.decided_at) for r in decided]
    assert row["average_days"] == sum(days) / len(days)
    other = by_agency[gangnam.code]
    assert (other["total"], other["open"], other["decided"], other["on_time_share"]) == (1, 1, 0, None)
    assert other["average_days"] is None


def test_statistics_of_an_earlier_year_are_empty_and_a_bad_year_is_refused(requester, jongno):
    request_one(requester, jongno)
    assert selectors.statistics(year=timezone.localdate().year - 1) == ([], timezone.localdate().year - 1)
    for year in (1999, timezone.localdate().year + 1):
        with pytest.raises(ValidationFailed) as refused:
            selectors.statistics(year=year)
        assert refused.value.field == "year"


def test_the_statistics_page_and_csv_are_public_and_anonymous(requester, jongno, gangnam, bob, client):
    a_year_of_requests(requester, jongno, gangnam, bob)
    page = client.get("/disclosure/statistics/")
    assert page.status_code == 200 and "Jongno-gu, Seoul" in page.content.decode()
    response = client.get("/disclosure/statistics.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["agency_code"] == jongno.code)
    assert (row["requests"], row["decided"], row["deemed_refused"], row["on_time_share"]) == (
        "4",
        "3",
        "1",
        "0.500",
    )
    assert "alice" not in response.content.decode() and "Lee Seoyeon" not in response.content.decode()
    assert client.get("/disclosure/statistics/?year=1999").status_code == 200  # falls back to this year
    assert client.get("/disclosure/statistics.csv?year=1999").status_code == 404
    assert "/disclosure/statistics/" in client.get("/petitions/statistics/").content.decode()
    assert "/disclosure/statistics/" in client.get("/disclosure/").content.decode()
