from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "egov.disclosure"
    label = "disclosure"
    verbose_name = "Information disclosure (open.go.kr)"

    def ready(self):
        from egov.disclosure.periods import periods_register

        periods_register()
