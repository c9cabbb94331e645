from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "egov.opendata"
    label = "opendata"
    verbose_name = "Open data (data.go.kr)"

    def ready(self):
        from egov.opendata.periods import periods_register

        periods_register()
