from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "egov.registry"
    label = "registry"
    verbose_name = "Registries"
