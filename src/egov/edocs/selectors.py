"""Reads for On-nara's pages, each checking who asks: an official sees the documents of their
department, those routed to them (on their approval line, or whose approver they substitute)
and, as agency administrator, those of their agency; NotFound for anything else."""

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.permissions import has_role
from egov.core.errors import NotFound, PermissionDenied
from egov.edocs.models import OfficialDocument, OfficialPost, ReceivedDocument, Substitute


def _post(actor) -> OfficialPost:
    post = OfficialPost.objects.select_related("department").filter(official=actor).first()
    if not getattr(actor, "is_official", False) or post is None:
        raise PermissionDenied(_("Only officials with a post see official documents."))
    return post


def _visible(actor, post: OfficialPost) -> Q:
    from egov.edocs.models import ApprovalStep

    on_line = ApprovalStep.objects.filter(official=actor).values("document_id")
    seen = Q(department_id=post.department_id) | Q(id__in=on_line)
    if has_role(actor, "agency_admin"):
        seen |= Q(agency_id=actor.agency_id)
    return seen


def document_visible_ids(*, actor, document_ids) -> set[int]:
    """Which of `document_ids` the official may open (the rule of `document_get_for`); none for
    someone without a post."""
    try:
        post = _post(actor)
    except PermissionDenied:
        return set()
    rows = OfficialDocument.objects.filter(_visible(actor, post), id__in=list(document_ids))
    return set(rows.values_list("id", flat=True))


def document_list_for(*, actor, box: str = "department") -> QuerySet:
    """`department`: the department's documents; `inbox` (결재할 문서): those whose turn on the
    line is the official's or their substituted approver's; `sent`: the department's dispatched."""
    post = _post(actor)
    rows = OfficialDocument.objects.select_related("department", "drafter")
    if box == "inbox":
        # From the steps side: the pending steps of the official (or of the approver they
        # substitute today) whose turn it is — the step index (official, outcome) finds them
        # without scanning the agency's documents, and no DISTINCT is needed.
        from egov.edocs.models import ApprovalStep

        # The approvers the official substitutes today are read first (a handful at most), so
        # that the steps are found through their index for each official, not by a scan.
        today = timezone.localdate()
        absent = list(
            Substitute.objects.filter(substitute=actor, starts_on__lte=today, ends_on__gte=today).values_list(
                "official_id", flat=True
            )
        )
        turns = ApprovalStep.objects.filter(
            Q(official=actor) | Q(official_id__in=absent, role="approve"),
            outcome="pending",
            document__state="in_approval",
            order=F("document__current_order"),
        ).values("document_id")
        return rows.filter(id__in=turns)
    if box == "sent":
        return rows.filter(department_id=post.department_id, state="dispatched")
    return rows.filter(_visible(actor, post))


def document_get_for(*, actor, number: str) -> OfficialDocument:
    post = _post(actor)
    found = (
        OfficialDocument.objects.select_related("department", "agency", "drafter")
        .filter(_visible(actor, post), number=str(number or "")[:20])
        .first()
    )
    if found is None:
        raise NotFound(_("No such official document."), field="number")
    return found


def receipt_list_for(*, actor) -> QuerySet:
    """The received box: what was delivered to or assigned in the official's department, or
    assigned to them."""
    post = _post(actor)
    return ReceivedDocument.objects.select_related("source", "department").filter(
        Q(department_id=post.department_id) | Q(assignee=actor)
    )


def receipt_get_for(*, actor, number: str) -> ReceivedDocument:
    found = receipt_list_for(actor=actor).filter(number=str(number or "")[:20]).first()
    if found is None:
        raise NotFound(_("No such received document."), field="number")
    return found


def register_list_for(*, actor) -> QuerySet:
    """The department's register (문서등록대장): its documents that got a registration number,
    the latest first."""
    post = _post(actor)
    return (
        OfficialDocument.objects.select_related("department", "drafter")
        .filter(department_id=post.department_id, registration_serial__isnull=False)
        .order_by("-registration_year", "-registration_serial")  # the register's own unique index
    )


def drafts_for(*, actor) -> QuerySet:
    """The official's own drafts that wait for them: drafts and returned documents."""
    _post(actor)
    return OfficialDocument.objects.select_related("department").filter(
        drafter=actor, state__in=("draft", "returned")
    )


def line_candidates(*, actor) -> QuerySet:
    """The officials of the actor's agency who may stand on an approval line (not the actor)."""
    post = _post(actor)
    return (
        OfficialPost.objects.select_related("department", "official")
        .filter(
            department__agency_id=post.department.agency_id,
            department__closed_at__isnull=True,
            official__is_active=True,
        )
        .exclude(official=actor)
        .order_by("department__code", "-position", "display_name")
    )


def cooperation_candidates(*, actor) -> QuerySet:
    """Officials of other agencies who may cooperate (협조) on the actor's approval lines."""
    post = _post(actor)
    return (
        OfficialPost.objects.select_related("department__agency", "official")
        .filter(department__closed_at__isnull=True, official__is_active=True)
        .exclude(department__agency_id=post.department.agency_id)
        .order_by("department__agency__code", "department__code", "-position", "display_name")
    )


def assignable_posts(*, receipt: ReceivedDocument) -> QuerySet:
    """Whom a received document may be assigned to (배부): officials of the receiving agency."""
    return (
        OfficialPost.objects.select_related("department", "official")
        .filter(
            department__agency_id=receipt.agency_id,
            department__closed_at__isnull=True,
            official__is_active=True,
        )
        .order_by("department__code", "-position", "display_name")
    )


def recipient_departments() -> QuerySet:
    from egov.edocs.models import Department

    return Department.objects.select_related("agency").filter(closed_at__isnull=True)


