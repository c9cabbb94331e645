"""Two officials acting at the same moment: the database, not luck, keeps the register right."""

import datetime as dt
import threading

import pytest
from django.db import connection

from egov.core.errors import ServiceError
from egov.registry import services
from egov.registry.models import Household, Resident
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Start every call at once on its own thread and database connection; collect outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        from django.db import connections

        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 (the outcome is what the test inspects)
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL row locks; SQLite serialises writers anyway")


def test_two_registrations_of_one_number_at_once_leave_one_resident(bob, jongno):
    number = factories.rrn(dt.date(1990, 1, 1), "F")
    address = {"road_address": "서울특별시 종로구 사직로 161", "postal_code": "03045"}

    def register():
        return services.resident_register(
            actor=bob, rrn=number, name_ko="박지우", name_en="Park Jiwoo", agency=jongno,
            occurred_on=dt.date(2024, 1, 1), reason="등록", legal_basis="주민등록법", **address,
        )  # fmt: skip

    outcomes = run_together(register, register, register)
    assert sum(isinstance(o, Resident) for o in outcomes) == 1
    assert all(isinstance(o, Resident | ServiceError) for o in outcomes), outcomes
    assert Resident.objects.count() == 1
    assert Household.objects.count() == 1


def test_two_marriages_of_one_person_at_once_leave_one_spouse(bob, jongno):
    groom = factories.resident(jongno, "김철수", "Kim Cheolsu", dt.date(1980, 1, 1), "M")
    brides = [
        factories.resident(jongno, "이영희", "Lee Younghee", dt.date(1982, 1, 1), "F") for _ in range(3)
    ]

    def marry(bride):
        return lambda: services.marriage_register(
            actor=bob, spouse_a=groom, spouse_b=bride, occurred_on=dt.date(2010, 1, 1), reason="혼인신고"
        )

    outcomes = run_together(*(marry(b) for b in brides))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert all(not isinstance(o, Exception) or isinstance(o, ServiceError) for o in outcomes), outcomes
    assert groom.relations.filter(kind="spouse", ended_on__isnull=True).count() == 1


def test_households_formed_at_once_get_distinct_numbers(bob, jongno):
    people = [factories.resident(jongno, birth_date=dt.date(1970 + i, 1, 1)) for i in range(4)]

    def move(person):
        return lambda: services.move_register(
            actor=bob, resident=person, agency=jongno, occurred_on=dt.date(2024, 1, 1), reason="전입",
            road_address="서울특별시 종로구 사직로 161", postal_code="03045",
        )  # fmt: skip

    outcomes = run_together(*(move(p) for p in people))
    assert all(isinstance(o, Resident) for o in outcomes), outcomes
    numbers = [o.household.number for o in outcomes]
    assert len(set(numbers)) == len(numbers)
