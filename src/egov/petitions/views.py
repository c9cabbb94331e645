"""Pages: filing and following a petition (citizens and businesses); the officials' queues and
case page; the public statistics (page and CSV)."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.cases.services import case_file_open
from egov.cases.web import case_list_page
from egov.core.errors import NotFound, PermissionDenied, ServiceError
from egov.core.web import (
    citizen_or_business_required,
    csv_cell,
    csv_download,
    form_attempt,
    official_required,
    page_language,
    statistics_for,
    statistics_year,
)
from egov.petitions import selectors, services
from egov.petitions.forms import (
    AnswerForm,
    AssignForm,
    ExtendForm,
    PetitionForm,
    RateForm,
    ReasonForm,
    TransferForm,
)
from egov.petitions.receipts import petition_receipt_issue

QUEUE_PAGE_SIZE = 50  # the queue shows a page of the most urgent cases and how many there are


class _QueuePaginator(Paginator):
    """A paginator told the total (the queue counts it from the clocks alone, see the selector)."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self._total = total

    @property
    def count(self) -> int:
        return self._total


def _attachment_response(request, number: str, attachment_id: int):
    attachment = selectors.attachment_get_for(actor=request.user, number=number, attachment_id=attachment_id)
    try:
        handle = case_file_open(attachment)  # FileResponse closes it
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _non_field_errors_as_messages(request, form) -> None:
    """A refusal about the case itself (e.g. it is closed) is shown even where the form is not."""
    for error in form.non_field_errors():
        messages.error(request, error)


# --- petitioners ------------------------------------------------------------------------------


