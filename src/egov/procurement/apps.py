from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "egov.procurement"
    label = "procurement"
    verbose_name = "e-Procurement (KONEPS)"
