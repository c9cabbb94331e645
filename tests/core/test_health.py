"""/healthz says the process serves; /readyz says the database answers and is migrated."""

from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def test_it_answers_healthz_without_touching_the_database(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_is_ready_when_the_database_answers_and_every_migration_is_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_does_not_answer(client):
    unreachable = OperationalError("connection to server at 10.0.0.5, port 5432 failed: timeout")
    with mock.patch.object(connections[DEFAULT_DB_ALIAS], "cursor", side_effect=unreachable):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "OperationalError"}


@pytest.mark.django_db
def test_it_is_not_ready_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr("egov.core.health._migrations_seen_applied", False)
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    newest = graph.nodes[graph.leaf_nodes()[0]]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[(newest, False)]):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "migrations_pending": 1}


def test_it_keeps_healthz_up_while_the_database_is_down(client):
    unreachable = OperationalError("connection refused")
    with mock.patch.object(connections[DEFAULT_DB_ALIAS], "cursor", side_effect=unreachable):
        response = client.get("/healthz")

    assert response.status_code == 200


@pytest.mark.django_db
def test_once_ready_it_stops_rebuilding_the_migration_graph(client, monkeypatch):
    monkeypatch.setattr("egov.core.health._migrations_seen_applied", False)
    assert client.get("/readyz").status_code == 200
    with mock.patch.object(MigrationExecutor, "migration_plan", side_effect=AssertionError("rebuilt")):
        assert client.get("/readyz").status_code == 200
