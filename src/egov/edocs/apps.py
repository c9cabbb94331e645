from django.apps import AppConfig


class EdocsConfig(AppConfig):
    name = "egov.edocs"
    label = "edocs"
    verbose_name = "Official documents (On-nara)"

    def ready(self) -> None:
        from egov.edocs import publication  # noqa: F401 - registers the proactive publication source
        from egov.edocs.services.delivery import SERVICE, documents_receive
        from egov.exchange.delivery import delivery_service_register

        delivery_service_register(SERVICE, documents_receive)

        from django.db.backends.signals import connection_created

        from egov.edocs.store import sqlite_functions_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="edocs_sqlite_functions")
