"""Suppliers register once, as a business of the business register, by its representative."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessRepresentation, User
from egov.core.audit import audit_record
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.procurement.categories import CATEGORIES
from egov.procurement.models import Supplier
from egov.registry.models import Business


def categories_clean(codes, *, field: str = "categories") -> list[str]:
    """The category codes, known, without repeats and sorted; ValidationFailed otherwise."""
    if not isinstance(codes, list | tuple) or not codes:
        raise ValidationFailed(_("Choose at least one product category."), field=field)
    unknown = [c for c in codes if c not in CATEGORIES]
    if unknown:
        raise ValidationFailed(
            _("Unknown product category: %(code)s.") % {"code": str(unknown[0])[:20]}, field=field
        )
    return sorted(set(codes))


def require_business_user(actor) -> None:
    """Refuse anyone but a signed-in business representative."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_business:
        raise PermissionDenied(_("Only a business representative can do this."))


def business_for_representative(*, actor: User, brn: str, field: str = "brn") -> Business:
    """The business with number `brn` that `actor` represents, whatever its status."""
    require_business_user(actor)
    brn = (brn or "").replace("-", "").strip()
    business = Business.objects.filter(brn=brn).first() if brn.isdigit() and len(brn) == 10 else None
    if business is None:
        raise NotFound(_("No business with this registration number."), field=field)
    if not BusinessRepresentation.objects.filter(user=actor, business=business).exists():
        raise PermissionDenied(_("You do not represent this business."))
    return business


def business_require_active(business: Business, *, field: str = "brn") -> None:
    if business.status != Business.Status.ACTIVE:
        raise ValidationFailed(
            _("The business is %(status)s in the business register.")
            % {"status": business.get_status_display().lower()},
            field=field,
            code="business_" + business.status,
        )


@transaction.atomic
def supplier_register(*, actor: User, brn: str, categories: list[str]) -> Supplier:
    """Register the business `brn`, which `actor` represents, as a supplier (once, for every
    agency). The business must be active in the business register; it is checked again at
    every bid."""
    business = business_for_representative(actor=actor, brn=brn)
    business_require_active(business)
    codes = categories_clean(categories)
    if Supplier.objects.filter(business=business).exists():
        raise Conflict(_("This business is already a registered supplier."), field="brn")
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(
                business=business, categories=codes, registered_by=actor, registered_at=timezone.now()
            )
    except IntegrityError:
        raise Conflict(_("This business is already a registered supplier."), field="brn") from None
    audit_record(
        actor=actor, action="procurement.supplier_register", obj=supplier, after={"categories": codes}
    )
    return supplier


@transaction.atomic
def supplier_categories_update(*, actor: User, brn: str, categories: list[str]) -> Supplier:
    """Change the product categories a supplier supplies."""
    business = business_for_representative(actor=actor, brn=brn)
    supplier = Supplier.objects.select_for_update().filter(business=business).first()
    if supplier is None:
        raise NotFound(_("This business is not a registered supplier."), field="brn")
    codes = categories_clean(categories)
    before = supplier.categories
    supplier.categories = codes
    supplier.save(update_fields=["categories"])
    audit_record(
        actor=actor,
        action="procurement.supplier_categories_update",
        obj=supplier,
        before={"categories": before},
        after={"categories": codes},
    )
    return supplier
