"""Django admin for operators: the petition categories, saved and deleted through the services
in `petitions.categories` so that every change is validated and audited. Petitions themselves
are handled in the back office, through the petition services."""

from django import forms
from django.contrib import admin, messages

from egov.core.errors import ServiceError
from egov.petitions.categories import category_change, category_create, category_delete, category_validate
from egov.petitions.models import Category
from egov.petitions.periods import COMPLAINT_PERIODS

FIELDS = ("code", "name_ko", "name_en", "agency", "period_code", "is_active")


class CategoryForm(forms.ModelForm):
    period_code = forms.ChoiceField(
        choices=[(code, f"{code} — {row[1]}") for code, row in COMPLAINT_PERIODS.items()]
    )

    class Meta:
        model = Category
        fields = FIELDS

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            category_validate(
                **{field: data.get(field) for field in FIELDS},
                category=self.instance if self.instance.pk else None,
            )
        except ServiceError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def validate_unique(self):
        """The service checks the code (Conflict) and the database enforces it."""


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Operators maintain the categories and their competent agencies."""

    form = CategoryForm
    list_display = FIELDS
    list_filter = ("is_active",)
    search_fields = ("code", "name_ko", "name_en")

    def save_model(self, request, obj, form, change):
        fields = {field: form.cleaned_data[field] for field in FIELDS}
        if change:
            saved = category_change(actor=request.user, category=obj, **fields)
        else:
            saved = category_create(actor=request.user, **fields)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            category_delete(actor=request.user, category=obj)
        except ServiceError as exc:
            messages.error(request, exc.message)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            self.delete_model(request, category)
