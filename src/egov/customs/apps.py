from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "egov.customs"
    label = "customs"
    verbose_name = "Customs (UNI-PASS)"

    def ready(self):
        from egov.customs.periods import periods_register

        periods_register()
