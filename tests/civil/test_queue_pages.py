"""The officials' work queue pages twenty at a time with the shared KRDS pagination, keeping
its filter (issue 13)."""

import re
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


def _current_step(html: str) -> str:
    steps = html.split('data-testid="steps"')[1].split("</ol>")[0]
    active = re.search(r'<li class="active"[^>]*>(.*?)</li>', steps, flags=re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", active).split())


def test_the_counter_form_shows_the_krds_step_indicator(catalogue, carol, client):
    login_official(client, carol)
    first = client.get("/office/civil/counter/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'class="krds-step-wrap"' in first and 'aria-current="step"' in first
    assert _current_step(first) == "현재 단계 1단계 민원 선택"
    second = client.get(
        "/office/civil/counter/?service=moving-in", HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert _current_step(second) == "현재 단계 2단계 신청서 작성"
    assert '<li class="done"' in second
