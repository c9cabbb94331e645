"""The registers of a nation: agencies, residents, households, family relations, businesses
and vehicles, each with an append-only history of what happened to it and why."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from egov.core.crypto import decrypt_id
from egov.core.ids import brn_format, rrn_mask


class Agency(models.Model):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        METROPOLITAN = "metropolitan", _("Metropolitan government")
        LOCAL = "local", _("Local government")
        OFFICE = "office", _("Agency or office")
        THIRD_PARTY = "third_party", _("Registered third party (bank, university)")

    code = models.CharField(max_length=7, unique=True)  # 행정기관코드
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="agency_not_own_parent"),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{7}$"), name="agency_code_7"),
        ]

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.code})"

    def name(self, language: str = "ko") -> str:
        return self.name_en if language == "en" else self.name_ko


class Address(models.Model):
    """A road-name address (도로명주소) as fields; abstract so each register embeds it."""

    # The full road-name address as shown (시도 시군구 도로명 건물번호), kept with its parts.
    road_address = models.CharField(_("road-name address"), max_length=200)
    address_detail = models.CharField(_("detail (building, unit)"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5)
    sido = models.CharField(_("province or metropolitan city"), max_length=40, default="")  # 시도
    sigungu = models.CharField(_("city, county or district"), max_length=40, blank=True, default="")  # 시군구
    road_name = models.CharField(_("road name"), max_length=80, default="")  # 도로명
    building_number = models.CharField(_("building number"), max_length=20, default="")  # 건물번호
    # The register's 도로명주소관리번호 when the address was chosen from it (empty for addresses
    # recorded before the register was loaded).
    address_key = models.CharField(max_length=26, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def full_address(self) -> str:
        return f"{self.road_address} {self.address_detail}".strip()


class Household(Address):
    number = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="households")
    head = models.ForeignKey(
        "Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="headed"
    )
    formed_on = models.DateField()
    dissolved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class Resident(Address):
    class Status(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        DECEASED = "deceased", _("Deceased")
        EMIGRATED = "emigrated", _("Emigrated")

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other")

    rrn_encrypted = models.BinaryField()
    rrn_index = models.CharField(max_length=64, unique=True)
    rrn_head = models.CharField(max_length=7)  # birth date and sex digit, shown when masked
    name_ko = models.CharField(_("name (Hangul)"), max_length=40)
    name_en = models.CharField(_("name (romanised)"), max_length=80)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RESIDENT)
    status_since = models.DateField(null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="residents")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(max_length=16, choices=Relation.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The name-prefix search index is byte-ordered ("C" / BINARY collation) and made in
        # migration 0002, because the collation's name differs between PostgreSQL and SQLite.
        indexes = [
            models.Index(fields=["agency", "status"], name="resident_agency_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rrn_head__regex=r"^[0-9]{7}$"), name="resident_rrn_head"),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{5}$"), name="resident_postal_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ko} ({self.rrn_masked})"

    @property
    def rrn_masked(self) -> str:
        return rrn_mask(self.rrn_head + "000000")

    def rrn_reveal(self) -> str:
        """The full number. Only services that record why may call this."""
        digits = decrypt_id(self.rrn_encrypted)
        return f"{digits[:6]}-{digits[6:]}"

    @property
    def is_alive(self) -> bool:
        return self.status != self.Status.DECEASED


class FamilyRelation(models.Model):
    """`relative` is `person`'s parent, or `person`'s spouse (stored both ways)."""

    class Kind(models.TextChoices):
        PARENT = "parent", _("Parent")
        SPOUSE = "spouse", _("Spouse")

    person = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="relations_as_relative")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    since = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("relative")), name="family_not_self"),
            models.UniqueConstraint(
                fields=["person", "relative", "kind"],
                condition=Q(ended_on__isnull=True),
                name="family_unique_current",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="spouse", ended_on__isnull=True),
                name="family_one_current_spouse",
            ),
        ]
        indexes = [models.Index(fields=["relative", "kind"], name="family_relative_idx")]

    def __str__(self) -> str:
        return f"{self.relative_id} is {self.kind} of {self.person_id}"


class RegistryEvent(models.Model):
    """What every register's history row has: when, why, under which law, recorded by whom."""

    occurred_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    legal_basis = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind}"


