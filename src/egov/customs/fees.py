"""What a customs declaration does once its duties are paid: it is released (payments calls
this back; see `egov.payments.hooks`)."""

from egov.customs.services import declarations
from egov.payments.hooks import on_paid


@on_paid("customs.declaration")
def declaration_paid(*, order) -> None:
    declarations.declaration_paid(order=order)
