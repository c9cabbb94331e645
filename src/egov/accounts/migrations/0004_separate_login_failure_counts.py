"""Issue 14: wrong passwords and wrong codes are counted apart, and wrong passwords are
throttled per client address instead of locking the account for everyone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_agencysystem_application"),
    ]

    operations = [
        # The old count mixed both factors; from now on it counts wrong passwords only.
        migrations.RenameField(
            model_name="user", old_name="failed_logins", new_name="failed_password_logins"
        ),
        # A lock now applies to the second factor only (a wrong password never locks).
        migrations.RenameField(model_name="user", old_name="locked_until", new_name="totp_locked_until"),
        migrations.AddField(
            model_name="user",
            name="failed_totp",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=100, unique=True)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("last_failure_at", models.DateTimeField()),
                ("blocked_until", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "indexes": [models.Index(fields=["last_failure_at"], name="loginthrottle_last_idx")],
            },
        ),
    ]
