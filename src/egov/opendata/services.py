"""Every change to the catalogue: a feed's refresh (a new version of its dataset), an agency's
edit of its dataset's description, a download counted, an API key issued; and the steps of a data
request (공공데이터 제공 신청) through the case kernel (numbering, the state machine under the row
lock, history, audit, e-mail after commit, the clock)."""

import csv
import datetime as dt
import hashlib
import io
import logging
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.cases.services import case_lock_for, case_number_allocate, case_transition
from egov.core import deadlines
from egov.core.audit import audit_record
from egov.core.checks import require_text
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.open_data import COLUMN_TYPES, FileOutput, OpenDataFeed, Table, feeds
from egov.opendata import dcat, selectors, store
from egov.opendata.models import (
    ApiKey,
    DataRequest,
    Dataset,
    DatasetVersion,
    Frequency,
    Licence,
    Resource,
    Tag,
    Theme,
)
from egov.opendata.periods import REQUEST
from egov.opendata.procedure import DATA_REQUEST
from egov.opendata.themes import THEMES
from egov.registry.models import Agency

logger = logging.getLogger(__name__)

# How long a feed's dataset stays current, by its frequency.
REFRESH_AFTER = {
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=7),
    "monthly": dt.timedelta(days=30),
    "quarterly": dt.timedelta(days=91),
    "annual": dt.timedelta(days=365),
    "irregular": dt.timedelta(days=30),
}
COLUMN_NAME = r"^[a-z][a-z0-9_]{0,62}$"


def theme_ensure(name: str) -> Theme:
    """The theme `name` (one of THEMES), created on first use."""
    if name not in THEMES:
        raise ValidationFailed(f"unknown theme {name!r}", field="theme")
    title_ko, title_en = THEMES[name]
    return Theme.objects.get_or_create(name=name, defaults={"title_ko": title_ko, "title_en": title_en})[0]


def search_text_of(dataset: Dataset, tags: list[str]) -> str:
    parts = [dataset.name, dataset.title_ko, dataset.title_en, dataset.notes, *tags]
    parts += [dataset.publisher.name_ko, dataset.publisher.name_en]
    return " ".join(p for p in parts if p).lower()


def _csv_of(table_columns, rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label_ko for c in table_columns])
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV with a BOM as UTF-8


def _table_checked(table: Table, slug: str) -> tuple[list[dict], list[list]]:
    import re

    names = [c.name for c in table.columns]
    if len(set(names)) != len(names):
        raise ValueError(f"feed {slug}: repeated column names")
    for c in table.columns:
        if not re.match(COLUMN_NAME, c.name) or c.type not in COLUMN_TYPES:
            raise ValueError(f"feed {slug}: bad column {c.name!r} ({c.type})")
    fields = [{"id": c.name, "type": c.type, "label_ko": c.label_ko} for c in table.columns]
    rows = [list(row) for row in table.rows]
    for row in rows:
        if len(row) != len(names):
            raise ValueError(f"feed {slug}: a row has {len(row)} values for {len(names)} columns")
    return fields, rows


def feed_due(feed: OpenDataFeed, *, now: dt.datetime) -> bool:
    """Whether the feed's dataset is missing or older than its frequency allows."""
    last = DatasetVersion.objects.filter(dataset__feed=feed.slug).order_by("-number").first()
    return last is None or last.issued_at + REFRESH_AFTER[feed.frequency] <= now


