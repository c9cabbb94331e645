import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
application = get_wsgi_application()

# Import the URL configuration (every app's views) now, at the worker's start, not in the first
# request it serves: that import took seconds of the first request (docs/benchmarks.md, issue 19).
get_resolver().url_patterns  # noqa: B018
