"""The CKAN Action API's read actions, each a function of the request's parameters returning
the action's `result` in CKAN's shapes (ckan/logic/action/get.py), or raising a core error the
HTTP layer turns into CKAN's error envelope. The docstrings are the `help` of each action."""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.urls import reverse

from egov.core.errors import NotFound, ValidationFailed
from egov.opendata import selectors, store
from egov.opendata.models import LICENCE_URLS, Dataset, Licence, Resource, Theme
from egov.opendata.query import as_int, datastore_query_parse, package_query_parse
from egov.registry.models import Agency

CKAN_VERSION = "2.10.4"  # the CKAN release whose API shapes we follow


def _iso(moment) -> str | None:
    return moment.replace(tzinfo=None).isoformat() if moment else None


def public_url(path: str) -> str:
    return settings.EGOV_PUBLIC_URL + path


def organization_dict(agency: Agency, *, count: int | None = None) -> dict:
    out = {
        "id": agency.code,
        "name": agency.code,
        "title": agency.name_ko,
        "display_name": agency.name_ko,
        "description": agency.name_en,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
    }
    if count is not None:
        out["package_count"] = count
    return out


def group_dict(theme: Theme, *, count: int | None = None) -> dict:
    out = {
        "id": theme.name,
        "name": theme.name,
        "title": theme.title_ko,
        "display_name": theme.title_ko,
        "description": theme.title_en,
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
    }
    if count is not None:
        out["package_count"] = count
    return out


class _Urls:
    """The dataset page and download URLs of a response, their patterns reversed once (with a
    placeholder) instead of once or twice per package; and the licences' titles, once each."""

    PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

    def __init__(self):
        self.dataset = public_url(reverse("opendata:dataset", args=["placeholder"])).replace(
            "placeholder", "{}"
        )
        self.download = public_url(reverse("opendata:download", args=[self.PLACEHOLDER])).replace(
            self.PLACEHOLDER, "{}"
        )
        self.licence_titles: dict[str, str] = {}

    def licence_title(self, code: str) -> str:
        title = self.licence_titles.get(code)
        if title is None:
            title = self.licence_titles[code] = str(Licence(code).label)
        return title


def _resource_out(r: dict, urls: _Urls) -> dict:
    return {
        "id": str(r["id"]),
        "package_id": str(r["dataset_id"]),
        "position": r["position"],
        "name": r["name"],
        "description": r["description"],
        "format": r["format"],
        "mimetype": r["media_type"],
        "url": urls.download.format(r["id"]),
        "url_type": "upload",
        "size": r["size"],
        "created": _iso(r["created_at"]),
        "last_modified": _iso(r["last_modified"]),
        "datastore_active": r["datastore_active"],
        "download_count": r["download_count"],
        "state": "active",
    }


def resource_dict(resource: Resource) -> dict:
    from egov.opendata.selectors import PACKAGE_RESOURCE_FIELDS

    return _resource_out({f: getattr(resource, f) for f in PACKAGE_RESOURCE_FIELDS}, _Urls())


