from django.db import migrations

from egov.opendata.store import gin_index_create, gin_index_drop


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_catalogue")]

    operations = [migrations.RunPython(gin_index_create, gin_index_drop, elidable=False)]
