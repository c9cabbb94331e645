"""Reads of the catalogue that the pages, the CKAN API and the DCAT export share. Everything in
the catalogue is public; the back office's list is the official's own agency's datasets."""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from egov.accounts.permissions import require_role
from egov.cases.selectors import case_queue_for, official_scope
from egov.core.errors import NotFound, PermissionDenied
from egov.core.ratelimit import Limit, peek
from egov.opendata.models import ApiKey, DataRequest, Dataset, DatasetVersion, Resource, Tag, Theme
from egov.opendata.procedure import DATA_REQUEST
from egov.opendata.query import PackageQuery
from egov.registry.models import Agency

FACET_CACHE_SECONDS = 3600
RESOURCE_LIST_FIELDS = (
    "id",
    "dataset_id",
    "position",
    "name",
    "description",
    "format",
    "media_type",
    "size",
    "datastore_active",
    "fields",
    "row_count",
    "download_count",
    "created_at",
    "last_modified",
)


def datasets_with_details(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """`datasets` with publisher, theme, tags and resources (without their content) fetched in
    four queries however many there are."""
    return datasets.select_related("publisher", "theme").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch("resources", queryset=Resource.objects.only(*RESOURCE_LIST_FIELDS).order_by("position")),
    )


PACKAGE_FIELDS = (
    "id",
    "name",
    "title_ko",
    "title_en",
    "notes",
    "version",
    "contact_name",
    "contact_email",
    "licence",
    "frequency",
    "temporal_start",
    "temporal_end",
    "spatial",
    "created_at",
    "modified_at",
    "publisher__code",
    "publisher__name_ko",
    "publisher__name_en",
    "theme__name",
    "theme__title_ko",
    "theme__title_en",
)
PACKAGE_RESOURCE_FIELDS = tuple(f for f in RESOURCE_LIST_FIELDS if f not in ("fields", "row_count"))


def packages_read(datasets: QuerySet[Dataset]) -> list[dict]:
    """The rows of `datasets` (in their order) as plain values — publisher's and theme's columns
    as `publisher__code` and so on —, each with its `tags` [(id, name)] by name and its
    `resources` (value dicts) by position: three queries however many, and no model instance,
    which is what a page of 100 CKAN packages spent its time building (docs/benchmarks.md)."""
    rows = list(datasets.values(*PACKAGE_FIELDS))
    if not rows:
        return rows
    ids = [row["id"] for row in rows]
    tags: dict = {pk: [] for pk in ids}
    links = Tag.datasets.through.objects.filter(dataset_id__in=ids).order_by("tag__name", "tag_id")
    for dataset_id, tag_id, name in links.values_list("dataset_id", "tag_id", "tag__name"):
        tags[dataset_id].append((tag_id, name))
    resources: dict = {pk: [] for pk in ids}
    for resource in (
        Resource.objects.filter(dataset_id__in=ids)
        .order_by("position", "id")
        .values(*PACKAGE_RESOURCE_FIELDS)
    ):
        resources[resource["dataset_id"]].append(resource)
    for row in rows:
        row["tags"] = tags[row["id"]]
        row["resources"] = resources[row["id"]]
    return rows


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def dataset_matching(*, id_or_name: str) -> QuerySet[Dataset]:
    """The dataset (none or one) whose id or name is `id_or_name`."""
    if not isinstance(id_or_name, str) or not id_or_name:
        return Dataset.objects.none()
    pk = _as_uuid(id_or_name)
    return Dataset.objects.filter(**({"pk": pk} if pk else {"name": id_or_name}))


def dataset_get(*, id_or_name: str) -> Dataset:
    """A dataset by its id or its name, with its details."""
    dataset = datasets_with_details(dataset_matching(id_or_name=id_or_name)).first()
    if dataset is None:
        raise NotFound("no such dataset")
    return dataset


