"""Sessions stay alive while used but are written at most once a refresh interval."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session

from egov.core import middleware


@pytest.fixture
def clock(monkeypatch):
    """The refresh middleware's clock, moved by hand."""
    now = [1_900_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    return now


def _mark(client) -> None:
    """Put a sentinel in the stored session's expiry: a write of the session replaces it."""
    Session.objects.filter(pk=client.session.session_key).update(expire_date=SENTINEL)


def _written(client) -> bool:
    return Session.objects.get(pk=client.session.session_key).expire_date != SENTINEL


SENTINEL = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


def test_a_used_session_is_written_again_only_after_the_refresh_interval(client, alice, clock, settings):
    settings.EGOV_SESSION_REFRESH_SECONDS = 60
    client.force_login(alice)
    assert client.get("/my/access-log/").status_code == 200
    _mark(client)
    clock[0] += 30
    assert client.get("/my/access-log/").status_code == 200
    assert not _written(client)  # refreshed 30 s ago: not written
    clock[0] += 31
    assert client.get("/my/access-log/").status_code == 200
    assert _written(client)  # 61 s after the last refresh: written, its expiry moved on


def test_an_anonymous_request_creates_no_session(client, db):
    client.get("/")
    assert not Session.objects.exists()


def test_with_interval_zero_every_request_writes_the_session(client, alice, clock, settings):
    settings.EGOV_SESSION_REFRESH_SECONDS = 0
    client.force_login(alice)
    client.get("/my/access-log/")
    Session.objects.all().update(session_data="")  # what a write puts back
    client.get("/my/access-log/")
    assert Session.objects.get().session_data != ""
