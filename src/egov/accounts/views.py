import base64
from urllib.parse import urlencode

import segno
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from egov.accounts import selectors, services
from egov.accounts.forms import LoginForm, TokenForm
from egov.accounts.models import User
from egov.core.errors import ServiceError

PENDING = "egov_pending_user"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _landing(user: User) -> str:
    return "registry:home" if user.is_official else "portal:mypage"


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    form = LoginForm(request.POST or None)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_check_password(request=request, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
            retry_after = getattr(exc, "retry_after", 0)
        else:
            if user.requires_second_factor:
                request.session.cycle_key()
                request.session[PENDING] = user.pk
                request.session["egov_next"] = _next_url(request)
                return redirect("accounts:otp")
            services.login_complete(user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_next_url(request) or _landing(user))
    response = render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})
    if retry_after:
        # The same status and text as any refusal; the header is the only sign of the wait,
        # and an unknown username gets it just like a real one.
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
def otp_view(request):
    user = selectors.login_pending_user(user_id=request.session.get(PENDING))
    if user is None:
        return redirect("accounts:login")
    device = services.totp_device_confirmed(user=user)
    enrolling = device is None
    if enrolling:
        device = services.totp_enrollment_device(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.login_check_totp(user=user, device=device, token=form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error("token" if exc.field == "token" else None, exc.message)
        else:
            target = request.session.pop("egov_next", "")
            del request.session[PENDING]
            services.login_complete(user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(target or _landing(user))
    context = {
        "form": form,
        "enrolling": enrolling,
        "demo_bypass": user.is_demo and services.demo_bypass_active(),
    }
    if enrolling:
        qr = segno.make(device.config_url, error="m")
        context["qr_data_uri"] = (
            "data:image/svg+xml;base64," + base64.b64encode(qr.svg_inline(scale=4).encode()).decode()
        )
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/otp.html", context)


def admin_login_redirect(request):
    """The operators' admin has no login form of its own: its throttle-less form (username,
    password and code at once) would let anyone guess without the growing waits. Operators log
    in here like officials, password then TOTP, and come back to the admin verified."""
    target = _next_url(request) or "/admin/"
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:home")
