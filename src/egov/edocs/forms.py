"""Forms of On-nara's pages: the draft (기안) with a template per document kind, the comment of
an act on the line, assignment (배부) and sending back (반송)."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from egov.core.files import EXTENSIONS, MAX_FILES
from egov.core.forms import MultipleFileField, MultipleFileInput
from egov.edocs import selectors
from egov.edocs.attachments import OFFICE_TYPES
from egov.edocs.models import Disclosure, DocumentKind
from egov.edocs.services.common import COMMENT_MAX, CONTENT_MAX, TITLE_MAX
from egov.registry.models import Agency

TEXT = {"class": "krds-input"}
ACCEPTED = (*EXTENSIONS, *OFFICE_TYPES)  # what edocs.attachments checks

# The body a draft of each kind starts from (the regulation's numbered items: 관련, 내용, 붙임).
KIND_TEMPLATES = {
    DocumentKind.GENERAL: _("1. Related: \n2. We inform you as follows.\n  가. \n  나. "),
    DocumentKind.REPORT: _("1. Related: \n2. We report the results as follows.\n  가. Background: \n  나. Results: "),  # noqa: E501
    DocumentKind.PLAN: _("1. Related: \n2. We set out the plan as follows.\n  가. Purpose: \n  나. Schedule: \n  다. Budget: "),  # noqa: E501
    DocumentKind.BUDGET: _("1. Related: \n2. We request the spending as follows.\n  가. Item: \n  나. Amount: \n  다. Budget line: "),  # noqa: E501
    DocumentKind.PERSONNEL: _("1. Related: \n2. We give notice of the personnel matter as follows.\n  가. Name and post: \n  나. Date: "),  # noqa: E501
    DocumentKind.NOTICE: _("1. Related: \n2. We ask for your cooperation as follows.\n  가. Subject: \n  나. Deadline: "),  # noqa: E501
}  # fmt: skip


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def _post_label(post, lang: str) -> str:
    return f"{post.department.name(lang)} · {post.title} {post.display_name}"


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, widget=forms.TextInput(attrs=TEXT))
    content = forms.CharField(
        label=_("Text"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 12, **TEXT})
    )
    internal = forms.BooleanField(label=_("Internal approval (not sent)"), required=False)
    recipient_agencies = forms.MultipleChoiceField(
        label=_("Recipient agencies"),
        required=False,
        help_text=_("The agency's registry office receives."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    recipient_departments = forms.MultipleChoiceField(
        label=_("Recipient departments"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    reviewers = forms.MultipleChoiceField(
        label=_("Reviewers"),
        required=False,
        help_text=_("They review in order of rank, lowest first."),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    cooperators = forms.MultipleChoiceField(
        label=_("Cooperating officials"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    outside_cooperators = forms.MultipleChoiceField(
        label=_("Cooperating officials of other agencies"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    approver = forms.ChoiceField(label=_("Approver"))
    unit_task = forms.ChoiceField(label=_("Unit task"), required=False)
    disclosure = forms.ChoiceField(label=_("Disclosure grade"), choices=Disclosure.choices)
    disclosure_ground = forms.CharField(
        label=_("Ground for withholding"),
        required=False,
        max_length=100,
        help_text=_("For example: Information Disclosure Act, Article 9 (1) 6."),
        widget=forms.TextInput(attrs=TEXT),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(extensions=ACCEPTED),
        # Interpolated when shown, so in the request's language (a lazy string's % is eager).
        help_text=lazy(
            lambda: (
                gettext(
                    "PDF, PNG, JPEG, HWP, HWPX, DOCX or XLSX, kept as they are; "
                    "at most %(n)d files of 10 MB each."
                )
                % {"n": MAX_FILES}
            ),
            str,
        )(),
    )
    in_reply_to = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if _english() else "ko"
        self.posts = {str(p.official_id): p for p in selectors.line_candidates(actor=actor)}
        people = [(key, _post_label(p, lang)) for key, p in self.posts.items()]
        self.fields["reviewers"].choices = people
        self.fields["cooperators"].choices = people
        self.fields["approver"].choices = [("", "—"), *people]
        self.outside = {str(p.official_id): p for p in selectors.cooperation_candidates(actor=actor)}
        self.fields["outside_cooperators"].choices = [
            (key, f"{p.department.agency.name(lang)} {_post_label(p, lang)}")
            for key, p in self.outside.items()
        ]
        self.tasks = {str(t.pk): t for t in selectors.unit_tasks_for(actor=actor)}
        self.fields["unit_task"].choices = [("", "—")] + [
            (k, f"{t.name(lang)} ({t.get_retention_display()})") for k, t in self.tasks.items()
        ]
        self.agencies = {str(a.pk): a for a in Agency.objects.order_by("code")}
        self.fields["recipient_agencies"].choices = [(k, a.name(lang)) for k, a in self.agencies.items()]
        self.departments = {str(d.pk): d for d in selectors.recipient_departments()}
        self.fields["recipient_departments"].choices = [
            (k, f"{d.agency.name(lang)} {d.name(lang)}") for k, d in self.departments.items()
        ]

    def clean(self):
        data = super().clean()
        reviewers = [self.posts[k] for k in data.get("reviewers") or ()]
        cooperators = [self.posts[k] for k in data.get("cooperators") or ()]
        approver = self.posts.get(data.get("approver") or "")
        line = [(p.official, "review") for p in sorted(reviewers, key=lambda p: (p.position, p.display_name))]
        cooperators += [self.outside[k] for k in data.get("outside_cooperators") or ()]
        line += [(p.official, "cooperate") for p in cooperators]
        if approver is not None:
            line.append((approver.official, "approve"))
        data["line"] = line
        data["unit_task"] = self.tasks.get(data.get("unit_task") or "")
        data["recipients"] = [self.agencies[k] for k in data.get("recipient_agencies") or ()] + [
            self.departments[k] for k in data.get("recipient_departments") or ()
        ]
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
    )


class StepUpForm(forms.Form):
    """The official's fresh authentication before their key signs: the passkey's answer (put
    here by the page's script) or, without a passkey, a code from their authenticator app."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*", **TEXT}
        ),
        help_text=_("The 6-digit code your authenticator app shows now: your signature needs it."),
    )
    passkey_assertion = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)

    def __init__(self, *args, method: str = "totp", **kwargs):
        super().__init__(*args, **kwargs)
        if method != "totp":
            del self.fields["otp_token"]