def feed_refresh(
    *, feed: OpenDataFeed, now: dt.datetime | None = None, force: bool = False
) -> Dataset | None:
    """Publish the feed's data as a new version of its dataset (creating the dataset the first
    time), if it is due (or `force`). The build runs before the transaction, which then
    re-checks that no other worker published meanwhile. None when not due, or while the
    publishing agency is not in the registry."""
    now = now or timezone.now()
    if not force and not feed_due(feed, now=now):
        return None
    publisher = Agency.objects.filter(code=feed.publisher_code).first()
    if publisher is None:
        logger.info("open data feed waits for its agency", extra={"feed": feed.slug})
        return None
    output = feed.build()
    if isinstance(output, Table):
        fields, rows = _table_checked(output, feed.slug)
        content = _csv_of(output.columns, rows)
        resource_values = {
            "name": feed.title_ko,
            "format": "CSV",
            "media_type": "text/csv",
            "datastore_active": True,
            "fields": fields,
        }
    elif isinstance(output, FileOutput):
        rows, content = None, output.content
        resource_values = {
            "name": output.name,
            "format": output.format.upper(),
            "media_type": output.media_type,
            "datastore_active": False,
            "fields": [],
        }
    else:
        raise TypeError(f"feed {feed.slug}: build() must return a Table or a FileOutput")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().filter(feed=feed.slug).first()
        if dataset is not None and not force:
            last = dataset.versions.order_by("-number").first()
            if last is not None and last.issued_at + REFRESH_AFTER[feed.frequency] > now:
                return None  # another worker published it meanwhile
        created = dataset is None
        if created:
            dataset = Dataset(feed=feed.slug, name=feed.slug)
        dataset.title_ko = feed.title_ko
        dataset.title_en = feed.title_en
        dataset.notes = feed.description_ko
        dataset.publisher = publisher
        dataset.theme = theme_ensure(feed.theme)
        dataset.licence = feed.licence
        dataset.frequency = feed.frequency
        dataset.version += 1
        dataset.search_text = search_text_of(dataset, list(feed.tags))
        dataset.save()
        dataset.tags.set([Tag.objects.get_or_create(name=t)[0] for t in feed.tags])
        resource = dataset.resources.filter(position=0).first() or Resource(dataset=dataset, position=0)
        for key, value in resource_values.items():
            setattr(resource, key, value)
        resource.content = content
        resource.size = len(content)
        resource.last_modified = now
        resource.row_count = len(rows) if rows is not None else 0
        resource.save()
        if rows is not None:
            store.datastore_replace(resource_id=resource.pk, names=[f["id"] for f in fields], rows=rows)
        else:
            store.datastore_replace(resource_id=resource.pk, names=[], rows=[])
        DatasetVersion.objects.create(
            dataset=dataset,
            number=dataset.version,
            issued_at=now,
            rows=len(rows) if rows is not None else None,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        audit_record(
            actor=None,
            action="opendata.dataset_refresh" if not created else "opendata.dataset_create",
            obj=dataset,
            after={"feed": feed.slug, "version": dataset.version, "size": len(content)},
        )
        dcat.fragments_refresh(Dataset.objects.filter(pk=dataset.pk))
    return dataset


def feeds_refresh(*, now: dt.datetime | None = None, force: bool = False) -> list[str]:
    """Refresh every declared feed that is due; return the names of the datasets published. A
    feed that fails is logged and the others still run."""
    published = []
    for feed in feeds():
        try:
            dataset = feed_refresh(feed=feed, now=now, force=force)
        except Exception:  # noqa: BLE001 - one broken feed must not stop the others
            logger.exception("open data feed failed", extra={"feed": feed.slug})
            continue
        if dataset is not None:
            published.append(dataset.name)
    return published


EDITABLE = (
    "title_ko",
    "title_en",
    "notes",
    "contact_name",
    "contact_email",
    "temporal_start",
    "temporal_end",
    "spatial",
    "licence",
    "frequency",
)


def dataset_update(*, actor, dataset: Dataset, **values) -> Dataset:
    """An agency's administrator edits its dataset's description (title, notes, contact point,
    coverage, licence, frequency, tags). Only officials of the publishing agency with the
    agency_admin role may; the data itself comes only from the feeds."""
    if not (getattr(actor, "is_official", False) and actor.agency_id == dataset.publisher_id):
        raise NotFound("no such dataset")
    if not actor.roles.filter(role="agency_admin").exists():
        raise PermissionDenied("only the agency's administrator publishes dataset descriptions")
    tags = values.pop("tags", None)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"not editable: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    if "licence" in values and values["licence"] not in Licence.values:
        raise ValidationFailed("unknown licence", field="licence")
    if "frequency" in values and values["frequency"] not in Frequency.values:
        raise ValidationFailed("unknown frequency", field="frequency")
    start = values.get("temporal_start", dataset.temporal_start)
    end = values.get("temporal_end", dataset.temporal_end)
    if start and end and start > end:
        raise ValidationFailed("the coverage ends before it starts", field="temporal_end")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        before = {k: getattr(dataset, k) for k in values}
        for key, value in values.items():
            setattr(dataset, key, value)
        if tags is not None:
            dataset.tags.set([Tag.objects.get_or_create(name=t.strip()[:100])[0] for t in tags if t.strip()])
        dataset.search_text = search_text_of(dataset, [t.name for t in dataset.tags.all()])
        dataset.save()
        audit_record(actor=actor, action="opendata.dataset_update", obj=dataset, before=before, after=values)
        dcat.fragments_refresh(Dataset.objects.filter(pk=dataset.pk))
    return dataset


def resource_download_count(*, resource_id) -> Resource:
    """Count one download of a resource (one UPDATE, safe from many processes at once)."""
    if not Resource.objects.filter(pk=resource_id).update(download_count=F("download_count") + 1):
        raise NotFound("no such resource")
    return Resource.objects.get(pk=resource_id)


def apikey_issue(*, actor, holder: str, contact_email: str, daily_quota: int = 100_000) -> tuple[ApiKey, str]:
    """Issue an API key to a heavy user (an operator does, from the admin or the command line).
    Returns the key row and the secret, shown once; only its SHA-256 is kept."""
    if not holder.strip():
        raise ValidationFailed("name the key's holder", field="holder")
    if daily_quota < 1:
        raise ValidationFailed("the quota must be positive", field="daily_quota")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            holder=holder.strip(),
            contact_email=contact_email,
            key_hash=hashlib.sha256(secret.encode()).hexdigest(),
            daily_quota=daily_quota,
        )
        audit_record(actor=actor, action="opendata.apikey_issue", obj=key, after={"holder": key.holder})
    return key, secret


