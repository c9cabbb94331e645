"""What a civil application does once its fee is paid: it proceeds by itself (payments calls
this back; see `egov.payments.hooks`)."""

from egov.civil import services
from egov.payments.hooks import on_paid


@on_paid("civil.application")
def application_paid(*, order) -> None:
    services.application_paid(order=order)
