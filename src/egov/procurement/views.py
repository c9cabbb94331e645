"""Pages: the public tender search and notice (with the sealed-bid form for suppliers'
representatives), supplier registration; the back office's notices, publication, answers,
and the committee's share pages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import BusinessRepresentation, User
from egov.accounts.permissions import agency_scope_ids
from egov.core.errors import NotFound, PermissionDenied, ServiceError
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
    Bid,
    BidToken,
    Clarification,
    CommitteeMember,
    Contract,
    Milestone,
    Supplier,
    Tender,
)
from egov.registry.models import Business


def _represented(user: User) -> list[Business]:
    ids = BusinessRepresentation.objects.filter(user=user).values_list("business_id", flat=True)
    return list(Business.objects.filter(pk__in=ids).order_by("name"))


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
        suppliers = list(Supplier.objects.filter(business__in=_represented(user)).select_related("business"))
        context["suppliers"] = suppliers
        context["my_bids"] = list(
            Bid.objects.filter(tender=tender, supplier__in=suppliers)
            .exclude(state=Bid.State.REPLACED)
            .select_related("supplier__business")
        )
        context["question_form"] = QuestionForm()
        context["my_contract"] = Contract.objects.filter(tender=tender, supplier__in=suppliers).first()
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
    businesses = _represented(request.user)
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
                request, _("%(name)s is a registered supplier.") % {"name": supplier.business.name}
            )
            return redirect("procurement:tenders")
    registered = Supplier.objects.filter(business__in=businesses).select_related("business")
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
    tokens = BidToken.objects.filter(user=request.user)
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
    scope = agency_scope_ids(request.user)
    tenders = (
        Tender.objects.filter(agency_id__in=scope).select_related("agency").order_by("-published_at")[:200]
    )
    seats = (
        CommitteeMember.objects.filter(official=request.user)
        .select_related("tender")
        .order_by("-tender__deadline")
    )
    return render(request, "procurement/office_tenders.html", {"tenders": tenders, "seats": seats[:200]})


@official_required
def office_tender_publish(request):
    officials = User.objects.filter(
        kind="official", agency_id__in=agency_scope_ids(request.user), is_active=True
    )
    form = TenderForm(request.POST or None, officials=officials.order_by("username"))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["committee"] = list(data["committee"])
        tender = form_attempt(form, lambda: services.tender_publish(actor=request.user, **data))
        if tender:
            messages.success(request, _("Tender %(number)s is published.") % {"number": tender.number})
            return redirect("procurement:office_tender", tender.number)
    return render(request, "procurement/office_publish.html", {"form": form})


def _seat(user, tender: Tender) -> CommitteeMember | None:
    return CommitteeMember.objects.filter(tender=tender, official=user).first()


@official_required
def office_tender(request, number: str, *, cancel_form=None, status: int = 200):
    tender = selectors.tender_get_public(number=number)
    seat = _seat(request.user, tender)
    if seat is None:
        tender = selectors.tender_get_for(actor=request.user, number=number)
    own = tender.agency_id in agency_scope_ids(request.user)
    questions = tender.clarifications.all() if own else []
    detail = api.tender_detail(tender)
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
            "committee": tender.committee.select_related("official"),
            "can_award": tender.state == Tender.State.OPENED and detail["award"] is None and own,
            "can_contract": own and detail["award"] is not None and detail["contract"] is None,
            "contract_form": ContractForm(),
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
        messages.success(request, _("Tender %(number)s is cancelled.") % {"number": tender.number})
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
    item = Clarification.objects.select_related("tender").filter(pk=pk).first()
    if item is None:
        raise Http404
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
    milestones = list(contract.milestones.prefetch_related("payments").select_related("decided_by"))
    for m in milestones:
        m.paid = sum(p.amount for p in m.payments.all())
        m.left = m.amount - m.paid
    return {
        "base": "portal/base.html",
        "contract": contract,
        "tender": contract.tender,
        "milestones": milestones,
        "verification_url": selectors.document_verification_url(contract.document),
        "committed": sum(m.amount for m in milestones if m.state != Milestone.State.REJECTED),
        "paid_total": sum(m.paid for m in milestones),
    }


def _contract_get(number: str) -> Contract:
    contract = (
        Contract.objects.select_related("tender__agency", "supplier__business", "document")
        .filter(number=selectors.lookup_text(number))
        .first()
    )
    if contract is None:
        raise NotFound(_("No such contract."), field="contract")
    return contract


def _errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        for message in errors:
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {message}" if label else message)


@business_required
def my_contracts(request):
    """The contracts of the businesses the user represents."""
    contracts = Contract.objects.filter(supplier__business__in=_represented(request.user)).select_related(
        "tender", "supplier__business"
    )
    return render(request, "procurement/contracts.html", {"contracts": contracts})


@business_required
def my_contract(request, number: str):
    """A contract of a business the user represents: milestones, decisions and payments."""
    contract = _contract_get(number)
    if contract.supplier.business not in _represented(request.user):
        raise NotFound(_("No such contract."), field="contract")
    return render(request, "procurement/contract.html", _contract_context(contract))


def _office_contract_get(request, number: str) -> Contract:
    contract = _contract_get(number)
    if contract.tender.agency_id not in agency_scope_ids(request.user):
        raise NotFound(_("No such contract."), field="contract")
    return contract


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
                request, _("Contract %(number)s is issued and signed.") % {"number": contract.number}
            )
            return redirect("procurement:office_contract", contract.number)
    tender = selectors.tender_get_for(actor=request.user, number=number)
    _errors_to_messages(request, form)
    return redirect("procurement:office_tender", tender.number)


@official_required
def office_contract(request, number: str):
    return _office_contract_page(request, _office_contract_get(request, number))


@require_POST
@official_required
def office_milestone_add(request, number: str):
    contract = _office_contract_get(request, number)
    form = MilestoneForm(request.POST)
    if form.is_valid() and form_attempt(
        form, lambda: services.milestone_add(actor=request.user, contract=number, **form.cleaned_data)
    ):
        messages.success(request, _("The milestone is added."))
        return redirect("procurement:office_contract", number)
    return _office_contract_page(request, contract, status=400, milestone_form=form)


def _milestone_action(request, pk: int, form, call, success: str):
    milestone = Milestone.objects.select_related("contract").filter(pk=pk).first()
    if milestone is None:
        raise Http404
    contract = _office_contract_get(request, milestone.contract.number)
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
