"""What a VAT return does once its tax is paid: it is settled (payments calls this back; see
`egov.payments.hooks`)."""

from egov.payments.hooks import on_paid
from egov.tax.services import vat


@on_paid("tax.vatreturn")
def vat_return_paid(*, order) -> None:
    vat.vat_return_settle(order=order)
