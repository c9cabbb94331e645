"""The tender as Open Contracting Data Standard 1.1 releases, records and packages.

`ocid` = the prefix (setting `EGOV_PROCUREMENT_OCID_PREFIX`, default "ocds-egov01": a registered
prefix replaces it in a deployment) + "-" + the tender number.

There is no table of releases: every release is derived, the same every time, from what the
process stored. Each *event* of the process is one release (`EVENT_SOURCES`: publication →
`tender`, each amendment → `tenderAmendment`, the opening → `tenderUpdate`, a cancellation →
`tenderCancellation` (tender status `cancelled`, the reason in a `cancellationDetails` document), the award →
`award`, the signed contract → `contract`, each milestone added or decided and each payment →
`implementation`), with the id `<ocid>-<key>` (a key unique within the process and never reused) and
the event's date. Each release describes the whole process as it stood at its date
(`SECTIONS`: an amended field shows its value of that date, bids are counted as they stood);
a later stage adds an event source and, if it publishes a new part, a section.

Bids follow our local extension (`static/procurement/ocds/bids/`, the shape of the community
bids extension): before the opening only their count, never a price or a bidder.

The compiled release of a record is merged with `ocdsmerge` by the merge rules of the OCDS
1.1.5 release schema (`MERGE_RULES`, checked against the standard's own schema in the tests),
so compiling needs no network.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import ocdsmerge
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from egov.procurement import selectors
from egov.procurement.models import Award, Bid, Contract, Milestone, Payment, Tender, TenderAmendment

CURRENCY = "KRW"
VERSION = "1.1"
PUBLISHER = {"name": "egov KONEPS"}
EXTENSION_STATIC_PATH = "procurement/ocds/bids/extension.json"

# The merge rules of the OCDS 1.1.5 release schema with our bids extension (what
# `ocdsmerge.get_merge_rules` derives from them); other arrays of objects merge by `id`.
MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    ("awards", "amendment", "changes"): "wholeListMerge",
    ("awards", "amendments", "changes"): "wholeListMerge",
    ("awards", "items", "additionalClassifications"): "wholeListMerge",
    ("awards", "suppliers", "additionalIdentifiers"): "wholeListMerge",
    ("bids", "details", "tenderers", "additionalIdentifiers"): "wholeListMerge",
    ("buyer", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "amendment", "changes"): "wholeListMerge",
    ("contracts", "amendments", "changes"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "relatedProcesses", "relationship"): "wholeListMerge",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("parties", "roles"): "wholeListMerge",
    ("relatedProcesses", "relationship"): "wholeListMerge",
    ("tender", "additionalProcurementCategories"): "wholeListMerge",
    ("tender", "amendment", "changes"): "wholeListMerge",
    ("tender", "amendments", "changes"): "wholeListMerge",
    ("tender", "items", "additionalClassifications"): "wholeListMerge",
    ("tender", "procuringEntity", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "submissionMethod"): "wholeListMerge",
    ("tender", "tenderers", "additionalIdentifiers"): "wholeListMerge",
}


def ocid_prefix() -> str:
    return settings.EGOV_PROCUREMENT_OCID_PREFIX


def ocid_of(tender: Tender) -> str:
    return f"{ocid_prefix()}-{tender.number}"


def number_of(ocid: str) -> str | None:
    prefix = ocid_prefix() + "-"
    return ocid[len(prefix) :] if ocid.startswith(prefix) else None


def extension_url() -> str:
    return _absolute(settings.STATIC_URL + EXTENSION_STATIC_PATH)


# --- the stored history of one process ---------------------------------------------------


@dataclass
class Process:
    """One tender with everything its releases are derived from, loaded once."""

    tender: Tender
    amendments: list[TenderAmendment]
    bids: list[Bid]  # every bid, replaced and withdrawn ones included
    award: Award | None
    contract: Contract | None = None
    milestones: list[Milestone] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)

    @property
    def ocid(self) -> str:
        return ocid_of(self.tender)

    def opened_by(self, at: dt.datetime) -> bool:
        return self.tender.opened_at is not None and self.tender.opened_at <= at

    def live_bids(self, at: dt.datetime) -> list[Bid]:
        """The bids live at `at` (after the deadline bids no longer change)."""
        return [
            b
            for b in self.bids
            if b.submitted_at <= at
            and (b.state == Bid.State.LIVE or (b.state_changed_at is not None and b.state_changed_at > at))
        ]

    def awarded_by(self, at: dt.datetime) -> Award | None:
        return self.award if self.award is not None and self.award.awarded_at <= at else None

    def contracted_by(self, at: dt.datetime) -> Contract | None:
        return self.contract if self.contract is not None and self.contract.issued_at <= at else None


def processes(tenders: QuerySet[Tender]) -> Iterator[Process]:
    """The processes of `tenders`, with a fixed number of queries per chunk of 100."""
    tenders = (
        tenders.select_related("agency", "award__bid__supplier__business", "contract__document")
        .prefetch_related(
            "amendments",
            Prefetch("bids", queryset=Bid.objects.select_related("supplier__business")),
            Prefetch("contract__milestones", queryset=Milestone.objects.prefetch_related("payments")),
        )
        .order_by("published_at", "number")
    )
    for tender in tenders.iterator(chunk_size=100):
        contract = getattr(tender, "contract", None)
        milestones = list(contract.milestones.all()) if contract is not None else []
        yield Process(
            tender=tender,
            amendments=list(tender.amendments.all()),
            bids=list(tender.bids.all()),
            award=getattr(tender, "award", None),
            contract=contract,
            milestones=milestones,
            payments=sorted(
                (x for m in milestones for x in m.payments.all()), key=lambda x: (x.recorded_at, x.pk)
            ),
        )


def process_of(tender: Tender) -> Process:
    return next(processes(Tender.objects.filter(pk=tender.pk)))


# --- events: one release each -------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    date: dt.datetime
    tag: str  # a code of the releaseTag codelist
    key: str  # unique and stable within the process: the release id is "<ocid>-<key>"


def _publication_events(p: Process) -> Iterable[Event]:
    yield Event(p.tender.published_at, "tender", "tender")


def _amendment_events(p: Process) -> Iterable[Event]:
    for amendment in p.amendments:
        yield Event(amendment.amended_at, "tenderAmendment", f"tenderAmendment-{amendment.pk}")


def _opening_events(p: Process) -> Iterable[Event]:
    if p.tender.opened_at is not None:
        yield Event(p.tender.opened_at, "tenderUpdate", "tenderUpdate-opening")


def _cancellation_events(p: Process) -> Iterable[Event]:
    if p.tender.cancelled_at is not None:
        yield Event(p.tender.cancelled_at, "tenderCancellation", "tenderCancellation")


def _award_events(p: Process) -> Iterable[Event]:
    if p.award is not None:
        yield Event(p.award.awarded_at, "award", f"award-{p.award.pk}")


def _contract_events(p: Process) -> Iterable[Event]:
    if p.contract is not None:
        yield Event(p.contract.issued_at, "contract", f"contract-{p.contract.pk}")


def _implementation_events(p: Process) -> Iterable[Event]:
    """A milestone added, a delivery accepted or rejected (once), a payment recorded."""
    for m in p.milestones:
        yield Event(m.created_at, "implementation", f"implementation-milestone-{m.pk}")
        if m.decided_at is not None:
            yield Event(m.decided_at, "implementation", f"implementation-milestone-{m.pk}-decision")
    for payment in p.payments:
        yield Event(payment.recorded_at, "implementation", f"implementation-payment-{payment.pk}")


EVENT_SOURCES: list[Callable[[Process], Iterable[Event]]] = [
    _publication_events,
    _amendment_events,
    _opening_events,
    _cancellation_events,
    _award_events,
    _contract_events,
    _implementation_events,
]


def events(p: Process) -> list[Event]:
    """The process's events, oldest first (on equal dates, in the order of `EVENT_SOURCES`)."""
    return sorted((e for source in EVENT_SOURCES for e in source(p)), key=lambda e: e.date)


