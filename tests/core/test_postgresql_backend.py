"""The platform's PostgreSQL backend: a health check that sends no query while the connection
is idle and quiet, and still closes a connection the server has ended."""

import time

import pytest
from django.db import connection, connections

from egov.core.postgresql.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend")


@pytest.fixture
def wrapper():
    settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 60}
    db = DatabaseWrapper(settings, alias="health-check-test")
    db.ensure_connection()
    yield db
    db.close()


def _last_query(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row[0] if row else None


def _new_request(db: DatabaseWrapper) -> None:
    """What Django does at the start and end of a request."""
    db.close_if_unusable_or_obsolete()


def test_the_platform_backend_is_the_one_in_use():
    assert connection.settings_dict["ENGINE"] == "egov.core.postgresql"
    assert isinstance(connections["default"], DatabaseWrapper)


@pytest.mark.django_db
def test_a_quiet_idle_connection_is_checked_without_a_query(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 42 AS marker")
        pid = wrapper.connection.info.backend_pid
    _new_request(wrapper)
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is not None and wrapper.health_check_done
    assert _last_query(pid) == "SELECT 42 AS marker"  # no SELECT 1 was sent


@pytest.mark.django_db
def test_a_connection_the_server_ended_is_closed_and_replaced(wrapper):
    pid = wrapper.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(50):  # the termination notice reaches the socket
        if _last_query(pid) is None:
            break
        time.sleep(0.02)
    _new_request(wrapper)
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is None  # closed, not handed to the request
    with wrapper.cursor() as cursor:  # and a new one is opened on use
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert wrapper.connection.info.backend_pid != pid


@pytest.mark.django_db
def test_a_connection_left_in_a_transaction_gets_the_full_check(wrapper):
    wrapper.connection.execute("BEGIN")
    wrapper.connection.execute("SELECT 7")
    pid = wrapper.connection.info.backend_pid
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()
    assert _last_query(pid) == "SELECT 1"
