"""The contract after the award, its milestones, delivery acceptance and payments.

- `contract_issue`: the buying agency's registrar issues the contract of an awarded tender —
  amount = the awarded amount, a period and the terms — as a signed document
  (`procurement.contract`, through `documents.services.document_issue`, the supplier's business
  as its subject, so its representatives find it among their documents).
- `milestone_add`: a delivery with its due date and amount; the milestones not rejected never
  add up to more than the contract amount.
- `milestone_decide`: the agency accepts or rejects a delivery once, with a note (a rejected
  delivery is replaced by a new milestone, so every published release stays true).
- `payment_record`: a payment against an accepted milestone, at most what is left of it.
  The contract is completed when its milestones cover the contract amount and are all paid.

Only the buying agency's registrar acts (`PROCUREMENT_ROLE`); another agency's official gets
`NotFound`. Every change is one transaction, audited.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.permissions import agency_scope_ids, require_role
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.documents.services import document_issue, document_pdf_discard
from egov.exchange.services import shared_item_fetch
from egov.procurement.models import Award, Contract, Milestone, Payment, Tender
from egov.procurement.selectors import clearance_grant_of, lookup_text, tender_get_for
from egov.procurement.services.tenders import PROCUREMENT_ROLE, _amount

CONTRACT_DOC_TYPE = "procurement.contract"
MAX_CONTRACT_YEARS = 10


def contract_number_of(tender: Tender) -> str:
    return f"{tender.number}-C"


def _date(value, field: str) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Give a date (YYYY-MM-DD)."), field=field)
    return value


def _contract_for(*, actor: User, number: str, lock: bool = False) -> Contract:
    """The contract `number` as its agency's registrar sees it; NotFound for another agency's."""
    contracts = Contract.objects.select_for_update() if lock else Contract.objects
    contract = contracts.filter(number=lookup_text(number)).first()
    if contract is None:
        raise NotFound(_("No such contract."), field="contract")
    tender = Tender.objects.select_related("agency").get(pk=contract.tender_id)
    if tender.agency_id not in agency_scope_ids(actor):
        raise NotFound(_("No such contract."), field="contract")
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    contract.tender = tender
    return contract


def _require_active(contract: Contract) -> None:
    if contract.state != Contract.State.ACTIVE:
        raise Conflict(_("This contract is completed."), field="contract")


def _payload(contract: Contract, tender: Tender, award: Award) -> dict:
    business = contract.supplier.business
    terms = contract.terms
    return {
        "contract": contract.number,
        "tender": tender.number,
        "title": tender.title,
        "buyer": {
            "code": tender.agency.code,
            "name_ko": tender.agency.name_ko,
            "name_en": tender.agency.name_en,
        },
        "supplier": {"brn": business.brn, "name": business.name},
        "amount": contract.amount,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "items": tender.items,
        "award_reason": award.reason,
        "terms": terms,
        "terms_lines": [line for line in terms.splitlines() if line.strip()],
    }


TAX_CLEARANCE = "tax.clearance"  # the shared item; also named in selectors.clearance_grant_of
CLEARANCE_PURPOSE = "계약 체결 전 납세사실 확인 (tax clearance before the contract)"


def supplier_tax_clearance(*, actor: User, business, tender: Tender, grant) -> dict:
    """Whether the awarded supplier has tax in arrears, fetched from the National Tax Service
    through `exchange` (shared item `tax.clearance`, about the business's representative, under
    the buying agency's approved `grant`) instead of asking the supplier for a 납세증명서.
    Conflict naming `tax_clearance` when the business is in arrears."""
    data, entry = shared_item_fetch(
        actor=actor, item=TAX_CLEARANCE, subject=business.representative.rrn_reveal(),
        purpose=CLEARANCE_PURPOSE, basis=f"grant:{grant.pk}", fields=["businesses"],
        case_ref=contract_number_of(tender),
    )  # fmt: skip
    found = next((b for b in data.get("businesses", []) if b.get("brn") == business.brn_formatted), None)
    if found is None or not found.get("clear"):
        raise Conflict(
            _("The supplier has national tax in arrears; the contract cannot be signed until it is paid."),
            field="tax_clearance",
            code="tax_arrears",
        )
    return {
        "checked": True, "method": "exchange", "clear": True, "as_of": data.get("as_of"),
        "access_log_entry": entry.pk,
    }  # fmt: skip


def paper_clearance(*, actor: User, document: str, checked_on) -> dict:
    """The official's record of a paper 납세증명서 they checked (when the agency has no grant for
    `tax.clearance`): who, on which day, and the certificate's issuance number."""
    if not (document or "").strip():
        raise ValidationFailed(
            _(
                "Your agency cannot check tax clearance through the data exchange: check the "
                "supplier's tax clearance certificate and give its issuance number."
            ),
            field="clearance_document",
            code="tax_clearance_required",
        )
    document = require_text(document, "clearance_document", label=_("Certificate number"), max_length=100)
    if checked_on in (None, ""):
        raise ValidationFailed(_("Give the day you checked the certificate."), field="clearance_checked_on")
    day = _date(checked_on, "clearance_checked_on")
    if day > timezone.localdate():
        raise ValidationFailed(_("The day of the check is not in the future."), field="clearance_checked_on")
    return {
        "checked": True, "method": "paper", "document": document, "checked_on": day.isoformat(),
        "checked_by": actor.pk, "checked_by_name": actor.get_full_name() or actor.username,
        "recorded_at": timezone.now().isoformat(),
    }  # fmt: skip


