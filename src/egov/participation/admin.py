from django.contrib import admin

from egov.participation.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "state", "agreement_count", "threshold", "posted_at", "closes_at")
    list_filter = ("state",)
    readonly_fields = [field.name for field in Proposal._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