# --- sections: the parts of a release as of its date --------------------------------------


class Parties:
    """The organisations a release names, each once, with every role it plays."""

    def __init__(self) -> None:
        self._parties: dict[str, dict] = {}

    def add(self, organization: dict, role: str) -> dict:
        party = self._parties.setdefault(organization["id"], {**organization, "roles": []})
        if role not in party["roles"]:
            party["roles"].append(role)
        return organization

    def as_list(self) -> list[dict]:
        return list(self._parties.values())


def _value(amount: int) -> dict:
    return {"amount": amount, "currency": CURRENCY}


def _party_of_bid(bid: Bid) -> dict:
    business = bid.supplier.business
    return {"id": f"KR-BRN-{business.brn}", "name": business.name}


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.EGOV_PUBLIC_URL + url
    return url


def _notice_as_of(p: Process, at: dt.datetime) -> dict:
    """The notice's amendable fields as they stood at `at`: amendments after it undone."""
    tender = p.tender
    values = {}
    for amendment in reversed(p.amendments):
        if amendment.amended_at > at:
            for field, (before, _after) in amendment.changes.items():
                values[field] = (
                    dt.datetime.fromisoformat(before) if field in ("deadline", "opening_at") else before
                )
    return {
        field: values.get(field, getattr(tender, field))
        for field in (
            "title",
            "description",
            "items",
            "budget",
            "categories",
            "documents",
            "deadline",
            "opening_at",
        )
    }


