"""What every procedure's pages share: a person's list of their own cases, filtered by status
(`?status=open|closed`) and paged twenty at a time with the shared KRDS pagination
(`portal/_pagination.html`, `portal/_status_filter.html`)."""

from django.db.models import QuerySet

from egov.cases.selectors import case_list_by_status
from egov.core.web import page_of


def case_list_page(request, rows: QuerySet, name: str) -> dict:
    """The template context of a My page list: `name` (this page's cases), `page` and `status`."""
    status = request.GET.get("status", "")
    page = page_of(request, case_list_by_status(rows, status))
    return {name: page.object_list, "page": page, "status": status}
