from django.urls import path
from oauth2_provider import views as oauth2_views

from egov.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", views.security_view, name="security"),
    path("signup/", views.enrolment_view, {"purpose": "signup"}, name="signup"),
    path("recover/", views.enrolment_view, {"purpose": "recovery"}, name="recover"),
    path("enrolment/credentials/", views.enrolment_credentials_view, name="enrolment_credentials"),
    path("passkey/login/options/", views.passkey_login_options, name="passkey_login_options"),
    path("passkey/login/", views.passkey_login, name="passkey_login"),
    path("passkey/second-factor/options/", views.passkey_second_factor_options, name="passkey_2fa_options"),
    path("passkey/second-factor/", views.passkey_second_factor, name="passkey_2fa"),
    path("passkey/register/options/", views.passkey_register_options, name="passkey_register_options"),
    path("passkey/register/", views.passkey_register, name="passkey_register"),
]

# The OpenID Connect provider's endpoints, included by egov.urls under django-oauth-toolkit's
# namespace "oauth2_provider" (its views reverse these names to build the discovery document).
# Discovery sits at the site root, so the issuer is the site itself (or EGOV_OIDC_ISSUER).
oidc_urlpatterns = [
    path(
        ".well-known/openid-configuration",
        oauth2_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("oidc/jwks/", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/authorize/", views.ConsentView.as_view(), name="authorize"),
    path("oidc/token/", oauth2_views.TokenView.as_view(), name="token"),
    path("oidc/userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
    path("oidc/logout/", views.LogoutConfirmView.as_view(), name="rp-initiated-logout"),
]
