"""Pages: the payer's orders (/my/payments/); the officials' reconciliation queue, counter
confirmation and refund files (/office/payments/)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.core.errors import ServiceError
from egov.core.web import citizen_or_business_required, form_attempt, official_required, page_of
from egov.payments import reconciliation, selectors
from egov.payments.gateways import gateway


class MatchForm(forms.Form):
    virtual_account = forms.CharField(label=gettext_lazy("Virtual account"), max_length=20)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class RefundForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=140)


class ResolveForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000)


class CounterForm(forms.Form):
    virtual_account = forms.CharField(label=gettext_lazy("Virtual account"), max_length=20)
    amount = forms.CharField(label=gettext_lazy("Amount (won)"), max_length=20)
    reference = forms.CharField(label=gettext_lazy("Slip number"), required=False, max_length=28)


@citizen_or_business_required
def my_payments(request):
    page = page_of(request, selectors.payment_order_list_for(actor=request.user))
    return render(request, "payments/my_payments.html", {"orders": page.object_list, "page": page})


ACTIONS = {
    "match": (
        MatchForm,
        lambda actor, item, d: reconciliation.reconciliation_match(actor=actor, item=item, **d),
    ),
    "refund": (
        RefundForm,
        lambda actor, item, d: reconciliation.reconciliation_refund(actor=actor, item=item, **d),
    ),
    "resolve": (
        ResolveForm,
        lambda actor, item, d: reconciliation.reconciliation_resolve(actor=actor, item=item, **d),
    ),
}


@official_required
def queue(request):
    return render(
        request,
        "payments/queue.html",
        {
            "items": selectors.reconciliation_list_for(actor=request.user),
            "files": selectors.refund_file_list_for(actor=request.user),
            "forms": {name: form() for name, (form, _call) in ACTIONS.items()},
            "counter_form": CounterForm(),
            "order_refund_form": OrderRefundForm(),
        },
    )


@official_required
@require_POST
def act(request, item_id: int, action: str):
    item = selectors.reconciliation_get_for(actor=request.user, item_id=item_id)
    if action not in ACTIONS:
        return redirect("payments:queue")
    form_class, call = ACTIONS[action]
    form = form_class(request.POST)
    if (
        form.is_valid()
        and form_attempt(form, lambda: call(request.user, item, form.cleaned_data)) is not None
    ):
        messages.success(request, _("Done."))
        return redirect("payments:queue")
    return render(
        request,
        "payments/queue.html",
        {
            "items": selectors.reconciliation_list_for(actor=request.user),
            "files": selectors.refund_file_list_for(actor=request.user),
            "forms": {name: (form if name == action else f()) for name, (f, _call) in ACTIONS.items()},
            "failed_item": item.pk,
            "counter_form": CounterForm(),
        },
        status=400,
    )


@official_required
@require_POST
def counter_confirm(request):
    form = CounterForm(request.POST)
    if form.is_valid():

        def call():
            order = selectors.payment_order_get_for_official(
                actor=request.user, virtual_account=form.cleaned_data["virtual_account"]
            )
            return gateway().confirm(
                actor=request.user, order=order, amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )  # fmt: skip

        try:
            if form_attempt(form, call) is not None:
                messages.success(request, _("The payment is recorded and the receipt issued."))
                return redirect("payments:queue")
        except ServiceError as exc:
            form.add_error("virtual_account", exc.message)
    return render(
        request,
        "payments/queue.html",
        {
            "items": selectors.reconciliation_list_for(actor=request.user),
            "files": selectors.refund_file_list_for(actor=request.user),
            "forms": {name: f() for name, (f, _call) in ACTIONS.items()},
            "counter_form": form,
        },
        status=400,
    )


class OrderRefundForm(forms.Form):
    virtual_account = forms.CharField(label=gettext_lazy("Virtual account"), max_length=20)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=140)


@official_required
@require_POST
def order_refund(request):
    """Refund a whole paid order, found by its virtual account (pain.001 out with the next file)."""
    form = OrderRefundForm(request.POST)
    if form.is_valid():

        def call():
            order = selectors.payment_order_get_for_official(
                actor=request.user, virtual_account=form.cleaned_data["virtual_account"]
            )
            return reconciliation.payment_order_refund(
                actor=request.user, order=order, reason=form.cleaned_data["reason"]
            )

        try:
            if form_attempt(form, call) is not None:
                messages.success(
                    request, _("The order is refunded; the money leaves with the next refund file.")
                )
                return redirect("payments:queue")
        except ServiceError as exc:
            form.add_error("virtual_account", exc.message)
    return render(
        request,
        "payments/queue.html",
        {
            "items": selectors.reconciliation_list_for(actor=request.user),
            "files": selectors.refund_file_list_for(actor=request.user),
            "forms": {name: f() for name, (f, _call) in ACTIONS.items()},
            "counter_form": CounterForm(),
            "order_refund_form": form,
        },
        status=400,
    )


@official_required
@require_POST
def refund_file_create(request):
    made = reconciliation.refund_file_create(actor=request.user)
    if made is None:
        messages.info(request, _("No refund is waiting."))
    else:
        messages.success(request, _("Refund file %(id)s created.") % {"id": made.message_id})
    return redirect("payments:queue")


@official_required
def refund_file_download(request, message_id: str):
    found = selectors.refund_file_get_for(actor=request.user, message_id=message_id)
    response = HttpResponse(bytes(found.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{found.message_id}.pain.001.xml"'
    return response
