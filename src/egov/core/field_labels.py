"""What a shared item's fields are called on a page, in Korean and English: a person reads
"세대원", never `members`. One list for every app that shows which fields are fetched or granted."""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "name_ko": _("Name (Hangul)"),
    "name_en": _("Name (romanised)"),
    "birth_date": _("Date of birth"),
    "sex": _("Sex"),
    "status": _("Status"),
    "address": _("Address"),
    "postal_code": _("Postal code"),
    "address_history": _("Address history"),
    "household_number": _("Household number"),
    "members": _("Household members"),
    "member_numbers": _("Members' full resident registration numbers"),
    "parents": _("Parents"),
    "spouse": _("Spouse"),
    "children": _("Children"),
    "vehicles": _("Vehicles"),
    "businesses": _("Businesses"),
    "rrn": _("Resident registration number (masked)"),
    "records": _("Itemised records"),
}


def field_label(name: str) -> str:
    """The field's label in the active language; an unknown field reads "기타" rather than its code."""
    label = FIELD_LABELS.get(str(name))
    return str(label) if label is not None else str(_("Other data"))


def field_labels(names) -> str:
    return ", ".join(field_label(name) for name in names or ())