class SignForm(StepUpForm, CommentForm):
    """The comment of a review or an approval, with the signer's step-up."""


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Official"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )

    def __init__(self, *args, receipt, **kwargs):
        super().__init__(*args, **kwargs)
        lang = "en" if _english() else "ko"
        self.posts = {str(p.official_id): p for p in selectors.assignable_posts(receipt=receipt)}
        self.fields["assignee"].choices = [("", "—")] + [
            (k, _post_label(p, lang)) for k, p in self.posts.items()
        ]

    def clean_assignee(self):
        return self.posts[self.cleaned_data["assignee"]].official


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )


class RecordsDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2, **TEXT})
    )
    years = forms.IntegerField(label=_("Extend by (years)"), required=False, min_value=1, max_value=30)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words to find"), required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    unit_task = forms.ChoiceField(label=_("Unit task"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(
        label=_("Drafted from"), required=False, widget=forms.DateInput(attrs={"type": "date", **TEXT})
    )
    date_to = forms.DateField(
        label=_("Drafted until"), required=False, widget=forms.DateInput(attrs={"type": "date", **TEXT})
    )

    def __init__(self, *args, actor, **kwargs):
        from egov.edocs.models import Department, OfficialDocument

        super().__init__(*args, **kwargs)
        lang = "en" if _english() else "ko"
        agency_id = actor.agency_id
        self.fields["department"].choices = [("", "—")] + [
            (str(d.pk), d.name(lang)) for d in Department.objects.filter(agency_id=agency_id).order_by("code")
        ]
        self.fields["unit_task"].choices = [("", "—")] + [
            (str(t.pk), t.name(lang)) for t in selectors.unit_tasks_for(actor=actor)
        ]
        self.fields["state"].choices = [("", "—"), *OfficialDocument.State.choices]
