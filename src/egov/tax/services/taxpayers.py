"""Taxpayers (납세자): residents and businesses known to the tax authority, with their tax office."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.registry.models import Agency, Business, Resident
from egov.tax.models import TaxOffice, Taxpayer

VAT_ACT = "부가가치세법 제8조 (사업자등록)"


def tax_office_for(agency: Agency) -> TaxOffice:
    """The tax office whose jurisdiction covers `agency` (a local government) or the nearest
    agency above it; the first tax office when none is declared for that region."""
    seen = set()
    current = agency
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        office = TaxOffice.objects.filter(jurisdictions=current).order_by("pk").first()
        if office is not None:
            return office
        current = current.parent
    office = TaxOffice.objects.order_by("pk").first()
    if office is None:
        raise Conflict(_("No tax office is set up yet."), field="tax_office", code="no_tax_office")
    return office


@transaction.atomic
def taxpayer_register_business(*, actor, business: Business) -> Taxpayer:
    """The business as a VAT-registered taxpayer (일반과세자), from the business register, with the
    tax office of its place of business. Idempotent: an existing registration is returned."""
    existing = Taxpayer.objects.filter(business=business).first()
    if existing is not None:
        return existing
    if business.status == Business.Status.CLOSED:
        raise ValidationFailed(_("The business is closed in the business register."), field="business")
    taxpayer = Taxpayer(
        kind=Taxpayer.Kind.BUSINESS,
        business=business,
        tax_office=tax_office_for(business.agency),
        vat_type=Taxpayer.VatType.GENERAL,
    )
    try:
        with transaction.atomic():
            taxpayer.save()
    except IntegrityError:  # registered by a concurrent request
        return Taxpayer.objects.get(business=business)
    audit_record(
        actor=actor, action="tax.taxpayer_register", obj=taxpayer, legal_basis=VAT_ACT,
        after={"business": business.brn, "tax_office": taxpayer.tax_office.agency.code,
               "vat_type": "general"},
    )  # fmt: skip
    return taxpayer


@transaction.atomic
def taxpayer_register_resident(*, actor, resident: Resident) -> Taxpayer:
    """The resident as a taxpayer (income tax, year-end settlement) with the tax office of their
    place of residence. Idempotent."""
    existing = Taxpayer.objects.filter(resident=resident).first()
    if existing is not None:
        return existing
    taxpayer = Taxpayer(
        kind=Taxpayer.Kind.RESIDENT, resident=resident, tax_office=tax_office_for(resident.agency)
    )
    try:
        with transaction.atomic():
            taxpayer.save()
    except IntegrityError:
        return Taxpayer.objects.get(resident=resident)
    audit_record(
        actor=actor, action="tax.taxpayer_register", obj=taxpayer,
        after={"resident": resident.pk, "tax_office": taxpayer.tax_office.agency.code},
    )  # fmt: skip
    return taxpayer
