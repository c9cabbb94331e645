"""VAT returns (부가가치세 확정신고), pre-filled from the e-tax invoices of the period.

Rates used (docs/tax.md; none of them was checked against the statute's text in this build, so
each is marked UNCONFIRMED there):
- 무신고가산세 (failure to file, 국세기본법 제47조의2): 20% of the tax payable; a return filed
  after the due date (기한 후 신고, 제48조제2항) has it reduced by 50% within one month, 30%
  within three, 20% within six.
- 납부지연가산세 (late payment, 제47조의4): 0.022% of the unpaid tax per day after the due date.
"""

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.cases.services import case_event_record, case_lock_for, case_number_allocate, case_transition
from egov.core.audit import audit_record
from egov.core.errors import Conflict, ValidationFailed
from egov.payments.models import PaymentOrder
from egov.payments.services import payment_order_create
from egov.registry.models import Business
from egov.tax import selectors
from egov.tax.models import VatReturn
from egov.tax.procedure import VAT_RETURN
from egov.tax.services.taxpayers import taxpayer_register_business

NO_FILING_RATE = Decimal("0.20")  # UNCONFIRMED
LATE_PAYMENT_DAILY_RATE = Decimal("0.00022")  # UNCONFIRMED: 0.022% a day
LATE_FILING_REDUCTIONS = ((31, Decimal("0.5")), (92, Decimal("0.3")), (183, Decimal("0.2")))  # UNCONFIRMED
MAX_EXTRA = 10**13


def period_parse(period: str) -> tuple[int, int]:
    """(year, half) of "2026-1" / "2026-2", or ValidationFailed naming `period`."""
    text = str(period or "")
    try:
        year, half = (int(x) for x in text.split("-"))
    except ValueError:
        raise ValidationFailed(_("A VAT period reads like 2026-1 or 2026-2."), field="period") from None
    if half not in (1, 2) or not 2000 <= year <= 2100:
        raise ValidationFailed(_("A VAT period reads like 2026-1 or 2026-2."), field="period")
    return year, half


def period_due_date(period: str) -> dt.date:
    """The filing and payment due date (확정신고·납부기한): the 25th of the month after the period,
    25 July for the first half, 25 January for the second (부가가치세법 제49조)."""
    year, half = period_parse(period)
    return dt.date(year, 7, 25) if half == 1 else dt.date(year + 1, 1, 25)


def period_end(period: str) -> dt.date:
    year, half = period_parse(period)
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def penalty_for(*, payable: int, due_date: dt.date, filed_on: dt.date) -> int:
    """The penalties on a return filed on `filed_on` with `payable` won of tax: none on time or
    when nothing is payable; otherwise failure to file (reduced the sooner it comes) plus late
    payment for the days past the due date. Whole won, truncated."""
    if payable <= 0 or filed_on <= due_date:
        return 0
    days = (filed_on - due_date).days
    reduction = next((r for limit, r in LATE_FILING_REDUCTIONS if days <= limit), Decimal(0))
    no_filing = Decimal(payable) * NO_FILING_RATE * (1 - reduction)
    late_payment = Decimal(payable) * LATE_PAYMENT_DAILY_RATE * days
    return int((no_filing + late_payment).quantize(Decimal(1), rounding=ROUND_DOWN))


def _extra(value, field: str) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationFailed(_("An amount is a whole number of won."), field=field)
    try:
        amount = int(str(value if value not in (None, "") else 0).replace(",", "").strip())
    except ValueError:
        raise ValidationFailed(_("An amount is a whole number of won."), field=field) from None
    if not 0 <= amount <= MAX_EXTRA:
        raise ValidationFailed(_("The amount is out of range."), field=field)
    return amount