def contract_issue(
    *, actor: User, number: str, start_date, end_date, terms: str, language: str = "ko",
    clearance_document: str = "", clearance_checked_on=None,
) -> Contract:  # fmt: skip
    """Issue the contract of the awarded tender `number` (the agency's registrar): the amount is
    the awarded amount; the signed document is issued in `language` (ko or en).

    The supplier's tax clearance is checked first, and no contract is issued without it: with
    the agency's grant for `tax.clearance` it is fetched through `exchange`
    (`supplier_tax_clearance`, in its own transaction, so the read stays in the access log even
    when the contract is refused for arrears); without a grant the registrar records the paper
    certificate they checked (`clearance_document`, `clearance_checked_on`; `paper_clearance`),
    and without either the contract is refused (field `clearance_document`)."""
    tender = tender_get_for(actor=actor, number=number)
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    award = (
        Award.objects.select_related("bid__supplier__business__representative").filter(tender=tender).first()
    )
    clearance = None
    if award is not None and not Contract.objects.filter(tender=tender).exists():
        grant = clearance_grant_of(actor=actor)
        if grant is not None:
            business = award.bid.supplier.business
            clearance = supplier_tax_clearance(actor=actor, business=business, tender=tender, grant=grant)
        else:
            clearance = paper_clearance(
                actor=actor, document=clearance_document, checked_on=clearance_checked_on
            )
    return _contract_issue(
        actor=actor, number=number, start_date=start_date, end_date=end_date, terms=terms, language=language,
        clearance=clearance,
    )  # fmt: skip


