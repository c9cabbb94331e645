"""Pages: the public tender search and notice (with the sealed-bid form for suppliers'
representatives), supplier registration; the back office's notices, publication, answers,
and the committee's share pages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.permissions import agency_scope_ids
from egov.core.errors import NotFound, PermissionDenied, ServiceError
from egov.core.korean import particles_resolve
from egov.core.web import business_required, form_attempt, official_required
from egov.procurement import api, reserve, selectors, services
from egov.procurement.categories import CATEGORIES
from egov.procurement.forms import (
    AnswerForm,
    BidTokenForm,
    CancelForm,
    ContractForm,
    DecisionForm,
    MilestoneForm,
    PaymentForm,
    QuestionForm,
    ShareForm,
    SupplierForm,
    TenderForm,
)
from egov.procurement.models import (
    Contract,
    Milestone,
    Tender,
)
from egov.procurement.receipts import bid_receipt_issue

# --- public ------------------------------------------------------------------------------------


def tender_list(request):
    query, category = request.GET.get("q", ""), request.GET.get("category", "")
    open_only = request.GET.get("all") != "1"
    return render(
        request,
        "procurement/tenders.html",
        {
            "tenders": selectors.tender_search(query=query, category=category, open_only=open_only),
            "q": query[:100],
            "category": category,
            "categories": CATEGORIES,
            "open_only": open_only,
        },
    )


def _tender_context(request, tender: Tender, **extra) -> dict:
    context = {
        "tender": tender,
        "detail": api.tender_detail(tender),
        "categories": CATEGORIES,
        "reserve_numbers": range(1, reserve.RESERVE_COUNT + 1),
    }
    user = request.user
    if user.is_authenticated and user.is_business:
        suppliers = list(selectors.supplier_list_for(actor=user))
        context["suppliers"] = suppliers
        context["my_bids"] = selectors.bid_list_for(actor=user, tender=tender, suppliers=suppliers)
        context["question_form"] = QuestionForm()
        context["my_contract"] = selectors.contract_of_suppliers(tender=tender, suppliers=suppliers)
    context.update(extra)
    return context


def tender_page(request, number: str):
    try:
        tender = selectors.tender_get_public(number=number)
    except NotFound:
        raise Http404 from None
    return render(request, "procurement/tender.html", _tender_context(request, tender))


@require_POST
@business_required
def bid_submit(request, number: str):
    try:
        bid = services.bid_submit(
            actor=request.user,
            number=number,
            brn=request.POST.get("brn", ""),
            sealed=request.POST.get("sealed", ""),
        )
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("procurement:tender", number)
    return render(request, "procurement/receipt.html", {"bid": bid, "receipt": api._receipt(bid)})


@require_POST
@business_required
def bid_withdraw(request, number: str):
    try:
        services.bid_withdraw(actor=request.user, number=number, brn=request.POST.get("brn", ""))
        messages.success(request, _("Your bid is withdrawn."))
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("procurement:tender", number)


@require_POST
@business_required
def question_ask(request, number: str):
    form = QuestionForm(request.POST)
    if form.is_valid() and form_attempt(
        form,
        lambda: services.clarification_ask(
            actor=request.user, number=number, question=form.cleaned_data["question"]
        ),
    ):
        messages.success(request, _("Your question is sent; the answer will be public."))
        return redirect("procurement:tender", number)
    tender = selectors.tender_get_public(number=number)
    return render(
        request, "procurement/tender.html", _tender_context(request, tender, question_form=form), status=400
    )


@business_required
def supplier_register(request):
    businesses = selectors.business_list_for(actor=request.user)
    form = SupplierForm(request.POST or None, businesses=businesses)
    if request.method == "POST" and form.is_valid():
        supplier = form_attempt(
            form,
            lambda: services.supplier_register(
                actor=request.user, brn=form.cleaned_data["brn"], categories=form.cleaned_data["categories"]
            ),
        )
        if supplier:
            messages.success(
                request,
                particles_resolve(_("%(name)s is a registered supplier.") % {"name": supplier.business.name}),
            )
            return redirect("procurement:tenders")
    registered = selectors.supplier_list_for(actor=request.user)
    return render(request, "procurement/supplier_register.html", {"form": form, "registered": registered})


@business_required
def bid_tokens(request):
    """The representative's bidding software tokens: issue one (shown once), see and revoke them."""
    form = BidTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        result = form_attempt(
            form, lambda: services.bid_token_issue(actor=request.user, name=form.cleaned_data["name"])
        )
        if result:
            issued = result[1]
            form = BidTokenForm()
    tokens = selectors.bid_token_list_for(actor=request.user)
    response = render(
        request,
        "procurement/bid_tokens.html",
        {"form": form, "tokens": tokens, "issued": issued, "now": timezone.now()},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may show a token in clear
    return response


@require_POST
@business_required
def bid_token_revoke(request, pk: int):
    token = services.bid_token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("The token %(hint)s… is revoked.") % {"hint": token.hint})
    return redirect("procurement:bid_tokens")


