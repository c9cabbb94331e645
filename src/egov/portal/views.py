from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.cases.selectors import case_dashboard_for
from egov.core import notifications
from egov.core.search import search_query_clean, search_sections
from egov.core.web import form_attempt, page_language, page_of
from egov.documents.selectors import document_list_for
from egov.payments.selectors import payment_order_list_for
from egov.registry import addresses, selectors


def home(request):
    return render(request, "portal/home.html")


POLICIES = ("privacy", "terms", "copyright", "accessibility")


def policy(request, name: str):
    """The footer's pages: privacy policy, terms of use, copyright policy, web accessibility."""
    if name not in POLICIES:
        raise Http404
    return render(request, "portal/policy.html", {"name": name})


@login_required
def mypage(request):
    """My page opens on a dashboard (what needs my action, what is in progress, recent
    documents, unread notifications), then my register entry (ID masked), my household, my
    vehicles and businesses."""
    user = request.user
    if user.is_official:
        return redirect("registry:home")
    dashboard = case_dashboard_for(actor=user)
    unpaid = list(payment_order_list_for(actor=user, payable=True)[:10])
    context = {
        "needs_action": dashboard["action"],
        "in_progress": dashboard["progress"],
        "unpaid": unpaid,
        "recent_documents": list(document_list_for(actor=user)[:5]),
        "recent_notifications": list(notifications.notification_list_for(actor=user, unread=True)[:5]),
        "language": page_language(),
    }
    if user.is_citizen:
        me = selectors.resident_get_for(actor=user, resident_id=user.resident_id)
        context.update(
            me=me,
            family=selectors.resident_family(resident=me),
            household_members=(selectors.household_members(household=me.household) if me.household else []),
            vehicles=selectors.vehicles_of(resident=me),
            events=selectors.resident_events(resident=me)[:20],
        )
    if user.is_business:
        context["businesses"] = selectors.businesses_of(user=user)
    return render(request, "portal/mypage.html", context)


@login_required
def notification_inbox(request):
    """알림함: my notifications, newest first, twenty a page; `?unread=1` only the unread."""
    unread = request.GET.get("unread") == "1"
    page = page_of(request, notifications.notification_list_for(actor=request.user, unread=unread))
    return render(
        request,
        "portal/notifications.html",
        {"page": page, "unread_only": unread, "language": page_language()},
    )


@login_required
def notification_open(request, notification_id: int):
    """Open a notification: marked read, then on to the page it is about."""
    try:
        notification = notifications.notification_read(actor=request.user, notification_id=notification_id)
    except notifications.NotFound:
        raise Http404 from None
    target = notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("portal:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications.notifications_read_all(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("portal:notifications")


class PreferenceForm(forms.Form):
    email = forms.BooleanField(required=False, label=gettext_lazy("Send notifications by e-mail"))
    sms = forms.BooleanField(
        required=False, label=gettext_lazy("Send notifications by text message (SMS/KakaoTalk)")
    )
    phone = forms.CharField(
        required=False,
        max_length=20,
        label=gettext_lazy("Mobile number"),
        help_text=gettext_lazy("For example 010-1234-5678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


@login_required
def notification_preferences(request):
    """Which channels I want besides the inbox: e-mail, SMS/알림톡 (with a mobile number)."""
    current = notifications.notification_preference_for(actor=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            done = form_attempt(
                form,
                lambda: notifications.notification_preference_set(
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    sms=form.cleaned_data["sms"],
                    phone=form.cleaned_data["phone"],
                ),
            )
            if done is not None:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("portal:notification_preferences")
    else:
        form = PreferenceForm(initial={"email": current.email, "sms": current.sms, "phone": current.phone})
    return render(request, "portal/notification_preferences.html", {"form": form})


def _address_json(address, agency) -> dict:
    return {
        "key": address.key,
        "road_address": address.road_address,
        "postal_code": address.postal_code,
        "sido": address.sido,
        "sigungu": address.sigungu,
        "road_name": address.road_name,
        "building_number": address.building_number,
        "building_name": address.building_name,
        "agency": agency.code if agency else "",
    }


def address_search(request):
    """The address register's search: JSON for the picker (`?format=json`), a plain page of
    results for a browser without JavaScript. At most ten results; public data."""
    query = (request.GET.get("q") or "").strip()[:100]
    found = addresses.address_search(query) if query else []
    if request.GET.get("format") == "json":
        agencies = {}
        results = []
        for address in found:
            place = (address.sido, address.sigungu)
            if place not in agencies:
                agencies[place] = addresses.address_agency(address)
            results.append(_address_json(address, agencies[place]))
        response = JsonResponse({"query": query, "results": results})
        response["Cache-Control"] = "public, max-age=300"
        return response
    return render(request, "portal/addresses.html", {"query": query, "results": found})


SECTION_PREVIEW = 5


def site_search(request):
    """One search over every app's declared sections (services, tender notices, published
    information, proposals): all sections with their first results and counts, or one section
    (`?section=`) with its filters and twenty a page."""
    query = search_query_clean(request.GET.get("q"))
    sections = search_sections()
    chosen = next((s for s in sections if s.code == request.GET.get("section")), None)
    context = {"query": query, "sections": sections, "chosen": chosen}
    if query and chosen is not None:
        filters = {name: request.GET.get(name, "") for name, _label, _choices in chosen.filters}
        page = page_of(request, chosen.search(query, filters))
        context.update(
            page=page,
            hits=[chosen.hit(row) for row in page.object_list],
            filter_fields=[
                (name, label, [(value, text, filters[name] == value) for value, text in choices])
                for name, label, choices in chosen.filters
            ],
        )
    elif query:
        groups = []
        for section in sections:
            rows = section.search(query, {})
            total = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
            groups.append(
                {
                    "section": section,
                    "total": total,
                    "hits": [section.hit(row) for row in list(rows[:SECTION_PREVIEW])],
                }
            )
        context["groups"] = groups
    return render(request, "portal/search.html", context)
