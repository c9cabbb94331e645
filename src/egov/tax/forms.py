"""Forms of the business's tax pages: one e-tax invoice, and what a VAT return adds to the
invoices. The service checks everything again; these only parse."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.tax.services.invoices import AMENDMENT_REASONS


class InvoiceForm(forms.Form):
    """One invoice of one line: the portal's form (software sends more lines through the API)."""

    issuer_ref = forms.CharField(widget=forms.HiddenInput, max_length=64)  # sent again: the same invoice
    buyer_brn = forms.CharField(label=_("Buyer's business registration number"), max_length=12)
    write_date = forms.DateField(label=_("Date of supply"), widget=forms.DateInput(attrs={"type": "date"}))
    item = forms.CharField(label=_("Item"), max_length=100)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    unit_price = forms.IntegerField(label=_("Unit price (won)"), min_value=1)
    tax_rate = forms.TypedChoiceField(
        label=_("Tax rate"), coerce=int, choices=[(10, _("10%")), (0, _("0% (zero-rated)"))], initial=10
    )
    amends = forms.CharField(
        label=_("Approval number of the invoice being amended"), max_length=26, required=False
    )
    amendment_reason = forms.ChoiceField(
        label=_("Reason for the amendment"),
        required=False,
        choices=[("", "—"), *AMENDMENT_REASONS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("issuer_ref", f"WEB-{secrets.token_hex(8)}")

    def invoice_data(self) -> dict:
        data = self.cleaned_data
        supply = data["quantity"] * data["unit_price"]
        tax = supply * data["tax_rate"] // 100
        return {
            "issuer_ref": data["issuer_ref"],
            "buyer_brn": data["buyer_brn"],
            "write_date": data["write_date"],
            "supply_amount": supply,
            "tax_amount": tax,
            "total_amount": supply + tax,
            "lines": [
                {
                    "name": data["item"],
                    "quantity": data["quantity"],
                    "unit_price": data["unit_price"],
                    "supply_amount": supply,
                    "tax_amount": tax,
                    "tax_rate": data["tax_rate"],
                }
            ],
            "amends": data["amends"],
            "amendment_reason": data["amendment_reason"],
        }


class VatReturnForm(forms.Form):
    other_sales_supply = forms.IntegerField(
        label=_("Card and cash sales not on invoices: supply value (won)"), min_value=0, initial=0
    )
    other_sales_tax = forms.IntegerField(
        label=_("Card and cash sales not on invoices: VAT (won)"), min_value=0, initial=0
    )
    other_purchase_tax = forms.IntegerField(
        label=_("Input VAT on other purchases (won)"), min_value=0, initial=0
    )