# --- back office ---------------------------------------------------------------------------------


@official_required
def office_tenders(request):
    tenders = selectors.tender_list_for(actor=request.user)
    seats = selectors.committee_seat_list_for(actor=request.user)
    return render(request, "procurement/office_tenders.html", {"tenders": tenders, "seats": seats})


@official_required
def office_tender_publish(request):
    officials = selectors.committee_candidates_for(actor=request.user)
    form = TenderForm(request.POST or None, officials=officials)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["committee"] = list(data["committee"])
        tender = form_attempt(form, lambda: services.tender_publish(actor=request.user, **data))
        if tender:
            messages.success(
                request, particles_resolve(_("Tender %(number)s is published.") % {"number": tender.number})
            )
            return redirect("procurement:office_tender", tender.number)
    return render(request, "procurement/office_publish.html", {"form": form})


@official_required
def office_tender(request, number: str, *, cancel_form=None, status: int = 200):
    tender = selectors.tender_get_public(number=number)
    seat = selectors.committee_seat_get_for(actor=request.user, tender=tender)
    if seat is None:
        tender = selectors.tender_get_for(actor=request.user, number=number)
    own = tender.agency_id in agency_scope_ids(request.user)
    questions = selectors.clarification_list_for(actor=request.user, tender=tender)
    detail = api.tender_detail(tender)
    clearance_by_exchange = selectors.clearance_grant_of(actor=request.user) is not None
    return render(
        request,
        "procurement/office_tender.html",
        {
            "tender": tender,
            "detail": detail,
            "seat": seat,
            "questions": questions,
            "share_form": ShareForm(),
            "answer_form": AnswerForm(),
            "committee": selectors.committee_list(tender=tender),
            "can_award": tender.state == Tender.State.OPENED and detail["award"] is None and own,
            "can_contract": own and detail["award"] is not None and detail["contract"] is None,
            "contract_form": ContractForm(paper=not clearance_by_exchange),
            "clearance_by_exchange": clearance_by_exchange,
            "can_cancel": own and tender.state == Tender.State.PUBLISHED,
            "cancel_form": cancel_form or CancelForm(),
        },
        status=status,
    )


@require_POST
@official_required
def office_tender_cancel(request, number: str):
    form = CancelForm(request.POST)
    if not form.is_valid():
        return office_tender(request, number, cancel_form=form, status=400)
    try:
        tender = services.tender_cancel(actor=request.user, number=number, reason=form.cleaned_data["reason"])
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, particles_resolve(_("Tender %(number)s is cancelled.") % {"number": tender.number})
        )
    return redirect("procurement:office_tender", number)


@require_POST
@official_required
def office_share_collect(request, number: str):
    try:
        share = services.committee_share_collect(actor=request.user, number=number)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
        return redirect("procurement:office_tender", number)
    response = render(request, "procurement/office_share.html", {"share": share, "number": number})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@official_required
def office_share_submit(request, number: str):
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            tender = services.opening_share_submit(
                actor=request.user, number=number, share=form.cleaned_data["share"]
            )
        except NotFound:
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if tender.state == Tender.State.OPENED:
                messages.success(request, _("The tender is opened; the record is public."))
            else:
                messages.success(request, _("Your share is in; one more member opens the tender."))
    return redirect("procurement:office_tender", number)


@require_POST
@official_required
def office_award(request, number: str):
    try:
        award = services.tender_award(actor=request.user, number=number)
    except NotFound:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, award.reason)
    return redirect("procurement:office_tender", number)


