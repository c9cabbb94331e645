"""Logs are one JSON object per line, and no personal data reaches them: the request line
names the route pattern, never the concrete path or the query string."""

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

from egov.core.logging import JsonFormatter
from tests import factories
from tests.conftest import login_official


def record(msg="account %s locked", args=("7",), level=logging.WARNING, exc_info=None, **extras):
    entry = logging.LogRecord("egov.accounts", level, __file__, 1, msg, args, exc_info)
    entry.__dict__.update(extras)
    return entry


def formatted(caplog, logger: str | None = None) -> list[str]:
    """The captured records as the JSON lines the platform would write."""
    formatter = JsonFormatter()
    return [formatter.format(r) for r in caplog.records if logger is None or r.name == logger]


def test_it_writes_time_level_logger_message_and_extras_as_one_json_line():
    line = JsonFormatter().format(record(user_id=42, route="accounts/login/"))

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "egov.accounts"
    assert entry["msg"] == "account 7 locked"
    assert entry["user_id"] == 42
    assert entry["route"] == "accounts/login/"
    assert dt.datetime.fromisoformat(entry["ts"]).utcoffset() == dt.timedelta(0)


def test_it_writes_null_lists_and_unserialisable_extras_faithfully():
    entry = json.loads(
        JsonFormatter().format(
            record(user_id=None, roles=["viewer"], path=Path("/srv/egov"), at=dt.date(2025, 1, 31))
        )
    )

    assert entry["user_id"] is None
    assert entry["roles"] == ["viewer"]
    assert entry["path"] == "/srv/egov"
    assert entry["at"] == "2025-01-31"


def test_it_keeps_a_traceback_inside_the_one_line():
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        line = JsonFormatter().format(record(level=logging.ERROR, exc_info=sys.exc_info()))

    assert "\n" not in line
    assert "ZeroDivisionError" in json.loads(line)["exc"]


@pytest.mark.django_db
def test_it_logs_the_route_pattern_and_never_the_query_string(client, caplog):
    caplog.set_level(logging.INFO, logger="egov.request")

    client.get("/api/v1/registry/businesses/status?brn=1234567890")

    (line,) = formatted(caplog, "egov.request")
    entry = json.loads(line)
    assert entry["route"] == "api/v1/registry/businesses/status"
    assert entry["method"] == "GET"
    assert entry["status"] == 404  # well-shaped, wrong check digit: nobody holds it
    assert entry["user_id"] is None
    assert "1234567890" not in line


@pytest.mark.django_db
def test_it_keeps_a_registered_business_number_out_of_every_log(client, caplog, jongno, alice_resident):
    business = factories.business(jongno, alice_resident)
    caplog.set_level(logging.DEBUG)

    response = client.get(f"/api/v1/registry/businesses/status?brn={business.brn}")

    assert response.status_code == 200
    assert business.brn not in "\n".join(formatted(caplog))


def test_it_logs_the_pattern_not_the_values_of_path_parameters(client, caplog, bob, alice_resident):
    login_official(client, bob)
    caplog.set_level(logging.INFO, logger="egov.request")
    caplog.clear()

    response = client.get(f"/office/residents/{alice_resident.pk}/")

    assert response.status_code == 200
    (line,) = formatted(caplog, "egov.request")
    entry = json.loads(line)
    assert entry["route"] == "office/residents/<int:resident_id>/"
    assert entry["user_id"] == bob.pk
    assert f"residents/{alice_resident.pk}/" not in line


def test_it_keeps_the_username_and_password_of_a_login_out_of_the_log(client, caplog, alice):
    caplog.set_level(logging.DEBUG)

    client.post("/accounts/login/", {"username": "alice", "password": "Wrong-Horse-Battery-9"})
    client.post("/accounts/login/", {"username": "alice", "password": "pw"})

    lines = formatted(caplog)
    assert any(json.loads(line)["route"] == "accounts/login/" for line in lines if "egov.request" in line)
    assert "Wrong-Horse-Battery-9" not in "\n".join(lines)
    assert "alice" not in "\n".join(lines)


@pytest.mark.django_db
def test_it_keeps_the_query_string_out_of_djangos_server_error_log(caplog):
    """django.request attaches the request, whose repr carries the query string."""
    caplog.set_level(logging.INFO)
    client = Client(raise_request_exception=False)

    with mock.patch("egov.registry.selectors.business_get_by_brn", side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/registry/businesses/status?brn=1234567890")

    assert response.status_code == 500
    (line,) = formatted(caplog, "django.request")
    entry = json.loads(line)
    assert entry["msg"] == "Internal Server Error: api/v1/registry/businesses/status"
    assert entry["route"] == "api/v1/registry/businesses/status"
    assert entry["status_code"] == 500
    assert "RuntimeError" in entry["exc"]
    assert "1234567890" not in "\n".join(formatted(caplog))
