"""Permission-checked reads of the tax app: a business's invoices (issued and received), one
invoice, and the figures a VAT return is pre-filled with."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessRepresentation
from egov.accounts.permissions import agency_scope_ids
from egov.core.errors import NotFound, PermissionDenied
from egov.payments.models import PaymentOrder
from egov.registry.models import Business
from egov.tax import store
from egov.tax.models import TaxInvoice, VatReturn, WithholdingStatement, YearEndPackage


def require_business_user(actor) -> None:
    """Refuse anyone but a signed-in business representative."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_business:
        raise PermissionDenied(_("Only a business representative can do this."))


def business_for(*, actor, brn: str, field: str = "issuer_brn") -> Business:
    """The business with number `brn` that `actor` represents; NotFound for any other (so that
    a stranger learns nothing about which numbers exist)."""
    require_business_user(actor)
    digits = str(brn or "").replace("-", "").strip()
    business = Business.objects.filter(brn=digits).first() if digits.isdigit() and len(digits) == 10 else None
    if business is None or not BusinessRepresentation.objects.filter(user=actor, business=business).exists():
        raise NotFound(_("No business you represent has this registration number."), field=field)
    return business


def businesses_of(*, actor) -> QuerySet[Business]:
    """The businesses `actor` represents."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_business:
        return Business.objects.none()
    return Business.objects.filter(
        pk__in=BusinessRepresentation.objects.filter(user=actor).values("business_id")
    )


def invoices_issued(*, business: Business, period: str | None = None) -> QuerySet[TaxInvoice]:
    """Sales invoices of `business` (the caller got it through `business_for`)."""
    rows = TaxInvoice.objects.filter(issuer=business).select_related("buyer")
    return rows.filter(period=period) if period else rows


def invoices_received(*, business: Business, period: str | None = None) -> QuerySet[TaxInvoice]:
    """Purchase invoices of `business`: those other businesses issued to it."""
    rows = TaxInvoice.objects.filter(buyer=business).select_related("issuer")
    return rows.filter(period=period) if period else rows


def invoice_get_for(*, actor, approval_number: str) -> TaxInvoice:
    """One invoice, for a representative of its issuer or buyer, or an official of the tax
    office (or above) of either; NotFound for anyone else."""
    digits = str(approval_number or "").replace("-", "")
    invoice = (
        TaxInvoice.objects.select_related("issuer", "buyer", "original", "issuer__taxpayer__tax_office")
        .filter(approval_number=digits)
        .first()
    )
    if invoice is not None and _may_see(actor, invoice):
        return invoice
    raise NotFound(_("No such tax invoice."), field="approval_number")


def _may_see(actor, invoice: TaxInvoice) -> bool:
    if getattr(actor, "is_business", False):
        return BusinessRepresentation.objects.filter(
            user=actor, business_id__in=(invoice.issuer_id, invoice.buyer_id)
        ).exists()
    if getattr(actor, "is_official", False):
        scope = agency_scope_ids(actor)
        offices = [
            getattr(getattr(b, "taxpayer", None), "tax_office", None) for b in (invoice.issuer, invoice.buyer)
        ]
        return any(office is not None and office.agency_id in scope for office in offices)
    return False


def vat_prefill(*, business: Business, period: str) -> dict[str, int]:
    """What the e-tax invoices of `period` say for `business`'s VAT return: sales (issued) and
    purchases (received), supply value, tax and count (`store.vat_figures`: one query)."""
    return store.vat_figures(business_id=business.pk, period=period)


def vat_return_get_for(*, actor, number: str) -> VatReturn:
    """A VAT return, for a representative of its business or an official of its tax office."""
    found = VatReturn.objects.select_related("business", "agency").filter(number=number).first()
    if found is not None:
        if (
            getattr(actor, "is_business", False)
            and BusinessRepresentation.objects.filter(user=actor, business_id=found.business_id).exists()
        ):
            return found
        if getattr(actor, "is_official", False) and found.agency_id in agency_scope_ids(actor):
            return found
    raise NotFound(_("No such VAT return."), field="number")


def vat_returns_for_office(*, actor) -> QuerySet[VatReturn]:
    """The VAT returns filed with the tax offices in `actor`'s scope (officials only)."""
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only officials see this."))
    return (
        VatReturn.objects.filter(agency_id__in=agency_scope_ids(actor))
        .exclude(state="draft")
        .select_related("business")
    )


def arrears_of(*, business: Business | None = None, resident=None, today=None) -> int:
    """Tax in arrears (체납액): what is outstanding, in won, on the tax payment orders of the
    business (or of the resident) whose due date has passed. The orders are the ones the tax
    app charged (cases of its procedures); an order paid late no longer counts."""
    orders = PaymentOrder.objects.filter(
        case_type=ContentType.objects.get_for_model(VatReturn),
        state__in=PaymentOrder.PAYABLE_STATES,
        due_date__lt=today or timezone.localdate(),
    )
    orders = (
        orders.filter(payer_business=business)
        if business is not None
        else orders.filter(payer_resident=resident)
    )
    total = orders.aggregate(owed=Sum(F("amount") - F("paid_amount")))["owed"]
    return int(total or 0)


def yearend_packages_of(*, actor) -> QuerySet[YearEndPackage]:
    """The citizen's own year-end settlement data, the latest year first."""
    if not getattr(actor, "is_citizen", False) or not getattr(actor, "resident_id", None):
        raise PermissionDenied(_("Only the employee themselves can do this."))
    return (
        YearEndPackage.objects.filter(resident_id=actor.resident_id)
        .select_related("document", "employer")
        .order_by("-year")
    )


def yearend_received(*, business: Business) -> QuerySet[YearEndPackage]:
    """The year-end settlement data employees gave `business` (the caller got it through
    `business_for`)."""
    return (
        YearEndPackage.objects.filter(employer=business)
        .select_related("resident", "document")
        .order_by("-year", "-given_at")
    )


def yearend_received_get(*, business: Business, pk) -> YearEndPackage:
    """One package given to `business`; NotFound for any other."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    package = yearend_received(business=business).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if package is None:
        raise NotFound(_("No such data was given to this business."), field="package")
    return package


def withholding_current(*, packages) -> dict[int, WithholdingStatement]:
    """The statement in force (the highest version) for each of `packages` (already authorized
    by the caller: the employee's own, or those given to the business), by package id."""
    current: dict[int, WithholdingStatement] = {}
    for statement in WithholdingStatement.objects.filter(package__in=[p.pk for p in packages]).order_by(
        "version"
    ):
        current[statement.package_id] = statement
    return current


def withholding_versions(*, package: YearEndPackage) -> QuerySet[WithholdingStatement]:
    """Every version filed for `package` (already authorized), the latest first."""
    return (
        WithholdingStatement.objects.filter(package=package).select_related("filed_by").order_by("-version")
    )
