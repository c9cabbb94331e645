import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0004_security_office_and_release"),
    ]

    operations = [
        migrations.AlterField(
            model_name="securitydeposit",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.agency"
            ),
        ),
    ]