# Keys a user applies for on the portal (활용신청): the development quota data.go.kr grants.
APPLIED_KEY_QUOTA = 10_000
APPLIED_KEYS_MAX = 3
EXPECTED_USE_MAX = 1000


def apikey_apply(*, actor, purpose: str, expected_use: str) -> tuple[ApiKey, str]:
    """A citizen or business user applies for an API key: one active key per purpose, at most
    APPLIED_KEYS_MAX active keys. Returns the row and the secret, shown once (only its SHA-256
    is kept; the secret is never logged or audited)."""
    if not getattr(actor, "is_authenticated", False) or not (actor.is_citizen or actor.is_business):
        raise PermissionDenied(_("Only citizens and businesses apply for API keys."))
    if purpose not in ApiKey.Purpose.values:
        raise ValidationFailed(_("Choose the purpose."), field="purpose")
    expected_use = require_text(
        expected_use, "expected_use", label=_("Expected use"), max_length=EXPECTED_USE_MAX
    )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the user's row so two applications at once cannot both pass the count.
        ApiKey._meta.get_field("owner").related_model.objects.select_for_update().filter(pk=actor.pk).first()
        active = ApiKey.objects.filter(owner=actor, active=True)
        if active.filter(purpose=purpose).exists():
            raise ValidationFailed(_("You already have an active key for this purpose."), field="purpose")
        if active.count() >= APPLIED_KEYS_MAX:
            raise ValidationFailed(
                _("You may hold at most %(n)d active keys; revoke one first.") % {"n": APPLIED_KEYS_MAX},
                field="purpose",
            )
        key = ApiKey.objects.create(
            holder=actor.get_full_name() or actor.username,
            contact_email=actor.email or "",
            key_hash=hashlib.sha256(secret.encode()).hexdigest(),
            daily_quota=APPLIED_KEY_QUOTA,
            owner=actor,
            purpose=purpose,
            expected_use=expected_use,
        )
        audit_record(actor=actor, action="opendata.apikey_apply", obj=key, after={"purpose": purpose})
    return key, secret


