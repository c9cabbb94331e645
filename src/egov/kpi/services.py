"""State changes of the kpi app: the yearly report issued as a signed document. (The rollups
are written by the worker, `egov.kpi.rollups`.)"""

from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.documents.models import Document
from egov.documents.services import document_files_atomic, document_issue
from egov.kpi.selectors import indicators_for


def figure_text(value: float | None, unit: str) -> str:
    """A figure as the report and the pages print it: one decimal, its unit, or a dash."""
    if value is None:
        return "—"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"{text}{unit}" if unit == "%" or not unit.isascii() else f"{text} {unit}"  # 5건, 5 cases


def report_issue(*, actor, year=None) -> Document:
    """Issue the yearly performance report of the official's agency (and those under it) for
    `year`, signed by their agency: each indicator's target and actual and whether it was met.
    PermissionDenied for anyone but an official; ValidationFailed on a year out of range."""
    figures, year, _agency = indicators_for(actor=actor, year=year)
    rows = []
    for f in figures:
        unit = str(f["indicator"].unit)
        result = {True: _("Met"), False: _("Not met"), None: _("No data")}[f["met"]]
        rows.append(
            {
                "name": str(f["indicator"].name),
                "target": figure_text(f["target"], unit),
                "actual": figure_text(f["actual"], unit),
                "result": str(result),
            }
        )
    payload = {
        "year": year,
        "year_label": _("Year %(year)s") % {"year": year},
        "scope": _("Figures of %(agency)s and the agencies under it, from the platform's own records.")
        % {"agency": actor.agency.name_ko},
        "rows": rows,
    }
    with document_files_atomic():
        document = document_issue(
            actor=actor, doc_type="kpi.report", subject=None, payload=payload, agency=actor.agency
        )
        audit_record(actor=actor, action="kpi.report_issue", obj=document, after={"year": year})
    return document
