from django.apps import AppConfig


class EdocsConfig(AppConfig):
    name = "egov.edocs"
    label = "edocs"
    verbose_name = "Official documents (On-nara)"

    def ready(self) -> None:
        from egov.edocs import publication  # noqa: F401 - registers the proactive publication source