def _apikey_deactivate(*, actor, key: ApiKey, action: str) -> ApiKey:
    if key.active:
        key.active = False
        key.revoked_at = timezone.now()
        key.save(update_fields=["active", "revoked_at"])
        audit_record(actor=actor, action=action, obj=key, before={"active": True}, after={"active": False})
    return key


def apikey_revoke_own(*, actor, key_id: int) -> ApiKey:
    """The holder revokes their own key; anyone else's key is not found."""
    with transaction.atomic():
        key = (
            ApiKey.objects.select_for_update().filter(pk=key_id, owner_id=getattr(actor, "pk", None)).first()
        )
        if key is None or actor.pk is None:
            raise NotFound(_("No such API key."))
        return _apikey_deactivate(actor=actor, key=key, action="opendata.apikey_revoke")


def apikey_revoke_by_operator(*, actor, key_id: int) -> ApiKey:
    selectors.require_portal_operator(actor)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
        if key is None:
            raise NotFound(_("No such API key."))
        return _apikey_deactivate(actor=actor, key=key, action="opendata.apikey_revoke_operator")


# --- data requests (공공데이터 제공 신청) -----------------------------------------------------------

TITLE_MAX = 200
CONTENT_MAX = 4000
ANSWER_MAX = 4000


def data_request_file(*, actor, agency_code: str, title: str, content: str, purpose: str = "") -> DataRequest:
    """Anyone with an account (a citizen or a business) asks an agency for data it has not
    published; the agency decides within the period of 공공데이터법 제27조."""
    if not (getattr(actor, "is_citizen", False) or getattr(actor, "is_business", False)):
        raise PermissionDenied(_("Data requests are made by citizens and businesses."))
    title = require_text(title, "title", label=_("The title"), max_length=TITLE_MAX)
    content = require_text(content, "content", label=_("The data sought"), max_length=CONTENT_MAX)
    purpose = (purpose or "").strip()[:300]
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise ValidationFailed(_("Choose the agency that holds the data."), field="agency")
    with transaction.atomic():
        now = timezone.now()
        number = case_number_allocate(procedure=DATA_REQUEST, at=now)
        clock = deadlines.clock_start(
            case_type=REQUEST,
            case_ref=f"opendata.request:{number}",
            agency=agency,
            received_at=now,
            actor=actor,
        )
        request = DataRequest.objects.create(
            number=number,
            agency=agency,
            applicant=actor,
            title=title,
            content=content,
            purpose=purpose,
            submitted_at=now,
            clock=clock,
        )
        case_transition(
            actor=actor,
            case=request,
            action="file",
            data={"agency": agency.code},
            after={"agency": agency.code},
            notify_note=f"처리기한 / Due: {timezone.localtime(clock.due_at):%Y-%m-%d}",
        )
    return request


@transaction.atomic
def data_request_extend(*, actor, request: DataRequest, reason: str) -> DataRequest:
    """The agency extends the decision period once, telling the applicant why."""
    reason = require_text(reason, "reason", label=_("The reason"), max_length=ANSWER_MAX)
    request = case_lock_for(actor=actor, case=request, action="extend")
    request.clock = deadlines.clock_extend(case_ref=request.case_ref, reason=reason, actor=actor)
    case_transition(actor=actor, case=request, action="extend", note=reason, data={"reason": reason})
    return request


