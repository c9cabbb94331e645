"""People and systems that log in: citizens, business representatives, officials, agency
systems. Roles are per agency; what a role may do is decided in `egov.accounts.permissions`."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


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
    # Wrong passwords from any address since the last full login: only to tell the holder,
    # never to lock (that would let anyone shut an official out). See egov.accounts.throttle.
    failed_password_logins = models.PositiveIntegerField(default=0)
    # Wrong second-factor codes since the last full login; a correct password alone never
    # resets it. Past EGOV_LOGIN_MAX_FAILURES the second factor locks until totp_locked_until.
    failed_totp = models.PositiveIntegerField(default=0)
    totp_locked_until = models.DateTimeField(null=True, blank=True)
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


class LoginThrottle(models.Model):
    """Wrong passwords from one client address, or from one client for one username.

    `key` is a keyed hash prefixed with what it counts (never an address or a username in
    clear). Past the limit the client waits until `blocked_until`, longer after each further
    failure; a count is forgotten a day after its last failure.
    """

    key = models.CharField(max_length=100, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_failure_at"], name="loginthrottle_last_idx")]

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


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


class Passkey(Device):
    """A WebAuthn credential (passkey) of one user: a sign-in method for citizens and a second
    factor for officials beside TOTP. A django-otp device, so that an official who used it is
    `is_verified()` like one who typed a code. `sign_count` must grow with each use when the
    authenticator keeps one (a copied credential shows as a count that does not)."""

    credential_id = models.BinaryField(max_length=1023)
    credential_id_hash = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Passkey")


class EnrolmentCode(models.Model):
    """A one-time code that proves who a resident is, to create their account (sign-up) or to
    set new credentials (recovery). A registrar hands it over at a counter or it goes by post
    to the registered address. Only a keyed hash of the code is stored; it expires, is used
    once, and a new code for the same resident and purpose voids the older ones."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        RECOVERY = "recovery", _("Account recovery")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Handed over at a counter")
        POST = "post", _("Sent by post")

    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["resident", "purpose"], name="enrolment_resident_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("issued_at")), name="enrolment_expires_later")
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}:{self.purpose}:{self.issued_at:%Y-%m-%d}"


class RelyingParty(models.Model):
    """A government site that signs people in through our OpenID Connect provider. An operator
    registers it; it may ask only for `allowed_scopes`. Its users' subject identifiers are
    pairwise: keyed by `sector_identifier` (the redirect host unless set), so two sites never
    see the same identifier for one person."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="relying_party"
    )
    name = models.CharField(_("Site name"), max_length=100)
    sector_identifier = models.CharField(max_length=255)
    allowed_scopes = models.CharField(max_length=255, default="openid")
    is_active = models.BooleanField(default=True)
    registered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Relying party")
        verbose_name_plural = _("Relying parties")

    def __str__(self) -> str:
        return self.name

    @property
    def scopes(self) -> list[str]:
        return self.allowed_scopes.split()
