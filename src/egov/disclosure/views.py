"""Pages: making and following a request, objecting, downloading released files (requesters);
the officials' queue, case page and publications; the public list of requests and decisions, the
public statistics (page and CSV) and the proactive publications."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.cases.selectors import case_history
from egov.cases.services import case_file_open
from egov.cases.web import case_list_page
from egov.core.errors import NotFound, ServiceError
from egov.core.proactive import proactive_items
from egov.core.web import (
    citizen_or_business_required,
    csv_cell,
    csv_download,
    form_attempt,
    official_required,
    page_language,
    page_of,
    statistics_for,
    statistics_year,
)
from egov.disclosure import publications, selectors, services
from egov.disclosure.forms import (
    DecideForm,
    ObjectionDecideForm,
    PublicationForm,
    ReasonForm,
    ReleaseForm,
    RequestForm,
)
from egov.disclosure.models import ExemptCategory
from egov.disclosure.receipts import request_receipt_issue


def _file_response(stored, open_file, *, as_attachment: bool = True):
    try:
        handle = open_file(stored)  # FileResponse closes it
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


# --- the public -------------------------------------------------------------------------------


def home(request):
    """The public list of requests and their decisions; the requester is never shown."""
    agency_code = request.GET.get("agency", "")
    return render(
        request,
        "disclosure/home.html",
        {
            "rows": selectors.public_request_list(agency_code=agency_code),
            "categories": ExemptCategory.choices,
            "lang": page_language(),
        },
    )


def statistics(request):
    """Public statistics per agency: requests, decisions by kind, on-time share, average days."""
    rows, year = statistics_for(request, selectors.statistics)
    return render(
        request, "disclosure/statistics.html", {"rows": rows, "year": year, "lang": page_language()}
    )


def statistics_csv(request):
    try:
        rows, year = selectors.statistics(year=statistics_year(request))
    except ServiceError:
        raise Http404 from None
    response, writer = csv_download(f"disclosure-statistics-{year}.csv")
    writer.writerow(
        [
            "year", "agency_code", "agency_ko", "agency_en", "requests", "open", "decided", "full",
            "partial", "refused", "deemed_refused", "on_time_share", "average_business_days",
        ]
    )  # fmt: skip
    for r in rows:
        writer.writerow(
            [
                year, r["agency"].code, csv_cell(r["agency"].name_ko), csv_cell(r["agency"].name_en),
                r["total"], r["open"], r["decided"], r["full"], r["partial"], r["refused"],
                r["deemed_refused"],
                "" if r["on_time_share"] is None else f"{r['on_time_share']:.3f}",
                "" if r["average_days"] is None else f"{r['average_days']:.2f}",
            ]
        )  # fmt: skip
    return response


def publication_list(request):
    agency_code = request.GET.get("agency", "")[:7]
    rows = selectors.publication_list(agency_code=agency_code)[:500]
    originals = proactive_items(agency_code=agency_code, limit=200)  # 원문정보 공개, from On-nara
    return render(
        request,
        "disclosure/publications.html",
        {"rows": rows, "originals": originals, "lang": page_language()},
    )


def publication_download(request, publication_id: int):
    try:
        publication = selectors.publication_get(publication_id=publication_id)
    except NotFound:
        raise Http404 from None
    return _file_response(publication, selectors.publication_file_open)


# --- requesters -------------------------------------------------------------------------------


@citizen_or_business_required
def request_new(request):
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = form_attempt(
            form,
            lambda: services.request_file(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                title=form.cleaned_data["title"],
                content=form.cleaned_data["content"],
                release_form=form.cleaned_data["release_form"],
            ),
        )
        if made:
            messages.success(request, _("Your request %(number)s is received.") % {"number": made.number})
            return redirect("disclosure:my_request", number=made.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "disclosure/new.html", {"form": form}, status=status)


@citizen_or_business_required
def my_requests(request):
    rows = selectors.request_list_for_requester(actor=request.user)
    context = {**case_list_page(request, rows, "rows"), "lang": page_language()}
    return render(request, "disclosure/my_requests.html", context)


def _my_page(request, disclosure, *, objection=None, status=200):
    deadline = services.objection_deadline(disclosure)
    return render(
        request,
        "disclosure/my_request.html",
        {
            "req": disclosure,
            "events": case_history(case=disclosure),
            "parts": selectors.withheld_parts(disclosure),
            "released": selectors.released_files(disclosure),
            "objection": getattr(disclosure, "objection", None),
            "objection_form": objection or ReasonForm(),
            "may_object": (
                disclosure.outcome in services.OBJECTABLE
                and disclosure.state in ("decided", "deemed_refused")
                and deadline is not None
                and timezone.now() <= deadline
            ),
            "objection_deadline": deadline,
            "explanation": selectors.due_explanation(disclosure, page_language()),
            "lang": page_language(),
        },
        status=status,
    )


@citizen_or_business_required
def my_request(request, number: str):
    disclosure = selectors.request_get_for_requester(actor=request.user, number=number)
    return _private(_my_page(request, disclosure))


@citizen_or_business_required
@require_POST
def my_objection(request, number: str):
    disclosure = selectors.request_get_for_requester(actor=request.user, number=number)
    form = ReasonForm(request.POST)
    call = lambda: services.objection_file(  # noqa: E731
        actor=request.user, request=disclosure, reason=form.cleaned_data["reason"]
    )
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Your objection is received."))
        return redirect("disclosure:my_request", number=disclosure.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _my_page(request, disclosure, objection=form, status=400)


@citizen_or_business_required
def my_file(request, number: str, file_id: int):
    stored = selectors.released_file_get_for(actor=request.user, number=number, file_id=file_id)
    return _private(_file_response(stored, case_file_open))


# --- officials --------------------------------------------------------------------------------


@official_required
def office_queue(request):
    rows = list(selectors.request_queue_for(actor=request.user)[:500])
    for row in rows:
        row.queue_due_at = selectors.queue_due_at(row)
    rows.sort(key=lambda row: row.queue_due_at)
    page = page_of(request, rows)
    return render(
        request,
        "disclosure/office_queue.html",
        {"rows": page.object_list, "page": page, "now": timezone.now(), "lang": page_language()},
    )


def _office_page(request, disclosure, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "disclosure/office_request.html",
        {
            "req": disclosure,
            "events": case_history(case=disclosure),
            "parts": selectors.withheld_parts(disclosure),
            "released": selectors.released_files(disclosure),
            "objection": getattr(disclosure, "objection", None),
            "explanation": selectors.due_explanation(disclosure, page_language()),
            "overdue": selectors.is_overdue(disclosure),
            "extend": forms.get("extend") or ReasonForm(prefix="extend"),
            "decide": forms.get("decide") or DecideForm(),
            "release": forms.get("release") or ReleaseForm(),
            "objection_extend": forms.get("objection_extend") or ReasonForm(prefix="objection_extend"),
            "objection_decide": forms.get("objection_decide") or ObjectionDecideForm(prefix="objection"),
            "lang": page_language(),
        },
        status=status,
    )


@official_required
def office_request(request, number: str):
    disclosure = selectors.request_get_for_official(actor=request.user, number=number)
    services.request_shown(actor=request.user, disclosure=disclosure)
    return _private(_office_page(request, disclosure))


@official_required
@require_POST
def office_act(request, number: str, action: str):
    disclosure = selectors.request_get_for_official(actor=request.user, number=number)
    user = request.user
    forms = {
        "extend": lambda: ReasonForm(request.POST, prefix="extend"),
        "decide": lambda: DecideForm(request.POST),
        "release": lambda: ReleaseForm(request.POST, request.FILES),
        "objection_extend": lambda: ReasonForm(request.POST, prefix="objection_extend"),
        "objection_decide": lambda: ObjectionDecideForm(request.POST, prefix="objection"),
    }
    if action not in forms:
        raise Http404
    form = forms[action]()
    calls = {
        "extend": lambda: services.request_extend(
            actor=user, request=disclosure, reason=form.cleaned_data["reason"]
        ),
        "decide": lambda: services.request_decide(
            actor=user,
            request=disclosure,
            outcome=form.cleaned_data["outcome"],
            grounds=form.cleaned_data["grounds"],
            withheld_parts=form.cleaned_data["withheld_parts"],
            exempt_categories=form.cleaned_data["exempt_categories"],
        ),
        "release": lambda: services.release_upload(
            actor=user, request=disclosure, uploads=form.cleaned_data["files"]
        ),
        "objection_extend": lambda: services.objection_extend(
            actor=user, request=disclosure, reason=form.cleaned_data["reason"]
        ),
        "objection_decide": lambda: services.objection_decide(
            actor=user,
            request=disclosure,
            outcome=form.cleaned_data["outcome"],
            grounds=form.cleaned_data["grounds"],
        ),
    }
    if form.is_valid() and form_attempt(form, calls[action]):
        messages.success(request, _("Done."))
        return redirect("disclosure:office_request", number=disclosure.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _office_page(request, disclosure, forms={action: form}, status=400)


@official_required
def office_file(request, number: str, file_id: int):
    stored = selectors.released_file_get_for(actor=request.user, number=number, file_id=file_id)
    return _private(_file_response(stored, case_file_open))


@official_required
def office_publications(request):
    form = PublicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        published = form_attempt(
            form,
            lambda: publications.publication_publish(
                actor=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                upload=form.cleaned_data["file"],
            ),
        )
        if published:
            messages.success(request, _("Published."))
            return redirect("disclosure:office_publications")
    rows = selectors.publication_list_for_official(actor=request.user)[:500]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "disclosure/office_publications.html",
        {"form": form, "rows": rows, "withdraw": ReasonForm(), "lang": page_language()},
        status=status,
    )


@official_required
@require_POST
def office_publication_withdraw(request, publication_id: int):
    publication = selectors.publication_get_for_official(actor=request.user, publication_id=publication_id)
    form = ReasonForm(request.POST)
    if form.is_valid() and form_attempt(
        form,
        lambda: publications.publication_withdraw(
            actor=request.user, publication=publication, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("Withdrawn."))
    else:
        messages.error(request, _("Give a reason to withdraw a publication."))
    return redirect("disclosure:office_publications")


@citizen_or_business_required
@require_POST
def my_request_receipt(request, number: str):
    """접수증: issued once through documents, then the signed PDF."""
    document = request_receipt_issue(actor=request.user, number=number)
    return redirect("documents:download_pdf", number=document.number)