@transaction.atomic
def data_request_provide(*, actor, request: DataRequest, answer: str, dataset_name: str) -> DataRequest:
    """The agency provides the data: it names the dataset where it is published (one of its own)
    and answers. The clock closes."""
    answer = require_text(answer, "answer", label=_("The answer"), max_length=ANSWER_MAX)
    request = case_lock_for(actor=actor, case=request, action="provide")
    dataset = Dataset.objects.filter(
        name=(dataset_name or "").strip(), publisher_id=request.agency_id
    ).first()
    if dataset is None:
        raise ValidationFailed(_("Name a dataset your agency publishes."), field="dataset")
    clock = deadlines.clock_close(case_ref=request.case_ref, actor=actor, reason="provided")
    request.clock = clock
    request.answer = answer
    request.dataset = dataset
    request.decided_at = clock.closed_at
    case_transition(
        actor=actor,
        case=request,
        action="provide",
        fields=["answer", "dataset", "decided_at"],
        note=answer,
        data={"dataset": dataset.name, "late": bool(clock.closed_late)},
        after={"dataset": dataset.name},
    )
    return request


@transaction.atomic
def data_request_refuse(*, actor, request: DataRequest, ground: str, answer: str) -> DataRequest:
    """The agency refuses, stating the ground (제17조, or that it does not hold the data) and
    explaining it. The clock closes."""
    if ground not in DataRequest.Ground.values:
        raise ValidationFailed(_("Choose the ground of the refusal."), field="ground")
    answer = require_text(answer, "answer", label=_("The explanation"), max_length=ANSWER_MAX)
    request = case_lock_for(actor=actor, case=request, action="refuse")
    clock = deadlines.clock_close(case_ref=request.case_ref, actor=actor, reason=f"refused: {ground}")
    request.clock = clock
    request.answer = answer
    request.ground = ground
    request.decided_at = clock.closed_at
    case_transition(
        actor=actor,
        case=request,
        action="refuse",
        fields=["answer", "ground", "decided_at"],
        note=answer,
        data={"ground": ground, "late": bool(clock.closed_late)},
        after={"ground": ground},
    )
    return request


# --- what an agency publishes itself through the back office ------------------------------------

# format -> (media type, extensions its file may carry)
UPLOAD_FORMATS = {
    "CSV": ("text/csv", (".csv",)),
    "JSON": ("application/json", (".json",)),
    "XLSX": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "PDF": ("application/pdf", (".pdf",)),
}
UPLOAD_EXTENSIONS = tuple(ext for _media, extensions in UPLOAD_FORMATS.values() for ext in extensions)


def _require_publisher(actor, agency_id) -> None:
    """Only an official of the publishing agency with the agency_admin role publishes: another
    agency's official finds nothing (NotFound), anyone else is refused."""
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("Only the agency's officials publish its datasets."))
    if agency_id is not None and actor.agency_id != agency_id:
        raise NotFound("no such dataset")
    if actor.agency_id is None or not actor.roles.filter(role="agency_admin").exists():
        raise PermissionDenied(_("Only the agency's administrator publishes its datasets."))


def _describe_checked(values: dict) -> dict:
    values = dict(values)
    values["title_ko"] = require_text(
        values.get("title_ko", ""), "title_ko", label=_("The title"), max_length=200
    )
    if values.get("licence", Licence.KOGL_TYPE1) not in Licence.values:
        raise ValidationFailed(_("Choose a licence."), field="licence")
    if values.get("frequency", Frequency.IRREGULAR) not in Frequency.values:
        raise ValidationFailed(_("Choose how often it is updated."), field="frequency")
    start, end = values.get("temporal_start"), values.get("temporal_end")
    if start and end and start > end:
        raise ValidationFailed(_("The coverage ends before it starts."), field="temporal_end")
    return values


def dataset_create(*, actor, theme: str, tags=(), **values) -> Dataset:
    """An agency's administrator publishes a new dataset of its own agency (its description;
    files are added with `resource_upload`). Its name is the agency's code and a random suffix."""
    _require_publisher(actor, None)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"not editable: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    values = _describe_checked(values)
    if theme not in THEMES:
        raise ValidationFailed(_("Choose a theme."), field="theme")
    tag_names = [t.strip()[:100] for t in tags if t.strip()]
    name = f"{actor.agency.code.lower()}-{secrets.token_hex(4)}"
    while Dataset.objects.filter(name=name).exists():  # 1 in 4 billion; never a 500 for it
        name = f"{actor.agency.code.lower()}-{secrets.token_hex(4)}"
    with transaction.atomic():
        dataset = Dataset(
            name=name,
            publisher=actor.agency,
            theme=theme_ensure(theme),
            **values,
        )
        dataset.search_text = search_text_of(dataset, tag_names)
        dataset.save()
        dataset.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tag_names])
        audit_record(
            actor=actor,
            action="opendata.dataset_create",
            obj=dataset,
            after={"name": dataset.name, "title_ko": dataset.title_ko, "theme": theme},
        )
        dcat.fragments_refresh(Dataset.objects.filter(pk=dataset.pk))
    return dataset


