"""The open-data catalogue (data.go.kr): datasets with their resources and versions, themes,
tags, the datastore's rows, and API keys for heavy users."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from egov.cases.models import CaseModel

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{1,99}$"  # CKAN's dataset and group names


class Licence(models.TextChoices):
    KOGL_TYPE1 = "kogl-type1", _("Korea Open Government License type 1 (attribution)")
    KOGL_TYPE2 = "kogl-type2", _("Korea Open Government License type 2 (attribution, no commercial use)")
    KOGL_TYPE3 = "kogl-type3", _("Korea Open Government License type 3 (attribution, no derivatives)")
    KOGL_TYPE4 = (
        "kogl-type4",
        _("Korea Open Government License type 4 (attribution, no commercial use, no derivatives)"),
    )
    CC_BY_4 = "cc-by-4.0", _("Creative Commons Attribution 4.0")


LICENCE_URLS = {
    "kogl-type1": "https://www.kogl.or.kr/info/licenseType1.do",
    "kogl-type2": "https://www.kogl.or.kr/info/licenseType2.do",
    "kogl-type3": "https://www.kogl.or.kr/info/licenseType3.do",
    "kogl-type4": "https://www.kogl.or.kr/info/licenseType4.do",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
}


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class Theme(models.Model):
    """A theme (CKAN group): 일반공공행정, 재정·금융, ..."""

    name = models.CharField(max_length=100, unique=True)
    title_ko = models.CharField(max_length=100)
    title_en = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(name__regex=NAME_PATTERN), name="theme_name_form")]

    def __str__(self) -> str:
        return self.title_ko


class Tag(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """A dataset (CKAN package). `feed` names the platform feed that keeps it current (blank for
    one an agency publishes itself); `version` counts its refreshes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    title_ko = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    publisher = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="datasets")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="datasets")
    tags = models.ManyToManyField(Tag, blank=True, related_name="datasets")
    licence = models.CharField(max_length=16, choices=Licence.choices, default=Licence.KOGL_TYPE1)
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.IRREGULAR)
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    spatial = models.CharField(max_length=100, default="대한민국")
    feed = models.CharField(max_length=100, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True, db_index=True)
    # Lowercased title, notes, tags and publisher: what `q` searches (kept by the services).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(name__regex=NAME_PATTERN), name="dataset_name_form"),
            models.UniqueConstraint(fields=["feed"], condition=~Q(feed=""), name="dataset_one_per_feed"),
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_start__lte=models.F("temporal_end")),
                name="dataset_temporal_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title_ko

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS[self.licence]


class DatasetVersion(models.Model):
    """One refresh of a dataset: its number, when it was issued and what it held."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    rows = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_once")]

    def __str__(self) -> str:
        return f"{self.dataset_id} v{self.number}"


class DatasetRdf(models.Model):
    """The dataset's part of the DCAT-AP catalogue, as N-Triples lines (its own triples and those
    describing the shared nodes it points to: publisher, theme, licence, formats), written when
    the dataset changes (`opendata.dcat.fragments_refresh`); the catalogue is these fragments
    put together. `source_modified` is the dataset's `modified_at` it was built from: a fragment
    whose dataset changed since is built again before the catalogue is assembled."""

    dataset = models.OneToOneField(Dataset, primary_key=True, on_delete=models.CASCADE, related_name="rdf")
    ntriples = models.TextField()
    source_modified = models.DateTimeField()

    def __str__(self) -> str:
        return f"RDF of {self.dataset_id}"


class Resource(models.Model):
    """A file of a dataset, or a table in the datastore (`datastore_active`) with its field list
    (`fields`: [{"id", "type", "label_ko"}]) and, for download, the same table as CSV."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=20)  # upper case: CSV, JSON
    media_type = models.CharField(max_length=100)
    content = models.BinaryField(default=b"")
    size = models.PositiveBigIntegerField(default=0)
    datastore_active = models.BooleanField(default=False)
    fields = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField()

    class Meta:
        ordering = ["dataset", "position"]
        indexes = [models.Index(fields=["format", "dataset"], name="resource_format_idx")]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="resource_position_once"),
            models.CheckConstraint(condition=Q(download_count__gte=0), name="resource_downloads_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class DatastoreRow(models.Model):
    """One row of a datastore table: `row_id` is CKAN's `_id` (1, 2, ... within the resource)."""

    id = models.BigAutoField(primary_key=True)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="rows", db_index=False)
    row_id = models.PositiveIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "row_id"], name="datastore_row_once")]

    def __str__(self) -> str:
        return f"{self.resource_id}#{self.row_id}"


class ApiKey(models.Model):
    """A key a heavy API user sends in `Authorization` (as CKAN clients do) for a larger quota.
    Only the key's SHA-256 is stored."""

    class Purpose(models.TextChoices):
        APP = "app", _("Building an app or service")
        RESEARCH = "research", _("Research and analysis")
        BUSINESS = "business", _("Business use")
        OTHER = "other", _("Other")

    holder = models.CharField(max_length=200)
    contact_email = models.EmailField()
    key_hash = models.CharField(max_length=64, unique=True)
    daily_quota = models.PositiveIntegerField(default=100_000)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A key a user applied for on the portal (활용신청); keys an operator issued have no owner.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="api_keys"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices, blank=True)
    expected_use = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "purpose"],
                condition=models.Q(active=True, owner__isnull=False),
                name="opendata_one_active_key_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return self.holder


class DataRequest(CaseModel):
    """A request for data not yet published (공공데이터 제공 신청, 공공데이터법 제27조): anyone who
    has an account asks an agency; the agency provides it (naming the dataset) or refuses with
    a ground. Request and answer are public; who asked is not shown."""

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("data request state", "Received")
        EXTENDED = "extended", pgettext_lazy("data request state", "Extended")
        PROVIDED = "provided", pgettext_lazy("data request state", "Provided")
        REFUSED = "refused", pgettext_lazy("data request state", "Refused")

    class Ground(models.TextChoices):
        NON_DISCLOSURE = (
            "non_disclosure",
            _("It is information exempt from disclosure (Official Information Disclosure Act, Article 9)"),
        )
        THIRD_PARTY = "third_party", _("It contains rights of third parties (e.g. copyright) not cleared")
        NOT_HELD = "not_held", _("The agency does not hold this data")

    number = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="data_requests")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests"
    )
    title = models.CharField(max_length=200)
    content = models.TextField()
    purpose = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    submitted_at = models.DateTimeField(db_index=True)
    answer = models.TextField(blank=True)
    ground = models.CharField(max_length=16, choices=Ground.choices, blank=True)
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    clock = models.OneToOneField("core.CaseClock", on_delete=models.PROTECT, related_name="data_request")

    OPEN_STATES = ("received", "extended")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=("received", "extended"), decided_at__isnull=True, ground="")
                | Q(state="provided", decided_at__isnull=False, ground="")
                | (Q(state="refused", decided_at__isnull=False) & ~Q(ground="")),
                name="data_request_decided_consistently",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def case_ref(self) -> str:
        return f"opendata.request:{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