def _tender_status(p: Process, at: dt.datetime) -> str:
    if p.tender.cancelled_at is not None and p.tender.cancelled_at <= at:
        return "cancelled"
    if p.awarded_by(at):
        return "complete"
    if p.opened_by(at) and not any(b.rank for b in p.live_bids(at)):
        return "unsuccessful"
    return "active"


def _tender_section(p: Process, at: dt.datetime, parties: Parties) -> dict:
    tender = p.tender
    notice = _notice_as_of(p, at)
    agency = tender.agency
    buyer = parties.add({"id": f"KR-AGENCY-{agency.code}", "name": agency.name_ko}, "buyer")
    parties.add(buyer, "procuringEntity")
    amended = [a for a in p.amendments if a.amended_at <= at]
    release_ids = [f"{p.ocid}-tender"] + [f"{p.ocid}-tenderAmendment-{a.pk}" for a in amended]
    section = {
        "id": tender.number,
        "title": notice["title"],
        "description": notice["description"] or notice["title"],
        "status": _tender_status(p, at),
        "procuringEntity": buyer,
        "items": [
            {
                "id": str(n),
                "description": item["description"],
                "quantity": item["quantity"],
                "unit": {"name": item["unit"]},
                "classification": {"scheme": "UNSPSC", "id": notice["categories"][0] + "000000"},
            }
            for n, item in enumerate(notice["items"], start=1)
        ],
        "value": _value(notice["budget"]),
        "procurementMethod": "open",
        "procurementMethodDetails": tender.get_award_method_display(),
        "awardCriteria": "priceOnly",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": tender.published_at.isoformat(),
            "endDate": notice["deadline"].isoformat(),
        },
        "awardPeriod": {"startDate": notice["opening_at"].isoformat()},
    }
    documents = [
        {"id": str(n), "documentType": "biddingDocuments", "title": d["title"], "url": _absolute(d["url"])}
        for n, d in enumerate(notice["documents"], start=1)
    ]
    if tender.cancelled_at is not None and tender.cancelled_at <= at:
        documents.append(
            {
                "id": "cancellation",
                "documentType": "cancellationDetails",
                "title": "Cancellation notice",
                "description": tender.cancel_reason,
                "url": _absolute(f"/procurement/tenders/{tender.number}/"),
                "format": "text/html",
                "datePublished": tender.cancelled_at.isoformat(),
            }
        )
    amendments = [
        {
            "id": str(a.pk),
            "date": a.amended_at.isoformat(),
            "rationale": a.reason,
            "description": "Changed: " + ", ".join(sorted(a.changes)),
            "amendsReleaseID": release_ids[n],
            "releaseID": release_ids[n + 1],
        }
        for n, a in enumerate(amended)
    ]
    # Empty lists are left out: an empty field says nothing, and the standard's checks flag it.
    section.update(
        {name: value for name, value in (("documents", documents), ("amendments", amendments)) if value}
    )
    if p.opened_by(at):
        live = p.live_bids(at)
        section["numberOfTenderers"] = len(live)
        section["tenderers"] = [parties.add(_party_of_bid(b), "tenderer") for b in live]
    return {"buyer": buyer, "tender": section}


