"""The access log's hash chain becomes the Merkle tree's first leaves, and the log's tables
refuse UPDATE and DELETE on PostgreSQL.

Every entry keeps its seq and its chain hashes; its leaf is SHA-256(0x00 ‖ its canonical form
as chained), so `egov audit verify` checks both the chain and the tree for these entries. The
first checkpoint of the tree is signed by the integrator's first run (the platform key is not
the migration's business). Reversing this migration drops the tree's nodes and the triggers;
the entries are left as they were, so the chain still verifies.
"""

from django.db import migrations

from egov.exchange import tlog
from egov.exchange.accesslog import CANONICAL_COLUMNS, leaf_of

TABLES = (
    "exchange_accesslogentry",
    "exchange_accesslognode",
    "exchange_accesslogcheckpoint",
    "exchange_accesslogcosignature",
)
REFUSE_SQL = """
CREATE OR REPLACE FUNCTION egov_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The integrator's one change: a pending entry (no seq) gets its position, nothing else.
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'exchange_accesslogentry' THEN
        IF (to_jsonb(OLD) ->> 'seq') IS NULL AND (to_jsonb(NEW) ->> 'seq') IS NOT NULL
           AND (to_jsonb(NEW) - 'seq') = (to_jsonb(OLD) - 'seq') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def convert(apps, schema_editor):
    Entry = apps.get_model("exchange", "AccessLogEntry")
    Node = apps.get_model("exchange", "AccessLogNode")
    size, frontier = 0, []
    # The columns of the time (no business subject yet, migration 0006): none is given.
    rows = Entry.objects.exclude(seq=None).order_by("seq").values_list(*CANONICAL_COLUMNS[:15])
    chunk = []

    def flush():
        nonlocal size, frontier
        size, frontier, created = tlog.append_leaves(size, frontier, chunk)
        Node.objects.bulk_create(
            [Node(level=lv, index=ix, digest=h) for lv, ix, h in created], batch_size=5000
        )
        chunk.clear()

    for row in rows.iterator(chunk_size=10_000):
        if row[0] != size + len(chunk) + 1:
            raise RuntimeError(
                f"the access log's seq jumps to {row[0]} after {size + len(chunk)}: repair it first"
            )
        chunk.append(leaf_of((*row, None)))
        if len(chunk) >= 10_000:
            flush()
    if chunk:
        flush()


def refuse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: see docs/transparency-log.md
    schema_editor.execute(REFUSE_SQL)
    for table in TABLES:
        schema_editor.execute(
            f'CREATE TRIGGER egov_append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION egov_access_log_append_only()"
        )


def unrefuse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS egov_append_only ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS egov_access_log_append_only()")


def unconvert(apps, schema_editor):
    apps.get_model("exchange", "AccessLogNode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_merkle_tree")]

    operations = [
        migrations.RunPython(convert, unconvert),
        migrations.RunPython(refuse, unrefuse),
    ]
