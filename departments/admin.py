from django.contrib import admin

from departments.models import Department, RoleAssignment, Section
from departments.resources import DepartmentResource, SectionResource
from goals.resources import CityImportExportMixin


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["name", "chief_title", "display_order", "active_from", "active_until"]
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(CityImportExportMixin, admin.ModelAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "head_title", "display_order", "active_from", "active_until"]
    list_editable = ["display_order"]
    search_fields = ["name", "head_title"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(CityImportExportMixin, admin.ModelAdmin):
    resource_classes = [SectionResource]
    list_display = [
        "name",
        "department",
        "chief_title",
        "display_order",
        "active_from",
        "active_until",
    ]
    list_filter = ["department"]
    search_fields = ["name", "chief_title", "mission", "department__name"]
    list_select_related = ["department"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "user_name", "role", "department", "section", "title"]
    list_filter = ["fiscal_year", "role", "department"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "title"]
    list_select_related = ["user", "department", "section"]
    autocomplete_fields = ["user", "section"]

    @admin.display(description="職員", ordering="user__last_name")
    def user_name(self, assignment):
        full = f"{assignment.user.last_name} {assignment.user.first_name}".strip()
        return f"{full}（{assignment.user.username}）" if full else assignment.user.username
