"""Reads that pages and APIs share."""

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import BusinessRepresentation, User
from egov.accounts.permissions import agency_scope_ids
from egov.core.errors import NotFound
from egov.exchange.models import Grant
from egov.procurement.models import (
    Bid,
    BidToken,
    Clarification,
    CommitteeMember,
    Contract,
    Milestone,
    Supplier,
    Tender,
)
from egov.registry.models import Business


def lookup_text(value) -> str:
    """A number or search text from a path, a query or a body as a lookup value: '' (which
    matches nothing) when it is not text or holds a NUL, which PostgreSQL refuses (a 500)."""
    return value if isinstance(value, str) and "\x00" not in value else ""


def tender_search(
    *, query: str = "", category: str = "", open_only: bool = True, limit: int = 200
) -> list[Tender]:
    """Public search of tender notices by number, title or agency, newest deadline last.
    `open_only`: the notices taking bids' deadline still ahead (not opened, not cancelled);
    otherwise every notice, the cancelled ones (취소공고) included."""
    tenders = Tender.objects.select_related("agency")
    query = lookup_text(query).strip()[:100]
    if query:
        tenders = tenders.filter(
            Q(title__icontains=query)
            | Q(number__icontains=query)
            | Q(agency__name_ko__icontains=query)
            | Q(agency__name_en__icontains=query)
        )
    if open_only:
        tenders = tenders.filter(state=Tender.State.PUBLISHED, deadline__gt=timezone.now())
    results = list(tenders.order_by("deadline", "number")[: limit * 4 if category else limit])
    if category:  # JSON list containment differs between SQLite and PostgreSQL: filter here
        results = [t for t in results if category in t.categories][:limit]
    return results


def tender_get_public(*, number: str) -> Tender:
    tender = Tender.objects.select_related("agency").filter(number=lookup_text(number)).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    return tender


def tender_get_for(*, actor: User, number: str, lock: bool = False) -> Tender:
    """The tender as its agency's official sees it; NotFound for another agency's tender."""
    tenders = Tender.objects.select_for_update() if lock else Tender.objects.select_related("agency")
    tender = tenders.filter(number=lookup_text(number)).first()
    if tender is None or tender.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such tender."), field="tender")
    return tender


def bids_open(tender: Tender) -> bool:
    """Whether the tender takes bids now: published, before the deadline, every share collected."""
    return (
        tender.state == Tender.State.PUBLISHED
        and timezone.now() < tender.deadline
        and not tender.committee.filter(collected_at__isnull=True).exists()
    )


def opening_record(*, tender: Tender) -> list[Bid]:
    """After the opening: every bid that was live at the deadline, valid ones by rank first."""
    if tender.state != Tender.State.OPENED:
        return []
    bids = list(tender.bids.filter(state=Bid.State.LIVE).select_related("supplier__business"))
    return sorted(bids, key=lambda b: (b.rank is None, b.rank or 0, b.submitted_at))


def document_verification_url(document) -> str:
    """The public verification page of a signed document, by its issuance number."""
    return f"{settings.EGOV_PUBLIC_URL}/verify?n={document.number}"


def contract_of(tender: Tender) -> Contract | None:
    """The tender's contract (with its document and supplier), or None."""
    return Contract.objects.select_related("document", "supplier__business").filter(tender=tender).first()


# --- what the pages show a business representative --------------------------------------------------


def business_list_for(*, actor: User) -> list[Business]:
    """The businesses the user represents, by name."""
    ids = BusinessRepresentation.objects.filter(user=actor).values_list("business_id", flat=True)
    return list(Business.objects.filter(pk__in=ids).order_by("name"))


def supplier_list_for(*, actor: User) -> QuerySet[Supplier]:
    """The registered suppliers among the businesses the user represents."""
    return Supplier.objects.filter(business__in=business_list_for(actor=actor)).select_related("business")


def bid_list_for(*, actor: User, tender: Tender, suppliers: list[Supplier] | None = None) -> list[Bid]:
    """The user's suppliers' bids in the tender (not those replaced by a later bid)."""
    suppliers = supplier_list_for(actor=actor) if suppliers is None else suppliers
    return list(
        Bid.objects.filter(tender=tender, supplier__in=suppliers)
        .exclude(state=Bid.State.REPLACED)
        .select_related("supplier__business")
    )


def contract_of_suppliers(*, tender: Tender, suppliers: list[Supplier]) -> Contract | None:
    """The tender's contract if one of `suppliers` holds it."""
    return Contract.objects.filter(tender=tender, supplier__in=suppliers).first()


