"""People and systems that log in: citizens, business representatives, officials, agency
systems. Roles are per agency; what a role may do is decided in `egov.accounts.permissions`."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business representative")
        OFFICIAL = "official", _("Official")
        OPERATOR = "operator", _("Operator")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    resident = models.OneToOneField(
        "registry.Resident", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    agency = models.ForeignKey(
        "registry.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="officials"
    )
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="citizen") | Q(resident__isnull=False),
                name="citizen_has_resident",
            ),
            models.CheckConstraint(
                condition=~Q(kind="official") | Q(agency__isnull=False), name="official_has_agency"
            ),
        ]

    @property
    def is_official(self) -> bool:
        return self.kind == self.Kind.OFFICIAL

    @property
    def is_citizen(self) -> bool:
        return self.kind == self.Kind.CITIZEN

    @property
    def is_business(self) -> bool:
        return self.kind == self.Kind.BUSINESS

    @property
    def requires_second_factor(self) -> bool:
        return self.kind in (self.Kind.OFFICIAL, self.Kind.OPERATOR)


class Role(models.TextChoices):
    VIEWER = "viewer", _("Register viewer")
    REGISTRAR = "registrar", _("Registrar (records and corrects)")
    ID_REVEALER = "id_revealer", _("May view full ID numbers")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")


class OfficialRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="official_role_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class BusinessRepresentation(models.Model):
    """A business user may act for these businesses."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    business = models.ForeignKey("registry.Business", on_delete=models.CASCADE, related_name="+")
    since = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "business"], name="representation_once")]

    def __str__(self) -> str:
        return f"{self.user_id}->{self.business_id}"


class AgencySystem(models.Model):
    """An agency's information system that calls the platform's APIs. It gets tokens as the
    OAuth2 client `application` (client-credentials grant), whose client ID is `client_id`;
    see `egov.accounts.systems`."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=100)
    client_id = models.CharField(max_length=64, unique=True)
    application = models.OneToOneField(
        "oauth2_provider.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agency_system",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="agency_system_name_once")]

    def __str__(self) -> str:
        return f"{self.agency.code}/{self.name}"
