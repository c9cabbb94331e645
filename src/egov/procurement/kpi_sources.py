"""What KONEPS counts for performance management (`egov.core.measures`), per award (the buying
agency, the month awarded): `procurement.awards`; `procurement.bids_per_award` (valued at the
bids the tender received); `procurement.awards_below_estimate` (awarded amount below the
estimated price, 예정가격, or the base price where no reserve price was drawn); and
`procurement.awards_electronic` (every bid received and opened on the platform, sealed and
signed: all of them here, as KONEPS takes no paper bids)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.core.measures import Fact, MeasureSource
from egov.procurement.models import Award, Bid, ReserveDraw


def award_facts(awards: list[Award]) -> list[Fact]:
    tender_ids = {a.tender_id for a in awards}
    bids = dict(
        Bid.objects.filter(tender_id__in=tender_ids)
        .values("tender_id")
        .annotate(n=Count("id"))
        .values_list("tender_id", "n")
    )
    estimates = dict(
        ReserveDraw.objects.filter(tender_id__in=tender_ids).values_list("tender_id", "estimated_price")
    )
    facts = []
    for award in awards:
        agency, month = award.tender.agency_id, award.awarded_at
        facts.append(Fact("procurement.awards", agency, month))
        facts.append(Fact("procurement.awards_electronic", agency, month))
        facts.append(
            Fact("procurement.bids_per_award", agency, month, value=float(bids.get(award.tender_id, 0)))
        )
        if award.amount < estimates.get(award.tender_id, award.tender.base_price):
            facts.append(Fact("procurement.awards_below_estimate", agency, month))
    return facts


def award_records(*, agency_ids, start, end, service="", measure=""):
    """The awards behind the procurement figures: tenders of the agencies of `agency_ids`
    awarded in [start, end), with their bids, newest first."""
    return (
        Award.objects.filter(tender__agency_id__in=agency_ids, awarded_at__gte=start, awarded_at__lt=end)
        .select_related("tender")
        .annotate(bids=Count("tender__bids"))
        .order_by("-awarded_at", "-pk")
    )


def award_row(award, actor) -> dict:
    return {
        "number": award.tender.number,
        "at": award.awarded_at,
        "detail": _("%(title)s · %(bids)s bids · awarded at %(amount)s won")
        % {"title": award.tender.title, "bids": award.bids, "amount": f"{award.amount:,}"},
        "url": reverse("procurement:office_tender", args=[award.tender.number]),
    }


SOURCES = (
    MeasureSource(
        code="procurement.awards", model="procurement.Award", facts=award_facts,
        records=award_records, record_row=award_row,
        select_related=("tender",),
        fields=("tender", "amount", "awarded_at", "tender__agency", "tender__base_price"),
    ),
)  # fmt: skip
