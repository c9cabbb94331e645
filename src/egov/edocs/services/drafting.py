"""Drafting (기안): a document, its recipients, attachments and approval line; edits while it
is a draft or returned; a new version of an approved document (never an edit of it).

Only the drafter acts here (the kernel's applicant): to anyone else the draft does not exist.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.cases.services import (
    case_file_read,
    case_files_atomic,
    case_files_store,
    case_lock_for,
    case_number_allocate,
    case_transition,
)
from egov.core import files as core_files
from egov.core.checks import require_text
from egov.core.errors import Conflict, ValidationFailed
from egov.edocs.attachments import attachments_check
from egov.edocs.models import (
    ApprovalStep,
    Department,
    Disclosure,
    DocumentKind,
    OfficialDocument,
    OfficialPost,
    Recipient,
    UnitTask,
)
from egov.edocs.procedure import DOCUMENT
from egov.edocs.services.common import CONTENT_MAX, TITLE_MAX, post_of
from egov.registry.models import Agency

ATTACHMENT = "attachment"
MAX_RECIPIENTS = 200
MAX_LINE = 12


def _recipients(recipients, *, internal: bool, sender_id: int) -> list[tuple]:
    """[(agency, department, resident, business)]: agencies, departments, and citizens
    (`Resident`) or businesses (`Business`) — those are sent by the drafting agency itself."""
    from egov.registry.models import Business, Resident

    found: list[tuple] = []
    sender = None
    for item in recipients or ():
        if isinstance(item, Department):
            pair = (item.agency, item, None, None)
        elif isinstance(item, Agency):
            pair = (item, None, None, None)
        elif isinstance(item, Resident | Business):
            if isinstance(item, Resident) and item.status == Resident.Status.DECEASED:
                raise ValidationFailed(_("A document is not sent to a deceased person."), field="recipients")
            sender = sender or Agency.objects.get(pk=sender_id)
            pair = (sender, None, item, None) if isinstance(item, Resident) else (sender, None, None, item)
        else:
            raise ValidationFailed(_("Choose each recipient from the list of agencies."), field="recipients")
        if pair not in found:
            found.append(pair)
    if internal and found:
        raise ValidationFailed(_("A document for internal approval has no recipients."), field="recipients")
    if not internal and not found:
        raise ValidationFailed(_("Name at least one recipient."), field="recipients")
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("Send to at most %(n)d recipients.") % {"n": MAX_RECIPIENTS}, field="recipients"
        )
    return found


def _line(actor, agency_id: int, line) -> list[tuple[OfficialPost, str]]:
    """[(post, role)] in order: reviewers of the drafter's agency, cooperators of it or of
    another agency (협조 with another agency), the approver of the drafter's agency last;
    nobody twice, the drafter not at all."""
    steps = list(line or ())
    if not steps or len(steps) > MAX_LINE:
        raise ValidationFailed(
            _("An approval line has 1 to %(n)d officials, the approver last.") % {"n": MAX_LINE},
            field="approval_line",
        )
    out, seen = [], {actor.pk}
    for position, (official, role) in enumerate(steps):
        last = position == len(steps) - 1
        if role not in (ApprovalStep.Role.REVIEW, ApprovalStep.Role.COOPERATE, ApprovalStep.Role.APPROVE):
            raise ValidationFailed(
                _("Each official on the line reviews, cooperates or approves."), field="approval_line"
            )
        if (role == ApprovalStep.Role.APPROVE) != last:
            raise ValidationFailed(
                _("The approver is the last official on the line, and only one."), field="approval_line"
            )
        post = (
            OfficialPost.objects.select_related("department", "official")
            .filter(official_id=getattr(official, "pk", None))
            .first()
            if isinstance(official, User)
            else None
        )
        if post is None or not post.official.is_active or post.department.closed_at is not None:
            raise ValidationFailed(
                _("Choose officials of your agency for the approval line."), field="approval_line"
            )
        if post.department.agency_id != agency_id and role != ApprovalStep.Role.COOPERATE:
            # another agency's official stands on the line only to cooperate (협조)
            raise ValidationFailed(
                _("An official of another agency cooperates; review and approval are your agency's."),
                field="approval_line",
            )
        if post.official_id in seen:
            raise ValidationFailed(_("An official appears on the line twice."), field="approval_line")
        seen.add(post.official_id)
        out.append((post, role))
    return out


def _unit_task(agency_id: int, unit_task) -> dict:
    """The unit task (단위과제) the document is filed under, of the agency's own scheme; required
    once the agency has a scheme. The document keeps the task's retention period."""
    if unit_task is None:
        if UnitTask.objects.filter(agency_id=agency_id).exists():
            raise ValidationFailed(_("Choose the unit task the document is filed under."), field="unit_task")
        return {}
    if not isinstance(unit_task, UnitTask) or unit_task.agency_id != agency_id:
        raise ValidationFailed(_("Choose a unit task of your agency."), field="unit_task")
    return {"unit_task": unit_task, "retention": unit_task.retention}


