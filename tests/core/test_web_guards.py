"""The page guards every app's views use (`egov.core.web`): who reaches the page, who is sent to
log in, who is refused, and how a service's refusal becomes a 404 or 403 page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from egov.accounts.models import User
from egov.core.errors import NotFound, PermissionDenied
from egov.core.web import business_required, citizen_or_business_required, citizen_required, official_required

pytestmark = pytest.mark.django_db


def page(request):
    return HttpResponse("the page")


def missing(request):
    raise NotFound("No such case.")


def forbidden(request):
    raise PermissionDenied("Not yours.")


def visit(guard, user, view=page, *, verified=True):
    request = RequestFactory().get("/somewhere/?tab=2")
    if user is not None and user.is_authenticated:
        user.is_verified = lambda: verified  # what django-otp's middleware sets on each request
    request.user = user or AnonymousUser()
    return guard(view)(request)


@pytest.fixture
def erin(db):
    """Erin represents a business."""
    return User.objects.create_user(username="erin", password="pw", kind="business")


ALL_GUARDS = [official_required, citizen_required, business_required, citizen_or_business_required]


@pytest.mark.parametrize("guard", ALL_GUARDS)
def test_an_anonymous_visitor_is_sent_to_log_in_and_back(guard):
    response = visit(guard, None)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Ftab%3D2"


def test_an_official_reaches_an_officials_page(bob):
    assert visit(official_required, bob).content == b"the page"


def test_an_official_without_the_second_factor_is_sent_to_log_in(bob):
    response = visit(official_required, bob, verified=False)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["alice", "erin"])
def test_citizens_and_businesses_are_refused_an_officials_page(request, who):
    with pytest.raises(DjangoPermissionDenied):
        visit(official_required, request.getfixturevalue(who))


def test_a_citizen_reaches_a_citizens_page(alice):
    assert visit(citizen_required, alice).content == b"the page"


@pytest.mark.parametrize("who", ["bob", "erin"])
def test_officials_and_businesses_are_refused_a_citizens_page(request, who):
    with pytest.raises(DjangoPermissionDenied):
        visit(citizen_required, request.getfixturevalue(who))


def test_a_business_representative_reaches_a_business_page(erin):
    assert visit(business_required, erin).content == b"the page"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_citizens_and_officials_are_refused_a_business_page(request, who):
    with pytest.raises(DjangoPermissionDenied):
        visit(business_required, request.getfixturevalue(who))


@pytest.mark.parametrize("who", ["alice", "erin"])
def test_citizens_and_businesses_reach_a_petitioners_page(request, who):
    assert visit(citizen_or_business_required, request.getfixturevalue(who)).content == b"the page"


def test_an_official_is_refused_a_petitioners_page(bob):
    with pytest.raises(DjangoPermissionDenied):
        visit(citizen_or_business_required, bob)


@pytest.mark.parametrize(("guard", "who"), [(official_required, "bob"), (citizen_required, "alice")])
def test_a_services_refusals_become_404_and_403_pages(request, guard, who):
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        visit(guard, user, missing)
    with pytest.raises(DjangoPermissionDenied):
        visit(guard, user, forbidden)
