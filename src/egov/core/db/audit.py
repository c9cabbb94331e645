"""The audit event's row in plain SQL, generated from `core.models.AuditEvent`: for stores
that write a service's audit event in the same statements as its change. The values are the
ones `core.audit.audit_row` defines, as `audit_record` writes them through the ORM."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from egov.core.db import insert_fields, insert_params, insert_sql
from egov.core.models import AuditEvent

AUDIT_FIELDS = insert_fields(AuditEvent)


def audit_insert_sql() -> str:
    """`INSERT INTO core_auditevent (...) VALUES (...)` over every column of the model but its id."""
    return insert_sql(AuditEvent)


def audit_insert_params(row: Mapping[str, Any], *, at: datetime) -> list:
    """The parameters of `audit_insert_sql` for an `audit_row` and the event's time."""
    return insert_params({**row, "at": at}, AUDIT_FIELDS)
