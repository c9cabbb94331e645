"""Pages: a business's e-tax invoices (issued and received), the issue form, its VAT returns
(review and filing); the tax office's view of the returns filed with it."""

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import NotFound, ServiceError, ValidationFailed
from egov.core.web import business_required, citizen_required, form_attempt, official_required
from egov.documents.services import document_pdf
from egov.tax import selectors
from egov.tax.forms import InvoiceForm, VatReturnForm
from egov.tax.models import DeductionKind, period_label
from egov.tax.services import invoices, vat, withholding, yearend


def _business(request):
    """The business the page is about: `?brn=`, or the first one the user represents."""
    businesses = list(selectors.businesses_of(actor=request.user).order_by("name"))
    if not businesses:
        raise NotFound(_("You represent no business."), field="brn")
    wanted = request.GET.get("brn") or request.POST.get("brn")
    business = businesses[0]
    if wanted:
        business = selectors.business_for(actor=request.user, brn=wanted, field="brn")
    return business, businesses


def _periods(today: dt.date, count: int = 4) -> list[str]:
    """The last `count` VAT periods that have ended, the latest first."""
    year, half = today.year, 1 if today.month <= 6 else 2
    out = []
    for _n in range(count):
        year, half = (year, 1) if half == 2 else (year - 1, 2)
        out.append(f"{year}-{half}")
    return out


@business_required
def invoice_list(request):
    business, businesses = _business(request)
    period = request.GET.get("period") or ""
    issued = selectors.invoices_issued(business=business, period=period or None)[:100]
    received = selectors.invoices_received(business=business, period=period or None)[:100]
    return render(
        request,
        "tax/invoices.html",
        {
            "business": business,
            "businesses": businesses,
            "issued": issued,
            "received": received,
            "period": period,
        },
    )


