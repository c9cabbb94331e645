from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.core.forms import FILES_COUNT_HELP, MultipleFileField
from egov.disclosure import publications, services
from egov.disclosure.models import DisclosureRequest, ExemptCategory, Objection
from egov.disclosure.selectors import agencies_for_requests

TEXT = {"class": "krds-input"}


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


class RequestForm(forms.Form):
    agency = forms.ChoiceField(label=_("Agency holding the information"))
    title = forms.CharField(
        label=_("Title"), max_length=services.TITLE_MAX, widget=forms.TextInput(attrs=TEXT)
    )
    content = forms.CharField(
        label=_("Information sought"),
        max_length=services.CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, **TEXT}),
    )
    release_form = forms.ChoiceField(
        label=_("Preferred form of release"),
        choices=DisclosureRequest.ReleaseForm.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if _english() else "ko"
        self.fields["agency"].choices = [("", "—")] + [
            (a.code, a.name(lang)) for a in agencies_for_requests()
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=services.CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 3, **TEXT})
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DisclosureRequest.Outcome.FULL, DisclosureRequest.Outcome.FULL.label),
            (DisclosureRequest.Outcome.PARTIAL, DisclosureRequest.Outcome.PARTIAL.label),
            (DisclosureRequest.Outcome.REFUSED, DisclosureRequest.Outcome.REFUSED.label),
        ],
        widget=forms.RadioSelect,
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        required=False,
        max_length=services.GROUNDS_MAX,
        widget=forms.Textarea(attrs={"rows": 5, **TEXT}),
    )
    exempt_categories = forms.MultipleChoiceField(
        label=_("Exempt categories (non-disclosure)"),
        required=False,
        choices=ExemptCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    withheld_parts = forms.CharField(
        label=_("Withheld parts (partial disclosure)"),
        required=False,
        help_text=_("One per line: the category number, a colon, the part. Example: 6: home addresses"),
        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
    )

    def clean_withheld_parts(self):
        parts = []
        for line in self.cleaned_data["withheld_parts"].splitlines():
            if not line.strip():
                continue
            category, sep, description = line.partition(":")
            if not sep:
                raise forms.ValidationError(_("Write each part as: category number: the part."))
            parts.append({"category": category.strip(), "description": description.strip()})
        return parts


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Objection.Outcome.choices, widget=forms.RadioSelect
    )
    grounds = forms.CharField(
        label=_("Grounds"), max_length=services.GROUNDS_MAX, widget=forms.Textarea(attrs={"rows": 5, **TEXT})
    )


class ReleaseForm(forms.Form):
    files = MultipleFileField(label=_("Files to release"), help_text=FILES_COUNT_HELP)


class PublicationForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=publications.TITLE_MAX, widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=publications.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, **TEXT}),
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG."))
