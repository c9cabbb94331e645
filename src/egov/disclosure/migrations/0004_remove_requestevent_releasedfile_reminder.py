# The rows are in the case kernel's tables now (0003). Whole models are deleted, without
# removing their fields first, so that going back recreates them with their constraints.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_history_files_reminders_to_cases"),
    ]

    operations = [
        migrations.DeleteModel(name="ReleasedFile"),
        migrations.DeleteModel(name="Reminder"),
        migrations.DeleteModel(name="RequestEvent"),
    ]
