"""EGOV_DATABASE_URL may name a primary and its standby: libpq tries them in turn and keeps the
one that accepts writes (target_session_attrs=read-write), so the app follows a failover."""

import dj_database_url

from egov.core.env import database_url_multi_host


def test_a_multi_host_url_reaches_libpq_as_host_and_port_lists():
    url = "postgres://egov:s3cret@db1.internal:5432,db2.internal:5433/egov?target_session_attrs=read-write"
    parsed = dj_database_url.parse(database_url_multi_host(url))
    assert (parsed["NAME"], parsed["USER"], parsed["PASSWORD"], parsed["HOST"]) == (
        "egov",
        "egov",
        "s3cret",
        "",
    )
    assert parsed["OPTIONS"] == {
        "target_session_attrs": "read-write",
        "host": "db1.internal,db2.internal",
        "port": "5432,5433",
    }


def test_a_host_without_a_port_gets_postgresqls_default():
    parsed = dj_database_url.parse(database_url_multi_host("postgresql://u@a,b:6000/egov"))
    assert parsed["OPTIONS"] == {"host": "a,b", "port": "5432,6000"}


def test_single_host_and_sqlite_urls_are_left_as_they_are():
    for url in ("postgres://u@db:5432/egov", "sqlite:////var/egov/egov.sqlite3"):
        assert database_url_multi_host(url) == url
