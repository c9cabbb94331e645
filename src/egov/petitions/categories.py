"""Operators maintain the petition categories (what a petition is about, the competent agency it
is routed to, the complaint period) in the Django admin, which calls these services: every
creation, change and deletion is validated the same way and audited with its before and after.

A category that petitions or public proposals use cannot be deleted (their history names it);
it is deactivated instead, which takes it off the filing forms.
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.petitions.models import Category
from egov.petitions.periods import COMPLAINT_PERIODS
from egov.registry.models import Agency

FIELDS = ("code", "name_ko", "name_en", "agency", "period_code", "is_active")
CODE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")


def _operator(actor) -> None:
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_staff", False)):
        raise PermissionDenied(_("Only operators maintain the petition categories."))


def category_validate(
    *,
    code: str,
    name_ko: str,
    name_en: str,
    agency: Agency | None,
    period_code: str,
    is_active: bool = True,
    category: Category | None = None,
) -> dict:
    """The cleaned fields, or ValidationFailed / Conflict naming the field: a slug code not used by
    another category, both names, an agency that takes petitions (not a third party), and one of
    the complaint periods (`petitions.periods.COMPLAINT_PERIODS`)."""
    code = (code or "").strip()
    if not CODE.match(code):
        raise ValidationFailed(
            _("The code is 1 to 64 letters, digits, hyphens or underscores."), field="code"
        )
    taken = Category.objects.filter(code=code)
    if category is not None:
        taken = taken.exclude(pk=category.pk)
    if taken.exists():
        raise Conflict(_("Another category has this code."), field="code", code="exists")
    name_ko = require_text(name_ko, "name_ko", label=_("The Korean name"), max_length=100)
    name_en = require_text(name_en, "name_en", label=_("The English name"), max_length=100)
    if not isinstance(agency, Agency) or agency.kind == Agency.Kind.THIRD_PARTY:
        raise ValidationFailed(_("Choose the agency competent for the category."), field="agency")
    if period_code not in COMPLAINT_PERIODS:
        raise ValidationFailed(_("Choose one of the complaint periods."), field="period_code")
    return {
        "code": code,
        "name_ko": name_ko,
        "name_en": name_en,
        "agency": agency,
        "period_code": period_code,
        "is_active": bool(is_active),
    }


def _values(category: Category) -> dict:
    return {field: getattr(category, "agency_id" if field == "agency" else field) for field in FIELDS}


@transaction.atomic
def category_create(
    *, actor, code: str, name_ko: str, name_en: str, agency: Agency, period_code: str, is_active: bool = True
) -> Category:
    """A new category, audited as `petition_category.create`."""
    _operator(actor)
    fields = category_validate(
        code=code,
        name_ko=name_ko,
        name_en=name_en,
        agency=agency,
        period_code=period_code,
        is_active=is_active,
    )
    category = Category.objects.create(**fields)
    audit_record(actor=actor, action="petition_category.create", obj=category, after=_values(category))
    return category


@transaction.atomic
def category_change(
    *,
    actor,
    category: Category,
    code: str,
    name_ko: str,
    name_en: str,
    agency: Agency,
    period_code: str,
    is_active: bool,
) -> Category:
    """Change a category, audited as `petition_category.change` with the fields that changed,
    before and after. Petitions already filed keep their agency and clock: a new competent
    agency receives the petitions filed from now on."""
    _operator(actor)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    fields = category_validate(
        code=code,
        name_ko=name_ko,
        name_en=name_en,
        agency=agency,
        period_code=period_code,
        is_active=is_active,
        category=locked,
    )
    before = _values(locked)
    for field, value in fields.items():
        setattr(locked, field, value)
    after = _values(locked)
    changed = [field for field in FIELDS if before[field] != after[field]]
    if changed:
        locked.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="petition_category.change",
            obj=locked,
            before={field: before[field] for field in changed},
            after={field: after[field] for field in changed},
        )
    return locked


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Delete an unused category, audited as `petition_category.delete` with what it held;
    Conflict (`in_use`) when petitions or proposals name it."""
    _operator(actor)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if locked.petitions.exists() or locked.proposals.exists():
        raise Conflict(
            _("Petitions or proposals use this category: deactivate it instead."),
            field="category",
            code="in_use",
        )
    before = _values(locked)
    audit_record(actor=actor, action="petition_category.delete", obj=locked, before=before)
    locked.delete()
