"""What civil contributes to the site search: the service catalogue (민원서비스)."""

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from egov.civil.models import Service
from egov.core.search import SearchHit, SearchSection


def _services(query: str, filters: dict):
    rows = Service.objects.select_related("agency").filter(
        Q(name_ko__icontains=query)
        | Q(name_en__icontains=query)
        | Q(summary_ko__icontains=query)
        | Q(summary_en__icontains=query)
    )
    kind = filters.get("kind")
    if kind in Service.Kind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("name_ko", "pk")


def _hit(service: Service) -> SearchHit:
    english = (get_language() or "ko").startswith("en")
    return SearchHit(
        title=service.name_en if english else service.name_ko,
        link=f"/services/{service.code}/",
        summary=(service.summary_en if english else service.summary_ko)[:200],
        meta=f"{service.agency.name('en' if english else 'ko')} · {service.get_kind_display()}",
    )


SECTIONS = [
    SearchSection(
        code="services",
        label=_("Civil services"),
        search=_services,
        hit=_hit,
        order=10,
        filters=(("kind", _("How it is handled"), tuple(Service.Kind.choices)),),
    )
]
