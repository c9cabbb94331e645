"""Customs pages: the trader's and broker's declarations (list, the multi-step form saved as a
draft and resumed, the declaration with every step and the duty explained line by line), the
officials' queue and case work, rule sets with their back-test, the tariff, and the public
statistics."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.cases.selectors import case_history
from egov.core.errors import ServiceError
from egov.core.web import business_required, form_attempt, official_required, page_language
from egov.customs import forms, selectors, services
from egov.customs.models import DeclarationDraft, RuleSet, TariffRate
from egov.payments.services import payment_order_for_case

STEPS = {1: forms.PartiesForm, 2: forms.TransportForm}
STEP_TITLES = {1: "Parties", 2: "Transport and invoice", 3: "Items", 4: "Review and submit"}


def _private(response):
    response["Cache-Control"] = "private, no-store"
    return response


# --- the public -------------------------------------------------------------------------------


def statistics(request):
    """Trade by month, HS chapter and country, clearance times by lane, the draws (public)."""
    return render(
        request,
        "customs/statistics.html",
        {
            "trade": selectors.trade_statistics(),
            "clearance": selectors.clearance_times(),
            "draws": selectors.draws_public(limit=14),
        },
    )


# --- traders and brokers ------------------------------------------------------------------------


@business_required
def my_declarations(request):
    return _private(
        render(
            request,
            "customs/my_declarations.html",
            {
                "rows": selectors.declaration_list_for(actor=request.user),
                "drafts": selectors.drafts_for(actor=request.user)[:20],
            },
        )
    )


def _draft_of(request) -> DeclarationDraft | None:
    draft_id = request.GET.get("draft") or request.POST.get("draft")
    if not draft_id:
        return None
    draft = (
        selectors.drafts_for(actor=request.user)
        .filter(pk=int(draft_id) if str(draft_id).isdigit() else 0)
        .first()
    )
    if draft is None:
        raise Http404
    return draft


@business_required
def declaration_new(request):
    """The multi-step form: each step is saved in the draft, which can be resumed later."""
    draft = _draft_of(request)
    data = dict(draft.data) if draft else {}
    try:
        step = max(
            1,
            min(4, int(request.POST.get("step") or request.GET.get("step") or (draft.step if draft else 1))),
        )
    except ValueError:
        step = 1
    form = None
    if request.method == "POST":
        move = request.POST.get("move", "next")
        if step in STEPS:
            form = STEPS[step](request.POST)
            valid = form.is_valid()
            if valid:
                data.update(form.cleaned_data)
        elif step == 3:
            form = forms.ItemFormSet(request.POST, prefix="items")
            valid = form.is_valid()
            if valid:
                data["items"] = [f.cleaned_data for f in form.forms if f.cleaned_data.get("description")]
        else:
            valid = True
        if valid and move == "submit" and step == 4:
            try:
                declaration = services.draft_submit(
                    actor=request.user, draft=draft, submission=_submission(data)
                )
            except ServiceError as refused:
                messages.error(request, _field_message(refused))
            else:
                messages.success(request, _("Submitted."))
                return redirect("customs:my_declaration", number=declaration.number)
        elif valid:
            target = step + 1 if move == "next" else step - 1 if move == "back" else step
            target = max(1, min(4, target))
            draft = services.draft_save(actor=request.user, data=data, step=target, draft=draft)
            if move == "save":
                messages.success(request, _("Saved. You can resume this declaration later."))
            return redirect(f"{request.path}?draft={draft.pk}&step={target}")
    if form is None:
        if step in STEPS:
            form = STEPS[step](initial=data)
        elif step == 3:
            form = forms.ItemFormSet(prefix="items", initial=[*(data.get("items") or []), {}][:20])
    return _private(
        render(
            request,
            "customs/new.html",
            {
                "form": form,
                "step": step,
                "steps": STEP_TITLES,
                "draft": draft,
                "data": data,
            },
            status=400 if request.method == "POST" else 200,
        )
    )


def _submission(data: dict) -> dict:
    keys = (
        "kind",
        "declarant_reference",
        "trader_brn",
        "transport_mode",
        "conveyance",
        "port_of_loading",
        "port_of_discharge",
        "transport_document",
        "incoterm",
        "currency",
        "invoice_amount",
    )
    submission = {k: data.get(k, "") for k in keys}
    submission["items"] = data.get("items") or []
    return submission


FIELD_LABELS = {
    "kind": gettext_lazy("Import or export"),
    "declarant_reference": gettext_lazy("Your reference"),
    "trader_brn": gettext_lazy("Importer or exporter"),
    "declarant_brn": gettext_lazy("Declarant"),
    "transport_mode": gettext_lazy("Transport"),
    "port_of_loading": gettext_lazy("Port of loading"),
    "port_of_discharge": gettext_lazy("Port of discharge"),
    "transport_document": gettext_lazy("B/L or AWB number"),
    "incoterm": gettext_lazy("Terms of delivery"),
    "currency": gettext_lazy("Currency"),
    "invoice_amount": gettext_lazy("Invoice amount"),
    "items": gettext_lazy("Items"),
    "description": gettext_lazy("Goods"),
    "hs_code": gettext_lazy("HS code"),
    "origin": gettext_lazy("Country of origin"),
    "unit": gettext_lazy("Unit"),
    "quantity": gettext_lazy("Quantity"),
    "value": gettext_lazy("Value"),
    "preference": gettext_lazy("Preferential tariff"),
    "origin_proof": gettext_lazy("Proof of origin"),
}


def _field_message(refused: ServiceError) -> str:
    """The refusal with its field as a person reads it ("품목 2 HS 부호: ..."), never its code."""
    field = refused.field or ""
    if field.startswith("items[") and "]." in field:
        index, _dot, name = field[6:].partition("].")
        label = _("Item %(n)s, %(field)s") % {
            "n": int(index) + 1 if index.isdigit() else index,
            "field": FIELD_LABELS.get(name, name),
        }
        return f"{label}: {refused.message}"
    if field in FIELD_LABELS:
        return f"{FIELD_LABELS[field]}: {refused.message}"
    return refused.message


def _declaration_page(request, declaration, *, template: str, extra: dict | None = None, status: int = 200):
    return _private(
        render(
            request,
            template,
            {
                "d": declaration,
                "items": selectors.declaration_items(declaration),
                "events": case_history(case=declaration),
                "order": payment_order_for_case(declaration),
                "amendments": declaration.amendments.all(),
                "lang": page_language(),
                **(extra or {}),
            },
            status=status,
        )
    )


@business_required
def my_declaration(request, number: str):
    declaration = selectors.declaration_get_for(actor=request.user, number=number)
    return _declaration_page(
        request,
        declaration,
        template="customs/my_declaration.html",
        extra={"amend": forms.AmendForm(), "withdraw": forms.ReasonForm(prefix="withdraw")},
    )


@business_required
@require_POST
def my_act(request, number: str, action: str):
    declaration = selectors.declaration_get_for(actor=request.user, number=number)
    user = request.user
    if action == "amend":
        form = forms.AmendForm(request.POST)
        call = lambda: services.declaration_amend(  # noqa: E731
            actor=user, declaration=declaration, reason=form.cleaned_data["reason"], items=form.changes()
        )
    elif action == "withdraw":
        form = forms.ReasonForm(request.POST, prefix="withdraw")
        call = lambda: services.declaration_withdraw(  # noqa: E731
            actor=user, declaration=declaration, reason=form.cleaned_data["reason"]
        )
    elif action == "recheck":
        form = forms.forms.Form(request.POST)
        call = lambda: services.declaration_recheck(actor=user, declaration=declaration)  # noqa: E731
    else:
        raise Http404
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Done."))
        return redirect("customs:my_declaration", number=declaration.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _declaration_page(
        request,
        declaration,
        template="customs/my_declaration.html",
        extra={
            "amend": form if action == "amend" else forms.AmendForm(),
            "withdraw": form if action == "withdraw" else forms.ReasonForm(prefix="withdraw"),
        },
        status=400,
    )


# --- officials ------------------------------------------------------------------------------------


@official_required
def office_queue(request):
    rows = list(selectors.declaration_queue_for(actor=request.user)[:500])
    return _private(render(request, "customs/office_queue.html", {"rows": rows, "now": timezone.now()}))


OFFICE_FORMS = {
    "request_documents": lambda post, files: forms.NoteForm(post, prefix="request_documents"),
    "record_inspection": lambda post, files: forms.InspectionForm(post, files, prefix="record_inspection"),
    "reassess": lambda post, files: forms.AmendForm(post, prefix="reassess"),
    "penalize": lambda post, files: forms.PenaltyForm(post, prefix="penalize"),
    "approve": lambda post, files: forms.forms.Form(post),
    "reject": lambda post, files: forms.ReasonForm(post, prefix="reject"),
}


def _office_forms(bound: dict | None = None) -> dict:
    blank = {name: make(None, None) for name, make in OFFICE_FORMS.items()}
    return {**blank, **(bound or {})}


@official_required
def office_declaration(request, number: str):
    declaration = selectors.declaration_get_for(actor=request.user, number=number)
    return _declaration_page(
        request, declaration, template="customs/office_declaration.html", extra={"forms": _office_forms()}
    )


@official_required
@require_POST
def office_act(request, number: str, action: str):
    declaration = selectors.declaration_get_for(actor=request.user, number=number)
    if action not in OFFICE_FORMS:
        raise Http404
    form = OFFICE_FORMS[action](request.POST, request.FILES)
    user = request.user

    def call():
        data = form.cleaned_data
        if action == "request_documents":
            return services.declaration_request_documents(
                actor=user, declaration=declaration, note=data["note"]
            )
        if action == "record_inspection":
            return services.declaration_record_inspection(
                actor=user,
                declaration=declaration,
                findings=data["findings"],
                photos=data.get("photos") or [],
            )
        if action == "reassess":
            return services.declaration_reassess(
                actor=user, declaration=declaration, items=form.changes(), reason=data["reason"]
            )
        if action == "penalize":
            return services.declaration_penalize(
                actor=user, declaration=declaration, amount=data["amount"], reason=data["reason"]
            )
        if action == "approve":
            return services.declaration_approve(actor=user, declaration=declaration)
        return services.declaration_reject(actor=user, declaration=declaration, reason=data["reason"])

    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Done."))
        return redirect("customs:office_declaration", number=declaration.number)
    for error in form.non_field_errors():
        messages.error(request, error)
    return _declaration_page(
        request,
        declaration,
        template="customs/office_declaration.html",
        extra={"forms": _office_forms({action: form})},
        status=400,
    )


@official_required
def office_rules(request):
    """Rule sets: the active one, drafts with their rules, a back-test, activation."""
    services.rule_sets_require_customs(request.user)
    rule_sets = list(RuleSet.objects.prefetch_related("rules")[:20])
    selected = None
    version = request.GET.get("version")
    if version and version.isdigit():
        selected = next((r for r in rule_sets if r.version == int(version)), None)
    selected = (
        selected
        or next((r for r in rule_sets if r.state == "draft"), None)
        or (rule_sets[0] if rule_sets else None)
    )
    backtest = None
    if selected is not None and request.GET.get("backtest"):
        backtest = selectors.backtest(actor=request.user, rule_set=selected, limit=100_000)
    return _private(
        render(
            request,
            "customs/office_rules.html",
            {
                "rule_sets": rule_sets,
                "selected": selected,
                "backtest": backtest,
                "rule_form": forms.RuleForm(),
                "draft_form": forms.DraftForm(),
            },
        )
    )


@official_required
@require_POST
def office_rules_act(request, action: str):
    user = request.user
    services.rule_sets_require_customs(user)
    try:
        if action == "draft":
            form = forms.DraftForm(request.POST)
            if form.is_valid():
                draft = services.rule_set_draft(actor=user, note=form.cleaned_data["note"])
                return redirect(f"/office/customs/rules/?version={draft.version}")
        rule_set = RuleSet.objects.filter(version=int(request.POST.get("version") or 0)).first()
        if rule_set is None:
            raise Http404
        if action == "add":
            form = forms.RuleForm(request.POST)
            if form.is_valid():
                services.rule_add(actor=user, rule_set=rule_set, **form.cleaned_data)
            else:
                messages.error(request, _("Check the rule's fields."))
        elif action == "delete":
            services.rule_delete(actor=user, rule_set=rule_set, code=request.POST.get("code", ""))
        elif action == "activate":
            services.rule_set_activate(actor=user, rule_set=rule_set)
            messages.success(request, _("The rule set is active."))
        else:
            raise Http404
        return redirect(f"/office/customs/rules/?version={rule_set.version}")
    except ServiceError as refused:
        messages.error(request, _field_message(refused))
        return redirect("customs:office_rules")


@official_required
def office_tariff(request):
    rate_form, exchange_form = forms.TariffRateForm(prefix="rate"), forms.ExchangeRateForm(prefix="fx")
    status = 200
    if request.method == "POST":
        if "rate-code" in request.POST:
            rate_form = forms.TariffRateForm(request.POST, prefix="rate")
            if rate_form.is_valid():
                data = rate_form.cleaned_data
                countries = [c for c in data.pop("origin_countries").replace(" ", "").split(",") if c]
                if form_attempt(
                    rate_form,
                    lambda: services.tariff_rate_record(
                        actor=request.user, origin_countries=countries, **data
                    ),
                ):
                    messages.success(request, _("Recorded."))
                    return redirect("customs:office_tariff")
        else:
            exchange_form = forms.ExchangeRateForm(request.POST, prefix="fx")
            if exchange_form.is_valid() and form_attempt(
                exchange_form,
                lambda: services.exchange_rate_record(actor=request.user, **exchange_form.cleaned_data),
            ):
                messages.success(request, _("Recorded."))
                return redirect("customs:office_tariff")
        status = 400
    code = (request.GET.get("code") or "").strip()[:10]
    rates = TariffRate.objects.select_related("heading").order_by(
        "heading__code", "kind", "agreement", "-effective_from"
    )
    rates = rates.filter(heading__code__startswith=code)[:200] if code else rates[:60]
    return _private(
        render(
            request,
            "customs/office_tariff.html",
            {"rate_form": rate_form, "exchange_form": exchange_form, "rates": rates, "code": code},
            status=status,
        )
    )


def _securities_page(request, *, form, release_forms=None, status=200):
    brn = (request.GET.get("brn") or "").strip()[:12]
    rows = selectors.security_list_for(actor=request.user, trader_brn=brn)
    for row in rows:
        row.free = row.amount - row.held
        row.release_form = (release_forms or {}).get(row.pk) or forms.ReasonForm(prefix=f"release{row.pk}")
    return _private(
        render(
            request,
            "customs/office_securities.html",
            {"rows": rows, "form": form, "brn": brn, "today": timezone.localdate()},
            status=status,
        )
    )


@official_required
def office_securities(request):
    """The securities (담보) lodged with the official's office, by trader: amount, the part unpaid
    released declarations hold, what is free; a new one recorded here."""
    if request.method == "POST":
        form = forms.SecurityDepositForm(request.POST)
        if form.is_valid() and form_attempt(
            form, lambda: services.security_deposit_register(actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, _("The security is recorded."))
            return redirect("customs:office_securities")
        return _securities_page(request, form=form, status=400)
    return _securities_page(request, form=forms.SecurityDepositForm())


@official_required
@require_POST
def office_security_release(request, pk: int):
    """Release a security (담보 해제): refused while unpaid releases hold part of it; a security
    of another office is a 404."""
    form = forms.ReasonForm(request.POST, prefix=f"release{pk}")
    if form.is_valid() and form_attempt(
        form,
        lambda: services.security_deposit_release(
            actor=request.user, deposit_id=pk, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("The security is released."))
        return redirect("customs:office_securities")
    for error in form.non_field_errors():
        messages.error(request, error)
    return _securities_page(request, form=forms.SecurityDepositForm(), release_forms={pk: form}, status=400)