@transaction.atomic
def _contract_issue(
    *, actor: User, number: str, start_date, end_date, terms: str, language: str, clearance: dict | None
) -> Contract:
    tender = tender_get_for(actor=actor, number=number, lock=True)
    require_role(actor, PROCUREMENT_ROLE, agency_id=tender.agency_id)
    award = Award.objects.select_related("bid__supplier__business").filter(tender=tender).first()
    if award is None:
        raise Conflict(_("A contract follows the award: this tender is not awarded."), field="tender")
    if Contract.objects.filter(tender=tender).exists():
        raise Conflict(_("This tender's contract is already issued."), field="tender")
    if clearance is None:  # awarded between the check and the lock: check again
        raise Conflict(_("The tender changed meanwhile; try again."), field="tender")
    start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
    if end < start:
        raise ValidationFailed(_("The contract ends on or after its start."), field="end_date")
    if (end - start).days > 366 * MAX_CONTRACT_YEARS:
        raise ValidationFailed(
            _("A contract runs at most %(years)d years.") % {"years": MAX_CONTRACT_YEARS}, field="end_date"
        )
    if start < timezone.localdate(award.awarded_at):
        raise ValidationFailed(_("The contract starts on or after the award date."), field="start_date")
    if (start - timezone.localdate(award.awarded_at)).days > 366 * MAX_CONTRACT_YEARS:
        raise ValidationFailed(
            _("A contract starts at most %(years)d years after the award.") % {"years": MAX_CONTRACT_YEARS},
            field="start_date",
        )
    terms = require_text(terms, "terms", label=_("Terms"), max_length=10_000)
    if language not in ("ko", "en"):
        raise ValidationFailed(_("Choose Korean or English."), field="language")
    contract = Contract(
        number=contract_number_of(tender),
        tender=tender,
        award=award,
        supplier=award.bid.supplier,
        amount=award.amount,
        start_date=start,
        end_date=end,
        terms=terms,
        issued_by=actor,
    )
    contract.document = document_issue(
        actor=actor,
        doc_type=CONTRACT_DOC_TYPE,
        subject=contract.supplier.business,
        payload=_payload(contract, tender, award),
        agency=tender.agency,
        language=language,
    )
    contract.issued_at = timezone.now()  # the document's time is cut to the second
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        _discard_pdf(contract.document)
        raise Conflict(_("This tender's contract is already issued."), field="tender") from None
    audit_record(
        actor=actor,
        action="procurement.contract_issue",
        obj=contract,
        after={
            "tender": tender.number,
            "supplier": contract.supplier.business.brn,
            "amount": contract.amount,
            "period": [start.isoformat(), end.isoformat()],
            "document": contract.document.number,
            "tax_clearance": clearance,
        },
    )
    return contract


def _discard_pdf(document) -> None:
    """The signed PDF of a document whose row is rolled back with the contract."""
    document_pdf_discard(document)


def _committed(contract: Contract, *, exclude: int | None = None) -> int:
    milestones = Milestone.objects.filter(contract=contract).exclude(state=Milestone.State.REJECTED)
    if exclude is not None:
        milestones = milestones.exclude(pk=exclude)
    return milestones.aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def milestone_add(*, actor: User, contract: str, description: str, due_date, amount) -> Milestone:
    """Add a delivery milestone to the active contract `contract` (its number); the milestones
    not rejected add up to at most the contract amount."""
    found = _contract_for(actor=actor, number=contract, lock=True)
    _require_active(found)
    description = require_text(description, "description", label=_("Description"), max_length=200)
    due = _date(due_date, "due_date")
    if not found.start_date <= due <= found.end_date:
        raise ValidationFailed(
            _("The due date is within the contract period (%(start)s – %(end)s).")
            % {"start": found.start_date, "end": found.end_date},
            field="due_date",
        )
    amount = _amount(amount, "amount", _("The amount"))
    left = found.amount - _committed(found)
    if amount > left:
        raise ValidationFailed(
            _("The milestones would exceed the contract amount: at most %(left)s won is left.")
            % {"left": f"{left:,}"},
            field="amount",
        )
    milestone = Milestone.objects.create(
        contract=found,
        description=description,
        due_date=due,
        amount=amount,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="procurement.milestone_add",
        obj=milestone,
        after={"contract": found.number, "due_date": due.isoformat(), "amount": amount},
    )
    return milestone


def _milestone_for(*, actor: User, milestone_id) -> Milestone:
    if isinstance(milestone_id, bool) or not isinstance(milestone_id, int):
        raise NotFound(_("No such milestone."), field="milestone")
    milestone = Milestone.objects.filter(pk=milestone_id).select_related("contract").first()
    if milestone is None:
        raise NotFound(_("No such milestone."), field="milestone")
    try:
        contract = _contract_for(actor=actor, number=milestone.contract.number, lock=True)
    except NotFound:
        raise NotFound(_("No such milestone."), field="milestone") from None
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.contract = contract
    return milestone


