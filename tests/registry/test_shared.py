"""The registry's shared items serve the fields asked for, and only read what those need."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from egov.core.shared_items import REGISTRY
from egov.registry import services
from tests import factories

WHY = {"reason": "전입신고", "legal_basis": "주민등록법 제16조"}


def serve(item: str, resident, fields):
    with CaptureQueriesContext(connection) as queries:
        served = REGISTRY[item].serve(resident, fields)
    return served, [q["sql"] for q in queries.captured_queries]


def test_the_abstract_reads_no_address_history_unless_it_is_asked_for(bob, jongno):
    person = factories.resident(jongno, "김민준", "Kim Minjun")
    services.move_register(
        actor=bob, resident=person, agency=jongno, occurred_on=dt.date(2024, 6, 1),
        road_address="서울특별시 종로구 율곡로 10", address_detail="3층", postal_code="03142", **WHY,
    )  # fmt: skip
    person.refresh_from_db()

    served, sql = serve("resident.abstract", person, ["name_ko", "address"])
    assert served == {"name_ko": "김민준", "address": "서울특별시 종로구 율곡로 10 3층"}
    assert sql == []

    served, sql = serve("resident.abstract", person, ["address_history"])
    assert served == {
        "address_history": [{"moved_on": "2024-06-01", "address": "서울특별시 종로구 율곡로 10"}]
    }
    assert len(sql) == 1 and "registry_lifeevent" in sql[0]


def test_the_abstract_serves_every_field_it_declares(jongno):
    person = factories.resident(jongno, "이서연", "Lee Seoyeon", sex="F")
    fields = REGISTRY["resident.abstract"].fields
    served, _sql = serve("resident.abstract", person, fields)
    assert list(served) == list(fields)
    assert served["name_en"] == "Lee Seoyeon" and served["sex"] == "F"
    assert served["birth_date"] == person.birth_date.isoformat() and served["address_history"] == []


def test_family_relations_read_only_the_relations_asked_for(jongno):
    person = factories.resident(jongno)
    served, sql = serve("family.relations", person, ["spouse"])
    assert served == {"spouse": None} and len(sql) == 1
    served, sql = serve("family.relations", person, ["parents", "spouse", "children"])
    assert served == {"parents": [], "spouse": None, "children": []} and len(sql) == 3
