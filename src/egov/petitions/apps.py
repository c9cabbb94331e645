from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "egov.petitions"
    label = "petitions"
    verbose_name = "Petitions (e-People)"

    def ready(self):
        from egov.petitions.periods import periods_register

        periods_register()
