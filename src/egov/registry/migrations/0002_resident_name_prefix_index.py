"""Replace the pattern-ops name index with a byte-ordered (name, id) index.

A varchar_pattern_ops index serves LIKE 'prefix%' but not ORDER BY name, so a common prefix
made PostgreSQL fetch and sort thousands of rows to return 50. An index on the "C"-collated
name serves both the prefix range and the order, so LIMIT 50 stops after 50 entries. For
Hangul, code-point order is the 가나다 order users expect. SQLite calls the same collation BINARY.
"""

from django.db import migrations

INDEX = "resident_name_ko_c_idx"


def create_index(apps, schema_editor):
    collation = '"C"' if schema_editor.connection.vendor == "postgresql" else "BINARY"
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON registry_resident (name_ko COLLATE {collation}, id)"  # noqa: S608
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="resident", name="resident_name_ko_idx"),
        migrations.RunPython(create_index, drop_index),
    ]
