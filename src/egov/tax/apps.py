from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "egov.tax"
    label = "tax"
    verbose_name = "Tax (HomeTax: taxpayers, e-tax invoices, VAT returns)"
