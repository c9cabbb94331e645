"""The tender as an Open Contracting Data Standard 1.1 release (and a release package).

`ocid` = the prefix (setting `EGOV_PROCUREMENT_OCID_PREFIX`, default "ocds-egov01": a registered
prefix replaces it in a deployment) + "-" + the tender number. One release describes the
tender's current stage; its `id` changes with each stage (published, amended, opened, awarded),
so successive releases can later be compiled into a record.

Bids follow the OCDS bid statistics and details extension (`bids`): before the opening only
their count is published, never a price.
"""

from django.conf import settings
from django.utils import timezone

from egov.procurement.models import Award, Bid, Tender

CURRENCY = "KRW"
BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
)


def ocid_prefix() -> str:
    return settings.EGOV_PROCUREMENT_OCID_PREFIX


def ocid_of(tender: Tender) -> str:
    return f"{ocid_prefix()}-{tender.number}"


def number_of(ocid: str) -> str | None:
    prefix = ocid_prefix() + "-"
    return ocid[len(prefix) :] if ocid.startswith(prefix) else None


def _value(amount: int) -> dict:
    return {"amount": amount, "currency": CURRENCY}


def _party_of_bid(bid: Bid) -> dict:
    business = bid.supplier.business
    return {"id": f"KR-BRN-{business.brn}", "name": business.name}


def release(tender: Tender) -> dict:
    """The OCDS release of the tender's current stage."""
    agency = tender.agency
    buyer = {"id": f"KR-AGENCY-{agency.code}", "name": agency.name_ko}
    amendments = list(tender.amendments.all())
    live = list(tender.bids.filter(state=Bid.State.LIVE).select_related("supplier__business"))
    award = Award.objects.filter(tender=tender).select_related("bid__supplier__business").first()
    opened = tender.state == Tender.State.OPENED
    now = timezone.now()

    if award:
        tag, stage_at = ["award"], award.awarded_at
    elif opened:
        tag, stage_at = ["tenderUpdate"], tender.opened_at
    elif amendments:
        tag, stage_at = ["tenderAmendment"], amendments[-1].amended_at
    else:
        tag, stage_at = ["tender"], tender.published_at

    if tender.state == Tender.State.CANCELLED:
        status = "cancelled"
    elif award:
        status = "complete"
    elif opened and not any(b.rank for b in live):
        status = "unsuccessful"
    else:
        status = "active"

    parties = {buyer["id"]: {**buyer, "roles": ["buyer", "procuringEntity"]}}
    if opened:
        for bid in live:
            party = _party_of_bid(bid)
            roles = ["tenderer"]
            if award and award.bid_id == bid.pk:
                roles.append("supplier")
            parties[party["id"]] = {**party, "roles": roles}

    data = {
        "ocid": ocid_of(tender),
        "id": f"{ocid_of(tender)}-{tag[0]}-{stage_at:%Y%m%dT%H%M%S}",
        "date": stage_at.isoformat(),
        "tag": tag,
        "initiationType": "tender",
        "language": "ko",
        "parties": list(parties.values()),
        "buyer": buyer,
        "tender": {
            "id": tender.number,
            "title": tender.title,
            "description": tender.description or tender.title,
            "status": status,
            "procuringEntity": buyer,
            "items": [
                {
                    "id": str(n),
                    "description": item["description"],
                    "quantity": item["quantity"],
                    "unit": {"name": item["unit"]},
                    "classification": {"scheme": "UNSPSC", "id": tender.categories[0] + "000000"},
                }
                for n, item in enumerate(tender.items, start=1)
            ],
            "value": _value(tender.budget),
            "procurementMethod": "open",
            "procurementMethodDetails": tender.get_award_method_display(),
            "awardCriteria": "priceOnly",
            "submissionMethod": ["electronicSubmission"],
            "tenderPeriod": {
                "startDate": tender.published_at.isoformat(),
                "endDate": tender.deadline.isoformat(),
            },
            "awardPeriod": {"startDate": tender.opening_at.isoformat()},
            "documents": [
                {
                    "id": str(n),
                    "documentType": "biddingDocuments",
                    "title": d["title"],
                    "url": _absolute(d["url"]),
                }
                for n, d in enumerate(tender.documents, start=1)
            ],
            "amendments": [
                {"id": str(a.pk), "date": a.amended_at.isoformat(), "rationale": a.reason} for a in amendments
            ],
        },
        "bids": {"statistics": [{"id": "1", "measure": "bids", "value": len(live), "date": now.isoformat()}]},
    }
    if opened:
        data["tender"]["numberOfTenderers"] = len(live)
        data["tender"]["tenderers"] = [_party_of_bid(b) for b in live]
        data["bids"]["details"] = [
            {
                "id": str(b.pk),
                "date": b.submitted_at.isoformat(),
                "status": "valid" if b.rank else "disqualified",
                "tenderers": [_party_of_bid(b)],
                **({"value": _value(b.price)} if b.price else {}),
            }
            for b in live
        ]
    if award:
        data["awards"] = [
            {
                "id": str(award.pk),
                "title": tender.title,
                "description": award.reason,
                "status": "active",
                "date": award.awarded_at.isoformat(),
                "value": _value(award.amount),
                "suppliers": [_party_of_bid(award.bid)],
            }
        ]
    return data


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return getattr(settings, "PUBLIC_BASE_URL", "https://egov.example") + url
    return url


def release_package(tender: Tender, *, uri: str) -> dict:
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [BIDS_EXTENSION],
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": "egov KONEPS"},
        "releases": [release(tender)],
    }