def document_attachment_get_for(*, actor, number: str, attachment_id: int):
    document = document_get_for(actor=actor, number=number)
    found = document.files.filter(purpose="attachment", pk=attachment_id).first()
    if found is None:
        raise NotFound(_("No such attachment."), field="attachment")
    return found


def receipt_attachment_get_for(*, actor, number: str, attachment_id: int):
    """An attachment of the document received, for the department holding it."""
    receipt = receipt_get_for(actor=actor, number=number)
    found = receipt.source.files.filter(purpose="attachment", pk=attachment_id).first()
    if found is None:
        raise NotFound(_("No such attachment."), field="attachment")
    return found


def approval_history(*, document: OfficialDocument) -> list[dict]:
    """The approval line as signed: each step, who acted, when, and whether the signature
    verifies against the key the platform issued to that official (the caller checked access)."""
    from egov.edocs.signatures import official_signature_valid

    rows = []
    for step in document.steps.select_related("department__agency", "acted_by").order_by("order"):
        valid = None
        if step.signature:
            signer = step.acted_by_id or step.official_id
            valid = official_signature_valid(
                agency_code=step.department.agency.code,  # a cooperator of another agency: theirs
                official_id=signer,
                kid=step.kid,
                text=step.signed,
                signature=step.signature,
            )
        rows.append({"step": step, "valid": valid})
    return rows


def unit_tasks_for(*, actor) -> QuerySet:
    """The unit tasks (단위과제) of the actor's agency's classification scheme."""
    from egov.edocs.models import UnitTask

    post = _post(actor)
    return UnitTask.objects.filter(agency_id=post.department.agency_id).order_by("code")


def appraisal_list_for(*, actor) -> QuerySet:
    """The appraisal cases of the agency, for its registrars and administrators."""
    from egov.edocs.models import AppraisalCase

    post = _post(actor)
    if not (has_role(actor, "registrar") or has_role(actor, "agency_admin")):
        raise PermissionDenied(_("Records appraisal is for the agency's registrars and administrators."))
    return AppraisalCase.objects.select_related("unit_task").filter(agency_id=post.department.agency_id)


def appraisal_get_for(*, actor, number: str):
    found = appraisal_list_for(actor=actor).filter(number=str(number or "")[:20]).first()
    if found is None:
        raise NotFound(_("No such appraisal."), field="number")
    return found


SEARCH_STATES = ("draft", "in_approval", "returned", "withdrawn", "approved", "dispatched")


def document_search_for(
    *,
    actor,
    query: str = "",
    department_id: int | None = None,
    date_from=None,
    date_to=None,
    unit_task_id: int | None = None,
    state: str = "",
    counting: bool = False,
) -> QuerySet:
    """Full-text search in Korean (edocs.store) over the documents the official may see, with
    filters by department, period (drafted between), unit task and state; newest first.
    `counting`: the same matches, shaped for counting them (the store may plan it otherwise)."""
    from egov.edocs.store import search_filter

    post = _post(actor)
    rows = OfficialDocument.objects.select_related("department", "unit_task").filter(_visible(actor, post))
    if department_id:
        rows = rows.filter(department_id=department_id)
    if unit_task_id:
        rows = rows.filter(unit_task_id=unit_task_id)
    if state in SEARCH_STATES:
        rows = rows.filter(state=state)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    if counting:  # in no order: a capped count stops at its cap instead of sorting every match
        return search_filter(rows, query, counting=True).order_by()
    return search_filter(rows, query).order_by("-created_at", "-id")


def statistics_for(*, actor, year: int) -> dict:
    """What the government reports of the official's agency for `year`: documents produced
    (approved) and the share produced electronically (with a signed approval line), documents
    dispatched and the share delivered electronically (the rest bounced), the approval cycle
    (submission to approval, average and median hours) and the backlog per department."""
    import statistics as stats

    from django.db.models import Count

    from egov.edocs.models import ApprovalStep, Department, Message

    post = _post(actor)
    agency_id = post.department.agency_id
    approved = OfficialDocument.objects.filter(agency_id=agency_id, approved_at__year=year)
    produced = approved.count()
    signed = approved.filter(
        id__in=ApprovalStep.objects.filter(role="approve").exclude(signature="").values("document_id")
    ).count()
    messages = Message.objects.filter(sender_id=agency_id, sent_at__year=year)
    sent = messages.count()
    delivered = messages.filter(state="delivered").count()
    hours = [
        (a - s).total_seconds() / 3600
        for s, a in approved.filter(submitted_at__isnull=False)
        .values_list("submitted_at", "approved_at")
        .order_by("approved_at")[:20000]
    ]
    open_docs = dict(
        OfficialDocument.objects.filter(agency_id=agency_id, state="in_approval")
        .values_list("department_id")
        .annotate(n=Count("id"))
    )
    open_receipts = dict(
        ReceivedDocument.objects.filter(agency_id=agency_id, state__in=ReceivedDocument.OPEN_STATES)
        .values_list("department_id")
        .annotate(n=Count("id"))
    )
    backlog = [
        {"department": d, "in_approval": open_docs.get(d.pk, 0), "to_receive": open_receipts.get(d.pk, 0)}
        for d in Department.objects.filter(agency_id=agency_id).order_by("code")
    ]
    return {
        "year": year,
        "produced": produced,
        "produced_electronic_share": (signed / produced) if produced else None,
        "sent": sent,
        "sent_electronic_share": (delivered / sent) if sent else None,
        "cycle_average_hours": (sum(hours) / len(hours)) if hours else None,
        "cycle_median_hours": stats.median(hours) if hours else None,
        "backlog": backlog,
    }
