"""Forms of the customs pages. They only parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.forms import MultipleFileField
from egov.customs import risk
from egov.customs.models import Declaration, SecurityDeposit, TariffRate

KIND_CHOICES = [("import", _("Import")), ("export", _("Export"))]
MODE_CHOICES = [("1", _("Sea")), ("4", _("Air")), ("3", _("Road")), ("2", _("Rail")), ("5", _("Mail"))]


class PartiesForm(forms.Form):
    """Step 1: what and for whom."""

    kind = forms.ChoiceField(label=_("Import or export"), choices=KIND_CHOICES)
    declarant_reference = forms.CharField(label=_("Your reference"), max_length=35)
    trader_brn = forms.CharField(
        label=_("Business registration number of the importer or exporter"), max_length=12
    )


class TransportForm(forms.Form):
    """Step 2: how the goods travel and the invoice."""

    transport_mode = forms.ChoiceField(label=_("Transport"), choices=MODE_CHOICES)
    conveyance = forms.CharField(label=_("Vessel or flight"), max_length=40, required=False)
    port_of_loading = forms.CharField(label=_("Port of loading (UN/LOCODE)"), max_length=5)
    port_of_discharge = forms.CharField(label=_("Port of discharge (UN/LOCODE)"), max_length=5)
    transport_document = forms.CharField(label=_("B/L or AWB number"), max_length=35, required=False)
    incoterm = forms.CharField(label=_("Terms of delivery (Incoterms)"), max_length=3)
    currency = forms.CharField(label=_("Invoice currency"), max_length=3)
    invoice_amount = forms.CharField(label=_("Invoice amount"), max_length=20)


class ItemForm(forms.Form):
    """Step 3: one goods item (the form shows a few; empty rows are skipped)."""

    description = forms.CharField(label=_("Goods"), max_length=200, required=False)
    hs_code = forms.CharField(label=_("HS code (10 digits)"), max_length=13, required=False)
    origin = forms.CharField(label=_("Country of origin"), max_length=2, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=3, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False)
    value = forms.CharField(label=_("Value"), max_length=20, required=False)
    preference = forms.CharField(
        label=_("Preferential tariff claimed (agreement)"), max_length=16, required=False
    )
    origin_proof = forms.CharField(label=_("Proof of origin number"), max_length=35, required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=0, min_num=1, max_num=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class AmendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    sequence = forms.IntegerField(label=_("Item number"), min_value=1)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False)
    value = forms.CharField(label=_("Value"), max_length=20, required=False)
    hs_code = forms.CharField(label=_("HS code (10 digits)"), max_length=13, required=False)

    def changes(self) -> dict:
        fields = {
            k: self.cleaned_data[k] for k in ("quantity", "value", "hs_code") if self.cleaned_data.get(k)
        }
        return {str(self.cleaned_data["sequence"]): fields}


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What is requested"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InspectionForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos"), required=False)


class PenaltyForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RuleForm(forms.Form):
    code = forms.CharField(label=_("Rule code"), max_length=32)
    field = forms.ChoiceField(label=_("Condition on"), choices=[(k, k) for k in risk.FIELDS])
    operator = forms.ChoiceField(
        label=_("Comparison"),
        choices=[(o, o) for o in ("eq", "ne", "in", "not_in", "prefix", "gt", "gte", "lt", "lte")],
    )
    value = forms.CharField(label=_("Value (a list separated by commas for in / not in)"), max_length=2000)
    weight = forms.IntegerField(label=_("Weight"))
    reason = forms.CharField(label=_("Reason shown to officials and traders"), max_length=300)


class DraftForm(forms.Form):
    note = forms.CharField(label=_("What changes"), max_length=200, required=False)


class TariffRateForm(forms.Form):
    code = forms.CharField(label=_("HS code (10 digits)"), max_length=10)
    kind = forms.ChoiceField(label=_("Kind of rate"), choices=TariffRate.Kind.choices)
    agreement = forms.CharField(label=_("Agreement (for a preferential rate)"), max_length=16, required=False)
    origin_countries = forms.CharField(
        label=_("Origin countries (ISO codes, commas)"), max_length=500, required=False
    )
    proof_required = forms.CharField(label=_("Proof of origin required"), max_length=100, required=False)
    rate = forms.CharField(label=_("Rate (%)"), max_length=10)
    effective_from = forms.DateField(
        label=_("Takes effect on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3)
    won_per_unit = forms.CharField(label=_("Won per unit"), max_length=16)
    week_from = forms.DateField(label=_("Week from"), widget=forms.DateInput(attrs={"type": "date"}))


STATES = Declaration.State


class SecurityDepositForm(forms.Form):
    """A security a trader lodged (담보 제공), recorded by an official."""

    trader_brn = forms.CharField(label=_("Business registration number of the trader"), max_length=12)
    kind = forms.ChoiceField(label=_("Kind of security"), choices=SecurityDeposit.Kind.choices)
    reference = forms.CharField(label=_("Number of the policy or guarantee"), max_length=35)
    amount = forms.CharField(label=_("Amount (won)"), max_length=20)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
