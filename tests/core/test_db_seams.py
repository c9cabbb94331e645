"""`core.db`: the audit event's plain-SQL row is generated from the model, and writes what
`audit_record` writes through the ORM, on every database."""

from django.db import connection
from django.utils import timezone

from egov.core.audit import audit_record, audit_row
from egov.core.db import insert_params
from egov.core.db.audit import AUDIT_FIELDS, audit_insert_params, audit_insert_sql
from egov.core.models import AuditEvent


def test_the_audit_insert_names_every_column_of_the_model_but_its_id():
    columns = [f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    sql = audit_insert_sql()
    assert sql.startswith(f'INSERT INTO "{AuditEvent._meta.db_table}" (')
    assert sql.split("(", 1)[1].split(")", 1)[0] == ", ".join(f'"{c}"' for c in columns)
    assert sql.count("%s") == len(columns) == len(AUDIT_FIELDS)
    assert set(audit_row(actor=None, action="a", object_type="t", object_id=1)) | {"at"} == {
        f.attname for f in AUDIT_FIELDS
    }


def test_the_plain_sql_audit_row_is_the_one_audit_record_writes(bob, db):
    kwargs = {"action": "core.test", "before": {"n": 1}, "after": {"who": bob, "when": timezone.now().date()}}
    by_orm = audit_record(actor=bob, obj=bob, reason="why", legal_basis="Act §1", **kwargs)
    at = timezone.now()
    row = audit_row(
        actor=bob,
        object_type=bob._meta.label_lower,
        object_id=bob.pk,
        reason="why",
        legal_basis="Act §1",
        **kwargs,
    )
    with connection.cursor() as cursor:
        cursor.execute(audit_insert_sql(), audit_insert_params(row, at=at))
    by_sql = AuditEvent.objects.exclude(pk=by_orm.pk).get()
    fields = [f.attname for f in AUDIT_FIELDS if f.attname != "at"]
    by_orm.refresh_from_db()
    assert [getattr(by_sql, f) for f in fields] == [getattr(by_orm, f) for f in fields]
    assert by_sql.at == at


def test_a_value_for_no_column_is_refused():
    import pytest

    with pytest.raises(ValueError, match="no such column"):
        insert_params({"at": None, "colour": "red"}, AUDIT_FIELDS)
