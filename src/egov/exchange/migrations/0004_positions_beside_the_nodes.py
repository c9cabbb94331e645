"""An entry's position moves from its own `seq` column to its level-0 node (`entry`), and the
integrator's queue from a partial index on `seq IS NULL` to `AccessLogPending`: integrating
an entry then writes rows in bulk (its node, the queue's delete) instead of an UPDATE of the
entry (every index of the entries rewritten, and the append-only trigger run for each row).
The entries table now refuses every UPDATE as well as DELETE.

Existing data: each positioned entry's seq becomes its level-0 node's `entry` (node index
seq - 1, which migration 0003 wrote); each pending entry is queued. Reversing it writes the
seqs back from the nodes.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

ENTRIES = "exchange_accesslogentry"
NODES = "exchange_accesslognode"
PENDING = "exchange_accesslogpending"
REFUSE_ALL_SQL = """
CREATE OR REPLACE FUNCTION egov_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _previous_refuse_sql() -> str:
    return importlib.import_module("egov.exchange.migrations.0003_chain_into_tree").REFUSE_SQL


def positions_to_nodes(apps, schema_editor):
    Entry = apps.get_model("exchange", "AccessLogEntry")
    Node = apps.get_model("exchange", "AccessLogNode")
    Pending = apps.get_model("exchange", "AccessLogPending")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE "{NODES}" DISABLE TRIGGER egov_append_only')
        schema_editor.execute(
            f'UPDATE "{NODES}" AS n SET "entry_id" = e."id" FROM "{ENTRIES}" AS e '  # noqa: S608
            'WHERE n."level" = 0 AND n."index" = e."seq" - 1'
        )
        schema_editor.execute(f'ALTER TABLE "{NODES}" ENABLE TRIGGER egov_append_only')
        schema_editor.execute(
            f'INSERT INTO "{PENDING}" ("entry_id") SELECT "id" FROM "{ENTRIES}" WHERE "seq" IS NULL'  # noqa: S608
        )
    else:  # SQLite, for development: no triggers
        for entry_id, seq in Entry.objects.exclude(seq=None).values_list("id", "seq").iterator():
            Node.objects.filter(level=0, index=seq - 1).update(entry_id=entry_id)
        Pending.objects.bulk_create(
            [Pending(entry_id=i) for i in Entry.objects.filter(seq=None).values_list("id", flat=True)]
        )
    unplaced = Node.objects.filter(level=0, entry_id=None).count()
    if unplaced:
        raise RuntimeError(f"{unplaced} leaves of the tree have no entry at their seq: repair the log first")


def positions_to_entries(apps, schema_editor):
    Entry = apps.get_model("exchange", "AccessLogEntry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'UPDATE "{ENTRIES}" AS e SET "seq" = n."index" + 1 FROM "{NODES}" AS n '  # noqa: S608
            'WHERE n."level" = 0 AND n."entry_id" = e."id"'
        )
    else:
        Node = apps.get_model("exchange", "AccessLogNode")
        for entry_id, index in Node.objects.filter(level=0).values_list("entry_id", "index").iterator():
            Entry.objects.filter(pk=entry_id).update(seq=index + 1)


def refuse_every_update(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_ALL_SQL)


def allow_positioning(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_previous_refuse_sql())


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_chain_into_tree")]

    operations = [
        migrations.CreateModel(
            name="AccessLogPending",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="exchange.accesslogentry",
                    ),
                ),  # fmt: skip
            ],
        ),
        migrations.AddField(
            model_name="accesslognode",
            name="entry",
            field=models.OneToOneField(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="leaf",
                to="exchange.accesslogentry",
            ),  # fmt: skip
        ),
        migrations.RunPython(positions_to_nodes, positions_to_entries),
        # Reversed: the old trigger (that lets a NULL seq be set) is back before the seqs are.
        migrations.RunPython(refuse_every_update, allow_positioning),
        migrations.RemoveIndex(model_name="accesslogentry", name="access_pending_idx"),
        migrations.RemoveField(model_name="accesslogentry", name="seq"),
    ]
