from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from egov.accounts.models import AgencySystem, OfficialRole, User


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
