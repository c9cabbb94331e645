from django import forms
from django.utils.translation import gettext_lazy as _

from egov.core.forms import KindsFileInput
from egov.documents import verification


class VerifyNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Issuance number"),
        max_length=40,
        help_text=_("The 16 digits printed on the document, e.g. 1234-5678-9012-3456."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "krds-input"}),
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Document file (PDF)"),
        help_text=_("The PDF as you received it, at most 5 MB. It is checked and not kept."),
        widget=KindsFileInput(extensions=(".pdf",), limit=lambda: verification.MAX_PDF_BYTES),
    )


class VerifyJwsForm(forms.Form):
    jws = forms.CharField(
        label=_("Machine-readable document (JWS)"),
        help_text=_("The compact JWS (three parts separated by dots)."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "krds-input", "spellcheck": "false"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("Shown to everyone who verifies the document: write no personal data."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "krds-input"}),
    )