@citizen_or_business_required
def petition_new(request):
    form = PetitionForm(
        request.POST or None, request.FILES or None, initial={"idempotency_key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        petition = form_attempt(
            form,
            lambda: services.petition_file(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            ),
        )
        if petition:
            messages.success(
                request, _("Your petition %(number)s is received.") % {"number": petition.number}
            )
            return redirect("petitions:my_petition", number=petition.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/new.html", {"form": form}, status=status)


@citizen_or_business_required
def my_petitions(request):
    rows = selectors.petition_list_for_petitioner(actor=request.user)
    context = {**case_list_page(request, rows, "rows"), "lang": page_language()}
    return render(request, "petitions/my_petitions.html", context)


def _my_page(request, petition, *, rate=None, reopen=None, withdraw=None, status=200):
    return render(
        request,
        "petitions/my_petition.html",
        {
            "petition": petition,
            "events": selectors.petition_history(petition=petition),
            "attachments": selectors.petition_attachments(petition=petition),
            "explanation": selectors.due_explanation(petition, page_language()),
            "rate": rate or RateForm(),
            "reopen": reopen or ReasonForm(prefix="reopen"),
            "withdraw": withdraw or ReasonForm(prefix="withdraw"),
            "reopen_days": services.reopen_days(),
            "lang": page_language(),
        },
        status=status,
    )


@citizen_or_business_required
def my_petition(request, number: str):
    petition = selectors.petition_get_for_petitioner(actor=request.user, number=number)
    return _my_page(request, petition)


@citizen_or_business_required
@require_POST
def my_petition_act(request, number: str, action: str):
    petition = selectors.petition_get_for_petitioner(actor=request.user, number=number)
    if action == "rate":
        form = RateForm(request.POST)
        call = lambda: services.petition_rate(  # noqa: E731
            actor=request.user,
            petition=petition,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
    elif action in ("reopen", "withdraw"):
        form = ReasonForm(request.POST, prefix=action)
        service = services.petition_reopen if action == "reopen" else services.petition_withdraw
        call = lambda: service(actor=request.user, petition=petition, reason=form.cleaned_data["reason"])  # noqa: E731
    else:
        raise Http404
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Done."))
        return redirect("petitions:my_petition", number=petition.number)
    _non_field_errors_as_messages(request, form)
    return _my_page(request, petition, status=400, **{action: form})


@citizen_or_business_required
def my_attachment(request, number: str, attachment_id: int):
    return _attachment_response(request, number, attachment_id)


# --- officials --------------------------------------------------------------------------------


@official_required
def office_queue(request):
    view = request.GET.get("view", "team")
    if view not in selectors.QUEUE_VIEWS:
        view = "team"
    page = _QueuePaginator(
        selectors.petition_queue_for(actor=request.user, view=view),
        QUEUE_PAGE_SIZE,
        total=selectors.petition_queue_count(actor=request.user, view=view),
    ).get_page(request.GET.get("page"))
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return render(
        request,
        "petitions/office_queue.html",
        {
            "rows": page.object_list,
            "page": page,
            "view": view,
            "views": selectors.QUEUE_VIEWS,
            "now": timezone.now(),
            "lang": page_language(),
        },
    )


def _office_page(request, petition, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "petitions/office_petition.html",
        {
            "petition": petition,
            "events": selectors.petition_history(petition=petition),
            "attachments": selectors.petition_attachments(petition=petition),
            "explanation": selectors.due_explanation(petition, page_language()),
            "overdue": selectors.is_overdue(petition),
            "assign": forms.get("assign") or AssignForm(petition=petition),
            "transfer": forms.get("transfer") or TransferForm(petition=petition),
            "extend": forms.get("extend") or ExtendForm(),
            "answer": forms.get("answer") or AnswerForm(),
            "escalations": selectors.petition_escalations(petition=petition),
            "lang": page_language(),
        },
        status=status,
    )


@official_required
def office_petition(request, number: str):
    petition = selectors.petition_get_for_official(actor=request.user, number=number)
    services.petition_shown(actor=request.user, petition=petition)
    return _office_page(request, petition)


@official_required
@require_POST
def office_act(request, number: str, action: str):
    petition = selectors.petition_get_for_official(actor=request.user, number=number)
    user = request.user
    if action == "start":
        try:
            services.petition_start(actor=user, petition=petition)
        except (NotFound, PermissionDenied):
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("petitions:office_petition", number=petition.number)
    forms = {
        "assign": lambda: AssignForm(request.POST, petition=petition),
        "transfer": lambda: TransferForm(request.POST, petition=petition),
        "extend": lambda: ExtendForm(request.POST),
        "answer": lambda: AnswerForm(request.POST),
    }
    if action not in forms:
        raise Http404
    form = forms[action]()
    calls = {
        "assign": lambda: services.petition_assign(
            actor=user,
            petition=petition,
            assignee=form.cleaned_data["assignee"],
            note=form.cleaned_data["note"],
        ),
        "transfer": lambda: services.petition_transfer(
            actor=user,
            petition=petition,
            to_agency=form.cleaned_data["to_agency"],
            reason=form.cleaned_data["reason"],
        ),  # fmt: skip
        "extend": lambda: services.petition_extend(
            actor=user, petition=petition, reason=form.cleaned_data["reason"], days=form.cleaned_data["days"]
        ),
        "answer": lambda: services.petition_answer(
            actor=user, petition=petition, answer=form.cleaned_data["answer"]
        ),
    }
    if form.is_valid() and form_attempt(form, calls[action]):
        messages.success(request, _("Done."))
        if action == "transfer":
            return redirect("petitions:office_queue")
        return redirect("petitions:office_petition", number=petition.number)
    _non_field_errors_as_messages(request, form)
    return _office_page(request, petition, forms={action: form}, status=400)


@official_required
def office_attachment(request, number: str, attachment_id: int):
    return _attachment_response(request, number, attachment_id)


# --- public statistics --------------------------------------------------------------------------


def statistics(request):
    rows, year = statistics_for(request, selectors.statistics)
    months, _year = selectors.statistics_monthly(year=year)
    return render(
        request,
        "petitions/statistics.html",
        {"rows": rows, "months": months, "year": year, "lang": page_language()},
    )


def statistics_csv(request):
    try:
        rows, year = selectors.statistics(year=statistics_year(request))
    except ServiceError:
        raise Http404 from None
    response, writer = csv_download(f"petitions-statistics-{year}.csv")
    writer.writerow(
        [
            "year", "agency_code", "agency_ko", "agency_en", "category_code", "category_ko",
            "category_en", "petitions", "answered", "on_time_share", "average_business_days",
            "average_satisfaction", "ratings",
        ]
    )  # fmt: skip
    for r in rows:
        writer.writerow(
            [
                year, r["agency"].code, csv_cell(r["agency"].name_ko), csv_cell(r["agency"].name_en),
                r["category"].code, csv_cell(r["category"].name_ko), csv_cell(r["category"].name_en),
                r["total"], r["answered"],
                "" if r["on_time_share"] is None else f"{r['on_time_share']:.3f}",
                "" if r["average_days"] is None else f"{r['average_days']:.2f}",
                "" if r["average_satisfaction"] is None else f"{r['average_satisfaction']:.2f}",
                r["rated"],
            ]
        )  # fmt: skip
    return response


def home(request):
    """The e-People window: how to file and where to follow a petition."""
    return render(
        request, "petitions/home.html", {"categories": selectors.categories_active(), "lang": page_language()}
    )


@citizen_or_business_required
@require_POST
def my_petition_receipt(request, number: str):
    """접수증: issued once through documents, then the signed PDF."""
    document = petition_receipt_issue(actor=request.user, number=number)
    return redirect("documents:download_pdf", number=document.number)
