"""Documents the kpi app issues: the yearly performance report (성과보고서)."""

from egov.core.document_types import document_type

document_type(
    "kpi.report",
    title_ko="전자정부 성과보고서",
    title_en="E-government performance report",
    template="kpi/documents/report.html",
)
