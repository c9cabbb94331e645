from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import AgencySystem, OfficialRole, RelyingParty, User
from egov.accounts.oidc import SCOPE_CLAIMS
from egov.accounts.services.relying_parties import relying_party_register
from egov.core.errors import ServiceError


class OfficialRoleInline(admin.TabularInline):
    model = OfficialRole
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "kind", "agency", "is_active", "totp_locked_until")
    list_filter = ("kind", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "egov",
            {
                "fields": (
                    "kind",
                    "agency",
                    "resident",
                    "failed_password_logins",
                    "failed_totp",
                    "totp_locked_until",
                )
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("egov", {"fields": ("kind", "agency", "resident")}),
    )
    raw_id_fields = ("resident",)
    inlines = [OfficialRoleInline]


@admin.register(AgencySystem)
class AgencySystemAdmin(admin.ModelAdmin):
    list_display = ("client_id", "name", "agency", "is_active", "created_at")


class RelyingPartyForm(forms.ModelForm):
    """Registering a site: what the operator types; the OAuth client is made by the service."""

    redirect_uris = forms.CharField(
        label=_("Redirect addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One https:// address a line, matched exactly."),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after log-out"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    public = forms.BooleanField(
        label=_("Public client (an app that cannot keep a secret: PKCE required)"), required=False
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes it may ask for"),
        choices=[(scope, scope) for scope in SCOPE_CLAIMS],
        initial=["openid"],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RelyingParty
        fields = ["name", "sector_identifier"]

    request = None  # set by RelyingPartyAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector_identifier"].required = False
        self.fields["sector_identifier"].help_text = _("Leave empty to use the redirect host.")
        self.registered = None

    def clean(self):
        # The registration runs here, inside the admin's transaction, so that a refusal is
        # shown on its field instead of failing after validation.
        data = super().clean()
        if self.errors:
            return data
        try:
            self.registered = relying_party_register(
                actor=self.request.user,
                name=data["name"],
                redirect_uris=data["redirect_uris"],
                public=data["public"],
                scopes=data["scopes"],
                sector_identifier=data.get("sector_identifier") or "",
                post_logout_redirect_uris=data.get("post_logout_redirect_uris") or "",
            )
        except ServiceError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(RelyingParty)
class RelyingPartyAdmin(admin.ModelAdmin):
    """Operators register the government sites that sign people in through the provider."""

    list_display = ("name", "client_id", "allowed_scopes", "sector_identifier", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("application", "allowed_scopes", "sector_identifier", "registered_by", "created_at")
    fields = (
        "name",
        "is_active",
        "application",
        "allowed_scopes",
        "sector_identifier",
        "registered_by",
        "created_at",
    )

    @admin.display(description=_("Client ID"))
    def client_id(self, obj):
        return obj.application.client_id

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("RelyingPartyAddForm", (RelyingPartyForm,), {"request": request})
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return (
                "name",
                "redirect_uris",
                "post_logout_redirect_uris",
                "public",
                "scopes",
                "sector_identifier",
            )
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        party, secret = form.registered
        obj.pk, obj.application, obj.sector_identifier = party.pk, party.application, party.sector_identifier
        message = _("Client ID: %(client_id)s.") % {"client_id": party.application.client_id}
        if secret:
            message += " " + _("Client secret (shown once, give it to the site's operator): %(secret)s") % {
                "secret": secret
            }
        messages.warning(request, message)
