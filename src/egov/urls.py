from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from oauth2_provider.views import TokenView

from egov.accounts import views as accounts_views
from egov.accounts.urls import oidc_urlpatterns
from egov.api import api
from egov.core import health
from egov.ops.metrics import metrics_view

# Operators log in to the admin with a TOTP code too.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    # Only the token endpoint of django-oauth-toolkit: agency systems use the
    # client-credentials grant; no authorization or application-management pages.
    path("api/v1/oauth/token", TokenView.as_view(), name="oauth-token"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", accounts_views.admin_login_redirect, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("egov.accounts.urls")),
    # OpenID Connect for government sites: /.well-known/openid-configuration and /oidc/.
    path("", include((oidc_urlpatterns, "oauth2_provider"))),
    path("", include("egov.exchange.urls")),
    path("", include("egov.documents.urls")),
    path("", include("egov.payments.urls")),
    path("", include("egov.civil.urls")),
    path("", include("egov.petitions.urls")),
    path("", include("egov.disclosure.urls")),
    path("", include("egov.participation.urls")),
    path("", include("egov.procurement.urls")),
    path("", include("egov.edocs.urls")),
    path("", include("egov.kpi.urls")),
    path("", include("egov.opendata.urls")),
    path("", include("egov.customs.urls")),
    path("", include("egov.tax.urls")),
    path("office/", include("egov.registry.urls")),
    path("", include("egov.portal.urls")),
]
