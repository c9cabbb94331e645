from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.core.field_labels import FIELD_LABELS, field_label
from egov.exchange.models import SharedItem
from egov.registry.models import Agency


class ConsentForm(forms.Form):
    recipient = forms.ModelChoiceField(label=_("Who may receive the data"), queryset=Agency.objects.none())
    items = forms.ModelMultipleChoiceField(
        label=_("Which data"), queryset=SharedItem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Agency.objects.order_by("kind", "name_ko")
        self.fields["items"].queryset = SharedItem.objects.filter(is_active=True)
        # People choose by name, never by the item's or the agency's code.
        english = (get_language() or "ko").startswith("en")
        self.fields["recipient"].label_from_instance = lambda a: a.name_en if english else a.name_ko
        self.fields["items"].label_from_instance = lambda i: i.name_en if english else i.name_ko


class GrantRequestForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Shared item"), queryset=SharedItem.objects.none())
    fields = forms.MultipleChoiceField(
        label=_("Fields"), choices=(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the purpose needs."),
    )  # fmt: skip
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    legal_basis = forms.CharField(label=_("Legal basis (statute and article)"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = SharedItem.objects.filter(is_active=True).select_related("provider")
        # People choose by name, never by the item's or the field's code.
        english = (get_language() or "ko").startswith("en")
        self.fields["item"].label_from_instance = lambda i: (
            f"{i.name_en} ({i.provider.name_en})" if english else f"{i.name_ko} ({i.provider.name_ko})"
        )
        self.fields["fields"].choices = [(code, field_label(code)) for code in FIELD_LABELS]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse")), ("revoke", _("Revoke"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
