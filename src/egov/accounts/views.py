import base64
import time
from urllib.parse import urlencode, urlsplit

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView, RPInitiatedLogoutView
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors

from egov.accounts import oidc, selectors, services
from egov.accounts.forms import CredentialsForm, EnrolmentForm, LoginForm, TokenForm
from egov.accounts.models import User
from egov.accounts.services import enrolment as enrolment_services
from egov.accounts.services import passkeys, relying_parties
from egov.core import ratelimit
from egov.core.errors import ServiceError
from egov.core.middleware import CONTENT_SECURITY_POLICY
from egov.core.web import form_attempt

PENDING = "egov_pending_user"
ENROLMENT = "egov_enrolment"
# How long after a good code the resident has to set a password or passkey.
ENROLMENT_SECONDS = 900


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
        "has_passkey": selectors.passkeys_of(user=user).exists(),
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


# --- Passkeys -------------------------------------------------------------------------------


def _json_refusal(exc: ServiceError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": exc.message}, status=status)


def _credential_body(request) -> str:
    return request.body.decode("utf-8", errors="replace")[:20000]


@require_POST
@never_cache
def passkey_login_options(request):
    return HttpResponse(
        passkeys.passkey_authentication_options(request=request, user=None), content_type="application/json"
    )


@require_POST
@never_cache
def passkey_login(request):
    """Citizens and business representatives sign in with a passkey alone; officials use it
    only as the second factor, after their password."""
    try:
        passkey = passkeys.passkey_authenticate(
            request=request, user=None, credential=_credential_body(request)
        )
        if passkey.user.requires_second_factor:
            raise passkeys.PasskeyRefused(
                _("Officials sign in with their password first; the passkey is their second factor.")
            )
    except ServiceError as exc:
        return _json_refusal(exc, 403)
    user = passkey.user
    services.login_complete(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"redirect": _next_url(request) or reverse(_landing(user))})


@require_POST
@never_cache
def passkey_second_factor_options(request):
    user = selectors.login_pending_user(user_id=request.session.get(PENDING))
    if user is None:
        return JsonResponse({"error": _("Log in with your password first.")}, status=403)
    return HttpResponse(
        passkeys.passkey_authentication_options(request=request, user=user), content_type="application/json"
    )


@require_POST
@never_cache
def passkey_second_factor(request):
    user = selectors.login_pending_user(user_id=request.session.get(PENDING))
    if user is None:
        return JsonResponse({"error": _("Log in with your password first.")}, status=403)
    try:
        passkey = passkeys.passkey_authenticate(
            request=request, user=user, credential=_credential_body(request)
        )
    except ServiceError as exc:
        return _json_refusal(exc, 403)
    target = request.session.pop("egov_next", "")
    del request.session[PENDING]
    services.login_complete(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, passkey)
    return JsonResponse({"redirect": target or reverse(_landing(user))})


def _enrolment(request) -> dict | None:
    """The enrolment this browser proved a moment ago (a used code), while it lasts."""
    data = request.session.get(ENROLMENT)
    if not data or data.get("until", 0) < time.time():
        return None
    return data


@require_POST
@never_cache
def passkey_register_options(request):
    """Options for a new passkey: for the logged-in user, or for the account about to be made
    by an enrolment code (the username typed is kept with the challenge)."""
    if request.user.is_authenticated and (
        not request.user.requires_second_factor or request.user.is_verified()
    ):
        user = request.user
        options = passkeys.passkey_registration_options(
            request=request,
            user_id=user.pk,
            user_name=user.username,
            display_name=user.get_full_name() or user.username,
        )
        return HttpResponse(options, content_type="application/json")
    enrolment = _enrolment(request)
    if enrolment is None:
        return JsonResponse({"error": _("Log in, or enter your enrolment code again.")}, status=403)
    if enrolment["purpose"] == "recovery":
        account = User.objects.get(pk=enrolment["user_id"])
        options = passkeys.passkey_registration_options(
            request=request, user_id=account.pk, user_name=account.username, display_name=account.username
        )
        return HttpResponse(options, content_type="application/json")
    try:
        username = enrolment_services.username_check(request.GET.get("username", "")[:200])
    except ServiceError as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=400)
    enrolment["username"] = username
    request.session[ENROLMENT] = enrolment
    options = passkeys.passkey_registration_options(
        request=request, user_id=None, user_name=username, display_name=username
    )
    return HttpResponse(options, content_type="application/json")


