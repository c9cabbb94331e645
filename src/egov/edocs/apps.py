from django.apps import AppConfig


class EdocsConfig(AppConfig):
    name = "egov.edocs"
    label = "edocs"
    verbose_name = "Official documents (On-nara)"
