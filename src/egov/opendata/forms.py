from django import forms
from django.utils.translation import gettext_lazy as _

from egov.opendata.models import Frequency, Licence

TEXT = {"class": "krds-input"}


class DatasetForm(forms.Form):
    """What an agency may say about its dataset (the data itself comes from the platform)."""

    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    title_en = forms.CharField(
        label=_("Title (English)"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    notes = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6, **TEXT})
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
        widget=forms.TextInput(attrs=TEXT),
    )
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)
    frequency = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices)
    contact_name = forms.CharField(
        label=_("Contact point"), max_length=100, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), required=False, widget=forms.EmailInput(attrs=TEXT)
    )
    temporal_start = forms.DateField(
        label=_("Coverage from"), required=False, widget=forms.DateInput(attrs={"type": "date", **TEXT})
    )
    temporal_end = forms.DateField(
        label=_("Coverage until"), required=False, widget=forms.DateInput(attrs={"type": "date", **TEXT})
    )
    spatial = forms.CharField(label=_("Area covered"), max_length=100, widget=forms.TextInput(attrs=TEXT))
