from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "egov.payments"
    label = "payments"
    verbose_name = "Payments (orders, virtual accounts, bank statements, refunds, receipts)"
