"""What disclosure contributes to the site search: proactively published information."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.search import SearchHit, SearchSection
from egov.disclosure.models import Publication


def _publications(query: str, filters: dict):
    return (
        Publication.objects.filter(is_withdrawn=False)
        .select_related("agency")
        .filter(
            Q(title__icontains=query) | Q(description__icontains=query) | Q(agency__name_ko__icontains=query)
        )
        .order_by("-pk")
    )


def _hit(publication: Publication) -> SearchHit:
    return SearchHit(
        title=publication.title,
        link=f"/disclosure/publications/{publication.pk}/file",
        summary=(publication.description or "")[:200],
        meta=publication.agency.name_ko,
    )


SECTIONS = [
    SearchSection(
        code="publications", label=_("Published information"), search=_publications, hit=_hit, order=40
    )
]
