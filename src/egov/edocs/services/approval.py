"""The approval line (결재선): submission, review (검토), cooperation (협조), approval (결재),
approval under the agency's delegation table (전결), by a substitute (대결) with the approver's
post-approval (후결), return with a comment (반려) and withdrawal by the drafter (회수).

Only the officials on the line act, each in turn: the kernel's `case_lock_for` checks the
agency and the state under the row lock, `_turn` then checks that the actor is the official
whose turn it is (or, for the approver, their substitute today). Each act is signed with the
official's own key (`edocs.signatures.official_sign`) over the document's content hash, and
the final approval gives the department's next registration number (생산등록번호) without gaps.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import has_role
from egov.accounts.services.step_up import StepUp
from egov.cases.services import case_lock_for, case_refused, case_serial_allocate, case_transition
from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.edocs.models import ApprovalStep, DelegationRule, OfficialDocument, Position, Substitute
from egov.edocs.procedure import DOCUMENT, OFFICE_ROLES
from egov.edocs.services.common import COMMENT_MAX, content_hash, post_of
from egov.edocs.services.issuing import document_pdf_issue
from egov.edocs.signatures import official_sign


def required_position(document: OfficialDocument) -> int:
    """The lowest rank that may finally approve the document under its agency's delegation
    table; the head of the agency when the table has no line for its kind."""
    rule = DelegationRule.objects.filter(agency_id=document.agency_id, kind=document.kind).first()
    return rule.position if rule is not None else Position.HEAD


def retention_until(retention: str, year: int):
    """The day a record's retention has ended: retention counts from 1 January of the year after
    it was produced (공공기록물법 시행령 제26조 ②; 조문 미확인), so a 1-year record of 2026 may
    be appraised from 1 January 2028. None for semi-permanent, permanent or no retention."""
    import datetime as dt

    if not retention or not retention.isdigit():
        return None
    return dt.date(year + 1 + int(retention), 1, 1)


def registration_scope(department_id: int) -> str:
    return f"registration:{department_id}"


def _sign_step(step: ApprovalStep, signer, action: str, document: OfficialDocument, at, step_up) -> None:
    text, signature, kid = official_sign(
        signer,
        {
            "document": document.number,
            "version": document.version,
            "content_sha256": document.content_sha256,
            "order": step.order,
            "role": step.role,
            "action": action,
            "official": step.official_id,
            "signer": signer.pk,
            "at": at.isoformat(),
        },
        step_up=step_up,
    )
    step.signed, step.signature, step.kid = text, signature, kid


def document_submit(*, actor, document: OfficialDocument, step_up: StepUp | None) -> OfficialDocument:
    """The drafter submits the draft (or the returned document) to its line (상신), signing it
    as drafter (with their fresh `step_up`, see edocs.signatures); the first official on the
    line has it in their inbox. Refused when the approver ranks below what the agency's
    delegation table asks for the document's kind."""
    from django.db import transaction

    with transaction.atomic():
        document = case_lock_for(actor=actor, case=document, action="submit")
        steps = list(document.steps.order_by("order"))
        approver = steps[-1]
        if approver.position < required_position(document):
            raise ValidationFailed(
                _("Under the delegation table, %(position)s or above approves this kind of document.")
                % {"position": Position(required_position(document)).label},
                field="approval_line",
            )
        now = timezone.now()
        document.content_sha256 = content_hash(document)
        for step in steps:
            step.outcome, step.acted_by, step.acted_at, step.comment = (
                ApprovalStep.Outcome.PENDING,
                None,
                None,
                "",
            )
            step.signed = step.signature = step.kid = ""
        drafter = steps[0]
        drafter.outcome, drafter.acted_by, drafter.acted_at = ApprovalStep.Outcome.APPROVED, actor, now
        _sign_step(drafter, actor, "submit", document, now, step_up)
        ApprovalStep.objects.bulk_update(
            steps, ["outcome", "acted_by", "acted_at", "comment", "signed", "signature", "kid"]
        )
        document.current_order = 1
        document.submitted_at = document.submitted_at or now
        case_transition(
            actor=actor,
            case=document,
            action="submit",
            fields=["content_sha256", "current_order", "submitted_at"],
            notify=False,
            data={"content_sha256": document.content_sha256, "kid": drafter.kid},
            after={"content_sha256": document.content_sha256},
        )
    return document


def _substitutes_today(official_id: int, actor_id: int) -> bool:
    today = timezone.localdate()
    return Substitute.objects.filter(
        official_id=official_id, substitute_id=actor_id, starts_on__lte=today, ends_on__gte=today
    ).exists()


