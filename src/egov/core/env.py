"""Typed readers for EGOV_* environment variables that fail loudly on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value in ("1", "true", "True"):
        return True
    if value in ("0", "false", "False"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1/true/True or 0/false/False, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_url_multi_host(url: str) -> str:
    """A libpq multi-host URL (`postgres://user@db1:5432,db2:5432/egov?target_session_attrs=
    read-write`) rewritten as one dj-database-url reads: the hosts and ports as `host=` and
    `port=` query parameters, which Django hands to libpq unchanged. libpq then tries the hosts
    in turn and keeps the first that accepts writes, so after a failover new connections find
    the promoted standby by themselves. Any other URL is returned as it is."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith("postgres"):
        return url
    authority, slash, path_and_query = rest.partition("/")
    credentials, at, hosts = authority.rpartition("@")
    if "," not in hosts:
        return url
    names, ports = [], []
    for item in hosts.split(","):
        name, colon, port = item.rpartition(":") if not item.endswith("]") else (item, "", "")
        if not colon:
            name, port = item, ""
        names.append(name)
        ports.append(port or "5432")
    path, question, query = path_and_query.partition("?")
    extra = f"host={','.join(names)}&port={','.join(ports)}"
    query = f"{query}&{extra}" if query else extra
    return f"{scheme}://{credentials}{at}/{path}?{query}"