def package_dicts(datasets) -> list[dict]:
    """The CKAN package dicts of `datasets` (a queryset, in its order): read in three queries
    (`selectors.packages_read`), with no model instance."""
    urls = _Urls()
    out = []
    for d in selectors.packages_read(datasets):
        tags, resources = d["tags"], d["resources"]
        publisher = {
            "code": d["publisher__code"],
            "name_ko": d["publisher__name_ko"],
            "name_en": d["publisher__name_en"],
        }
        theme = d["theme__name"]
        licence = d["licence"]
        out.append(
            {
                "id": str(d["id"]),
                "name": d["name"],
                "title": d["title_ko"],
                "title_en": d["title_en"],
                "notes": d["notes"],
                "type": "dataset",
                "state": "active",
                "private": False,
                "version": str(d["version"]),
                "url": urls.dataset.format(d["name"]),
                "author": publisher["name_ko"],
                "author_email": None,
                "maintainer": d["contact_name"] or None,
                "maintainer_email": d["contact_email"] or None,
                "license_id": licence,
                "license_title": urls.licence_title(licence),
                "license_url": LICENCE_URLS[licence],
                "frequency": d["frequency"],
                "temporal_start": d["temporal_start"].isoformat() if d["temporal_start"] else None,
                "temporal_end": d["temporal_end"].isoformat() if d["temporal_end"] else None,
                "spatial": d["spatial"],
                "metadata_created": _iso(d["created_at"]),
                "metadata_modified": _iso(d["modified_at"]),
                "owner_org": publisher["code"],
                "organization": organization_dict(SimpleNamespace(**publisher)),
                "groups": (
                    [
                        group_dict(
                            SimpleNamespace(
                                name=theme, title_ko=d["theme__title_ko"], title_en=d["theme__title_en"]
                            )
                        )
                    ]
                    if theme
                    else []
                ),
                "tags": [
                    {"id": str(pk), "name": name, "display_name": name, "state": "active"}
                    for pk, name in tags
                ],
                "num_tags": len(tags),
                "resources": [_resource_out(r, urls) for r in resources],
                "num_resources": len(resources),
                "extras": [],
            }
        )
    return out


# --- the actions --------------------------------------------------------------------------------


def status_show(params: dict) -> dict:
    """Return the site's version and the extensions it serves."""
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": "공공데이터포털",
        "site_description": "egov open data portal",
        "site_url": settings.EGOV_PUBLIC_URL,
        "extensions": ["datastore", "dcat"],
        "locale_default": "ko",
    }


def package_list(params: dict) -> list[str]:
    """Return the names of the site's datasets. :param limit: :param offset:"""
    limit = as_int(params.get("limit"), name="limit", default=0, high=10_000)
    offset = as_int(params.get("offset"), name="offset", default=0)
    names = Dataset.objects.order_by("name").values_list("name", flat=True)
    return list(names[offset : offset + limit] if limit else names[offset:])


def package_search(params: dict) -> dict:
    """Search datasets. :param q: words (and field:value terms) :param fq: filters such as
    organization:<code> groups:<theme> tags:<tag> res_format:CSV license_id:kogl-type1
    :param rows: :param start: :param sort: e.g. "metadata_modified desc" :param facet.field:
    a JSON list of fields to count: organization, groups, tags, res_format, license_id."""
    query = package_query_parse(params)
    page, total, facets = selectors.dataset_search(query=query)
    titles = _facet_titles(facets)
    return {
        "count": total,
        "results": package_dicts(page),
        "sort": params.get("sort") or "score desc, metadata_modified desc",
        "facets": facets,
        "search_facets": {
            name: {
                "title": name,
                "items": [
                    {"name": value, "display_name": titles.get((name, value), value), "count": count}
                    for value, count in counts.items()
                ],
            }
            for name, counts in facets.items()
        },
    }


