from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class EnrolmentForm(forms.Form):
    """Step one of sign-up and recovery: who you are, and the code you were given."""

    name = forms.CharField(label=_("Name"), max_length=50)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    code = forms.CharField(
        label=_("Enrolment code"),
        max_length=20,
        help_text=_("The 12-character code from the counter or the letter, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CredentialsForm(forms.Form):
    """Step two: a username (sign-up only) and a password; a passkey is set up by the page's
    script instead of the password."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("New password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, signup: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not signup:
            del self.fields["username"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class EnrolmentCodeIssueForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("signup", _("Sign-up")), ("recovery", _("Account recovery"))],
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(
        label=_("Hand-over"),
        choices=[("counter", _("Handed over at a counter")), ("post", _("Sent by post"))],
        widget=forms.RadioSelect,
    )
