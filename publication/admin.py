"""Publications in the admin: read only. Publishing and withdrawing are the services' acts
(the planning staff's page /publication/), so that every one is checked and logged."""

from django.contrib import admin

from publication.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "department", "kind", "published_at", "withdrawn_at"]
    list_filter = ["fiscal_year", "kind"]
    list_select_related = ["fiscal_year", "department"]
    exclude = ["pdf"]
    readonly_fields = [
        "fiscal_year",
        "department",
        "kind",
        "sheet",
        "snapshot",
        "data",
        "pdf_filename",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