@require_POST
@official_required
def office_answer(request, pk: int):
    form = AnswerForm(request.POST)
    item = selectors.clarification_get(clarification_id=pk)
    if form.is_valid():
        try:
            services.clarification_answer(
                actor=request.user, clarification_id=pk, answer=form.cleaned_data["answer"]
            )
        except NotFound:
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
    return redirect("procurement:office_tender", item.tender.number)


# --- contracts -----------------------------------------------------------------------------------


def _contract_context(contract: Contract) -> dict:
    milestones = selectors.milestone_list(contract=contract)
    return {
        "base": "portal/base.html",
        "contract": contract,
        "tender": contract.tender,
        "milestones": milestones,
        "verification_url": selectors.document_verification_url(contract.document),
        "committed": sum(m.amount for m in milestones if m.state != Milestone.State.REJECTED),
        "paid_total": sum(m.paid for m in milestones),
    }


def _errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        for message in errors:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {message}" if label else message)


@business_required
def my_contracts(request):
    """The contracts of the businesses the user represents."""
    contracts = selectors.contract_list_for(actor=request.user)
    return render(request, "procurement/contracts.html", {"contracts": contracts})


@business_required
def my_contract(request, number: str):
    """A contract of a business the user represents: milestones, decisions and payments."""
    contract = selectors.contract_get_for(actor=request.user, number=number)
    return render(request, "procurement/contract.html", _contract_context(contract))


def _office_contract_page(request, contract: Contract, *, status: int = 200, milestone_form=None):
    context = _contract_context(contract)
    context.update(
        {
            "office": True,
            "base": "registry/base.html",
            "milestone_form": milestone_form or MilestoneForm(),
            "decision_form": DecisionForm(),
            "payment_form": PaymentForm(),
        }
    )
    return render(request, "procurement/contract.html", context, status=status)


@require_POST
@official_required
def office_contract_issue(request, number: str):
    form = ContractForm(request.POST)
    if form.is_valid():
        contract = form_attempt(
            form, lambda: services.contract_issue(actor=request.user, number=number, **form.cleaned_data)
        )
        if contract:
            messages.success(
                request,
                particles_resolve(
                    _("Contract %(number)s is issued and signed.") % {"number": contract.number}
                ),
            )
            return redirect("procurement:office_contract", contract.number)
    tender = selectors.tender_get_for(actor=request.user, number=number)
    _errors_to_messages(request, form)
    return redirect("procurement:office_tender", tender.number)


@official_required
def office_contract(request, number: str):
    return _office_contract_page(request, selectors.contract_get_for(actor=request.user, number=number))


@require_POST
@official_required
def office_milestone_add(request, number: str):
    contract = selectors.contract_get_for(actor=request.user, number=number)
    form = MilestoneForm(request.POST)
    if form.is_valid() and form_attempt(
        form, lambda: services.milestone_add(actor=request.user, contract=number, **form.cleaned_data)
    ):
        messages.success(request, _("The milestone is added."))
        return redirect("procurement:office_contract", number)
    return _office_contract_page(request, contract, status=400, milestone_form=form)


def _milestone_action(request, pk: int, form, call, success: str):
    contract = selectors.milestone_get_for(actor=request.user, milestone_id=pk).contract
    if form.is_valid() and form_attempt(form, lambda: call(form.cleaned_data)):
        messages.success(request, success)
    else:
        _errors_to_messages(request, form)
    return redirect("procurement:office_contract", contract.number)


@require_POST
@official_required
def office_milestone_decide(request, pk: int):
    return _milestone_action(
        request,
        pk,
        DecisionForm(request.POST),
        lambda data: services.milestone_decide(
            actor=request.user, milestone_id=pk, accepted=data["decision"] == "accept", note=data["note"]
        ),
        _("The delivery decision is recorded."),
    )


@require_POST
@official_required
def office_payment_record(request, pk: int):
    return _milestone_action(
        request,
        pk,
        PaymentForm(request.POST),
        lambda data: services.payment_record(actor=request.user, milestone_id=pk, **data),
        _("The payment is recorded."),
    )


@require_POST
@business_required
def bid_receipt(request, number: str, bid_id: int):
    """The bid's 접수증 issued through documents (signed, with the QR), then its PDF."""
    document = bid_receipt_issue(actor=request.user, number=number, bid_id=bid_id)
    return redirect("documents:download_pdf", number=document.number)