def vat_return_prepare(*, actor, business: Business, period: str, today: dt.date | None = None) -> VatReturn:
    """The business's return for `period`, created pre-filled the first time and refreshed from
    the invoices while it is being prepared (a filed return is returned as filed). The period
    must have ended. `business` comes from `selectors.business_for`."""
    period_parse(period)
    today = today or timezone.localdate()
    if period_end(period) >= today:
        raise ValidationFailed(_("The period has not ended yet."), field="period")
    taxpayer = taxpayer_register_business(actor=actor, business=business)
    with transaction.atomic():
        found = VatReturn.objects.select_for_update().filter(business=business, period=period).first()
        if found is not None and found.state != VatReturn.State.DRAFT:
            return found
        figures = selectors.vat_prefill(business=business, period=period)
        if found is not None:
            for key, value in figures.items():
                setattr(found, key, value)
            found.save(update_fields=list(figures))
            return found
        try:
            with transaction.atomic():
                created = VatReturn.objects.create(
                    business=business, period=period, agency=taxpayer.tax_office.agency, applicant=actor,
                    due_date=period_due_date(period), **figures,
                )  # fmt: skip
        except IntegrityError:
            raise Conflict(
                _("The return is being prepared in another window; reload."), field="period"
            ) from None
        case_event_record(actor=actor, case=created, action="prepare")
        audit_record(
            actor=actor, action="vat_return.prepare", obj=created, after={"period": period, **figures}
        )
        return created


def vat_return_file(
    *, actor, vat_return: VatReturn, other_sales_supply=0, other_sales_tax=0, other_purchase_tax=0,
    today: dt.date | None = None,
) -> VatReturn:  # fmt: skip
    """File the return (신고) with what the invoices do not cover: sales by card or cash
    (supply value and tax) and input tax on other purchases. The invoice figures are read again
    as of now. Tax payable gets a payment order (payments) with any penalty; a refund waits for
    the tax office; nothing due settles it."""
    extra_supply = _extra(other_sales_supply, "other_sales_supply")
    extra_tax = _extra(other_sales_tax, "other_sales_tax")
    extra_input = _extra(other_purchase_tax, "other_purchase_tax")
    if extra_tax > extra_supply:
        raise ValidationFailed(_("The tax cannot exceed the supply value."), field="other_sales_tax")
    today = today or timezone.localdate()
    with transaction.atomic():
        case = case_lock_for(actor=actor, case=vat_return, action="file")
        figures = selectors.vat_prefill(business=case.business, period=case.period)
        for key, value in figures.items():
            setattr(case, key, value)
        case.other_sales_supply, case.other_sales_tax, case.other_purchase_tax = (
            extra_supply,
            extra_tax,
            extra_input,
        )
        payable = case.output_tax - case.input_tax
        case.payable = payable
        case.penalty = penalty_for(payable=payable, due_date=case.due_date, filed_on=today)
        case.number = case_number_allocate(procedure=VAT_RETURN)
        case.submitted_at = timezone.now()
        action = "file" if payable > 0 else "file_refund" if payable < 0 else "file_nil"
        if action == "file_nil":
            case.decided_at = case.submitted_at
        if payable > 0:
            order = payment_order_create(
                actor=None, payer=actor, agency=case.agency, business=case.business, case=case,
                purpose=_("VAT for %(period)s") % {"period": case.period}, amount=payable + case.penalty,
                due_date=case.due_date if today <= case.due_date else None,
            )  # fmt: skip
            case.payment_order_id = order.pk
        fields = [*figures, "other_sales_supply", "other_sales_tax", "other_purchase_tax", "payable",
                  "penalty",
                  "number", "submitted_at", "decided_at", "payment_order_id"]  # fmt: skip
        case_transition(
            actor=actor, case=case, action=action, fields=fields,
            after={"payable": payable, "penalty": case.penalty, "number": case.number},
        )  # fmt: skip
    return case


@transaction.atomic
def vat_return_settle(*, order: PaymentOrder) -> VatReturn | None:
    """The payment order of a filed return is paid: the return is settled (the platform's step)."""
    if order.case_type_id != ContentType.objects.get_for_model(VatReturn).pk:
        return None
    case = VatReturn.objects.get(pk=order.case_id)
    case = case_lock_for(actor=None, case=case, action="settle", check_state=False)
    if case.state != VatReturn.State.FILED:
        return case
    case.decided_at = timezone.now()
    case_transition(actor=None, case=case, action="settle", fields=["decided_at"], after={"order": order.pk})
    return case


@transaction.atomic
def vat_return_refund(*, actor, vat_return: VatReturn) -> VatReturn:
    """An official of the tax office records the refund of a return's excess input tax as paid out."""
    case = case_lock_for(actor=actor, case=vat_return, action="refund")
    case.decided_at = timezone.now()
    case_transition(
        actor=actor, case=case, action="refund", fields=["decided_at"], after={"refund": -case.payable}
    )
    return case
