"""/metrics speaks the Prometheus text format to the operator's Prometheus and to nobody else:
request rate and latency per route, database time, the task queue, the access log's lag,
overdue clocks per procedure, issuance and bid counters, and errors."""

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from egov.core.models import CaseClock
from egov.exchange.accesslog import access_log_append, access_log_integrate
from egov.petitions.seed import categories_seed
from tests.petitions.test_services import file_one

TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture(autouse=True)
def metrics_settings(settings, tmp_path):
    settings.EGOV_METRICS_TOKEN = TOKEN
    settings.EGOV_METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.DATA_DIR = tmp_path / "data"
    return settings


def scrape(client, **extra) -> dict[str, list]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def value(samples, name, **labels) -> float:
    found = [s.value for s in samples.get(name, []) if all(s.labels.get(k) == v for k, v in labels.items())]
    assert found, f"no sample {name} {labels}"
    return sum(found)


@pytest.mark.django_db
def test_a_stranger_gets_a_404_as_if_there_were_no_metrics(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # no scheme


@pytest.mark.django_db
def test_a_forwarded_for_header_does_not_open_the_allow_list(client):
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.20.1.1")
    assert response.status_code == 404


@pytest.mark.django_db
def test_prometheus_in_an_allowed_network_reads_without_a_token(client):
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 404


@pytest.mark.django_db
def test_with_neither_setting_nobody_reads_the_metrics(client, settings):
    settings.EGOV_METRICS_TOKEN = ""
    settings.EGOV_METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_requests_are_counted_by_route_pattern_with_latency_and_database_time(client, alice_resident):
    before = scrape(client)
    route = "my/petitions/<str:number>/"
    had = (
        value(before, "egov_http_requests_total", route=route)
        if any(s.labels.get("route") == route for s in before.get("egov_http_requests_total", []))
        else 0
    )
    client.get("/my/petitions/2026-0000001/")  # redirected to the login page: a 3xx
    client.get("/verify")
    samples = scrape(client)
    assert value(samples, "egov_http_requests_total", route=route, status="3xx") == had + 1
    # The concrete path (which may hold a person's case number) is never a label.
    assert not any("2026-0000001" in str(s.labels) for s in samples["egov_http_requests_total"])
    assert value(samples, "egov_http_request_duration_seconds_count", route="verify") >= 1
    assert value(samples, "egov_http_request_db_seconds_count", route="verify") >= 1
    assert value(samples, "egov_database_up") == 1


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.boom_urls")
def test_an_unhandled_exception_is_counted_as_an_error(client):
    client.raise_request_exception = False
    assert client.get("/boom").status_code == 500
    samples = scrape(client)
    assert value(samples, "egov_http_exceptions_total", route="boom", exception="RuntimeError") >= 1
    assert value(samples, "egov_http_requests_total", route="boom", status="5xx") >= 1


@pytest.mark.django_db
def test_the_task_queue_depth_and_the_age_of_its_oldest_due_task(client):
    from django_tasks_db.models import DBTaskResult

    from egov.exchange.tasks import integrate_access_log

    result = integrate_access_log.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - dt.timedelta(seconds=90))
    samples = scrape(client)
    assert value(samples, "egov_tasks_queue_depth", queue="default") == 1
    assert 90 <= value(samples, "egov_tasks_queue_oldest_age_seconds", queue="default") < 120


@pytest.mark.django_db
def test_the_access_log_lag_is_the_age_of_the_oldest_entry_not_yet_in_the_tree(
    client, alice_resident, jongno, monkeypatch
):
    assert value(scrape(client), "egov_access_log_pending_entries") == 0
    assert value(scrape(client), "egov_access_log_integration_lag_seconds") == 0
    with transaction.atomic():
        access_log_append(
            consumer=jongno,
            item_code="resident.abstract",
            subject=alice_resident,
            fields=["name"],
            purpose="test",
            basis="",
            outcome="ok",
        )
    later = timezone.now() + dt.timedelta(minutes=5)  # the log is append-only: move the scrape instead
    monkeypatch.setattr("egov.ops.metrics.timezone.now", lambda: later)
    samples = scrape(client)
    assert value(samples, "egov_access_log_pending_entries") == 1
    assert value(samples, "egov_access_log_integration_lag_seconds") >= 300
    access_log_integrate()
    samples = scrape(client)
    assert value(samples, "egov_access_log_pending_entries") == 0
    assert value(samples, "egov_access_log_tree_size") == 1


@pytest.mark.django_db
def test_overdue_clocks_are_counted_per_procedure(client, alice, mois, seoul, jongno, gangnam, busan):
    categories = {c.code: c for c in categories_seed()}
    late = file_one(alice, categories)
    file_one(alice, categories)  # due later: not overdue
    CaseClock.objects.filter(pk=late.clock_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    samples = scrape(client)
    assert value(samples, "egov_case_clocks_overdue", procedure="petitions.petition") == 1


@pytest.mark.django_db
def test_a_database_that_does_not_answer_gives_database_up_0_not_a_failed_scrape(client):
    unreachable = OperationalError("connection to server failed")
    from unittest import mock

    with mock.patch.object(connections[DEFAULT_DB_ALIAS], "cursor", side_effect=unreachable):
        samples = scrape(client)
    assert value(samples, "egov_database_up") == 0
    assert "egov_tasks_queue_depth" not in samples


def test_several_worker_processes_add_up_in_multiprocess_mode(tmp_path):
    """Two processes count requests into one PROMETHEUS_MULTIPROC_DIR; a third renders the sum,
    as gunicorn's workers and the one that answers the scrape do."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "egov.settings_test",
    }
    count = textwrap.dedent(
        """
        import django; django.setup()
        from egov.core.metrics import REQUESTS
        REQUESTS.labels("verify", "GET", "2xx").inc(3)
        """
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True)  # noqa: S603
    render = textwrap.dedent(
        """
        import django; django.setup()
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        print(generate_latest(registry).decode())
        """
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", render], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert 'egov_http_requests_total{method="GET",route="verify",status="2xx"} 6.0' in out
