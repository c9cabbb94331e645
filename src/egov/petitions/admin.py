from django.contrib import admin

from egov.petitions.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Operators maintain the categories and their competent agencies; petitions themselves are
    handled in the back office, through the services."""

    list_display = ("code", "name_ko", "name_en", "agency", "period_code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_ko", "name_en")