def _fields(kind, title, content, disclosure, disclosure_ground) -> dict:
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose the kind of document."), field="kind")
    if disclosure not in Disclosure.values:
        raise ValidationFailed(_("Choose the disclosure grade."), field="disclosure")
    ground = (disclosure_ground or "").strip()[:100]
    if disclosure != Disclosure.PUBLIC and not ground:
        raise ValidationFailed(
            _("Give the ground of the Information Disclosure Act for withholding."), field="disclosure_ground"
        )
    return {
        "kind": kind,
        "title": require_text(title, "title", label=_("The title"), max_length=TITLE_MAX),
        "content": require_text(content, "content", label=_("The text"), max_length=CONTENT_MAX),
        "disclosure": disclosure,
        "disclosure_ground": ground if disclosure != Disclosure.PUBLIC else "",
    }


def _write_line(document: OfficialDocument, drafter_post: OfficialPost, line) -> None:
    document.steps.all().delete()  # the line is the draft's, not history: the history is in the events
    rows = [
        ApprovalStep(
            document=document,
            order=0,
            role=ApprovalStep.Role.DRAFT,
            official=drafter_post.official,
            name=drafter_post.display_name,
            title=drafter_post.title,
            position=drafter_post.position,
            department=drafter_post.department,
        )
    ]
    for order, (post, role) in enumerate(line, start=1):
        rows.append(
            ApprovalStep(
                document=document,
                order=order,
                role=role,
                official=post.official,
                name=post.display_name,
                title=post.title,
                position=post.position,
                department=post.department,
            )
        )
    ApprovalStep.objects.bulk_create(rows)


def _write_recipients(document: OfficialDocument, recipients) -> None:
    document.recipients.all().delete()
    Recipient.objects.bulk_create(
        [
            Recipient(
                document=document,
                agency=agency,
                department=department,
                resident=resident,
                business=business,
                position=position,
            )
            for position, (agency, department, resident, business) in enumerate(recipients)
        ]
    )


def document_draft(
    *,
    actor,
    title: str,
    content: str,
    line,
    recipients=(),
    kind: str = DocumentKind.GENERAL,
    internal: bool = False,
    disclosure: str = Disclosure.PUBLIC,
    disclosure_ground: str = "",
    attachments=(),
    in_reply_to=None,
    unit_task=None,
    at: dt.datetime | None = None,
) -> OfficialDocument:
    """Draft a document (기안) in the drafter's department: title, content, recipients (agencies
    or departments; none for an internal approval), attachments checked by content (PDF, PNG,
    JPEG and the office formats of `edocs.attachments`), the disclosure grade and the approval
    line `line` — [(official, "review" | "cooperate" | "approve")], the approver last. A reply
    names the received document it answers (`in_reply_to`, which must be assigned to the drafter).

    The case's reference is taken without a lock (the registration number, given on approval,
    is the register that counts); nothing is kept if anything fails, files included."""
    post = post_of(actor)
    fields = _fields(kind, title, content, disclosure, disclosure_ground)
    fields.update(_unit_task(post.department.agency_id, unit_task))
    targets = _recipients(recipients, internal=bool(internal), sender_id=post.department.agency_id)
    steps = _line(actor, post.department.agency_id, line)
    if in_reply_to is not None and (in_reply_to.assignee_id != actor.pk or in_reply_to.state != "assigned"):
        raise ValidationFailed(_("Answer only a received document assigned to you."), field="in_reply_to")
    checked = attachments_check(attachments)
    now = at or timezone.now()
    with case_files_atomic():
        document = OfficialDocument.objects.create(
            number=case_number_allocate(procedure=DOCUMENT, at=now, sequenced=False),
            agency=post.department.agency,
            department=post.department,
            drafter=actor,
            internal=bool(internal),
            in_reply_to=in_reply_to,
            created_at=now,
            **fields,
        )
        _write_recipients(document, targets)
        _write_line(document, post, steps)
        case_files_store(actor=actor, case=document, files=checked, purpose=ATTACHMENT)
        case_transition(
            actor=actor,
            case=document,
            action="draft",
            at=now,
            notify=False,
            after={
                "department": post.department.code,
                "kind": fields["kind"],
                "recipients": len(targets),
                "attachments": len(checked),
                "line": len(steps),
            },
        )
    return document


