from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.participation import services
from egov.petitions.selectors import categories_active

TEXT = {"class": "krds-input"}


class ProposalForm(forms.Form):
    category = forms.ChoiceField(label=_("Field and competent agency"))
    title = forms.CharField(
        label=_("Title"), max_length=services.TITLE_MAX, widget=forms.TextInput(attrs=TEXT)
    )
    body = forms.CharField(
        label=_("Proposal"), max_length=services.BODY_MAX, widget=forms.Textarea(attrs={"rows": 10, **TEXT})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if (get_language() or "ko").startswith("en") else "ko"
        self.fields["category"].choices = [("", "—")] + [
            (c.code, f"{c.name(lang)} — {c.agency.name(lang)}") for c in categories_active()
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=services.COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3, **TEXT})
    )
