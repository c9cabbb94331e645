"""Glue between pages and services that every app's views share: the page guards, CSV
downloads, form errors from service refusals."""

import csv
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse

from egov.core.errors import NotFound, PermissionDenied, ServiceError


def _refusals_as_pages(view, request, *args, **kwargs):
    """Run the view; a service's NotFound becomes the 404 page, its PermissionDenied the 403."""
    try:
        return view(request, *args, **kwargs)
    except NotFound:
        raise Http404 from None
    except PermissionDenied:
        raise DjangoPermissionDenied from None


def official_required(view):
    """Officials only, logged in with both factors. Anyone else who is logged in is refused
    (403); an anonymous visitor, or an official who has not passed the second factor yet, goes
    to the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_official:
            raise DjangoPermissionDenied
        if not user.is_authenticated or not user.is_verified():
            return redirect_to_login(request.get_full_path())
        return _refusals_as_pages(view, request, *args, **kwargs)

    return wrapper


def _kind_required(allowed, view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not allowed(request.user):
            raise DjangoPermissionDenied
        return _refusals_as_pages(view, request, *args, **kwargs)

    return wrapper


def citizen_required(view):
    """Citizens only: an anonymous visitor goes to the login page, anyone else is refused (403)."""
    return _kind_required(lambda user: user.is_citizen, view)


def business_required(view):
    """Business representatives only: anonymous visitors log in, anyone else is refused (403)."""
    return _kind_required(lambda user: user.is_business, view)


def citizen_or_business_required(view):
    """Citizens and business representatives (who file petitions and disclosure requests);
    anonymous visitors log in, officials are refused (403)."""
    return _kind_required(lambda user: user.is_citizen or user.is_business, view)


def statistics_year(request) -> int | None:
    """The `?year=` of a public statistics page or CSV, or None (the selector's default)."""
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and len(value) == 4 else None


def statistics_for(request, statistics):
    """`statistics(year=...)` for the requested year: (rows, year). A year the selector
    refuses is said on the page, and the default year shown instead."""
    from django.contrib import messages

    try:
        return statistics(year=statistics_year(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return statistics()


def csv_download(filename: str):
    """A CSV attachment named `filename` and a `csv.writer` on it. It starts with a byte order
    mark, so that spreadsheet programs read the Korean text as UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


def csv_cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def form_attempt(form, call):
    """Run a service call; turn a refusal into an error on the named field (or the form).
    Returns the call's result, or None if refused.

    Permission refusals and missing records are not form errors: they propagate, and the
    views' decorators turn them into 403 and 404 pages.
    """
    try:
        return call()
    except (NotFound, PermissionDenied):
        raise
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def page_language() -> str:
    """ "en" or "ko": the language the current request's page is in (Korean unless English)."""
    from django.utils.translation import get_language

    return "en" if (get_language() or "ko").startswith("en") else "ko"


PAGE_SIZE = 20


def page_of(request, items, *, per_page: int = PAGE_SIZE):
    """The page of `items` the request asks for (`?page=`), never an error: a page past the
    end or not a number gives the last or the first. Render it with `portal/_pagination.html`."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
