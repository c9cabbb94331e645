"""On-nara's pages for officials: my approval queue (결재할 문서) and drafts, the draft form with
a template per document kind, the document page with its signed approval history and the acts
of whoever's turn it is, the dispatch form, the receiving inbox (접수, 배부, 반송) with its
answer as a linked document, and the department's register. Every object is read through a
permission-checked selector; every act goes through a service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.services import step_up as step_ups
from egov.cases.selectors import case_history
from egov.cases.services import case_file_open
from egov.core.errors import NotFound, PermissionDenied, ServiceError
from egov.core.web import form_attempt, official_required, page_language
from egov.edocs import selectors
from egov.edocs.forms import (
    KIND_TEMPLATES,
    AssignForm,
    CommentForm,
    DraftForm,
    RecordsDecisionForm,
    SearchForm,
    SendBackForm,
    SignForm,
    StepUpForm,
)
from egov.edocs.models import ApprovalStep, DocumentKind, OfficialDocument, ReceivedDocument
from egov.edocs.services import approval, delivery, drafting, records
from egov.edocs.signatures import SIGNING_PURPOSE

PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1000


class _CappedPaginator(Paginator):
    """Counts at most SEARCH_COUNT_CAP + 1 matches (of `counted`, the same matches shaped for
    counting): a broad word over a million documents is reported as "more than 1,000" instead
    of counting every match."""

    def __init__(self, object_list, per_page, *, counted):
        super().__init__(object_list, per_page)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted[: SEARCH_COUNT_CAP + 1].count()


def _file_response(attachment):
    try:
        handle = case_file_open(attachment)  # through the file store; FileResponse closes it
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@official_required
def queue(request):
    """결재할 문서: the documents whose turn is mine (or my absent approver's), and my drafts."""
    rows = (
        selectors.document_list_for(actor=request.user, box="inbox")
        .select_related("drafter__edocs_post")
        .order_by("submitted_at", "id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = selectors.drafts_for(actor=request.user)[:PAGE_SIZE]
    return render(
        request,
        "edocs/queue.html",
        {"page": page, "rows": page.object_list, "drafts": drafts, "lang": page_language()},
    )


@official_required
def register(request):
    """The department's register (문서등록대장) of produced documents."""
    page = Paginator(selectors.register_list_for(actor=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "edocs/register.html", {"page": page, "rows": page.object_list, "lang": page_language()}
    )


@official_required
def received(request):
    """The receiving inbox: delivered to the department, registered, assigned to me."""
    state = request.GET.get("state", "")
    rows = selectors.receipt_list_for(actor=request.user).select_related("source__agency")
    if state in ReceivedDocument.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "edocs/received.html",
        {"page": page, "rows": page.object_list, "state": state, "states": ReceivedDocument.State.choices},
    )


@official_required
def draft_new(request):
    """The draft form; `?kind=` picks the template the text starts from, `?reply=` the received
    document it answers."""
    reply = None
    reply_number = request.POST.get("in_reply_to") or request.GET.get("reply") or ""
    if reply_number:
        reply = selectors.receipt_get_for(actor=request.user, number=reply_number)
    kind = request.GET.get("kind", DocumentKind.GENERAL)
    if kind not in DocumentKind.values:
        kind = DocumentKind.GENERAL
    initial = {"kind": kind, "content": str(KIND_TEMPLATES[kind]), "in_reply_to": reply_number}
    if reply is not None:
        initial["title"] = _("Reply: %(title)s") % {"title": reply.source.title}
        initial["recipient_agencies"] = [str(reply.source.agency_id)]
    form = DraftForm(request.POST or None, request.FILES or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = form_attempt(
            form,
            lambda: drafting.document_draft(
                actor=request.user,
                title=data["title"],
                content=data["content"],
                line=data["line"],
                recipients=data["recipients"],
                kind=data["kind"],
                internal=data["internal"],
                disclosure=data["disclosure"],
                disclosure_ground=data["disclosure_ground"],
                attachments=data["attachments"],
                in_reply_to=reply,
                unit_task=data["unit_task"],
            ),
        )
        if document:
            messages.success(request, _("Drafted as %(number)s.") % {"number": document.number})
            return redirect("edocs:document", number=document.number)
    status = 400 if request.method == "POST" else 200
    kinds = [(value, label) for value, label in DocumentKind.choices]
    return render(
        request,
        "edocs/draft.html",
        {"form": form, "kinds": kinds, "kind": kind, "reply": reply},
        status=status,
    )


def _document_page(request, document: OfficialDocument, *, form=None, status=200):
    user = request.user
    method = step_ups.step_up_method(user=user)
    steps = {s.order: s for s in document.steps.all()}
    current = steps.get(document.current_order) if document.current_order is not None else None
    approver = next((s for s in steps.values() if s.role == ApprovalStep.Role.APPROVE), None)
    return render(
        request,
        "edocs/document.html",
        {
            "document": document,
            "history": selectors.approval_history(document=document),
            "recipients": document.recipients.select_related("agency", "department", "resident", "business"),
            "attachments": document.files.filter(purpose="attachment").order_by("id"),
            "messages_sent": document.messages.select_related("recipient_agency", "recipient_department"),
            "events": case_history(case=document),
            "my_turn": document.state == "in_approval" and current is not None,
            "is_drafter": document.drafter_id == user.pk,
            "can_post_approve": approver is not None
            and approver.official_id == user.pk
            and approver.outcome == ApprovalStep.Outcome.SUBSTITUTED
            and approver.post_approved_at is None,
            "form": form if isinstance(form, SignForm) else SignForm(method=method),
            "step_up_form": form
            if isinstance(form, StepUpForm) and not isinstance(form, SignForm)
            else StepUpForm(method=method),
            "step_up_method": method,
            "lang": page_language(),
        },
        status=status,
    )


@official_required
def document(request, number: str):
    return _document_page(request, selectors.document_get_for(actor=request.user, number=number))


ACTS = {
    "submit": lambda user, doc, comment, step_up: approval.document_submit(
        actor=user, document=doc, step_up=step_up
    ),
    "sign": lambda user, doc, comment, step_up: approval.document_sign(
        actor=user, document=doc, comment=comment, step_up=step_up
    ),
    "return": lambda user, doc, comment, step_up: approval.document_return(
        actor=user, document=doc, comment=comment
    ),
    "withdraw": lambda user, doc, comment, step_up: approval.document_withdraw(
        actor=user, document=doc, reason=comment
    ),
    "post_approve": lambda user, doc, comment, step_up: approval.document_post_approve(
        actor=user, document=doc, comment=comment, step_up=step_up
    ),
}
# The acts that sign with the official's own key: each needs their fresh step-up.
SIGNING_ACTS = {"submit", "sign", "post_approve"}


def _step_up_take(request, form, number: str, action: str):
    """The official's step-up from the form (their passkey's answer to the challenge issued
    for this document and act, or their authenticator code); None, with the form's error,
    when refused."""
    data = form.cleaned_data
    try:
        if data.get("passkey_assertion"):
            return step_ups.step_up_passkey(
                request=request,
                user=request.user,
                credential=data["passkey_assertion"],
                purpose=SIGNING_PURPOSE,
                context=f"{number}:{action}",
            )
        return step_ups.step_up_totp(
            user=request.user, token=data.get("otp_token") or "", purpose=SIGNING_PURPOSE
        )
    except ServiceError as exc:
        form.add_error("otp_token" if "otp_token" in form.fields else None, exc.message)
        return None


@official_required
@require_POST
def document_act(request, number: str, action: str):
    if action not in ACTS:
        raise Http404
    document = selectors.document_get_for(actor=request.user, number=number)
    if action in SIGNING_ACTS or action == "return":
        form_class = SignForm if action in ("sign", "return") else StepUpForm
        form = form_class(request.POST, method=step_ups.step_up_method(user=request.user))
    else:
        form = CommentForm(request.POST)
    if form.is_valid():
        step_up = _step_up_take(request, form, document.number, action) if action in SIGNING_ACTS else None
        if (step_up is not None or action not in SIGNING_ACTS) and form_attempt(
            form,
            lambda: ACTS[action](request.user, document, form.cleaned_data.get("comment", ""), step_up),
        ):
            messages.success(request, _("Done."))
            return redirect("edocs:document", number=document.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _document_page(request, document, form=form, status=400)


@official_required
@require_POST
def document_step_up_options(request, number: str, action: str):
    """WebAuthn options for the official's passkey, the challenge bound to this document and act."""
    if action not in SIGNING_ACTS:
        raise Http404
    document = selectors.document_get_for(actor=request.user, number=number)
    if step_ups.step_up_method(user=request.user) != "passkey":
        return JsonResponse({"error": _("You have no passkey registered.")}, status=400)
    options = step_ups.step_up_options(
        request=request, user=request.user, purpose=SIGNING_PURPOSE, context=f"{document.number}:{action}"
    )
    return HttpResponse(options, content_type="application/json")


@official_required
def dispatch(request, number: str):
    """The dispatch form (발송): the recipients as they will receive it; sending enforces the
    document today and delivers one signed message to each."""
    document = selectors.document_get_for(actor=request.user, number=number)
    if request.method == "POST":
        try:
            sent = delivery.document_dispatch(actor=request.user, document=document)
        except (NotFound, PermissionDenied):
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            bounced = sum(1 for m in sent if m.state == "bounced")
            messages.success(
                request,
                _("Sent to %(n)d recipients; %(b)d bounced.") % {"n": len(sent), "b": bounced}
                if bounced
                else _("Sent to %(n)d recipients.") % {"n": len(sent)},
            )
            return redirect("edocs:document", number=document.number)
    return render(
        request,
        "edocs/dispatch.html",
        {
            "document": document,
            "recipients": document.recipients.select_related("agency", "department", "resident", "business"),
        },
        status=400 if request.method == "POST" else 200,
    )


@official_required
def document_attachment(request, number: str, attachment_id: int):
    return _file_response(
        selectors.document_attachment_get_for(actor=request.user, number=number, attachment_id=attachment_id)
    )


def _receipt_page(request, receipt: ReceivedDocument, *, assign=None, send_back=None, status=200):
    return render(
        request,
        "edocs/receipt.html",
        {
            "receipt": receipt,
            "source": receipt.source,
            "attachments": receipt.source.files.filter(purpose="attachment").order_by("id"),
            "replies": receipt.replies.all(),
            "assign": assign or AssignForm(receipt=receipt),
            "send_back": send_back or SendBackForm(prefix="back"),
            "events": case_history(case=receipt),
            "is_assignee": receipt.assignee_id == request.user.pk,
        },
        status=status,
    )


@official_required
def receipt(request, number: str):
    return _receipt_page(request, selectors.receipt_get_for(actor=request.user, number=number))


@official_required
@require_POST
def receipt_act(request, number: str, action: str):
    found = selectors.receipt_get_for(actor=request.user, number=number)
    user = request.user
    if action == "register":
        try:
            delivery.receipt_register(actor=user, receipt=found)
        except (NotFound, PermissionDenied):
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
            return _receipt_page(request, found, status=400)
        messages.success(request, _("Done."))
        return redirect("edocs:receipt", number=found.number)
    if action == "assign":
        form = AssignForm(request.POST, receipt=found)
        call = lambda: delivery.receipt_assign(  # noqa: E731
            actor=user, receipt=found, assignee=form.cleaned_data["assignee"], note=form.cleaned_data["note"]
        )
        pages = {"assign": form}
    elif action == "send_back":
        form = SendBackForm(request.POST, prefix="back")
        call = lambda: delivery.receipt_send_back(  # noqa: E731
            actor=user, receipt=found, reason=form.cleaned_data["reason"]
        )
        pages = {"send_back": form}
    else:
        raise Http404
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Done."))
        if selectors.receipt_list_for(actor=user).filter(pk=found.pk).exists():
            return redirect("edocs:receipt", number=found.number)
        return redirect("edocs:received")
    for error in form.non_field_errors():
        messages.error(request, error)
    return _receipt_page(request, found, status=400, **pages)


@official_required
def receipt_attachment(request, number: str, attachment_id: int):
    return _file_response(
        selectors.receipt_attachment_get_for(actor=request.user, number=number, attachment_id=attachment_id)
    )


# --- records management ------------------------------------------------------------------------


@official_required
def appraisals(request):
    """The agency's appraisal cases (기록물 평가): the retention sweep opens them."""
    rows = selectors.appraisal_list_for(actor=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "edocs/appraisals.html", {"page": page, "rows": page.object_list})


def _appraisal_page(request, case, *, form=None, status=200):
    return render(
        request,
        "edocs/appraisal.html",
        {
            "case": case,
            "records": case.record_rows().order_by("registration_year", "registration_serial")[:200]
            if case.state == "proposed"
            else [],
            "form": form or RecordsDecisionForm(),
            "events": case_history(case=case),
            "may_dispose": records.may_dispose(case),
            "package": records.package_summary(case),
        },
        status=status,
    )


@official_required
def appraisal(request, number: str):
    return _appraisal_page(request, selectors.appraisal_get_for(actor=request.user, number=number))


@official_required
@require_POST
def appraisal_act(request, number: str, action: str):
    case = selectors.appraisal_get_for(actor=request.user, number=number)
    form = RecordsDecisionForm(request.POST)
    user = request.user
    calls = {
        "dispose": lambda: records.appraisal_dispose(
            actor=user, case=case, reason=form.cleaned_data["reason"]
        ),
        "transfer": lambda: records.appraisal_transfer(
            actor=user, case=case, note=form.cleaned_data["reason"]
        ),
        "retain": lambda: records.appraisal_retain(
            actor=user, case=case, years=form.cleaned_data["years"] or 0, reason=form.cleaned_data["reason"]
        ),
    }
    if action not in calls:
        raise Http404
    if form.is_valid() and form_attempt(form, calls[action]):
        messages.success(request, _("Done."))
        return redirect("edocs:appraisal", number=case.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _appraisal_page(request, case, form=form, status=400)


# --- search and statistics ---------------------------------------------------------------------


@official_required
def search(request):
    """Full-text search over the documents the official may see."""
    form = SearchForm(request.GET or None, actor=request.user)
    page = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        criteria = {
            "query": data["q"],
            "department_id": int(data["department"]) if data["department"] else None,
            "unit_task_id": int(data["unit_task"]) if data["unit_task"] else None,
            "state": data["state"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
        rows = selectors.document_search_for(actor=request.user, **criteria)
        counted = selectors.document_search_for(actor=request.user, counting=True, **criteria)
        page = _CappedPaginator(rows, PAGE_SIZE, counted=counted).get_page(request.GET.get("page"))
    return render(
        request,
        "edocs/search.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list if page else [],
            "capped": bool(page) and page.paginator.count > SEARCH_COUNT_CAP,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@official_required
def statistics(request):
    """The agency's figures of the year: electronic production and dispatch, approval cycle
    time, backlog per department."""
    from django.utils import timezone

    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    figures = selectors.statistics_for(actor=request.user, year=year)
    return render(request, "edocs/statistics.html", {"s": figures, "year": year})