def dataset_versions(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.order_by("-number")


def resource_get(*, resource_id) -> Resource:
    """A resource by id (its content not read)."""
    pk = _as_uuid(resource_id) if isinstance(resource_id, str) else None
    resource = (
        Resource.objects.only(*RESOURCE_LIST_FIELDS).select_related("dataset").filter(pk=pk).first()
        if pk
        else None
    )
    if resource is None:
        raise NotFound("no such resource")
    return resource


def resource_content(*, resource_id) -> tuple[Resource, bytes]:
    resource = Resource.objects.select_related("dataset").filter(pk=_as_uuid(str(resource_id))).first()
    if resource is None:
        raise NotFound("no such resource")
    return resource, bytes(resource.content)


_FQ = {
    "organization": lambda v: {"publisher__code": v},
    "groups": lambda v: {"theme__name": v},
    "license_id": lambda v: {"licence": v},
    "name": lambda v: {"name": v},
    "frequency": lambda v: {"frequency": v},
}


def _fq_filter(datasets: QuerySet[Dataset], name: str, value: str, negated: bool) -> QuerySet[Dataset]:
    if name == "tags":
        condition = Exists(Tag.datasets.through.objects.filter(dataset_id=OuterRef("pk"), tag__name=value))
    elif name == "res_format":
        condition = Exists(Resource.objects.filter(dataset_id=OuterRef("pk"), format=value.upper()))
    else:
        lookup = _FQ[name](value)
        return datasets.exclude(**lookup) if negated else datasets.filter(**lookup)
    return datasets.filter(~condition if negated else condition)


def dataset_search(*, query: PackageQuery) -> tuple[QuerySet[Dataset], int, dict[str, dict[str, int]]]:
    """(the page of datasets — a queryset for `packages_read` —, how many match, the facets
    asked for as {field: {value: count}})
    for a parsed package_search: words of `q` must all appear in a dataset's title, description,
    tags or publisher; `fq` terms are ANDed. Facet counts are kept in the cache under the
    catalogue's stamp (how many datasets, the last change), so they are counted again only
    after the catalogue changed."""
    datasets = Dataset.objects.all()
    for word in query.q.lower().split():
        datasets = datasets.filter(search_text__contains=word)
    for name, value, negated in query.fq:
        datasets = _fq_filter(datasets, name, value, negated)
    filtered = bool(query.q or query.fq)
    total = datasets.count()
    facets = {}
    if query.facet_fields:
        key = (
            "opendata:facets:"
            + hashlib.sha256(
                repr(
                    (catalogue_stamp(), query.q, sorted(query.fq), query.facet_fields, query.facet_limit)
                ).encode()
            ).hexdigest()
        )
        facets = cache.get(key)
        if facets is None:
            facets = {
                name: facet_counts(datasets if filtered else None, name, limit=query.facet_limit)
                for name in query.facet_fields
            }
            cache.set(key, facets, FACET_CACHE_SECONDS)
    order = [*query.sort, "name"] if query.sort else ["-modified_at", "name"]
    page = datasets.order_by(*order)[query.start : query.start + query.rows]
    return page, total, facets


def catalogue_stamp() -> tuple:
    """What changes whenever a facet count may: the number of datasets and the last change."""
    stamp = Dataset.objects.aggregate(n=Count("pk"), last=Max("modified_at"))
    return stamp["n"], stamp["last"].isoformat() if stamp["last"] else ""


def facet_counts(datasets: QuerySet[Dataset] | None, name: str, *, limit: int = 50) -> dict[str, int]:
    """{value: datasets} of one facet over `datasets` (None: the whole catalogue), largest first."""
    if name == "tags":
        rows = Tag.datasets.through.objects.all()
        if datasets is not None:
            rows = rows.filter(dataset_id__in=datasets.values("pk"))
        rows = rows.values_list("tag__name").annotate(n=Count("pk")).order_by("-n", "tag__name")
    elif name == "res_format":
        rows = Resource.objects.all()
        if datasets is not None:
            rows = rows.filter(dataset_id__in=datasets.values("pk"))
        rows = (
            rows.values_list("format").annotate(n=Count("dataset_id", distinct=True)).order_by("-n", "format")
        )
    else:
        column = {
            "organization": "publisher__code",
            "groups": "theme__name",
            "license_id": "licence",
            "frequency": "frequency",
        }[name]
        rows = (Dataset.objects.all() if datasets is None else datasets).exclude(
            **{f"{column}__isnull": True}
        )
        rows = rows.values_list(column).annotate(n=Count("pk")).order_by("-n", column)
    return dict(rows[:limit] if limit >= 0 else rows)


def organizations() -> QuerySet[Agency]:
    """Agencies that publish at least one dataset, with how many."""
    return (
        Agency.objects.filter(datasets__isnull=False)
        .annotate(dataset_count=Count("datasets"))
        .order_by("code")
    )


def organization_get(*, id_or_name: str) -> Agency:
    agency = organizations().filter(code=id_or_name).first() if isinstance(id_or_name, str) else None
    if agency is None:
        raise NotFound("no such organization")
    return agency


def themes() -> QuerySet[Theme]:
    return Theme.objects.annotate(dataset_count=Count("datasets")).order_by("name")


def tag_names(*, query: str = "") -> list[str]:
    tags = Tag.objects.filter(datasets__isnull=False).distinct()
    if query:
        tags = tags.filter(name__icontains=query)
    return list(tags.order_by("name").values_list("name", flat=True))


def dataset_list_for(*, actor) -> QuerySet[Dataset]:
    """The back office's list: the datasets the official's agency publishes."""
    if not getattr(actor, "is_official", False) or actor.agency_id is None:
        return Dataset.objects.none()
    return datasets_with_details(Dataset.objects.filter(publisher_id=actor.agency_id)).order_by("name")


def dataset_get_for(*, actor, name: str) -> Dataset:
    """One of the official's agency's datasets; NotFound for any other."""
    dataset = dataset_list_for(actor=actor).filter(name=name).first()
    if dataset is None:
        raise NotFound("no such dataset")
    return dataset


def downloads_of(dataset: Dataset) -> int:
    return dataset.resources.aggregate(n=Sum("download_count"))["n"] or 0


# --- data requests -----------------------------------------------------------------------------


def data_request_public_list():
    """Every request with its answer, newest first: public, without who asked."""
    return DataRequest.objects.select_related("agency", "dataset", "clock").order_by("-submitted_at", "-id")


def data_request_public_get(*, number: str) -> DataRequest:
    request = data_request_public_list().filter(number=number).first()
    if request is None:
        raise NotFound("no such request", field="request")
    return request


def data_request_get_for_official(*, actor, number: str) -> DataRequest:
    """A request to the official's agency (or one below it); NotFound for any other."""
    request = data_request_public_list().filter(number=number, agency_id__in=official_scope(actor)).first()
    if request is None:
        raise NotFound("no such request", field="request")
    return request


def data_request_queue_for(*, actor):
    return case_queue_for(actor=actor, procedure=DATA_REQUEST)


def apikeys_of(*, actor):
    """The keys a user applied for, newest first."""
    return ApiKey.objects.filter(owner_id=actor.pk).order_by("-created_at")


def apikeys_for_operator(*, actor):
    """Every key, for the officials of the portal's agency."""
    require_portal_operator(actor)
    return ApiKey.objects.select_related("owner").order_by("-created_at")


def apikey_usage_today(key) -> int:
    """Calls counted against the key's daily quota in the current day window."""
    return peek(Limit("opendata-key", key.daily_quota, 86400), str(key.pk))


# The agency that runs the open-data portal (행정안전부, which runs data.go.kr): its officials
# (with the registrar role) list keys and revoke them.
PORTAL_AGENCY_CODE = "1741000"


def require_portal_operator(actor) -> None:
    agency = Agency.objects.filter(code=PORTAL_AGENCY_CODE).only("id").first()
    if agency is None:
        raise PermissionDenied(_("This record belongs to another agency."))
    require_role(actor, "registrar", agency_id=agency.id)