@transaction.atomic
def milestone_decide(*, actor: User, milestone_id: int, accepted: bool, note: str = "") -> Milestone:
    """Accept or reject the delivery of a milestone (once), with a note; a rejection needs one."""
    milestone = _milestone_for(actor=actor, milestone_id=milestone_id)
    _require_active(milestone.contract)
    if not isinstance(accepted, bool):
        raise ValidationFailed(_("Accept or reject the delivery."), field="accepted")
    if milestone.state != Milestone.State.PENDING:
        raise Conflict(
            _("This delivery was already %(state)s.") % {"state": milestone.get_state_display().lower()},
            field="milestone",
        )
    if accepted:
        note = str(note or "").strip()
        if len(note) > 2000:
            raise ValidationFailed(_("The note is at most 2000 characters."), field="note")
    else:
        note = require_text(note, "note", label=_("Note"), max_length=2000)
    milestone.state = Milestone.State.ACCEPTED if accepted else Milestone.State.REJECTED
    milestone.note = note
    milestone.decided_by = actor
    milestone.decided_at = timezone.now()
    milestone.save(update_fields=["state", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="procurement.milestone_decide",
        obj=milestone,
        after={"state": milestone.state},
        reason=note,
    )
    return milestone


def milestone_paid(milestone: Milestone) -> int:
    return Payment.objects.filter(milestone=milestone).aggregate(total=Sum("amount"))["total"] or 0


@transaction.atomic
def payment_record(*, actor: User, milestone_id: int, amount, paid_on, reference: str) -> Payment:
    """Record a payment against an accepted milestone: at most the milestone amount less what is
    already paid, dated from the contract's issue to today. The last payment that leaves every
    milestone paid, with the milestones covering the contract amount, completes the contract."""
    milestone = _milestone_for(actor=actor, milestone_id=milestone_id)
    contract = milestone.contract
    _require_active(contract)
    if milestone.state != Milestone.State.ACCEPTED:
        raise Conflict(_("A payment is recorded against an accepted delivery."), field="milestone")
    amount = _amount(amount, "amount", _("The amount"))
    left = milestone.amount - milestone_paid(milestone)
    if amount > left:
        raise ValidationFailed(
            _("At most %(left)s won of this milestone is left to pay.") % {"left": f"{left:,}"},
            field="amount",
        )
    paid = _date(paid_on, "paid_on")
    today = timezone.localdate()
    if paid > today:
        raise ValidationFailed(
            _("A payment is recorded once made: the date is not in the future."), field="paid_on"
        )
    if paid < timezone.localdate(contract.issued_at):
        raise ValidationFailed(_("A payment is made on or after the contract's date."), field="paid_on")
    reference = require_text(reference, "reference", label=_("Reference"), max_length=100)
    now = timezone.now()
    payment = Payment.objects.create(
        milestone=milestone,
        amount=amount,
        paid_on=paid,
        reference=reference,
        recorded_by=actor,
        recorded_at=now,
    )
    completed = _complete_if_paid(contract, now)
    audit_record(
        actor=actor,
        action="procurement.payment_record",
        obj=payment,
        after={
            "contract": contract.number,
            "milestone": milestone.pk,
            "amount": amount,
            "paid_on": paid.isoformat(),
            "contract_completed": completed,
        },
    )
    return payment


def _complete_if_paid(contract: Contract, now: dt.datetime) -> bool:
    milestones = list(Milestone.objects.filter(contract=contract).exclude(state=Milestone.State.REJECTED))
    if not milestones or sum(m.amount for m in milestones) != contract.amount:
        return False
    paid = dict(
        Payment.objects.filter(milestone__in=milestones)
        .values("milestone")
        .annotate(total=Sum("amount"))
        .values_list("milestone", "total")
    )
    if any(paid.get(m.pk, 0) < m.amount for m in milestones):
        return False
    contract.state = Contract.State.COMPLETED
    contract.completed_at = now
    contract.save(update_fields=["state", "completed_at"])
    return True
