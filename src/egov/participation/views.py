"""Public participation pages: the list, a proposal with its comments, agreement count and the
agency's response, the posting form, and the agree and comment actions (POST, citizens)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import NotFound, PermissionDenied, ServiceError
from egov.core.web import citizen_required, form_attempt, page_language
from egov.participation import selectors, services
from egov.participation.forms import CommentForm, ProposalForm

STATES = ("open", "petitioned", "closed")


def _proposal(proposal_id: int):
    try:
        return selectors.proposal_get(proposal_id=proposal_id)
    except NotFound:
        raise Http404 from None


def proposal_list(request):
    state = request.GET.get("state") if request.GET.get("state") in STATES else None
    rows = selectors.proposal_list(state=state)[:200]
    return render(request, "participation/list.html", {"rows": rows, "state": state, "lang": page_language()})


def proposal_detail(request, proposal_id: int, *, comment_form=None, status=200):
    proposal = _proposal(proposal_id)
    agreed = selectors.proposal_agreed_by(actor=request.user, proposal=proposal)
    context = {
        "proposal": proposal,
        "comments": selectors.proposal_comments(proposal=proposal),
        "is_open": services.proposal_is_open(proposal),
        "response": selectors.official_response(proposal),
        "agreed": agreed,
        "comment_form": comment_form or CommentForm(),
        "lang": page_language(),
    }
    return render(request, "participation/detail.html", context, status=status)


@citizen_required
def proposal_new(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = form_attempt(
            form,
            lambda: services.proposal_post(
                actor=request.user,
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
        )
        if proposal:
            messages.success(request, _("Your proposal is published."))
            return redirect("participation:detail", proposal_id=proposal.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "days": services.proposal_days(), "threshold": services.proposal_threshold()}
    return render(request, "participation/new.html", context, status=status)


@require_POST
@citizen_required
def proposal_agree(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    try:
        proposal = services.proposal_agree(actor=request.user, proposal=proposal)
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("participation:detail", proposal_id=proposal.pk)
    if proposal.petition_id:
        messages.success(request, _("You agree. The proposal reached its threshold and went to the agency."))
    else:
        messages.success(request, _("You agree with this proposal."))
    return redirect("participation:detail", proposal_id=proposal.pk)


@require_POST
@citizen_required
def proposal_comment(request, proposal_id: int):
    proposal = _proposal(proposal_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = form_attempt(
            form,
            lambda: services.proposal_comment(
                actor=request.user, proposal=proposal, body=form.cleaned_data["body"]
            ),
        )
        if comment:
            return redirect("participation:detail", proposal_id=proposal.pk)
    return proposal_detail(request, proposal.pk, comment_form=form, status=400)
