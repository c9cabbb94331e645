"""Public petition statistics are aggregated by the database: a petition answered after its due
date is late, the days are business days as the calendar counts them, and the number of queries
does not grow with the number of petitions."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.core.deadlines import business_days_between
from egov.core.models import CaseClock
from egov.petitions import selectors, services
from tests.kpi.conftest import advance
from tests.petitions.test_services import file_one


def answer_late(petitioner, categories, bob):
    petition = file_one(petitioner, categories)
    CaseClock.objects.filter(pk=petition.clock_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    petition.refresh_from_db()
    return services.petition_answer(actor=bob, petition=petition, answer="늦은 답변")


def test_an_answer_after_the_due_date_is_late_and_days_are_business_days(petitioner, categories, bob):
    on_time = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    late = answer_late(petitioner, categories, bob)
    services.petition_rate(actor=petitioner, petition=late, satisfaction=2)
    file_one(petitioner, categories)  # still open: counted, not answered
    advance()  # the worker's tick: the statistics read the rollups
    rows, _year = selectors.statistics()
    (road,) = [r for r in rows if r["category"].code == "road-jongno"]
    assert (road["total"], road["answered"], road["on_time_share"]) == (3, 2, 0.5)
    days = [business_days_between(p.submitted_at, p.answered_at) for p in (on_time, late)]
    assert road["average_days"] == sum(days) / 2
    assert (road["rated"], road["average_satisfaction"]) == (1, 2.0)
    assert selectors.statistics(year=2000) == ([], 2000)  # the calendar's first year, counted to today


def test_the_statistics_take_the_same_queries_for_more_petitions(petitioner, categories, bob):
    services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    advance()
    with CaptureQueriesContext(connection) as few:
        selectors.statistics()
    for _ in range(5):
        services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
        file_one(petitioner, categories, code="parking-gangnam")
    advance()
    with CaptureQueriesContext(connection) as many:
        rows, _year = selectors.statistics()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert sum(r["total"] for r in rows) == 11


def test_the_months_add_up_to_the_year_as_the_agencies_count_it(petitioner, categories, bob):
    on_time = services.petition_answer(actor=bob, petition=file_one(petitioner, categories), answer="답변")
    late = answer_late(petitioner, categories, bob)
    file_one(petitioner, categories, code="parking-gangnam")
    advance()
    rows, year = selectors.statistics()
    months, same_year = selectors.statistics_monthly(year=year)
    assert same_year == year and [m["month"] for m in months] == list(range(1, 13))
    (this_month,) = [m for m in months if m["received"]]
    assert this_month["month"] == timezone.localdate().month
    assert (this_month["received"], this_month["closed"]) == (3, 2)
    assert (sum(r["total"] for r in rows), sum(r["answered"] for r in rows)) == (3, 2)
    assert this_month["on_time_share"] == 0.5
    days = [business_days_between(p.submitted_at, p.answered_at) for p in (on_time, late)]
    assert this_month["average_days"] == sum(days) / 2