def upload_check(upload, *, field: str = "file") -> tuple[str, str, bytes]:
    """The uploaded file's clean name, format and bytes, checked by its content and size as the
    platform's other uploads are (`core.files`: the same size limit; a PDF by core's own
    check): a CSV must be UTF-8 text, a JSON must parse, an XLSX must be an Office Open XML
    workbook; its name's extension must say the same format. ValidationFailed on `field`."""
    import json
    import zipfile
    from pathlib import Path

    from egov.core import files

    name = files.clean_name(getattr(upload, "name", ""))
    if not name:
        raise ValidationFailed(_("Choose a file."), field=field)
    extension = Path(name).suffix.lower()
    if extension not in UPLOAD_EXTENSIONS:
        raise ValidationFailed(
            _("%(name)s is not a CSV, JSON, XLSX or PDF file.") % {"name": name}, field=field
        )
    if extension == ".pdf":
        checked = files.file_check(upload, field=field)
        return checked.name, "PDF", checked.content
    limit = files.max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationFailed(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": max(1, limit // (1024 * 1024))},
            field=field,
        )
    if not content:
        raise ValidationFailed(_("%(name)s is empty.") % {"name": name}, field=field)
    mismatch = ValidationFailed(
        _("The content of %(name)s is not what its name says (%(format)s).")
        % {"name": name, "format": extension.lstrip(".").upper()},
        field=field,
    )
    if extension == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                if "xl/workbook.xml" not in book.namelist():
                    raise mismatch
        except zipfile.BadZipFile:
            raise mismatch from None
        return name, "XLSX", content
    if files.detect(content) is not None or b"\x00" in content:
        raise mismatch
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("%(name)s is not UTF-8 text.") % {"name": name}, field=field) from None
    if extension == ".json":
        try:
            json.loads(text)
        except ValueError:
            raise mismatch from None
        return name, "JSON", content
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise mismatch from None
    if not rows or not any(rows[0]):
        raise mismatch
    return name, "CSV", content


def resource_upload(*, actor, dataset: Dataset, upload, name: str = "", description: str = "") -> Resource:
    """An agency's administrator adds a file to its dataset: a new version of the dataset,
    issued now, with the file's size and SHA-256; the catalogue's RDF is written again."""
    _require_publisher(actor, dataset.publisher_id)
    filename, format_, content = upload_check(upload, field="file")
    title = (name or "").strip()[:200] or filename
    now = timezone.now()
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        last = dataset.resources.order_by("-position").values_list("position", flat=True).first()
        resource = Resource.objects.create(
            dataset=dataset,
            position=0 if last is None else last + 1,
            name=title,
            description=(description or "").strip()[:4000],
            format=format_,
            media_type=UPLOAD_FORMATS[format_][0],
            content=content,
            size=len(content),
            last_modified=now,
        )
        dataset.version += 1
        dataset.save(update_fields=["version", "modified_at"])
        DatasetVersion.objects.create(
            dataset=dataset,
            number=dataset.version,
            issued_at=now,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        audit_record(
            actor=actor,
            action="opendata.resource_upload",
            obj=dataset,
            after={
                "resource": str(resource.pk),
                "format": format_,
                "size": len(content),
                "version": dataset.version,
            },
        )
        dcat.fragments_refresh(Dataset.objects.filter(pk=dataset.pk))
    return resource
