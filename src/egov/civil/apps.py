from django.apps import AppConfig


class CivilConfig(AppConfig):
    name = "egov.civil"
    label = "civil"
    verbose_name = "Civil services (Government24)"

    def ready(self):
        from egov.civil import handlers  # noqa: F401  (registers the built-in service handlers)
