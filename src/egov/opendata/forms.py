from django import forms
from django.utils.translation import gettext_lazy as _

from egov.opendata.models import ApiKey, DataRequest, Frequency, Licence

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


def _theme_choices():
    from egov.opendata.themes import THEMES

    return [("", "—")] + [(name, titles[0]) for name, titles in THEMES.items()]


class NewDatasetForm(DatasetForm):
    """A dataset an agency publishes itself: its description and theme; files come after."""

    theme = forms.ChoiceField(label=_("Theme"), choices=_theme_choices)
    spatial = forms.CharField(
        label=_("Area covered"), max_length=100, initial="대한민국", widget=forms.TextInput(attrs=TEXT)
    )


class ResourceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON, XLSX or PDF, checked by its content."),
        widget=forms.ClearableFileInput(attrs={"class": "krds-input", "accept": ".csv,.json,.xlsx,.pdf"}),
    )
    name = forms.CharField(
        label=_("Name of the file"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )


class DataRequestForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency that holds the data"))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    content = forms.CharField(
        label=_("The data you ask for"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8, **TEXT}),
        help_text=_("Your request and the agency's answer are published; your name is not."),
    )
    purpose = forms.CharField(
        label=_("What you will use it for"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )

    def __init__(self, *args, **kwargs):
        from egov.registry.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—")] + [
            (a.code, a.name_ko) for a in Agency.objects.exclude(kind="third_party").order_by("name_ko")
        ]


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3, **TEXT})
    )


class ProvideForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Dataset where the data is published"))
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, **TEXT})
    )

    def __init__(self, *args, agency_id=None, **kwargs):
        from egov.opendata.models import Dataset

        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [("", "—")] + [
            (d.name, d.title_ko) for d in Dataset.objects.filter(publisher_id=agency_id).order_by("title_ko")
        ]


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground of the refusal"), choices=DataRequest.Ground.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Explanation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, **TEXT})
    )


class ApiKeyApplyForm(forms.Form):
    """활용신청: why the user wants a key."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ApiKey.Purpose.choices, widget=forms.RadioSelect)
    expected_use = forms.CharField(
        label=_("Expected use"),
        max_length=1000,
        help_text=_("Which data you will call, how often, and what for."),
        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
    )
