"""Pages of the open-data portal: the catalogue with its facets, a dataset, a preview of a
table, downloads (counted), the DCAT-AP catalogue; and the back office where an agency
describes its datasets."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import NotFound
from egov.core.web import citizen_or_business_required, form_attempt, official_required
from egov.opendata import dcat, selectors, services, store
from egov.opendata.forms import (
    ApiKeyApplyForm,
    DataRequestForm,
    DatasetForm,
    ExtendForm,
    NewDatasetForm,
    ProvideForm,
    RefuseForm,
    ResourceUploadForm,
)
from egov.opendata.models import Licence, Theme
from egov.opendata.query import DatastoreQuery, PackageQuery
from egov.registry.models import Agency

PAGE_SIZE = 20
PREVIEW_ROWS = 50
MAX_PAGE = 100_000  # past the last page shows none; a bigger number would overflow an offset
FACETS = ("organization", "groups", "res_format", "license_id", "tags")


def _page_numbers(page: int, pages: int) -> list[int]:
    return list(range(max(1, page - 4), min(pages, page + 4) + 1))


def catalogue(request):
    """The catalogue: words to search, and facets (publisher, theme, format, licence, tag) to
    narrow it, each a link that adds or removes one filter."""
    chosen = {name: request.GET.get(name, "") for name in FACETS}
    q = request.GET.get("q", "").strip()[:200]
    try:
        page = min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        page = 1
    query = PackageQuery(
        q=q,
        fq=[(name, value, False) for name, value in chosen.items() if value],
        rows=PAGE_SIZE,
        start=(page - 1) * PAGE_SIZE,
        facet_fields=list(FACETS),
        facet_limit=10,
    )
    datasets, total, facets = selectors.dataset_search(query=query)
    pages = max(1, -(-total // PAGE_SIZE))
    base = {k: v for k, v in {"q": q, **chosen}.items() if v}
    agencies = Agency.objects.in_bulk(list(facets["organization"]), field_name="code")
    themes = Theme.objects.in_bulk(list(facets["groups"]), field_name="name")
    labels = {
        "organization": lambda v: agencies[v].name_ko if v in agencies else v,
        "groups": lambda v: themes[v].title_ko if v in themes else v,
        "license_id": lambda v: Licence(v).label if v in Licence.values else v,
        "res_format": lambda v: v,
        "tags": lambda v: v,
    }
    titles = {
        "organization": _("Publisher"),
        "groups": _("Theme"),
        "res_format": _("Format"),
        "license_id": _("Licence"),
        "tags": _("Tag"),
    }
    facet_blocks = []
    for name in FACETS:
        items = []
        for value, count in facets[name].items():
            selected = chosen[name] == value
            params = {k: v for k, v in base.items() if k != name}
            if not selected:
                params[name] = value
            items.append(
                {
                    "label": labels[name](value),
                    "count": count,
                    "selected": selected,
                    "url": "?" + urlencode(params),
                }
            )
        facet_blocks.append({"title": titles[name], "items": items})
    return render(
        request,
        "opendata/catalogue.html",
        {
            "datasets": datasets,
            "total": total,
            "q": q,
            "facets": facet_blocks,
            "page": page,
            "pages": pages,
            "page_numbers": _page_numbers(page, pages),
            "page_query": urlencode(base),
        },
    )


def dataset(request, name: str):
    try:
        d = selectors.dataset_get(id_or_name=name)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "opendata/dataset.html",
        {
            "dataset": d,
            "versions": selectors.dataset_versions(dataset=d)[:20],
            "downloads": selectors.downloads_of(d),
        },
    )


def resource(request, resource_id):
    """A resource's page: for a table, its first rows (paged) under Korean column labels."""
    try:
        r = selectors.resource_get(resource_id=str(resource_id))
    except NotFound:
        raise Http404 from None
    rows, total, page, pages = [], 0, 1, 1
    if r.datastore_active:
        try:
            page = min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
        except ValueError:
            page = 1
        query = DatastoreQuery(limit=PREVIEW_ROWS, offset=(page - 1) * PREVIEW_ROWS)
        records, total, _estimated = store.datastore_search(
            resource_id=r.pk, columns=r.fields, row_count=r.row_count, query=query
        )
        rows = [[rec.get(f["id"]) for f in r.fields] for rec in records]
        pages = max(1, -(-total // PREVIEW_ROWS))
    return render(
        request,
        "opendata/resource.html",
        {
            "resource": r,
            "dataset": r.dataset,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": pages,
            "page_numbers": _page_numbers(page, pages),
        },
    )


def download(request, resource_id):
    """The resource's file, counted as one download."""
    try:
        services.resource_download_count(resource_id=resource_id)
        r, content = selectors.resource_content(resource_id=resource_id)
    except NotFound:
        raise Http404 from None
    extension = r.format.lower()
    response = HttpResponse(content, content_type=r.media_type)
    response["Content-Disposition"] = f'attachment; filename="{r.dataset.name}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def catalog_rdf(request, kind: str):
    """The catalogue in DCAT-AP 3: /catalog.ttl, /catalog.jsonld, /catalog.rdf."""
    content, media_type = dcat.catalogue_serialize(kind)
    return HttpResponse(content, content_type=media_type)


# --- back office ----------------------------------------------------------------------------------


@official_required
def office_list(request):
    return render(
        request, "opendata/office_list.html", {"datasets": selectors.dataset_list_for(actor=request.user)}
    )


@official_required
def office_edit(request, name: str):
    d = selectors.dataset_get_for(actor=request.user, name=name)
    initial = {f: getattr(d, f) for f in services.EDITABLE} | {
        "tags": ", ".join(t.name for t in d.tags.all())
    }
    form = DatasetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["tags"] = [t for t in values.pop("tags").split(",") if t.strip()]
        if form_attempt(form, lambda: services.dataset_update(actor=request.user, dataset=d, **values)):
            messages.success(request, _("The dataset's description is saved."))
            return redirect("opendata:office_list")
    return render(
        request, "opendata/office_edit.html", {"dataset": d, "form": form}, status=400 if form.errors else 200
    )


@official_required
def office_new(request):
    """An agency's administrator publishes a new dataset; then adds its files."""
    form = NewDatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["tags"] = [t for t in values.pop("tags").split(",") if t.strip()]
        created = form_attempt(form, lambda: services.dataset_create(actor=request.user, **values))
        if created:
            messages.success(request, _("The dataset is published. Add its files."))
            return redirect("opendata:office_upload", name=created.name)
    return render(request, "opendata/office_new.html", {"form": form}, status=400 if form.errors else 200)


@official_required
def office_upload(request, name: str):
    """An agency's administrator adds a file to its dataset: a new version."""
    d = selectors.dataset_get_for(actor=request.user, name=name)
    form = ResourceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = form_attempt(
            form,
            lambda: services.resource_upload(
                actor=request.user,
                dataset=d,
                upload=data["file"],
                name=data["name"],
                description=data["description"],
            ),
        )
        if added:
            messages.success(request, _("The file is published as a new version."))
            return redirect("opendata:dataset", name=d.name)
    return render(
        request,
        "opendata/office_upload.html",
        {"dataset": d, "form": form},
        status=400 if form.errors else 200,
    )


# --- data requests (공공데이터 제공 신청) -----------------------------------------------------------


def requests_list(request):
    """Every data request and its answer (who asked is never shown)."""
    paginator = Paginator(selectors.data_request_public_list(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "opendata/requests.html",
        {
            "rows": page.object_list,
            "page": page.number,
            "pages": paginator.num_pages,
            "page_numbers": _page_numbers(page.number, paginator.num_pages),
            "page_query": "",
        },
    )


def request_detail(request, number: str):
    try:
        data_request = selectors.data_request_public_get(number=number)
    except NotFound:
        raise Http404 from None
    return render(request, "opendata/request.html", {"req": data_request})


def my_request(request, number: str):
    """Where the kernel's e-mails point the applicant: the request's public page."""
    return redirect("opendata:request", number=number)


@citizen_or_business_required
def request_new(request):
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = form_attempt(
            form,
            lambda: services.data_request_file(
                actor=request.user,
                agency_code=data["agency"],
                title=data["title"],
                content=data["content"],
                purpose=data["purpose"],
            ),
        )
        if created:
            messages.success(
                request,
                _("Your request is filed. The agency answers by %(due)s.")
                % {"due": timezone.localtime(created.clock.due_at).strftime("%Y-%m-%d")},
            )
            return redirect("opendata:request", number=created.number)
    return render(request, "opendata/request_new.html", {"form": form}, status=400 if form.errors else 200)


@official_required
def office_requests(request):
    return render(
        request,
        "opendata/office_requests.html",
        {"rows": selectors.data_request_queue_for(actor=request.user)[:200]},
    )


def _office_request_page(request, data_request, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "opendata/office_request.html",
        {
            "req": data_request,
            "extend": forms.get("extend") or ExtendForm(prefix="extend"),
            "provide": forms.get("provide")
            or ProvideForm(prefix="provide", agency_id=data_request.agency_id),
            "refuse": forms.get("refuse") or RefuseForm(prefix="refuse"),
        },
        status=status,
    )


@official_required
def office_request(request, number: str):
    return _office_request_page(
        request, selectors.data_request_get_for_official(actor=request.user, number=number)
    )


@official_required
@require_POST
def office_request_act(request, number: str, action: str):
    data_request = selectors.data_request_get_for_official(actor=request.user, number=number)
    user = request.user
    if action == "extend":
        form = ExtendForm(request.POST, prefix="extend")
        call = lambda: services.data_request_extend(  # noqa: E731
            actor=user, request=data_request, reason=form.cleaned_data["reason"]
        )
    elif action == "provide":
        form = ProvideForm(request.POST, prefix="provide", agency_id=data_request.agency_id)
        call = lambda: services.data_request_provide(  # noqa: E731
            actor=user,
            request=data_request,
            answer=form.cleaned_data["answer"],
            dataset_name=form.cleaned_data["dataset"],
        )
    elif action == "refuse":
        form = RefuseForm(request.POST, prefix="refuse")
        call = lambda: services.data_request_refuse(  # noqa: E731
            actor=user,
            request=data_request,
            ground=form.cleaned_data["ground"],
            answer=form.cleaned_data["answer"],
        )
    else:
        raise Http404
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("Saved."))
        return redirect("opendata:office_request", number=number)
    return _office_request_page(request, data_request, {action: form}, status=400)


def _keys_with_usage(keys):
    rows = list(keys)
    for key in rows:
        key.used_today = selectors.apikey_usage_today(key) if key.active else 0
    return rows


@citizen_or_business_required
def my_keys(request):
    """A user's API keys (활용신청 현황): apply for one, see quota and today's use, revoke."""
    form = ApiKeyApplyForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        issued = form_attempt(
            form,
            lambda: services.apikey_apply(
                actor=request.user,
                purpose=form.cleaned_data["purpose"],
                expected_use=form.cleaned_data["expected_use"],
            ),
        )
        if issued:
            secret = issued[1]
            form = ApiKeyApplyForm()
    response = render(
        request,
        "opendata/my_keys.html",
        {"form": form, "secret": secret, "keys": _keys_with_usage(selectors.apikeys_of(actor=request.user))},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the page may show a key once
    return response


@require_POST
@citizen_or_business_required
def my_key_revoke(request, key_id: int):
    try:
        services.apikey_revoke_own(actor=request.user, key_id=key_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The API key is revoked."))
    return redirect("opendata:my_keys")


@official_required
def office_keys(request):
    keys = selectors.apikeys_for_operator(actor=request.user)
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _keys_with_usage(page.object_list)
    return render(request, "opendata/office_keys.html", {"page": page})


@require_POST
@official_required
def office_key_revoke(request, key_id: int):
    try:
        services.apikey_revoke_by_operator(actor=request.user, key_id=key_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The API key is revoked."))
    return redirect("opendata:office_keys")