def _turn(actor, document: OfficialDocument, action: str) -> tuple[ApprovalStep, bool]:
    """The step whose turn it is and whether the actor takes it as a substitute; NotFound to an
    official who is not on the line (nor the approver's substitute), Conflict to one whose turn
    has not come or has passed."""
    steps = {s.order: s for s in document.steps.select_related("official")}
    step = steps.get(document.current_order or -1)
    if step is None:
        raise Conflict(_("Nobody is to act on this document now."), field="document", code="wrong_state")
    if step.official_id == actor.pk:
        return step, False
    if step.role == ApprovalStep.Role.APPROVE and _substitutes_today(step.official_id, actor.pk):
        return step, True
    if any(s.official_id == actor.pk for s in steps.values()):
        raise Conflict(_("It is not your turn on the approval line."), field="document", code="not_your_turn")
    post = post_of(actor)
    if post.department_id == document.department_id:
        raise PermissionDenied(_("Only the officials on the approval line act on this document."))
    case_refused(actor, DOCUMENT, f"{action} by an official not on the line", case_id=document.pk)
    raise NotFound(_("No such official document."), field="number")


def _lock_on_line(actor, document: OfficialDocument, action: str) -> OfficialDocument:
    """The document locked for a step on its line. Officials of the drafting agency go through
    the kernel's check (`case_lock_for`); an official of another agency reaches the document
    only as a cooperator (협조) on its line — NotFound to any other — and needs an office role
    like everyone on a line."""
    if getattr(actor, "agency_id", None) == document.agency_id or not getattr(actor, "is_official", False):
        return case_lock_for(actor=actor, case=document, action=action, check_state=False)
    locked = OfficialDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if not locked.steps.filter(official=actor, role=ApprovalStep.Role.COOPERATE).exists():
        case_refused(actor, DOCUMENT, f"{action} on another agency's document", case_id=locked.pk)
        raise NotFound(_("No such official document."), field="number")
    post_of(actor)
    if not any(has_role(actor, role) for role in OFFICE_ROLES):
        raise PermissionDenied(_("This step needs another role."))
    return locked


def _in_approval(actor, document: OfficialDocument, action: str) -> None:
    if document.state == OfficialDocument.State.IN_APPROVAL:
        return
    if actor.agency_id == document.agency_id:
        case_lock_for(actor=actor, case=document, action=action)  # words the refusal
    raise Conflict(
        _("The document is %(state)s; this cannot be done now.") % {"state": document.get_state_display()},
        field="document",
        code="wrong_state" if document.is_open else "closed",
    )


def document_sign(
    *, actor, document: OfficialDocument, step_up: StepUp | None, comment: str = ""
) -> OfficialDocument:
    """The official whose turn it is signs (with their fresh `step_up`): a reviewer's review
    (검토), a cooperator's cooperation (협조) or the approver's approval (결재) — which is
    approval under delegation (전결) when the approver ranks below the head of the agency, or
    approval by a substitute (대결) when the approver's substitute takes it. The final approval
    registers the document with its department's next registration number; an internal
    document is then enforced at once (its signed PDF issued through `documents`)."""
    from django.db import transaction

    comment = (comment or "").strip()[:COMMENT_MAX]
    with transaction.atomic():
        document = _lock_on_line(actor, document, "review")
        _in_approval(actor, document, "review")
        step, substitute = _turn(actor, document, "sign")
        now = timezone.now()
        if step.role == ApprovalStep.Role.APPROVE:
            if substitute:
                action, outcome = "approve_substitute", ApprovalStep.Outcome.SUBSTITUTED
            elif step.position < Position.HEAD:
                action, outcome = "approve_delegated", ApprovalStep.Outcome.DELEGATED
            else:
                action, outcome = "approve", ApprovalStep.Outcome.APPROVED
            if step.position < required_position(document):
                raise Conflict(
                    _("The delegation table no longer lets this approver approve it; return it."),
                    field="document",
                    code="delegation",
                )
        else:
            action, outcome = step.role, ApprovalStep.Outcome.APPROVED
        step.outcome, step.acted_by, step.acted_at, step.comment = outcome, actor, now, comment
        _sign_step(step, actor, action, document, now, step_up)
        step.save(update_fields=["outcome", "acted_by", "acted_at", "comment", "signed", "signature", "kid"])
        fields = ["current_order"]
        data = {"order": step.order, "kid": step.kid, "official": step.official_id}
        if step.role != ApprovalStep.Role.APPROVE:
            document.current_order = step.order + 1
            case_transition(
                actor=actor,
                case=document,
                action=action,
                fields=fields,
                note=comment,
                data=data,
                notify=False,
            )
            return document
        document.current_order = None
        document.approved_at = now
        serial = case_serial_allocate(
            procedure=DOCUMENT, scope=registration_scope(document.department_id), at=now
        )
        document.registration_year = timezone.localdate(now).year
        document.registration_serial = serial
        document.registration_number = f"{document.department.name_ko}-{serial}"
        document.retention_until = retention_until(document.retention, document.registration_year)
        fields += [
            "approved_at",
            "registration_year",
            "registration_serial",
            "registration_number",
            "retention_until",
        ]
        if document.internal:
            document.enforced_on = timezone.localdate(now)
            fields.append("enforced_on")
        case_transition(
            actor=actor,
            case=document,
            action=action,
            fields=fields,
            note=comment,
            data={**data, "registration_number": document.registration_number},
            after={"registration_number": document.registration_number},
            notify_note=_("Approved and registered as %(number)s.")
            % {"number": document.registration_number},
        )
        if document.internal:
            document_pdf_issue(actor=actor, document=document)
    return document