def _bids_section(p: Process, at: dt.datetime, parties: Parties) -> dict:
    """Before the opening only the count of live bids; after it every bid, price and validity."""
    live = p.live_bids(at)
    bids = {"statistics": [{"id": "1", "measure": "bids", "value": len(live), "date": at.isoformat()}]}
    if p.opened_by(at):
        bids["details"] = [
            {
                "id": str(b.pk),
                "date": b.submitted_at.isoformat(),
                "status": "valid" if b.is_valid else "disqualified",
                "tenderers": [_party_of_bid(b)],
                **({"value": _value(b.price)} if b.price else {}),
            }
            for b in live
        ]
    return {"bids": bids}


def _awards_section(p: Process, at: dt.datetime, parties: Parties) -> dict:
    award = p.awarded_by(at)
    if award is None:
        return {}
    return {
        "awards": [
            {
                "id": str(award.pk),
                "title": p.tender.title,
                "description": award.reason,
                "status": "active",
                "date": award.awarded_at.isoformat(),
                "value": _value(award.amount),
                "suppliers": [parties.add(_party_of_bid(award.bid), "supplier")],
                **_award_evaluation(p.tender),
            }
        ]
    }


def _award_evaluation(tender: Tender) -> dict:
    """The multiple reserve price draw and the qualification scores are published with the
    notice (its JSON: `reserve_draw`, `opening_record`, `award.scores`); the award links to it."""
    if tender.award_method != Tender.AwardMethod.MULTIPLE_RESERVE_PRICE and not tender.scoring_rules:
        return {}
    return {
        "documents": [
            {
                "id": "evaluation",
                "documentType": "evaluationReports",
                "title": "Reserve price draw and qualification scores",
                "format": "application/json",
                "url": _absolute(f"/api/v1/procurement/tenders/{tender.number}"),
            }
        ]
    }


def _day(day: dt.date, *, end: bool = False) -> str:
    """A calendar date (Asia/Seoul) as the date-time OCDS wants: its start, or its last second."""
    moment = dt.datetime.combine(day, dt.time(23, 59, 59) if end else dt.time.min)
    return timezone.make_aware(moment, timezone.get_default_timezone()).isoformat()


def _milestone(m: Milestone, at: dt.datetime) -> dict:
    decided = m.decided_at is not None and m.decided_at <= at
    out = {
        "id": str(m.pk),
        "title": m.description,
        "type": "delivery",
        "description": f"Delivery of {m.amount:,} won",
        "dueDate": _day(m.due_date, end=True),
        "status": ("met" if m.state == Milestone.State.ACCEPTED else "notMet") if decided else "scheduled",
    }
    if decided:
        out["dateModified"] = m.decided_at.isoformat()
        if m.state == Milestone.State.ACCEPTED:
            out["dateMet"] = m.decided_at.isoformat()
    return out


