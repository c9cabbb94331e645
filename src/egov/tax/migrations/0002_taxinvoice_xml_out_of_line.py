"""On PostgreSQL, keep each invoice's XML out of the table's rows (TOAST) even when it would
fit: a row then holds only the figures (~300 bytes instead of ~4 KB), so the VAT pre-fill's
sums read a tenth of the pages (docs/benchmarks.md, issue 18). Other databases: nothing."""

from django.db import migrations


def out_of_line(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tax_taxinvoice SET (toast_tuple_target = 128)")
        schema_editor.execute("ALTER TABLE tax_taxinvoice ALTER COLUMN xml SET STORAGE EXTERNAL")


def back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tax_taxinvoice RESET (toast_tuple_target)")
        schema_editor.execute("ALTER TABLE tax_taxinvoice ALTER COLUMN xml SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("tax", "0001_initial")]

    operations = [migrations.RunPython(out_of_line, back)]