def document_return(*, actor, document: OfficialDocument, comment: str) -> OfficialDocument:
    """The official whose turn it is returns the document to the drafter with a comment (반려);
    the drafter may edit it and submit it again, the line starting from its first official."""
    from django.db import transaction

    from egov.core.checks import require_text

    comment = require_text(comment, "comment", label=_("The reason for returning"), max_length=COMMENT_MAX)
    with transaction.atomic():
        document = _lock_on_line(actor, document, "return")
        _in_approval(actor, document, "return")
        step, _substitute = _turn(actor, document, "return")
        step.outcome, step.acted_by, step.acted_at, step.comment = (
            ApprovalStep.Outcome.RETURNED,
            actor,
            timezone.now(),
            comment,
        )
        step.save(update_fields=["outcome", "acted_by", "acted_at", "comment"])
        document.current_order = None
        case_transition(
            actor=actor,
            case=document,
            action="return",
            fields=["current_order"],
            note=comment,
            reason=comment,
            data={"order": step.order},
        )
    return document


def document_withdraw(*, actor, document: OfficialDocument, reason: str = "") -> OfficialDocument:
    """The drafter withdraws a draft, a returned document or one in approval that nobody on the
    line has signed yet (회수); it stays on record, withdrawn."""
    from django.db import transaction

    reason = (reason or "").strip()[:COMMENT_MAX]
    with transaction.atomic():
        document = case_lock_for(actor=actor, case=document, action="withdraw")
        if (
            document.state == OfficialDocument.State.IN_APPROVAL
            and document.steps.filter(order__gt=0, acted_at__isnull=False).exists()
        ):
            raise Conflict(
                _("An official on the line has already signed; ask them to return it."),
                field="document",
                code="signed",
            )
        document.current_order = None
        case_transition(
            actor=actor,
            case=document,
            action="withdraw",
            fields=["current_order"],
            note=reason,
            reason=reason,
            notify=False,
        )
    return document


def document_post_approve(
    *, actor, document: OfficialDocument, step_up: StepUp | None, comment: str = ""
) -> OfficialDocument:
    """The approver, back, post-approves (후결) what their substitute approved for them, signing
    it with their own key (with their fresh `step_up`). Only that approver, once."""
    from django.db import transaction

    comment = (comment or "").strip()[:COMMENT_MAX]
    post_of(actor)
    with transaction.atomic():
        document = case_lock_for(actor=actor, case=document, action="post_approve")
        step = document.steps.filter(role=ApprovalStep.Role.APPROVE).first()
        if step is None or step.official_id != actor.pk:
            if not document.steps.filter(official=actor).exists():
                case_refused(
                    actor, DOCUMENT, "post-approval by an official not on the line", case_id=document.pk
                )
                raise NotFound(_("No such official document."), field="number")
            raise PermissionDenied(_("Only the approver post-approves."))
        if step.outcome != ApprovalStep.Outcome.SUBSTITUTED or step.post_approved_at is not None:
            raise Conflict(
                _("There is nothing for you to post-approve."), field="document", code="wrong_state"
            )
        now = timezone.now()
        text, signature, kid = official_sign(
            actor,
            {
                "document": document.number,
                "version": document.version,
                "content_sha256": document.content_sha256,
                "order": step.order,
                "action": "post_approve",
                "official": actor.pk,
                "at": now.isoformat(),
                "substitute_signature": step.signature,
            },
            step_up=step_up,
        )
        step.post_approved_at, step.post_signature, step.post_kid = now, f"{text}\n{signature}", kid
        step.save(update_fields=["post_approved_at", "post_signature", "post_kid"])
        case_transition(
            actor=actor, case=document, action="post_approve", note=comment, data={"kid": kid}, notify=False
        )
    return document
