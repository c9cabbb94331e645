"""Pages: the service catalogue, certificates at once, applications and their tracking (citizens);
the work queue, decisions, counter applications, configurable services and counters (officials)."""

import json
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.permissions import has_role
from egov.cases.services import case_may_take
from egov.cases.web import case_list_page
from egov.civil import selectors, services
from egov.civil.config import configurable_service_create
from egov.civil.forms import (
    ApplicationForm,
    CertificateForm,
    CounterForm,
    CounterServiceForm,
    DecisionForm,
    ServiceForm,
    SupplementRequestForm,
)
from egov.civil.handlers import handler_get
from egov.civil.models import Application
from egov.civil.receipts import application_receipt_issue
from egov.core.errors import NotFound, ServiceError
from egov.core.web import citizen_required, form_attempt, official_required, page_language, page_of

# --- public catalogue ---------------------------------------------------------------------------


def catalogue(request):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    return render(
        request,
        "civil/catalogue.html",
        {
            "services": selectors.service_list(query=query, kind=kind),
            "q": query[:100],
            "kind": kind,
            "lang": page_language(),
        },
    )


def service_page(request, code: str):
    try:
        service = selectors.service_get(code=code)
    except NotFound:
        raise Http404 from None
    resident = request.user.resident if request.user.is_authenticated and request.user.is_citizen else None
    plan = services.fetch_plan(service=service, resident=resident)
    form = None
    if resident is not None:
        h = handler_get(service.handler)
        if h.kind == "instant":
            form = CertificateForm(
                handler=h,
                resident=resident,
                needs_consent=any(f.needs_consent for f in plan),
                initial={"idempotency_key": uuid.uuid4().hex},
            )
        else:
            form = ApplicationForm(service=service, initial={"idempotency_key": uuid.uuid4().hex})
    return render(
        request,
        "civil/service.html",
        {
            "service": service,
            "plan": plan,
            "form": form,
            "lang": page_language(),
            "needs_consent": any(f.needs_consent for f in plan),
        },
    )


