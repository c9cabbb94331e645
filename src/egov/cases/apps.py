from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "egov.cases"
    label = "cases"
    verbose_name = "Cases (the kernel every procedure runs on)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each procedure declares itself in its app's `procedure.py`; importing them here fills
        # the registry before the first request, command or sweep asks for one.
        from egov.cases.procedures import procedures_discover

        procedures_discover()
