from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ExchangeConfig(AppConfig):
    name = "egov.exchange"
    label = "exchange"
    verbose_name = "Shared use of administrative information"

    def ready(self):
        # Each providing app declares its shared items in `<app>/shared.py`.
        autodiscover_modules("shared")
        # The registry, below the exchange, reports what its pages show through core's seam.
        from egov.core.reads import people_shown_recorder
        from egov.exchange.services import people_shown

        people_shown_recorder(people_shown)