@citizen_required
@require_POST
def service_apply(request, code: str):
    service = selectors.service_get(code=code)
    h = handler_get(service.handler)
    resident = request.user.resident
    if h.kind == "instant":
        form = CertificateForm(request.POST, handler=h, resident=resident)
        call = lambda: services.certificate_issue(  # noqa: E731
            actor=request.user,
            service=service,
            options=form.options(),
            language=form.cleaned_data["language"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            consent=form.cleaned_data.get("consent", False),
        )
    else:
        form = ApplicationForm(request.POST, service=service)
        call = lambda: services.application_submit(  # noqa: E731
            actor=request.user,
            service=service,
            data=form.data_for_service(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            consent=form.cleaned_data.get("consent", False),
        )
    application = form_attempt(form, call) if form.is_valid() else None
    if application:
        if application.document_id:
            messages.success(
                request, _("Your certificate is issued. Download it below; it is also in My documents.")
            )
        elif application.state == Application.State.AWAITING_PAYMENT and h.kind == "instant":
            messages.success(
                request,
                _(
                    "Pay the fee into the virtual account shown below; the certificate is issued "
                    "as soon as the payment arrives, and you get an e-mail."
                ),
            )
        else:
            messages.success(
                request, _("Your application is submitted. You will get an e-mail at each change.")
            )
        return redirect("civil:my_application", number=application.number)
    plan = services.fetch_plan(service=service, resident=resident)  # only to show the page again
    return render(
        request,
        "civil/service.html",
        {
            "service": service,
            "plan": plan,
            "form": form,
            "lang": page_language(),
            "needs_consent": any(f.needs_consent for f in plan),
        },
        status=400,
    )


# --- the citizen's applications -------------------------------------------------------------------


@citizen_required
def my_applications(request):
    return render(
        request,
        "civil/my_applications.html",
        case_list_page(request, selectors.application_list_for(actor=request.user), "applications"),
    )


@citizen_required
def my_application(request, number: str):
    application = selectors.application_get_for(actor=request.user, number=number)
    form = None
    if application.state == Application.State.SUPPLEMENT:
        form = ApplicationForm(service=application.service, supplement=True, initial=application.data)
    if request.method == "POST" and application.state == Application.State.SUPPLEMENT:
        form = ApplicationForm(request.POST, service=application.service, supplement=True)
        call = lambda: services.application_supplement(  # noqa: E731
            actor=request.user,
            application=application,
            data=form.data_for_service(),
            note=form.cleaned_data.get("note", ""),
        )
        if form.is_valid() and form_attempt(form, call):
            messages.success(request, _("Your supplement is sent; the processing period runs again."))
            return redirect("civil:my_application", number=application.number)
    return render(
        request,
        "civil/my_application.html",
        {
            "application": application,
            "events": selectors.application_events(application=application),
            "explanation": selectors.due_explanation(application=application, language=page_language()),
            "form": form,
            "lang": page_language(),
            "fields": selectors.application_fields(application=application, language=page_language()),
            "may_withdraw": case_may_take(request.user, application, "withdraw"),
        },
    )


@citizen_required
@require_POST
def my_application_withdraw(request, number: str):
    application = selectors.application_get_for(actor=request.user, number=number)
    try:
        services.application_withdraw(
            actor=request.user, application=application, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("civil:my_application", number=application.number)


# --- officials ------------------------------------------------------------------------------


@official_required
def queue(request):
    state = request.GET.get("state", "")
    page = page_of(
        request,
        selectors.application_queue_for(
            actor=request.user, state=state, overdue_only=request.GET.get("overdue") == "1"
        ),
    )
    now = timezone.now()
    return render(
        request,
        "civil/queue.html",
        {
            "rows": page.object_list,
            "page": page,
            "now": now,
            "state": state,
            "states": [(value, Application.State(value).label) for value in Application.OPEN_STATES],
        },
    )


@official_required
def office_application(request, number: str):
    application = selectors.application_get_for(actor=request.user, number=number)
    services.application_shown(actor=request.user, application=application)
    return render(
        request,
        "civil/office_application.html",
        {
            "application": application,
            "events": selectors.application_events(application=application),
            "explanation": selectors.due_explanation(application=application, language=page_language()),
            "decision": DecisionForm(),
            "supplement": SupplementRequestForm(),
            "lang": page_language(),
            "fields": selectors.application_fields(application=application, language=page_language()),
            "overdue": selectors.application_is_overdue(application=application),
        },
    )


@official_required
@require_POST
def office_act(request, number: str, action: str):
    application = selectors.application_get_for(actor=request.user, number=number)
    form = SupplementRequestForm(request.POST) if action == "supplement" else DecisionForm(request.POST)
    calls = {
        "review": lambda: services.application_review(actor=request.user, application=application),
        "approve": lambda: services.application_approve(
            actor=request.user, application=application, note=form.cleaned_data.get("note", "")
        ),
        "reject": lambda: services.application_reject(
            actor=request.user, application=application, reason=form.cleaned_data.get("note", "")
        ),
        "supplement": lambda: services.application_request_supplement(
            actor=request.user, application=application, note=form.cleaned_data.get("note", "")
        ),
    }
    if action not in calls:
        raise Http404
    if form.is_valid() and form_attempt(form, calls[action]):
        messages.success(request, _("Done."))
        return redirect("civil:office_application", number=application.number)
    return render(
        request,
        "civil/office_application.html",
        {
            "application": application,
            "events": selectors.application_events(application=application),
            "explanation": selectors.due_explanation(application=application, language=page_language()),
            "decision": form if action != "supplement" else DecisionForm(),
            "supplement": form if action == "supplement" else SupplementRequestForm(),
            "lang": page_language(),
            "fields": selectors.application_fields(application=application, language=page_language()),
            "overdue": selectors.application_is_overdue(application=application),
        },
        status=400,
    )


@official_required
def counter(request):
    """Step one: the official chooses the service; step two: its own form, for the resident."""
    offered = selectors.counter_services()
    chosen = CounterServiceForm(request.POST if request.method == "POST" else request.GET, offered=offered)
    if not chosen.is_valid():
        chosen = CounterServiceForm(offered=offered) if "service" not in request.GET else chosen
        return render(request, "civil/counter.html", {"choose": chosen, "service": None})
    service = chosen.cleaned_data["service"]
    form = CounterForm(request.POST or None, service=service, initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        application = form_attempt(
            form,
            lambda: services.counter_application_record(
                actor=request.user,
                service=service,
                resident=form.resident(),
                data=form.data_for_service(),
                idempotency_key=form.cleaned_data["idempotency_key"],
            ),  # fmt: skip
        )
        if application:
            messages.success(
                request, _("The counter application %(number)s is recorded.") % {"number": application.number}
            )
            return redirect("civil:office_application", number=application.number)
    return render(request, "civil/counter.html", {"form": form, "service": service})


@official_required
def office_services(request):
    agency = request.user.agency
    form = ServiceForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, "agency_admin"):
            raise DjangoPermissionDenied
        if form.is_valid():
            service = form_attempt(
                form,
                lambda: configurable_service_create(actor=request.user, agency=agency, **form.cleaned_data),
            )
            if service:
                messages.success(request, _("The service %(name)s is published.") % {"name": service.name_ko})
                return redirect("civil:service", code=service.code)
    return render(
        request,
        "civil/office_services.html",
        {
            "form": form,
            "services": selectors.service_list_for(actor=request.user),
            "example": json.dumps(ServiceForm.EXAMPLE_SCHEMA, ensure_ascii=False, indent=1),
        },
    )


@official_required
def statistics(request):
    month = request.GET.get("month", "")
    try:
        rows, month = selectors.counters(official=request.user, month=month)
    except ServiceError as exc:
        messages.error(request, exc.message)
        rows, month = selectors.counters(official=request.user, month="")
    return render(request, "civil/statistics.html", {"rows": rows, "month": month, "lang": page_language()})


@official_required
def notices(request):
    rows = selectors.notice_list_for(actor=request.user)
    return render(request, "civil/notices.html", {"rows": rows})


@citizen_required
@require_POST
def my_application_receipt(request, number: str):
    """접수증: issued once through documents, then the signed PDF."""
    document = application_receipt_issue(actor=request.user, number=number)
    return redirect("documents:download_pdf", number=document.number)
