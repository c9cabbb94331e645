"""The KPI dashboards: public (the nation's figures) and the officials' (their agency's, with
the cases behind a figure), and the yearly report."""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import ServiceError
from egov.core.web import official_required, page_language
from egov.documents.services import document_pdf
from egov.kpi import selectors, services
from egov.kpi.services import figure_text
from egov.registry.models import Agency

CACHE_SECONDS = 300


def _year(request):
    try:
        return selectors.kpi_year(request.GET.get("year") or request.POST.get("year"))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return selectors.kpi_year(None)


def _presented(figures: list[dict], *, year: int, agency=None) -> list[dict]:
    """The figures with their text (and, for officials, the links to the cases behind them)
    made once here, not cell by cell in the template: the page has 15 charts of 12 months."""
    month_label = _("Month %(month)s")
    for f in figures:
        f["cases_url"] = (
            reverse("kpi:office_cases", args=[f["indicator"].code])
            + f"?year={year}"
            + (f"&agency={agency.pk}" if agency else "")
        )
        unit = str(f["indicator"].unit)
        f["target_text"] = figure_text(f["target"], unit)
        f["actual_text"] = figure_text(f["actual"], unit)
        f["target_raw"] = "" if f["target"] is None else f"{f['target']:.4f}"
        for m in f["months"]:
            m["label"] = month_label % {"month": m["month"]}
            m["param"] = str(m["month"])
            m["text"] = figure_text(m["value"], unit)
            m["raw"] = "" if m["value"] is None else f"{m['value']:.4f}"
        for s in f["services"]:
            s["text"] = figure_text(s["value"], unit)
    return figures


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 10 else None


def _figures_html(*, key: str, compute, year: int, agency=None, office: bool) -> str:
    """The figures' part of a dashboard, rendered once per state of the rollups (`key` holds
    `rollups_version`), language and scope, then served from the cache until the worker writes
    the rollups again."""
    key = f"kpi:{key}:{year}:{get_language()}:{selectors.rollups_version()}"
    html = cache.get(key)
    if html is None:
        figures = _presented(compute(), year=year, agency=agency)
        html = render_to_string("kpi/_figures.html", {"figures": figures, "year": year, "office": office})
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template's output)


def dashboard(request):
    year = _year(request)
    html = _figures_html(
        key="public", compute=lambda: selectors.indicators_public(year=year)[0], year=year, office=False
    )
    context = {"figures_html": html, "year": year, "lang": page_language(), "office": False}
    return render(request, "kpi/dashboard.html", context)


@official_required
def office_dashboard(request):
    year = _year(request)
    root, agency = selectors.official_root(actor=request.user, agency_id=_int(request.GET.get("agency")))
    html = _figures_html(
        key=f"office:{root}",
        compute=lambda: selectors.indicators_for(
            actor=request.user, year=year, agency_id=agency and agency.pk
        )[0],
        year=year,
        agency=agency,
        office=True,
    )
    scope = selectors.official_agencies(request.user)
    agencies = Agency.objects.filter(pk__in=scope).order_by("code") if len(scope) <= 200 else []
    context = {
        "figures_html": html, "year": year, "lang": page_language(), "office": True,
        "agency": agency, "agencies": agencies,
    }  # fmt: skip
    return render(request, "kpi/dashboard.html", context)


@official_required
def office_cases(request, code: str):
    drill = selectors.indicator_cases_for(
        actor=request.user,
        code=code,
        year=_year(request),
        month=_int(request.GET.get("month")),
        service=request.GET.get("service", "")[:64],
        agency_id=_int(request.GET.get("agency")),
        page=_int(request.GET.get("page")),
    )
    if drill.get("records"):
        page = drill["page_obj"]
        page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        return render(request, "kpi/records.html", {**drill, "lang": page_language()})
    return render(request, "kpi/cases.html", {**drill, "lang": page_language()})


@require_POST
@official_required
def office_report(request):
    year = _year(request)
    document = services.report_issue(actor=request.user, year=year)
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kpi-report-{year}-{document.number}.pdf"'
    return response
