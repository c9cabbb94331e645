"""The platform's URLs plus one page that fails, for counting errors."""

from django.urls import path

from egov.urls import urlpatterns as platform


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom", boom), *platform]
