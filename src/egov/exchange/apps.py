from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ExchangeConfig(AppConfig):
    name = "egov.exchange"
    label = "exchange"
    verbose_name = "Shared use of administrative information"

    def ready(self):
        # Each providing app declares its shared items in `<app>/shared.py`.
        autodiscover_modules("shared")