def bid_token_list_for(*, actor: User) -> QuerySet[BidToken]:
    """The user's bidding software tokens."""
    return BidToken.objects.filter(user=actor)


def _contract_get(*, number: str) -> Contract:
    contract = (
        Contract.objects.select_related("tender__agency", "supplier__business", "document")
        .filter(number=lookup_text(number))
        .first()
    )
    if contract is None:
        raise NotFound(_("No such contract."), field="contract")
    return contract


def contract_get_for(*, actor: User, number: str) -> Contract:
    """A contract as the user may see it: an official's agency's (scope), or a representative's
    business's. NotFound for any other."""
    contract = _contract_get(number=number)
    if actor.is_official:
        allowed = contract.tender.agency_id in agency_scope_ids(actor)
    else:
        allowed = contract.supplier.business in business_list_for(actor=actor)
    if not allowed:
        raise NotFound(_("No such contract."), field="contract")
    return contract


def contract_list_for(*, actor: User) -> QuerySet[Contract]:
    """The contracts of the businesses the user represents."""
    return Contract.objects.filter(supplier__business__in=business_list_for(actor=actor)).select_related(
        "tender", "supplier__business"
    )


def milestone_list(*, contract: Contract) -> list[Milestone]:
    """A contract's milestones with their payments and who decided them, each with `paid` (the
    sum of its payments) and `left` (what remains); the caller got the contract from
    `contract_get_for`."""
    milestones = list(contract.milestones.prefetch_related("payments").select_related("decided_by"))
    for milestone in milestones:
        milestone.paid = sum(payment.amount for payment in milestone.payments.all())
        milestone.left = milestone.amount - milestone.paid
    return milestones


def milestone_get_for(*, actor: User, milestone_id: int) -> Milestone:
    """A milestone of a contract of the official's agencies; NotFound otherwise."""
    milestone = Milestone.objects.select_related("contract__tender").filter(pk=milestone_id).first()
    if milestone is None or milestone.contract.tender.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such milestone."), field="milestone")
    return milestone


# --- what the back office shows ---------------------------------------------------------------------


def tender_list_for(*, actor: User, limit: int = 200) -> QuerySet[Tender]:
    """The tenders of the official's agencies, newest publication first."""
    return (
        Tender.objects.filter(agency_id__in=agency_scope_ids(actor))
        .select_related("agency")
        .order_by("-published_at")[:limit]
    )


def committee_seat_list_for(*, actor: User, limit: int = 200) -> QuerySet[CommitteeMember]:
    """The official's seats on opening committees, latest deadline first."""
    return (
        CommitteeMember.objects.filter(official=actor).select_related("tender").order_by("-tender__deadline")
    )[:limit]


def committee_seat_get_for(*, actor: User, tender: Tender) -> CommitteeMember | None:
    """The official's seat on the tender's committee, or None."""
    return CommitteeMember.objects.filter(tender=tender, official=actor).first()


def committee_list(*, tender: Tender) -> QuerySet[CommitteeMember]:
    """The tender's committee with its officials."""
    return tender.committee.select_related("official")


def committee_candidates_for(*, actor: User) -> QuerySet[User]:
    """The active officials of the official's agencies, who may sit on a committee."""
    return User.objects.filter(
        kind="official", agency_id__in=agency_scope_ids(actor), is_active=True
    ).order_by("username")


def clarification_list_for(*, actor: User, tender: Tender) -> list[Clarification]:
    """The questions on the tender, for the officials of its agency; nothing for others."""
    if tender.agency_id not in agency_scope_ids(actor):
        return []
    return list(tender.clarifications.all())


def clarification_get(*, clarification_id: int) -> Clarification:
    """A question with its tender; NotFound if there is none (the service checks who answers)."""
    item = Clarification.objects.select_related("tender").filter(pk=clarification_id).first()
    if item is None:
        raise NotFound(_("No such question."), field="clarification")
    return item


def clearance_grant_of(*, actor: User) -> Grant | None:
    """The actor's agency's approved grant for the shared item `tax.clearance`, valid today, or
    None: with it a contract's tax clearance is fetched through `exchange`, without it the
    registrar records the paper certificate they checked."""
    today = timezone.localdate()
    return (
        Grant.objects.filter(
            consumer_id=actor.agency_id, item__code="tax.clearance", status=Grant.Status.APPROVED,
            valid_from__lte=today, valid_until__gte=today,
        )
        .order_by("-id")
        .first()
    )  # fmt: skip
