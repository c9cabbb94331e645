from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from egov.registry import selectors


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
    """My page: my register entry (ID masked), my household, my vehicles and businesses."""
    user = request.user
    if user.is_official:
        return redirect("registry:home")
    context = {}
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
