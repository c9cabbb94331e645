"""Django admin for operators: the holiday calendar, and case clocks read-only.

Holidays are saved and deleted through the deadline services, so every change is audited and
the due dates of open cases move in the same transaction. Clocks change only through the
services their apps call; here they can be looked at, not edited.
"""

from django import forms
from django.contrib import admin, messages

from egov.core.deadlines import holiday_add, holiday_change, holiday_remove, holiday_validate
from egov.core.errors import ServiceError
from egov.core.models import CaseClock, ClockEvent, Holiday


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ("date", "kind", "name_ko", "name_en", "legal_basis")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            holiday_validate(
                date=data.get("date"),
                name_ko=data.get("name_ko", ""),
                name_en=data.get("name_en", ""),
                kind=data.get("kind", ""),
                legal_basis=data.get("legal_basis", ""),
                holiday=self.instance if self.instance.pk else None,
            )
        except ServiceError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def validate_unique(self):
        """The service checks the date (Conflict) and the database enforces it."""


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    form = HolidayForm
    list_display = ("date", "kind", "name_ko", "name_en", "legal_basis", "added_by", "added_at")
    list_filter = ("kind",)
    search_fields = ("name_ko", "name_en")
    date_hierarchy = "date"
    readonly_fields = ("added_by", "added_at", "updated_at")

    def save_model(self, request, obj, form, change):
        fields = {
            key: form.cleaned_data[key] for key in ("date", "kind", "name_ko", "name_en", "legal_basis")
        }
        if change:
            saved = holiday_change(actor=request.user, holiday=obj, **fields)
        else:
            saved = holiday_add(actor=request.user, **fields)
        obj.pk, obj.added_by, obj.added_at = saved.pk, saved.added_by, saved.added_at

    def delete_model(self, request, obj):
        moved = holiday_remove(actor=request.user, holiday=obj)
        messages.info(request, f"{moved} open case(s) got a new due date.")

    def delete_queryset(self, request, queryset):
        for holiday in queryset:
            self.delete_model(request, holiday)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseClock)
class CaseClockAdmin(ReadOnlyAdmin):
    list_display = ("case_ref", "case_type", "agency", "state", "received_at", "due_at", "closed_at")
    list_filter = ("state", "case_type")
    search_fields = ("case_ref",)
    list_select_related = ("agency",)


@admin.register(ClockEvent)
class ClockEventAdmin(ReadOnlyAdmin):
    list_display = ("clock", "kind", "at", "actor", "reason")
    list_filter = ("kind",)
    list_select_related = ("clock", "actor")
