from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.core.forms import FILES_COUNT_HELP, MultipleFileField
from egov.petitions import services
from egov.petitions.models import Petition
from egov.petitions.selectors import assignable_officials, categories_active, transfer_targets

TEXT = {"class": "krds-input"}


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


class PetitionForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), choices=Petition.Kind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(
        label=_("Title"), max_length=services.TITLE_MAX, widget=forms.TextInput(attrs=TEXT)
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10, **TEXT}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=FILES_COUNT_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if _english() else "ko"
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{c.name(lang)} — {c.agency.name(lang)}") for c in categories_active()
        ]


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3, **TEXT})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Official"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=services.REASON_MAX)

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_officials(petition=petition)


class TransferForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Competent agency"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"), max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3, **TEXT})
    )

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = transfer_targets(petition=petition)
        self.fields["to_agency"].label_from_instance = lambda agency: agency.name_ko


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Days"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for the longest extension the period allows."),
    )
    reason = forms.CharField(
        label=_("Reason (sent to the petitioner)"),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=services.ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 8, **TEXT})
    )
