from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DocumentsConfig(AppConfig):
    name = "egov.documents"
    label = "documents"
    verbose_name = "Signed official documents"

    def ready(self):
        # Each app declares the document types it issues in `<app>/documents.py`.
        autodiscover_modules("documents")
