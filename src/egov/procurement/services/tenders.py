"""Tender notices: publication (with the opening key split among the committee), amendments,
clarifications, and the committee collecting their shares.

Notice periods (our rule, set here as constants; the law's own periods vary by contract kind
and amount — 국가계약법 시행령 제35조 — and can replace these):

- a notice is published at least `NOTICE_MIN_DAYS` (7) days before its submission deadline;
- after any amendment the deadline must be at least `AMENDMENT_MIN_DAYS` (5) days away: an
  amendment that leaves less must move the deadline, or it is refused naming `deadline`;
- nothing is amended after the deadline, and the opening time is never before the deadline.
"""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import agency_scope_ids, require_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.korean import particles_resolve
from egov.procurement import crypto, reserve, scoring
from egov.procurement.models import Clarification, CommitteeMember, Tender, TenderAmendment
from egov.procurement.selectors import lookup_text, tender_get_for
from egov.procurement.services.suppliers import categories_clean

NOTICE_MIN_DAYS = 7
AMENDMENT_MIN_DAYS = 5
PROCUREMENT_ROLE = "registrar"


def _amount(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value >= 10**15:
        raise ValidationFailed(
            particles_resolve(_("%(label)s must be a positive whole number of won.") % {"label": label}),
            field=field,
        )
    return value


def _items(items) -> list[dict]:
    if not isinstance(items, list | tuple) or not items or len(items) > 100:
        raise ValidationFailed(_("List between 1 and 100 items."), field="items")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise ValidationFailed(_("Each item needs a description, a quantity and a unit."), field="items")
        quantity = item.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 < quantity < 10**9:
            raise ValidationFailed(_("Each item's quantity must be a positive whole number."), field="items")
        out.append(
            {
                "description": require_text(
                    item.get("description"), "items", label=_("Item"), max_length=200
                ),
                "quantity": quantity,
                "unit": require_text(item.get("unit"), "items", label=_("Unit"), max_length=20),
            }
        )
    return out


def _documents(documents) -> list[dict]:
    if not isinstance(documents, list | tuple) or len(documents) > 20:
        raise ValidationFailed(_("List at most 20 documents."), field="documents")
    out = []
    for doc in documents:
        url = str((doc or {}).get("url", "")).strip() if isinstance(doc, dict) else ""
        if (
            not (url.startswith("https://") or url.startswith("/"))
            or len(url) > 500
            or any(c.isspace() for c in url)
        ):
            raise ValidationFailed(
                _("Each document needs a title and an https:// or site address."), field="documents"
            )
        out.append(
            {
                "title": require_text(doc.get("title"), "documents", label=_("Document"), max_length=200),
                "url": url,
            }
        )
    return out


def _when(value, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValidationFailed(_("Give a date and time with its time zone."), field=field)
    return value


def _committee(actor: User, committee) -> list[User]:
    members = list(committee or [])
    if len(members) != 3 or len({m.pk for m in members}) != 3:
        raise ValidationFailed(_("The opening committee is three different officials."), field="committee")
    scope = agency_scope_ids(actor)
    for member in members:
        if not member.is_official or not member.is_active or member.agency_id not in scope:
            raise ValidationFailed(
                _("Committee members are officials of your agency or the agencies under it."),
                field="committee",
            )
    return members


def _reserve_terms(award_method: str, range_bp, floor_rate) -> tuple[int | None, Decimal | None]:
    if award_method != Tender.AwardMethod.MULTIPLE_RESERVE_PRICE:
        if range_bp not in (None, "") or floor_rate not in (None, ""):
            raise ValidationFailed(
                _("A reserve price range and a floor rate belong to the multiple reserve price method."),
                field="reserve_range_bp" if range_bp not in (None, "") else "floor_rate",
            )
        return None, None
    if (
        isinstance(range_bp, bool)
        or not isinstance(range_bp, int)
        or not 1 <= range_bp <= reserve.MAX_RANGE_BP
    ):
        raise ValidationFailed(
            _("Give the reserve price range in basis points, from 1 to %(max)d (200 is ±2%%).")
            % {"max": reserve.MAX_RANGE_BP},
            field="reserve_range_bp",
        )
    try:
        rate = (
            Decimal(str(floor_rate).strip())
            if floor_rate is not None and not isinstance(floor_rate, bool)
            else None
        )
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or not 0 < rate <= 100 or rate != rate.quantize(Decimal("0.001")):
        raise ValidationFailed(
            _("Give the floor rate as a percentage above 0 and at most 100, with up to 3 decimals."),
            field="floor_rate",
        )
    return range_bp, rate.quantize(Decimal("0.001"))


def _scoring_rules(rules) -> dict | None:
    if rules in (None, "", {}):
        return None
    try:
        return scoring.rule_set_clean(rules)
    except scoring.RuleSetError as exc:
        raise ValidationFailed(
            _("The scoring rule set is not valid: %(why)s.") % {"why": exc}, field="scoring_rules"
        ) from None


@transaction.atomic
def tender_publish(
    *,
    actor: User,
    title: str,
    items: list[dict],
    budget: int,
    base_price: int,
    award_method: str,
    categories: list[str],
    deadline: dt.datetime,
    opening_at: dt.datetime,
    committee: list[User],
    description: str = "",
    documents: list[dict] = (),
    reserve_range_bp: int | None = None,
    floor_rate: Decimal | str | None = None,
    scoring_rules: dict | None = None,
) -> Tender:
    """Publish a tender notice of the actor's agency (role `registrar`).

    An opening key pair is made for it; the public key is stored and published, the private
    key is split into three Shamir shares (any two open) waiting for the three committee
    members to collect them (`committee_share_collect`, once each). Bids are taken only once
    all three are collected.

    The multiple reserve price method needs `reserve_range_bp` (the range around the base
    price, basis points: 200 = ±2%) and `floor_rate` (낙찰하한율, %, e.g. "87.745"); a random
    seed is drawn, its SHA-256 published and the seed kept encrypted until the opening.
    `scoring_rules` (optional, any method) is a qualification rule set (`scoring`)."""
    require_role(actor, PROCUREMENT_ROLE)
    now = timezone.now()
    title = require_text(title, "title", label=_("Title"), max_length=200)
    description = (description or "").strip()[:5000]
    items = _items(items)
    budget = _amount(budget, "budget", _("The budget"))
    base_price = _amount(base_price, "base_price", _("The base price"))
    if base_price > budget:
        raise ValidationFailed(_("The base price cannot exceed the budget."), field="base_price")
    if award_method not in Tender.AwardMethod.values:
        raise ValidationFailed(_("Choose an award method."), field="award_method")
    categories = categories_clean(categories)
    deadline = _when(deadline, "deadline")
    if deadline < now + dt.timedelta(days=NOTICE_MIN_DAYS):
        raise ValidationFailed(
            _("The deadline must be at least %(days)d days after publication.") % {"days": NOTICE_MIN_DAYS},
            field="deadline",
        )
    opening_at = _when(opening_at, "opening_at")
    if opening_at < deadline:
        raise ValidationFailed(_("The opening cannot be before the deadline."), field="opening_at")
    documents = _documents(documents)
    reserve_range_bp, floor_rate = _reserve_terms(award_method, reserve_range_bp, floor_rate)
    scoring_rules = _scoring_rules(scoring_rules)
    members = _committee(actor, committee)

    point, shares = crypto.opening_key_generate()
    tender = Tender.objects.create(
        number=f"tmp-{secrets.token_hex(8)}",  # the real number needs the id
        agency_id=actor.agency_id,
        title=title,
        description=description,
        items=items,
        budget=budget,
        base_price=base_price,
        award_method=award_method,
        categories=categories,
        documents=documents,
        deadline=deadline,
        opening_at=opening_at,
        opening_public_key=point,
        published_at=now,
        published_by=actor,
        reserve_range_bp=reserve_range_bp,
        floor_rate=floor_rate,
        scoring_rules=scoring_rules,
    )
    tender.number = f"{timezone.localtime(now):%Y%m%d}-{tender.pk:05d}"  # the date in the local time zone
    if reserve_range_bp:
        seed = secrets.token_bytes(32)
        tender.reserve_seed_commitment = reserve.seed_commitment(seed)
        tender.reserve_seed_sealed = crypto.reserve_seed_seal(seed, tender_id=tender.pk)
        del seed
    tender.save(update_fields=["number", "reserve_seed_commitment", "reserve_seed_sealed"])
    for member, share in zip(members, shares, strict=True):
        CommitteeMember.objects.create(
            tender=tender,
            official=member,
            index=int(share.split(":")[0]),
            share_sha256=crypto.share_digest(share),
            pending_share=crypto.share_seal(share, tender_id=tender.pk),
        )
    audit_record(
        actor=actor,
        action="procurement.tender_publish",
        obj=tender,
        after={
            "number": tender.number,
            "base_price": base_price,
            "deadline": deadline.isoformat(),
            "committee": [m.pk for m in members],
            "reserve_range_bp": reserve_range_bp,
            "floor_rate": str(floor_rate) if floor_rate is not None else None,
            "reserve_seed_commitment": tender.reserve_seed_commitment,
            "scoring_rules": scoring_rules,
        },
    )
    return tender


def _require_not_cancelled(tender: Tender) -> None:
    if tender.state == Tender.State.CANCELLED:
        raise Conflict(_("This notice is cancelled."), field="tender", code="cancelled")


_AMENDABLE = (
    "title",
    "description",
    "items",
    "budget",
    "base_price",
    "categories",
    "documents",
    "deadline",
    "opening_at",
)


@transaction.atomic
def tender_amend(*, actor: User, number: str, reason: str, **changes) -> TenderAmendment:
    """Amend a published notice before its deadline, with a public reason. After the amendment
    the deadline must be at least `AMENDMENT_MIN_DAYS` days away (move it in the same call)."""
    tender = tender_get_for(actor=actor, number=number, lock=True)
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    unknown = set(changes) - set(_AMENDABLE)
    if unknown:
        raise ValidationFailed(_("This cannot be amended."), field=sorted(unknown)[0])
    reason = require_text(reason, "reason", label=_("Reason"))
    now = timezone.now()
    _require_not_cancelled(tender)
    if tender.state != Tender.State.PUBLISHED or now >= tender.deadline:
        raise Conflict(_("A notice cannot be amended after its deadline."), field="deadline")
    clean = {
        "title": lambda v: require_text(v, "title", label=_("Title"), max_length=200),
        "description": lambda v: (v or "").strip()[:5000],
        "items": _items,
        "budget": lambda v: _amount(v, "budget", _("The budget")),
        "base_price": lambda v: _amount(v, "base_price", _("The base price")),
        "categories": categories_clean,
        "documents": _documents,
        "deadline": lambda v: _when(v, "deadline"),
        "opening_at": lambda v: _when(v, "opening_at"),
    }
    diff = {}
    for field, value in changes.items():
        if value is None:
            continue
        value = clean[field](value)
        if value != getattr(tender, field):
            diff[field] = (getattr(tender, field), value)
            setattr(tender, field, value)
    if not diff:
        raise ValidationFailed(_("The amendment changes nothing."), field="reason")
    if tender.base_price > tender.budget:
        raise ValidationFailed(_("The base price cannot exceed the budget."), field="base_price")
    if tender.deadline < now + dt.timedelta(days=AMENDMENT_MIN_DAYS):
        raise ValidationFailed(
            _("After an amendment the deadline must be at least %(days)d days away: move it.")
            % {"days": AMENDMENT_MIN_DAYS},
            field="deadline",
        )
    if tender.opening_at < tender.deadline:
        raise ValidationFailed(_("The opening cannot be before the deadline."), field="opening_at")
    tender.save(update_fields=list(diff))
    jsonable = {
        k: [v.isoformat() if isinstance(v, dt.datetime) else v for v in pair] for k, pair in diff.items()
    }
    amendment = TenderAmendment.objects.create(
        tender=tender, changes=jsonable, reason=reason, amended_by=actor, amended_at=now
    )
    audit_record(
        actor=actor,
        action="procurement.tender_amend",
        obj=tender,
        before={k: v[0] for k, v in jsonable.items()},
        after={k: v[1] for k, v in jsonable.items()},
        reason=reason,
    )
    return amendment


@transaction.atomic
def tender_cancel(*, actor: User, number: str, reason: str) -> Tender:
    """Cancel a published notice before its opening (취소공고), with a public reason.

    The tender never opens: the committee shares still on the server (waiting for their member,
    or handed in for the opening) and the sealed reserve price seed are erased, so its live bids
    stay sealed for good; no bid is taken or withdrawn any more."""
    tender = tender_get_for(actor=actor, number=number, lock=True)
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    if tender.state != Tender.State.PUBLISHED:
        raise Conflict(
            particles_resolve(
                _(
                    "Tender %(number)s is %(state)s: only a published notice can be cancelled, "
                    "before its opening."
                )
                % {"number": tender.number, "state": tender.get_state_display()}
            ),
            field="state",
        )
    reason = require_text(reason, "reason", label=_("Reason"))
    now = timezone.now()
    tender.state = Tender.State.CANCELLED
    tender.cancelled_at = now
    tender.cancelled_by = actor
    tender.cancel_reason = reason
    tender.reserve_seed_sealed = None
    tender.save(
        update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason", "reserve_seed_sealed"]
    )
    erased = list(
        CommitteeMember.objects.filter(tender=tender)
        .filter(Q(pending_share__isnull=False) | Q(submitted_share__isnull=False))
        .values_list("index", flat=True)
    )
    CommitteeMember.objects.filter(tender=tender).update(pending_share=None, submitted_share=None)
    audit_record(
        actor=actor,
        action="procurement.tender_cancel",
        obj=tender,
        before={"state": Tender.State.PUBLISHED},
        after={"state": tender.state, "cancelled_at": now.isoformat(), "shares_erased": erased},
        reason=reason,
    )
    return tender


@transaction.atomic
def clarification_ask(*, actor: User, number: str, question: str) -> Clarification:
    """A business user asks a public question about an open notice (the asker is not shown)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_business:
        raise PermissionDenied(_("Only a business representative can ask."))
    tender = Tender.objects.filter(number=lookup_text(number)).first()
    if tender is None:
        raise NotFound(_("No such tender."), field="tender")
    _require_not_cancelled(tender)
    if tender.state != Tender.State.PUBLISHED or timezone.now() >= tender.deadline:
        raise Conflict(_("Questions close at the deadline."), field="question")
    question = require_text(question, "question", label=_("Question"), max_length=4000)
    item = Clarification.objects.create(
        tender=tender, question=question, asked_by=actor, asked_at=timezone.now()
    )
    audit_record(actor=actor, action="procurement.clarification_ask", obj=item)
    return item


@transaction.atomic
def clarification_answer(*, actor: User, clarification_id: int, answer: str) -> Clarification:
    """The tender's agency answers a question, publicly."""
    item = Clarification.objects.select_for_update().filter(pk=clarification_id).first()
    if item is None or item.tender.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such question."), field="clarification")
    require_role(actor, PROCUREMENT_ROLE, agency_id=item.tender.agency_id)
    if item.answered_at:
        raise Conflict(_("This question is already answered."), field="answer")
    item.answer = require_text(answer, "answer", label=_("Answer"), max_length=4000)
    item.answered_by = actor
    item.answered_at = timezone.now()
    item.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="procurement.clarification_answer", obj=item)
    return item


@transaction.atomic
def committee_share_collect(*, actor: User, number: str) -> str:
    """A committee member's share of the opening key, shown this once and then erased."""
    member = (
        CommitteeMember.objects.select_for_update()
        .select_related("tender")
        .filter(tender__number=lookup_text(number), official_id=getattr(actor, "pk", None))
        .first()
    )
    if member is None:
        raise NotFound(_("You are not on this tender's opening committee."), field="tender")
    if member.tender.state == Tender.State.CANCELLED:
        raise Conflict(
            _("This notice is cancelled: its shares are erased."), field="tender", code="cancelled"
        )
    if member.collected_at:
        raise Conflict(_("Your share was already shown once; it is not kept."), field="share")
    share = crypto.share_unseal(member.pending_share, tender_id=member.tender_id)
    member.pending_share = None
    member.collected_at = timezone.now()
    member.save(update_fields=["pending_share", "collected_at"])
    audit_record(
        actor=actor,
        action="procurement.committee_share_collect",
        obj=member.tender,
        after={"index": member.index},
    )
    return share