@require_POST
@never_cache
def passkey_register(request):
    credential = _credential_body(request)
    try:
        if request.user.is_authenticated and (
            not request.user.requires_second_factor or request.user.is_verified()
        ):
            verified = passkeys.passkey_registration_verify(
                request=request, user_id=request.user.pk, credential=credential
            )
            passkeys.passkey_register(user=request.user, verified=verified, credential=credential)
            return JsonResponse({"redirect": reverse("accounts:security")})
        enrolment = _enrolment(request)
        if enrolment is None:
            return JsonResponse({"error": _("Log in, or enter your enrolment code again.")}, status=403)
        if enrolment["purpose"] == "recovery":
            user = User.objects.get(pk=enrolment["user_id"])
            verified = passkeys.passkey_registration_verify(
                request=request, user_id=user.pk, credential=credential
            )
            passkeys.passkey_register(user=user, verified=verified, credential=credential)
        else:
            verified = passkeys.passkey_registration_verify(
                request=request, user_id=None, credential=credential
            )
            user = enrolment_services.account_create_with_passkey(
                resident_id=enrolment["resident_id"],
                username=enrolment.get("username", ""),
                verified=verified,
                credential=credential,
            )
    except ServiceError as exc:
        return JsonResponse({"error": exc.message, "field": exc.field}, status=400)
    request.session.pop(ENROLMENT, None)
    services.login_complete(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse({"redirect": reverse(_landing(user))})


@login_required
@never_cache
def security_view(request):
    """My sign-in methods: passkeys to add or remove."""
    if request.user.requires_second_factor and not request.user.is_verified():
        return redirect("accounts:login")
    if request.method == "POST" and request.POST.get("remove"):
        try:
            passkeys.passkey_remove(actor=request.user, passkey_id=int(request.POST["remove"]))
        except (ServiceError, ValueError):
            messages.error(request, _("No such passkey."))
        else:
            messages.success(request, _("The passkey is removed."))
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "passkeys": selectors.passkeys_of(user=request.user),
            "has_password": request.user.has_usable_password(),
        },
    )


# --- Sign-up and recovery by enrolment code ---------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
def enrolment_view(request, purpose: str):
    """Step one: name, birth date and the code. A used code leaves a short-lived mark in the
    session, which step two (credentials) requires."""
    if request.user.is_authenticated:
        return redirect(_landing(request.user))
    form = EnrolmentForm(request.POST or None)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            resident = enrolment_services.enrolment_code_redeem(
                client=ratelimit.client_key(request),
                purpose=purpose,
                **form.cleaned_data,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            retry_after = getattr(exc, "retry_after", 0)
        else:
            account = selectors.account_of_resident(resident_id=resident.pk)
            if purpose == "signup" and account is not None:
                form.add_error(None, _("You already have an account: use account recovery."))
            elif purpose == "recovery" and account is None:
                form.add_error(None, _("You have no account yet: sign up instead."))
            else:
                request.session.cycle_key()
                request.session[ENROLMENT] = {
                    "purpose": purpose,
                    "resident_id": resident.pk,
                    "user_id": account.pk if account else None,
                    "until": time.time() + ENROLMENT_SECONDS,
                }
                return redirect("accounts:enrolment_credentials")
    response = render(request, "accounts/enrolment.html", {"form": form, "purpose": purpose})
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@sensitive_post_parameters("password", "password_again")
@never_cache
def enrolment_credentials_view(request):
    """Step two: a password, or (by the page's script) a passkey."""
    enrolment = _enrolment(request)
    if enrolment is None:
        messages.error(request, _("Enter your enrolment code again: the time to finish has passed."))
        return redirect("accounts:signup")
    signup = enrolment["purpose"] == "signup"
    form = CredentialsForm(request.POST or None, signup=signup)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if signup:
            user = form_attempt(
                form,
                lambda: enrolment_services.account_create_for_resident(
                    resident_id=enrolment["resident_id"], username=data["username"], password=data["password"]
                ),
            )
        else:
            account = User.objects.get(pk=enrolment["user_id"])
            user = form_attempt(
                form,
                lambda: enrolment_services.account_password_reset(user=account, password=data["password"]),
            )
        if user is not None:
            request.session.pop(ENROLMENT, None)
            if user.requires_second_factor:
                return redirect("accounts:login")
            services.login_complete(user=user)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Your account is ready.") if signup else _("Your new password is set.")
            )
            return redirect(_landing(user))
    return render(request, "accounts/enrolment_credentials.html", {"form": form, "signup": signup})


