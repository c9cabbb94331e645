"""KRDS breadcrumbs (krds-uiux html/code/breadcrumb.html) for every page, built once: the trail
is the page's address read from the left: each shorter address that is a landing or list page
of a section (민원서비스, 마이페이지, 처리할 민원...) is a step, and the page itself, named by its
title, is the last. Rendered by portal/_breadcrumb.html from portal/base.html."""

import html

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import Resolver404, resolve
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The pages a trail passes through, by URL name: a section's landing page and its lists.
STEPS = {
    "portal:home": _("Home"),
    "portal:mypage": _("My page"),
    "portal:notifications": _("Notifications"),
    "civil:catalogue": _("Civil services"),
    "civil:my_applications": _("My applications"),
    "petitions:home": _("Petitions"),
    "petitions:my_petitions": _("My petitions"),
    "disclosure:home": _("Information disclosure"),
    "disclosure:publications": _("Published documents"),
    "disclosure:my_requests": _("My disclosure requests"),
    "participation:list": _("Proposals"),
    "procurement:tenders": _("Public procurement"),
    "procurement:my_contracts": _("My contracts"),
    "opendata:catalogue": _("Open data"),
    "opendata:requests": _("Requests for public data"),
    "exchange:my_access_log": _("Who looked at my data"),
    "exchange:my_consents": _("My consents"),
    "customs:my_declarations": _("Customs declarations"),
    "tax:invoices": _("E-tax invoices"),
    "tax:vat_returns": _("VAT returns"),
    "registry:home": _("Back office"),
    "registry:resident_search": _("Residents"),
    "registry:business_search": _("Businesses"),
    "registry:vehicle_search": _("Vehicles"),
    "civil:queue": _("Work queue"),
    "petitions:office_queue": _("Petitions"),
    "disclosure:office_queue": _("Disclosure"),
    "disclosure:office_publications": _("Published documents"),
    "procurement:office_tenders": _("Procurement"),
    "edocs:queue": _("Official documents"),
    "edocs:received": _("Received documents"),
    "edocs:appraisals": _("Records appraisal"),
    "customs:office_queue": _("Customs"),
    "customs:office_rules": _("Risk rules"),
    "tax:office_vat_returns": _("Tax"),
    "kpi:office_dashboard": _("Performance"),
    "exchange:grants": _("Data sharing"),
    "payments:queue": _("Payments to reconcile"),
    "documents:office_documents": _("Issued documents"),
    "opendata:office_list": _("Our open data"),
    "opendata:office_requests": _("Requests for public data"),
}
HOMES = ("/", "/office/")


def _page_name(context) -> str:
    """The page's own name: its title block up to " — " (the site's or the section's name)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block("title") if blocks is not None else None
    if block is None:
        return ""
    try:
        text = html.unescape(strip_tags(block.nodelist.render(context))).strip()
    except Exception:  # noqa: BLE001 (a title that cannot be rendered twice only loses its crumb)
        return ""
    return text.rsplit(" — ", 1)[0].strip() if " — " in text else ""


@register.simple_tag(takes_context=True)
def breadcrumbs(context) -> dict:
    """{"steps": [(label, url)...], "current": the page's name}; nothing on a home page."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if not path or path in HOMES:
        return {}
    parts = path.strip("/").split("/")
    office = path.startswith("/office/")
    steps = []
    for size in range(len(parts)):
        prefix = "/" + "".join(f"{p}/" for p in parts[:size])
        if prefix == path or (office and prefix == "/"):
            continue
        try:
            name = resolve(prefix).view_name
        except Resolver404:
            continue
        if name in STEPS:
            steps.append((STEPS[name], prefix))
    current = _page_name(context)
    if not steps or not current:
        return {}
    return {"steps": steps, "current": current}