def document_edit(
    *,
    actor,
    document: OfficialDocument,
    title: str,
    content: str,
    line,
    recipients=(),
    kind: str = DocumentKind.GENERAL,
    disclosure: str = Disclosure.PUBLIC,
    disclosure_ground: str = "",
    attachments=(),
) -> OfficialDocument:
    """The drafter changes a draft or a returned document (its line starts again from the
    first official when it is submitted). Attachments given are added to those it has."""
    post = post_of(actor)
    fields = _fields(kind, title, content, disclosure, disclosure_ground)
    checked = attachments_check(attachments)
    with case_files_atomic():
        document = case_lock_for(actor=actor, case=document, action="edit")
        targets = _recipients(recipients, internal=document.internal, sender_id=document.agency_id)
        steps = _line(actor, document.agency_id, line)
        before = {"title": document.title, "kind": document.kind}
        for name, value in fields.items():
            setattr(document, name, value)
        document.current_order = None
        _write_recipients(document, targets)
        _write_line(document, post, steps)
        case_files_store(actor=actor, case=document, files=checked, purpose=ATTACHMENT)
        case_transition(
            actor=actor,
            case=document,
            action="edit",
            fields=[*fields, "current_order"],
            notify=False,
            before=before,
            after={"title": document.title, "kind": document.kind, "attachments": len(checked)},
        )
    return document


def document_revise(*, actor, document: OfficialDocument, title: str, content: str, line) -> OfficialDocument:
    """A change to an approved (or dispatched) document: a new version, drafted anew with the
    same kind, recipients, grade and attachments, that supersedes it once (a second revision
    of the same version is refused). The approved one is never edited."""
    post = post_of(actor)
    if document.agency_id != post.department.agency_id or document.department_id != post.department_id:
        raise Conflict(
            _("Only the department that produced a document revises it."), field="document", code="not_yours"
        )
    if document.state not in (OfficialDocument.State.APPROVED, OfficialDocument.State.DISPATCHED):
        raise Conflict(
            _("Only an approved document gets a new version; edit the draft instead."),
            field="document",
            code="wrong_state",
        )
    if OfficialDocument.objects.filter(supersedes=document).exists():
        raise Conflict(_("This version already has a newer one."), field="document", code="superseded")
    recipients = [
        r.resident or r.business or r.department or r.agency
        for r in document.recipients.select_related("agency", "department", "resident", "business")
    ]
    now = timezone.now()
    with case_files_atomic():
        revised = document_draft(
            actor=actor,
            title=title,
            content=content,
            line=line,
            recipients=recipients,
            kind=document.kind,
            internal=document.internal,
            disclosure=document.disclosure,
            disclosure_ground=document.disclosure_ground,
            unit_task=document.unit_task,
            at=now,
        )
        revised.version = document.version + 1
        revised.supersedes = document
        revised.save(update_fields=["version", "supersedes"])
        kept = [
            core_files.CheckedFile(f.original_name, f.content_type, case_file_read(f), f.sha256)
            for f in document.files.filter(purpose=ATTACHMENT).order_by("id")
        ]  # each version holds its own copy: a version's files never change under it
        case_files_store(actor=actor, case=revised, files=kept, purpose=ATTACHMENT)
    return revised
