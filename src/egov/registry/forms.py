"""Back-office forms. They parse input; the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.registry.models import Business, Resident


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=True)


class WhyForm(forms.Form):
    """Every change to a register says why and under which law."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    legal_basis = forms.CharField(label=_("Legal basis (statute and article)"), max_length=200)


def address_picker() -> forms.TextInput:
    """The road-name address input with the register's search-as-you-type picker
    (portal/address-picker.js), which fills the postal code and, where there is one, the
    municipality; without JavaScript it is a plain text field."""
    return forms.TextInput(
        attrs={
            "data-address-picker": "",
            "data-postal-target": "id_postal_code",
            "data-agency-target": "id_agency",
            "data-key-target": "id_address_key",
            "autocomplete": "off",
        }
    )


def address_key_field() -> forms.CharField:
    """The register's key of the address chosen in the picker (empty when typed)."""
    return forms.CharField(required=False, max_length=26, widget=forms.HiddenInput)


class AddressFields(forms.Form):
    road_address = forms.CharField(label=_("Road-name address"), max_length=200, widget=address_picker())
    address_key = address_key_field()
    address_detail = forms.CharField(label=_("Detail (building, unit)"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5, min_length=5)


class ResidentCorrectForm(WhyForm):
    name_ko = forms.CharField(label=_("Name (Hangul)"), max_length=40)
    name_en = forms.CharField(label=_("Name (romanised)"), max_length=80)
    road_address = forms.CharField(label=_("Road-name address"), max_length=200, widget=address_picker())
    address_key = address_key_field()
    address_detail = forms.CharField(label=_("Detail (building, unit)"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    field_order = [
        "name_ko",
        "name_en",
        "road_address",
        "address_detail",
        "postal_code",
        "reason",
        "legal_basis",
    ]


class MoveForm(AddressFields, WhyForm):
    agency = forms.ChoiceField(label=_("New municipality"))
    occurred_on = forms.DateField(label=_("Date of the move"), widget=forms.DateInput(attrs={"type": "date"}))
    household_number = forms.CharField(
        label=_("Join household (number)"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to form a new household with this resident as head."),
    )
    relation_to_head = forms.ChoiceField(
        label=_("Relation to the head of that household"),
        choices=[("", "—"), *[c for c in Resident.Relation.choices if c[0] != "head"]],
        required=False,
    )
    field_order = [
        "road_address", "address_detail", "postal_code", "agency", "occurred_on",
        "household_number", "relation_to_head", "reason", "legal_basis",
    ]  # fmt: skip

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        # By code, as the address picker fills it in.
        self.fields["agency"].choices = [(a.code, a.name_ko) for a in agencies]


class DateWhyForm(WhyForm):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["occurred_on", "reason", "legal_basis"]


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the full number?"), max_length=500)


class BusinessCorrectForm(WhyForm):
    name = forms.CharField(label=_("Business name"), max_length=100)
    representative_rrn = forms.CharField(
        label=_("New representative (ID number)"),
        max_length=14,
        required=False,
        help_text=_("Leave empty to keep the current representative."),
    )
    road_address = forms.CharField(label=_("Road-name address"), max_length=200, widget=address_picker())
    address_key = address_key_field()
    address_detail = forms.CharField(label=_("Detail (building, unit)"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    field_order = [
        "name", "representative_rrn", "road_address", "address_detail", "postal_code",
        "reason", "legal_basis",
    ]  # fmt: skip


class BusinessStatusForm(DateWhyForm):
    status = forms.ChoiceField(label=_("New status"), choices=Business.Status.choices)
    field_order = ["status", "occurred_on", "reason", "legal_basis"]


class VehicleTransferForm(DateWhyForm):
    owner_id_number = forms.CharField(
        label=_("New owner: resident ID number or business registration number"), max_length=14
    )
    field_order = ["owner_id_number", "occurred_on", "reason", "legal_basis"]


class VehicleCorrectForm(WhyForm):
    plate = forms.CharField(label=_("Plate number"), max_length=12)
    model_name = forms.CharField(label=_("Model"), max_length=80)
    model_year = forms.IntegerField(label=_("Model year"))
    field_order = ["plate", "model_name", "model_year", "reason", "legal_basis"]


class MarriageForm(DateWhyForm):
    spouse_rrn = forms.CharField(label=_("Spouse (resident registration number)"), max_length=14)
    field_order = ["spouse_rrn", "occurred_on", "reason", "legal_basis"]


class ParentLinkForm(WhyForm):
    parent_rrn = forms.CharField(label=_("Parent (resident registration number)"), max_length=14)
    since = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ["parent_rrn", "since", "reason", "legal_basis"]


class BirthForm(forms.Form):
    rrn = forms.CharField(label=_("Child's resident registration number"), max_length=14)
    name_ko = forms.CharField(label=_("Name (Hangul)"), max_length=40)
    name_en = forms.CharField(label=_("Name (romanised)"), max_length=80)
    other_parent_rrn = forms.CharField(
        label=_("Other parent (resident registration number)"), max_length=14, required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
