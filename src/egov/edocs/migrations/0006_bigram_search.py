"""Korean search by syllable bigrams: on PostgreSQL a GIN index on `edocs_bigrams(title || ' '
|| content)` replaces the trigram indexes (a two-syllable word cannot use a trigram); on
SQLite an FTS5 table of bigrams kept by triggers replaces the trigram table (see edocs/store.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from egov.edocs.store import bigram_search_setup

    bigram_search_setup(schema_editor)


def backwards(apps, schema_editor):
    from egov.edocs.store import bigram_search_setup

    bigram_search_setup(schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [("edocs", "0005_appraisal_by_dates")]
    operations = [migrations.RunPython(forwards, backwards)]
