"""The KPI dashboards: public (the nation's figures) and the officials' (their agency's, with
the cases behind a figure), and the yearly report."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from egov.core.errors import ServiceError
from egov.core.web import official_required, page_language
from egov.documents.services import document_pdf
from egov.kpi import selectors, services
from egov.registry.models import Agency


def _year(request):
    try:
        return selectors.kpi_year(request.GET.get("year") or request.POST.get("year"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return selectors.kpi_year(None)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def dashboard(request):
    figures, year = selectors.indicators_public(year=_year(request))
    context = {"figures": figures, "year": year, "lang": page_language(), "office": False}
    return render(request, "kpi/dashboard.html", context)


@official_required
def office_dashboard(request):
    figures, year, agency = selectors.indicators_for(
        actor=request.user, year=_year(request), agency_id=_int(request.GET.get("agency"))
    )
    scope = selectors.official_agencies(request.user)
    agencies = Agency.objects.filter(pk__in=scope).order_by("code") if len(scope) <= 200 else []
    return render(
        request,
        "kpi/dashboard.html",
        {
            "figures": figures, "year": year, "lang": page_language(), "office": True,
            "agency": agency, "agencies": agencies,
        },
    )  # fmt: skip


@official_required
def office_cases(request, code: str):
    drill = selectors.indicator_cases_for(
        actor=request.user,
        code=code,
        year=_year(request),
        month=_int(request.GET.get("month")),
        service=request.GET.get("service", "")[:64],
        agency_id=_int(request.GET.get("agency")),
    )
    return render(request, "kpi/cases.html", {**drill, "lang": page_language()})


@require_POST
@official_required
def office_report(request):
    year = _year(request)
    document = services.report_issue(actor=request.user, year=year)
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kpi-report-{year}-{document.number}.pdf"'
    return response
