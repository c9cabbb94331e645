"""Django admin for operators only (agencies, reference data). Officials use the back office,
where every change goes through a service that records the reason; here registers are
read-only so nothing bypasses that history."""

from django.contrib import admin

from egov.registry.models import Agency, Business, Household, Resident, Vehicle


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ko", "name_en", "kind", "parent")
    search_fields = ("code", "name_ko", "name_en")
    list_filter = ("kind",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ("id", "name_ko", "rrn_masked", "agency", "status")
    exclude = ("rrn_encrypted", "rrn_index")
    list_select_related = ("agency",)


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("number", "agency", "formed_on", "dissolved_on")


@admin.register(Business)
class BusinessAdmin(ReadOnlyAdmin):
    list_display = ("brn", "name", "status", "agency")


@admin.register(Vehicle)
class VehicleAdmin(ReadOnlyAdmin):
    list_display = ("plate", "vin", "model_name", "agency")
