"""Pages: a citizen's "who looked at my data" and consents; an agency's grants and statistics."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.core.errors import NotFound, PermissionDenied, ServiceError
from egov.core.web import (
    citizen_required,
    csv_cell,
    csv_download,
    form_attempt,
    official_required,
    page_language,
)
from egov.exchange import selectors, services
from egov.exchange.catalogue import READS
from egov.exchange.forms import ConsentForm, DecisionForm, GrantRequestForm

ACCESS_LOG_PAGE = 200


def _who(entry, read) -> tuple[str, str]:
    """Who read, in Korean and English: the agency, and for an official never the name but
    the duty and the agency, as Korean practice shows them ("종로구 주민등록 담당 공무원")."""
    agency = entry.consumer
    name_ko, name_en = (agency.name_ko, agency.name_en) if agency else ("", "")
    if entry.client_id or not entry.user_ref:  # an agency's system
        return name_ko, name_en
    if read:
        return f"{name_ko} {read.duty_ko} 공무원", f"{read.duty_en.capitalize()} official, {name_en}"
    return f"{name_ko} 공무원", f"Official, {name_en}"


def _rows(entries, names):
    for entry in entries:
        item, read = names.get(entry.item_code), READS.get(entry.item_code)
        named = item or read
        yield {
            "entry": entry,
            "who": _who(entry, read),
            "item": (named.name_ko, named.name_en) if named else (entry.item_code, entry.item_code),
            "basis": _basis(entry),
            "refusal": REFUSAL_REASONS.get(entry.error_code, _("refused")) if entry.error_code else "",
        }


# Why a read was refused, as the person says it (the API's error codes stay in the API); lazy,
# so each page shows it in the language of its request, not the one active at import.
REFUSAL_REASONS = {
    "unknown_item": gettext_lazy("no such data"),
    "unknown_subject": gettext_lazy("no such person"),
    "malformed_id": gettext_lazy("a malformed number"),
    "missing_purpose": gettext_lazy("no purpose given"),
    "no_basis": gettext_lazy("no legal basis or consent"),
    "grant_invalid": gettext_lazy("the data-sharing approval was not valid"),
    "consent_invalid": gettext_lazy("your consent was not valid"),
    "field_not_granted": gettext_lazy("data outside the approval was asked for"),
}


def _basis(entry) -> str:
    """The basis of a read as the person says it, never the grant's or consent's row id."""
    if entry.basis.startswith("grant:"):
        return _("the agencies' data-sharing approval")
    if entry.basis.startswith("consent:"):
        return _("your consent")
    return _("by law")


@citizen_required
def my_access_log(request):
    entries = selectors.access_log_for_me(actor=request.user)[:ACCESS_LOG_PAGE]
    rows = list(_rows(entries, selectors.item_names()))
    return render(request, "exchange/my_access_log.html", {"rows": rows, "limit": ACCESS_LOG_PAGE})


@citizen_required
def my_access_log_proof(request, entry_id: int):
    """The line's inclusion proof and the witnessed checkpoint, as JSON to keep or check."""
    return JsonResponse(selectors.access_log_proof_for_me(actor=request.user, entry_id=entry_id))


@citizen_required
def my_access_log_csv(request):
    response, writer = csv_download("who-looked-at-my-data.csv")
    writer.writerow(
        [
            "time",
            "agency",
            "agency_code",
            "item",
            "fields",
            "purpose",
            "basis",
            "outcome",
            "reason",
            "log_seq",
            "who",
        ]
    )
    names = selectors.item_names()
    for row in _rows(selectors.access_log_for_me(actor=request.user).iterator(chunk_size=2000), names):
        e = row["entry"]
        writer.writerow([
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            csv_cell(e.consumer.name_ko if e.consumer else ""), e.consumer.code if e.consumer else "",
            csv_cell(row["item"][0]), csv_cell(" ".join(e.fields)), csv_cell(e.purpose), csv_cell(_basis(e)),
            e.outcome, e.error_code, e.seq, csv_cell(row["who"][0]),
        ])  # fmt: skip
    return response


@citizen_required
def my_consents(request):
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = form_attempt(
            form,
            lambda: services.consent_give(
                actor=request.user, recipient=data["recipient"], items=list(data["items"]),
                purpose=data["purpose"], valid_until=data["valid_until"],
            ),
        )  # fmt: skip
        if given:
            messages.success(request, _("Your consent is recorded. You can revoke it at any time."))
            return redirect("exchange:my_consents")
    consents = selectors.consents_for_me(actor=request.user)
    return render(
        request,
        "exchange/my_consents.html",
        {"form": form, "consents": consents, "today": timezone.localdate()},
    )


@require_POST
@citizen_required
def my_consent_revoke(request, consent_id: int):
    consent = selectors.consent_get_for(actor=request.user, consent_id=consent_id)
    try:
        services.consent_revoke(actor=request.user, consent=consent)
    except ServiceError as exc:
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consent is revoked."))
    return redirect("exchange:my_consents")


@official_required
def grants(request):
    form = GrantRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requested = form_attempt(
            form,
            lambda: services.grant_request(
                actor=request.user, item=data["item"],
                fields=list(data["fields"]),
                purpose=data["purpose"], legal_basis=data["legal_basis"],
                valid_from=data["valid_from"], valid_until=data["valid_until"],
            ),
        )  # fmt: skip
        if requested:
            messages.success(request, _("The request is sent to the providing agency."))
            return redirect("exchange:grants")
    lists = selectors.grants_for_agency(actor=request.user)
    return render(request, "exchange/grants.html", {"form": form, **lists, "decision_form": DecisionForm()})


@require_POST
@official_required
def grant_decide(request, grant_id: int):
    grant = selectors.grant_get_for(actor=request.user, grant_id=grant_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, refuse or revoke."))
        return redirect("exchange:grants")
    decide = {
        "approve": services.grant_approve,
        "refuse": services.grant_refuse,
        "revoke": services.grant_revoke,
    }[form.cleaned_data["decision"]]
    try:
        decide(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("exchange:grants")


@official_required
def statistics(request):
    lang, names = page_language(), selectors.item_names()
    rows = list(selectors.provider_statistics(actor=request.user))
    for row in rows:
        item = names.get(row["item_code"])
        row["item_name"] = (item.name_en if lang == "en" else item.name_ko) if item else _("Other data")
    return render(request, "exchange/statistics.html", {"rows": rows, "lang": lang})
