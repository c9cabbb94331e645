"""The officials' work queue pages twenty at a time with the shared KRDS pagination, keeping
its filter (issue 13)."""

import uuid

from django.utils import timezone

from egov.civil import services
from tests import factories
from tests.conftest import login_official


def test_the_work_queue_pages_twenty_at_a_time_and_keeps_its_filter(catalogue, gangnam, carol, client):
    for i in range(21):
        person = factories.citizen(f"mover{i}", factories.resident(gangnam, f"전입자{i}", f"Mover {i}"))
        services.application_submit(
            actor=person, service=catalogue["moving-in"], idempotency_key=uuid.uuid4().hex,
            data={"agency": gangnam.code, "road_address": "서울특별시 강남구 테헤란로 152", "postal_code": "06236",
                  "moved_on": timezone.localdate().isoformat()},
        )  # fmt: skip
    login_official(client, carol)
    first = client.get("/office/civil/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert first.count('href="/office/civil/applications/') == 20
    assert 'data-testid="pagination"' in first
    second = client.get("/office/civil/?page=2").content.decode()
    assert second.count('href="/office/civil/applications/') == 1
    filtered = client.get("/office/civil/?state=submitted").content.decode()
    assert "state=submitted&amp;page=2" in filtered
