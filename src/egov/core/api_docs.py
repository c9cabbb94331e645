"""/api/v1/docs with Swagger UI served from our own origin.

Django Ninja's default page loads Swagger UI from a CDN, which our Content-Security-Policy
(scripts from 'self' only) blocks and which machines without internet access cannot reach. The
assets come from the `swagger-ui-dist` npm package (installed by `make setup`, served as static
files under `swagger-ui/`); the page's settings travel as JSON data, read by `core/swagger-init.js`.
"""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(
            request,
            "core/swagger.html",
            {"swagger_settings": json.dumps(self.settings), "api": api},
        )