class LifeEvent(RegistryEvent):
    class Kind(models.TextChoices):
        BIRTH = "birth", _("Birth")
        REGISTRATION = "registration", _("Registration")
        MOVE = "move", _("Move")
        MARRIAGE = "marriage", _("Marriage")
        DIVORCE = "divorce", _("Divorce")
        DEATH = "death", _("Death")
        EMIGRATION = "emigration", _("Emigration")
        CORRECTION = "correction", _("Correction")

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta(RegistryEvent.Meta):
        indexes = [models.Index(fields=["resident", "occurred_on"], name="lifeevent_resident_idx")]


class Business(Address):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    brn = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    representative = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="businesses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="businesses")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    opened_on = models.DateField()
    suspended_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "businesses"
        indexes = [models.Index(fields=["name"], name="business_name_idx", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=Q(brn__regex=r"^[0-9]{10}$"), name="business_brn_10"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="business_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.brn_formatted})"

    @property
    def brn_formatted(self) -> str:
        return brn_format(self.brn)


class BusinessEvent(RegistryEvent):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")
        CLOSED = "closed", _("Closed")
        CORRECTION = "correction", _("Correction")

    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)


class Vehicle(models.Model):
    plate = models.CharField(max_length=12, unique=True)
    vin = models.CharField(max_length=17, unique=True)
    model_name = models.CharField(max_length=80)
    model_year = models.PositiveSmallIntegerField()
    owner_resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles"
    )
    owner_business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.PROTECT, related_name="vehicles"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="vehicles")
    registered_on = models.DateField()
    deregistered_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_resident__isnull=False) & Q(owner_business__isnull=True))
                | (Q(owner_resident__isnull=True) & Q(owner_business__isnull=False)),
                name="vehicle_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="vehicle_vin_format"
            ),
        ]

    def __str__(self) -> str:
        return self.plate

    @property
    def owner(self) -> "Resident | Business":
        return self.owner_resident or self.owner_business


class VehicleEvent(RegistryEvent):
    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration")
        TRANSFER = "transfer", _("Transfer of ownership")
        CORRECTION = "correction", _("Correction")
        DEREGISTRATION = "deregistration", _("Deregistration")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)


class RoadAddress(models.Model):
    """One building's road-name address from the national address register (도로명주소 DB,
    loaded by `egov addresses load FILE`, docs/addresses.md): 시도, 시군구, 도로명, 건물번호,
    우편번호. Every address field in the portal picks one of these and stores it structured."""

    key = models.CharField(max_length=26, unique=True)  # 도로명주소관리번호
    legal_dong_code = models.CharField(max_length=10)  # 법정동코드
    sido = models.CharField(max_length=40)  # 시도명
    sigungu = models.CharField(max_length=40, blank=True)  # 시군구명 (세종특별자치시 has none)
    eupmyeondong = models.CharField(max_length=40, blank=True)  # 법정읍면동명
    road_code = models.CharField(max_length=12)  # 도로명코드
    road_name = models.CharField(max_length=80)  # 도로명
    # The road name without spaces, for the search's prefix match on an index.
    road_name_norm = models.CharField(max_length=80)
    underground = models.BooleanField(default=False)  # 지하여부
    building_main = models.PositiveIntegerField()  # 건물본번
    building_sub = models.PositiveIntegerField(default=0)  # 건물부번
    postal_code = models.CharField(max_length=5)  # 기초구역번호
    building_name = models.CharField(max_length=100, blank=True)  # 시군구용건물명

    class Meta:
        indexes = [
            models.Index(fields=["road_name_norm", "building_main"], name="road_address_search_idx"),
            models.Index(fields=["postal_code"], name="road_address_postal_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(postal_code__regex=r"^[0-9]{5}$"), name="road_address_postal"),
        ]

    def __str__(self) -> str:
        return self.road_address

    @property
    def building_number(self) -> str:
        return f"{self.building_main}-{self.building_sub}" if self.building_sub else str(self.building_main)

    @property
    def road_address(self) -> str:
        """서울특별시 강남구 테헤란로 152 (지하 for an underground building)."""
        parts = [
            self.sido,
            self.sigungu,
            self.road_name,
            ("지하 " if self.underground else "") + self.building_number,
        ]
        return " ".join(p for p in parts if p)