def _facet_titles(facets: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    titles: dict[tuple[str, str], str] = {}
    if "organization" in facets:
        for a in Agency.objects.filter(code__in=list(facets["organization"])):
            titles["organization", a.code] = a.name_ko
    if "groups" in facets:
        for t in Theme.objects.filter(name__in=list(facets["groups"])):
            titles["groups", t.name] = t.title_ko
    if "license_id" in facets:
        for value in facets["license_id"]:
            titles["license_id", value] = str(Licence(value).label) if value in Licence.values else value
    return titles


def _id(params: dict, name: str = "id") -> str:
    value = params.get(name)
    if not value or not isinstance(value, str):
        raise ValidationFailed("Missing value", field=name)
    return value


def package_show(params: dict) -> dict:
    """Return a dataset with its resources. :param id: the dataset's id or name"""
    found = package_dicts(selectors.dataset_matching(id_or_name=_id(params)))
    if not found:
        raise NotFound("no such dataset")
    return found[0]


def organization_list(params: dict) -> list:
    """Return the names of the publishing agencies (their 행정기관코드), or their details with
    all_fields=true."""
    agencies = selectors.organizations()
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [organization_dict(a, count=a.dataset_count) for a in agencies]
    return [a.code for a in agencies]


def organization_show(params: dict) -> dict:
    """Return an agency. :param id: its code :param include_datasets: (default false)"""
    agency = selectors.organization_get(id_or_name=_id(params))
    out = organization_dict(agency, count=agency.dataset_count)
    if str(params.get("include_datasets", "")).lower() in ("true", "1"):
        out["packages"] = package_dicts(Dataset.objects.filter(publisher=agency).order_by("name")[:1000])
    return out


def group_list(params: dict) -> list:
    """Return the names of the themes, or their details with all_fields=true."""
    themes = selectors.themes()
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [group_dict(t, count=t.dataset_count) for t in themes]
    return [t.name for t in themes]


def tag_list(params: dict) -> list:
    """Return the tags in use. :param query: part of a tag"""
    query = params.get("query") or ""
    if not isinstance(query, str):
        raise ValidationFailed("Must be a string", field="query")
    return selectors.tag_names(query=query)


def resource_show(params: dict) -> dict:
    """Return a resource. :param id: its id"""
    return resource_dict(selectors.resource_get(resource_id=_id(params)))


def datastore_search(params: dict) -> dict:
    """Search the rows of a tabular resource. :param resource_id: :param filters: {field: value
    or [values]} :param q: text anywhere in a row :param limit: (default 100) :param offset:
    :param sort: "field desc, other" :param fields: the fields to return."""
    resource = selectors.resource_get(
        resource_id=_id(params, "resource_id" if "resource_id" in params else "id")
    )
    if not resource.datastore_active:
        raise NotFound("Resource has no datastore table")
    query = datastore_query_parse(params, columns=resource.fields)
    records, total, estimated = store.datastore_search(
        resource_id=resource.pk, columns=resource.fields, row_count=resource.row_count, query=query
    )
    chosen = query.fields or ["_id", *[f["id"] for f in resource.fields]]
    types = {"_id": "int"} | {f["id"]: f["type"] for f in resource.fields}
    return {
        "resource_id": str(resource.pk),
        "fields": [{"id": name, "type": types[name]} for name in chosen],
        "records": records,
        "total": total,
        "total_was_estimated": estimated,
        "limit": query.limit,
        "offset": query.offset,
        "filters": query.filters,
        "q": query.q or None,
        "sort": ", ".join(f"{n} {'desc' if d else 'asc'}" for n, d in query.sort) or None,
        "_links": {"start": f"/api/3/action/datastore_search?resource_id={resource.pk}"},
    }


ACTIONS: dict[str, Callable[[dict], Any]] = {
    fn.__name__: fn
    for fn in (
        status_show,
        package_list,
        package_search,
        package_show,
        organization_list,
        organization_show,
        group_list,
        tag_list,
        resource_show,
        datastore_search,
    )
}

# The parameters each action takes (anything else is refused, as CKAN's schemas do).
PARAMETERS: dict[str, set[str]] = {
    "status_show": set(),
    "package_list": {"limit", "offset"},
    "package_search": {
        "q",
        "fq",
        "rows",
        "start",
        "sort",
        "facet",
        "facet.field",
        "facet.limit",
        "facet.mincount",
        "include_private",
        "include_drafts",
    },
    "package_show": {"id", "use_default_schema", "include_tracking"},
    "organization_list": {"all_fields", "sort", "limit", "offset"},
    "organization_show": {"id", "include_datasets"},
    "group_list": {"all_fields", "sort", "limit", "offset"},
    "tag_list": {"query", "vocabulary_id", "all_fields"},
    "resource_show": {"id", "include_tracking"},
    "datastore_search": {
        "resource_id",
        "id",
        "filters",
        "q",
        "limit",
        "offset",
        "sort",
        "fields",
        "distinct",
        "plain",
        "language",
        "include_total",
        "records_format",
    },
}
