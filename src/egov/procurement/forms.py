"""Portal and back-office forms; the services do the checking, these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.procurement.categories import CATEGORIES
from egov.procurement.models import Tender

CATEGORY_CHOICES = [(code, f"{code} {ko} ({en})") for code, (ko, en) in CATEGORIES.items()]


class SupplierForm(forms.Form):
    brn = forms.ChoiceField(label=_("Business"))
    categories = forms.MultipleChoiceField(
        label=_("Product categories"), choices=CATEGORY_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, businesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brn"].choices = [(b.brn, str(b)) for b in businesses]


class BidTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the bidding software"),
        max_length=100,
        help_text=_(
            "For example the program and the computer it runs on, so you can tell your tokens apart."
        ),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ShareForm(forms.Form):
    share = forms.CharField(label=_("Your share"), max_length=80)


def _lines(text: str, parts: int, field: str) -> list[list[str]]:
    rows = []
    for line in (text or "").splitlines():
        if line.strip():
            cells = [c.strip() for c in line.split("|")]
            if len(cells) != parts:
                raise forms.ValidationError(
                    _("Write each line as %(n)d parts separated by |.") % {"n": parts}
                )
            rows.append(cells)
    return rows


class TenderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    items = forms.CharField(
        label=_("Items (one per line: description | quantity | unit)"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    budget = forms.IntegerField(label=_("Budget (won)"), min_value=1)
    base_price = forms.IntegerField(label=_("Base price (won)"), min_value=1)
    award_method = forms.ChoiceField(label=_("Award method"), choices=Tender.AwardMethod.choices)
    reserve_range_bp = forms.TypedChoiceField(
        label=_("Reserve price range (multiple reserve price only)"),
        choices=[("", "—"), (200, "± 2%"), (300, "± 3%")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    floor_rate = forms.DecimalField(
        label=_("Floor rate, % (multiple reserve price only, e.g. 87.745)"),
        max_digits=6,
        decimal_places=3,
        required=False,
    )
    scoring_rules = forms.JSONField(
        label=_("Qualification scoring rule set (JSON, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    categories = forms.MultipleChoiceField(
        label=_("Eligible product categories"), choices=CATEGORY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateTimeField(
        label=_("Submission deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    opening_at = forms.DateTimeField(
        label=_("Opening"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    documents = forms.CharField(
        label=_("Documents (one per line: title | address)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    committee = forms.ModelMultipleChoiceField(label=_("Opening committee (three)"), queryset=None)

    def __init__(self, *args, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = officials

    def clean_items(self):
        rows = _lines(self.cleaned_data["items"], 3, "items")
        try:
            return [{"description": d, "quantity": int(q), "unit": u} for d, q, u in rows]
        except ValueError:
            raise forms.ValidationError(_("A quantity is a whole number.")) from None

    def clean_documents(self):
        return [{"title": t, "url": u} for t, u in _lines(self.cleaned_data["documents"], 2, "documents")]


class ContractForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    terms = forms.CharField(label=_("Terms"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))
    language = forms.ChoiceField(
        label=_("Language of the document"), choices=[("ko", "한국어"), ("en", "English")], initial="ko"
    )
    clearance_document = forms.CharField(
        label=_("Tax clearance certificate number"), max_length=100, required=False,
        help_text=_("The issuance number of the supplier's tax clearance certificate you checked."),
    )  # fmt: skip
    clearance_checked_on = forms.DateField(
        label=_("Day you checked it"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, paper: bool = True, **kwargs):
        """`paper=False` when the agency fetches the clearance through the data exchange."""
        super().__init__(*args, **kwargs)
        if not paper:
            del self.fields["clearance_document"], self.fields["clearance_checked_on"]


class MilestoneForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=1)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Delivery"), choices=[("accept", _("Accept")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount (won)"), min_value=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), max_length=100)
