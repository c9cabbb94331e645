from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from oauth2_provider.views import TokenView

from egov.api import api
from egov.core import health

# Operators log in to the admin with a TOTP code too.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Only the token endpoint of django-oauth-toolkit: agency systems use the
    # client-credentials grant; no authorization or application-management pages.
    path("api/v1/oauth/token", TokenView.as_view(), name="oauth-token"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("egov.accounts.urls")),
    path("", include("egov.exchange.urls")),
    path("", include("egov.documents.urls")),
    path("", include("egov.payments.urls")),
    path("", include("egov.civil.urls")),
    path("", include("egov.petitions.urls")),
    path("", include("egov.disclosure.urls")),
    path("", include("egov.participation.urls")),
    path("", include("egov.procurement.urls")),
    path("", include("egov.tax.urls")),
    path("office/", include("egov.registry.urls")),
    path("", include("egov.portal.urls")),
]