# --- OpenID Connect ---------------------------------------------------------------------------


class ConsentView(AuthorizationView):
    """The authorization endpoint with our consent screen (in Korean): the site's name and each
    claim it asks for. Only people with a resident record (citizens) sign in to other sites;
    `state` and `nonce` are required."""

    template_name = "accounts/consent.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (
            not user.resident_id or (user.requires_second_factor and not user.is_verified())
        ):
            return render(request, "accounts/consent_refused.html", status=403)
        response = super().dispatch(request, *args, **kwargs)
        client_id = request.POST.get("client_id") or request.GET.get("client_id")
        application = (
            get_application_model().objects.filter(client_id=client_id).first() if client_id else None
        )
        return _form_action_to_site(response, application)

    def validate_authorization_request(self, request):
        scopes, credentials = super().validate_authorization_request(request)
        missing = [name for name in ("state", "nonce") if not request.GET.get(name)]
        if missing:
            raise OAuthToolkitError(
                error=oauth2_errors.InvalidRequestError(
                    description=f"{' and '.join(missing)} required", state=request.GET.get("state")
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        party = oidc.relying_party_of(application)
        scopes = context.get("scopes") or []
        context["party"] = party
        context["claims"] = [
            (oidc.SCOPE_LABELS[scope], [oidc.CLAIM_LABELS[c] for c in oidc.SCOPE_CLAIMS[scope]])
            for scope in scopes
            if scope in oidc.SCOPE_CLAIMS
        ]
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        party = oidc.relying_party_of(
            get_application_model().objects.filter(client_id=form.cleaned_data.get("client_id")).first()
        )
        if party is not None:
            relying_parties.relying_party_consent_record(
                user=self.request.user,
                party=party,
                scopes=(form.cleaned_data.get("scope") or "").split(),
                allowed=bool(form.cleaned_data.get("allow")),
            )
        return response


class LogoutConfirmView(RPInitiatedLogoutView):
    template_name = "accounts/oidc_logout.html"

    def get_context_data(self, **kwargs):
        self.site_application = kwargs.get("application")
        return super().get_context_data(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        self.site_application = None
        response = super().dispatch(request, *args, **kwargs)
        return _form_action_to_site(response, self.site_application)


def _form_action_to_site(response, application):
    """Our CSP lets forms post to this site only (`form-action 'self'`), and browsers apply
    that to the redirect after the post too. The consent and log-out forms redirect to the
    site that asked, so their pages also allow that site's registered origins, and no other."""
    if application is None:
        return response
    origins = set()
    for uri in f"{application.redirect_uris} {application.post_logout_redirect_uris}".split():
        parts = urlsplit(uri)
        if parts.scheme == "https" and parts.netloc:
            origins.add(f"https://{parts.netloc}")
    if origins:
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", "form-action 'self' " + " ".join(sorted(origins))
        )
    return response