def _contracts_section(p: Process, at: dt.datetime, parties: Parties) -> dict:
    """The signed contract (linking its document's verification page), its delivery milestones
    and payments as they stood at `at`."""
    contract = p.contracted_by(at)
    if contract is None:
        return {}
    agency = p.tender.agency
    buyer = {"id": f"KR-AGENCY-{agency.code}", "name": agency.name_ko}
    supplier = _party_of_bid(p.award.bid)  # the contract's award, loaded with its bid (no query)
    completed = contract.completed_at is not None and contract.completed_at <= at
    document = contract.document
    entry = {
        "id": contract.number,
        "awardID": str(contract.award_id),
        "title": p.tender.title,
        "status": "terminated" if completed else "active",
        "value": _value(contract.amount),
        "period": {"startDate": _day(contract.start_date), "endDate": _day(contract.end_date, end=True)},
        "dateSigned": contract.issued_at.isoformat(),
        "documents": [
            {
                "id": "contract",
                "documentType": "contractSigned",
                "title": document.title,
                "description": "The signed contract: verify it by its issuance number on this page.",
                "url": selectors.document_verification_url(document),
                "format": "text/html",
                "datePublished": document.issued_at.isoformat(),
            }
        ],
    }
    milestones = [_milestone(m, at) for m in p.milestones if m.created_at <= at]
    if milestones:
        entry["milestones"] = milestones
    transactions = [
        {
            "id": str(x.pk),
            "date": _day(x.paid_on),
            "value": _value(x.amount),
            "payer": parties.add(buyer, "payer"),
            "payee": parties.add(supplier, "payee"),
        }
        for x in p.payments
        if x.recorded_at <= at
    ]
    if transactions:
        entry["implementation"] = {"transactions": transactions}
    return {"contracts": [entry]}


SECTIONS: list[Callable[[Process, dt.datetime, Parties], dict]] = [
    _tender_section,
    _bids_section,
    _awards_section,
    _contracts_section,
]


# --- releases, records, packages -----------------------------------------------------------


def release_of(p: Process, event: Event) -> dict:
    """The release of one event: the whole process as it stood at the event's date."""
    parties = Parties()
    body: dict = {}
    for section in SECTIONS:
        body.update(section(p, event.date, parties))
    return {
        "ocid": p.ocid,
        "id": f"{p.ocid}-{event.key}",
        "date": event.date.isoformat(),
        "tag": [event.tag],
        "initiationType": "tender",
        "language": "ko",
        "parties": parties.as_list(),
        **body,
    }


def releases(p: Process) -> list[dict]:
    """Every release of the process, oldest first."""
    return [release_of(p, event) for event in events(p)]


def compile_releases(items: list[dict]) -> dict:
    """The compiled release of one process's releases (OCDS merge, no network)."""
    return ocdsmerge.Merger(merge_rules=MERGE_RULES).create_compiled_release(items)


def record(p: Process) -> dict:
    items = releases(p)
    return {"ocid": p.ocid, "releases": items, "compiledRelease": compile_releases(items)}


def _package_head(*, uri: str, published: dt.datetime) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [extension_url()],
        "publishedDate": published.isoformat(),
        "publisher": PUBLISHER,
    }


def release_package(p: Process, *, uri: str) -> dict:
    """The process's releases in a release package, dated by its latest release."""
    items = releases(p)
    return {**_package_head(uri=uri, published=events(p)[-1].date), "releases": items}


def record_package(p: Process, *, uri: str) -> dict:
    """The process's record (every release embedded, and the compiled release)."""
    return {**_package_head(uri=uri, published=events(p)[-1].date), "records": [record(p)]}


def bulk_package(tenders: QuerySet[Tender], *, kind: str, uri: str) -> Iterator[str]:
    """A release package (`kind` "releases") or record package ("records") of every process of
    `tenders`, as JSON text in pieces to stream: the processes are read 100 at a time."""
    head = json.dumps(_package_head(uri=uri, published=timezone.now()), ensure_ascii=False)
    yield head[:-1] + f', "{kind}": ['
    first = True
    for p in processes(tenders):
        for item in releases(p) if kind == "releases" else [record(p)]:
            yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
            first = False
    yield "]}\n"