@business_required
def invoice_issue(request):
    business, businesses = _business(request)
    form = InvoiceForm(request.POST or None, initial={"write_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        result = form_attempt(
            form,
            lambda: invoices.tax_invoice_issue(actor=request.user, issuer=business, data=form.invoice_data()),
        )
        if result:
            invoice, _already = result
            messages.success(request, _("The tax invoice was issued and sent to the National Tax Service."))
            return redirect("tax:invoice", approval_number=invoice.approval_number)
    return render(
        request,
        "tax/invoice_issue.html",
        {"business": business, "businesses": businesses, "form": form},
        status=400 if form.errors else 200,
    )


@business_required
def invoice_page(request, approval_number: str):
    invoice = selectors.invoice_get_for(actor=request.user, approval_number=approval_number)
    return render(request, "tax/invoice.html", {"invoice": invoice})


def _vat_returns(request, business, businesses, error: str = ""):
    returns = {r.period: r for r in business.vat_returns.all()}
    periods = [(p, period_label(p), returns.get(p)) for p in _periods(timezone.localdate())]
    context = {"business": business, "businesses": businesses, "periods": periods, "error": error}
    return render(request, "tax/vat_returns.html", context, status=400 if error else 200)


@business_required
def vat_returns(request):
    business, businesses = _business(request)
    return _vat_returns(request, business, businesses)


@business_required
def vat_return_page(request, period: str):
    business, businesses = _business(request)
    try:
        vat_return = vat.vat_return_prepare(actor=request.user, business=business, period=period)
    except ValidationFailed as exc:
        return _vat_returns(request, business, businesses, error=exc.message)
    form = VatReturnForm(request.POST or None)
    if request.method == "POST" and vat_return.state == "draft" and form.is_valid():
        filed = form_attempt(
            form, lambda: vat.vat_return_file(actor=request.user, vat_return=vat_return, **form.cleaned_data)
        )
        if filed:
            messages.success(request, _("Your VAT return was filed."))
            return redirect(f"{request.path}?brn={business.brn}")
    return render(
        request,
        "tax/vat_return.html",
        {"business": business, "vat_return": vat_return, "form": form},
        status=400 if form.errors else 200,
    )


@official_required
def office_vat_returns(request):
    returns = selectors.vat_returns_for_office(actor=request.user)[:200]
    return render(request, "tax/office_vat_returns.html", {"returns": returns})


@require_POST
@official_required
def office_vat_refund(request, number: str):
    vat_return = selectors.vat_return_get_for(actor=request.user, number=number)
    vat.vat_return_refund(actor=request.user, vat_return=vat_return)
    messages.success(request, _("The refund was recorded as paid out."))
    return redirect("tax:office_vat_returns")


# --- year-end settlement, simplified (연말정산 간소화) ------------------------------------------


@citizen_required
def yearend_page(request):
    """The employee's year-end settlement data: gather a year's, view and download it, give it
    to the employer."""
    packages = {p.year: p for p in selectors.yearend_packages_of(actor=request.user)}
    statements = selectors.withholding_current(packages=list(packages.values()))
    years = [
        (year, packages.get(year), statements.get(packages[year].pk) if year in packages else None)
        for year in yearend.yearend_years()
    ]
    return render(request, "tax/yearend.html", {"years": years, "kinds": dict(DeductionKind.choices)})


@citizen_required
@require_POST
def yearend_fetch(request):
    try:
        package = yearend.yearend_prefill(
            actor=request.user, year=request.POST.get("year"), consent=request.POST.get("consent") == "on"
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Your %(year)s deduction data is gathered and issued as a signed document.")
            % {"year": package.year},
        )
    return redirect("tax:yearend")


@citizen_required
@require_POST
def yearend_give(request, year: int):
    try:
        package = yearend.yearend_give(
            actor=request.user, year=year, brn=request.POST.get("brn", ""),
            consent=request.POST.get("consent") == "on",
        )  # fmt: skip
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your data is given to %(name)s.") % {"name": package.employer.name})
    return redirect("tax:yearend")


@business_required
def yearend_received(request):
    business, businesses = _business(request)
    packages = list(selectors.yearend_received(business=business)[:500])
    statements = selectors.withholding_current(packages=packages)
    rows = [(p, statements.get(p.pk)) for p in packages]
    return render(
        request,
        "tax/yearend_received.html",
        {"business": business, "businesses": businesses, "rows": rows},
    )


@business_required
def yearend_statement(request, pk: int):
    """The employer files the withholding statement for one employee's year and sees the
    settlement computed (refund or additional tax)."""
    business, businesses = _business(request)
    package = selectors.yearend_received_get(business=business, pk=pk)
    form, status = {}, 200
    if request.method == "POST":
        form = {
            "total_pay": request.POST.get("total_pay", ""),
            "withheld_tax": request.POST.get("withheld_tax", ""),
        }
        try:
            withholding.withholding_file(
                actor=request.user, business=business, package_pk=package.pk, total_pay=form["total_pay"],
                withheld_tax=form["withheld_tax"], amend=request.POST.get("amend") == "on",
            )  # fmt: skip
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = 400 if isinstance(exc, ValidationFailed) else 409
        else:
            messages.success(request, _("The withholding statement is filed and the settlement computed."))
            return redirect(f"{request.path}?brn={business.brn}")
    labels = {"insurance": _("Insurance premiums"), "medical": _("Medical costs"),
              "education": _("Education costs"), "card": _("Card spending")}  # fmt: skip
    totals = [(labels[k], package.totals.get(k, 0)) for k in labels]
    versions = list(selectors.withholding_versions(package=package))
    return render(
        request,
        "tax/yearend_employee.html",
        {"business": business, "businesses": businesses, "package": package, "totals": totals,
         "statement": versions[0] if versions else None, "versions": versions, "form": form},
        status=status,
    )  # fmt: skip


@business_required
def yearend_received_pdf(request, pk: int):
    business, _businesses = _business(request)
    package = selectors.yearend_received_get(business=business, pk=pk)
    response = HttpResponse(document_pdf(package.document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="yearend-{package.year}-{package.pk}.pdf"'
    return response


@business_required
def yearend_statement_pdf(request, pk: int):
    """The signed 근로소득 원천징수영수증 of the statement in force, for the employer."""
    business, _businesses = _business(request)
    package = selectors.yearend_received_get(business=business, pk=pk)
    statement = selectors.withholding_versions(package=package).exclude(document=None).first()
    if statement is None:
        raise NotFound(_("No withholding statement has been filed yet."), field="package")
    response = HttpResponse(document_pdf(statement.document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="withholding-{package.year}-{package.pk}.pdf"'
    return response
