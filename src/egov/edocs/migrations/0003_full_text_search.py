"""Full-text search over official documents: pg_trgm GIN indexes on PostgreSQL, an FTS5
trigram table kept by triggers on SQLite (see edocs/store.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from egov.edocs.store import search_setup

    search_setup(schema_editor)


def backwards(apps, schema_editor):
    from egov.edocs.store import search_setup

    search_setup(schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("edocs", "0002_records_management")]
    operations = [migrations.RunPython(forwards, backwards)]
