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
        # A token revoked or a system changed in this process is refused at once.
        from django.db.models.signals import post_delete, post_save
        from oauth2_provider.models import AccessToken, Application

        from egov.accounts.models import AgencySystem
        from egov.exchange.api import token_cache_clear

        for model in (AccessToken, Application, AgencySystem):
            for signal in (post_save, post_delete):
                uid = f"exchange-tokens-{model.__name__}-{id(signal)}"
                signal.connect(token_cache_clear, sender=model, dispatch_uid=uid)
