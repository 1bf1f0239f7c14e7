from django.contrib import admin
from django.db.models import Count

from departments.permissions import Access, sheet_access, sheets_visible_q
from goals.history import CHANGE_ACTIONS, action_label
from goals.models import (
    Category,
    ChangeLog,
    CityPdfJob,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetRevision,
    SheetSigner,
    SheetSnapshot,
)
from goals.resources import CategoryResource, CityImportExportMixin, GoalItemResource


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "year",
        "phase",
        "sheet_deadline",
        "mid_year_deadline",
        "year_end_deadline",
        "progress_scale",
        "achievement_scale",
    ]
    list_filter = ["phase"]
    list_select_related = ["progress_scale", "achievement_scale"]

    @admin.display(description="年度", ordering="year")
    def label(self, fiscal_year):
        return fiscal_year.label


@admin.register(Category)
class CategoryAdmin(CityImportExportMixin, admin.ModelAdmin):
    resource_classes = [CategoryResource]
    list_display = ["name", "display_order", "is_active", "item_count"]
    list_editable = ["display_order", "is_active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="使用している項目数", ordering="item_count")
    def item_count(self, category):
        return category.item_count


class SheetSignerInline(admin.TabularInline):
    model = SheetSigner
    extra = 0
    fields = ["position", "title", "name"]


class SheetRevisionInline(admin.TabularInline):
    model = SheetRevision
    extra = 0


class GoalItemInline(admin.StackedInline):
    model = GoalItem
    extra = 0
    show_change_link = True
    fields = [
        ("position", "number"),
        "title",
        ("continues_title", "continues_achievement"),
        "category",
        ("achievement", "achievement_as_prose"),
        ("method", "method_as_prose"),
        ("deadline", "is_common"),
    ]
    ordering = ["position", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")


class VisibleSheetsMixin:
    """The admin shows what the permissions module lets the user read, nothing more.

    Changing sheets, items and reviews here bypasses the workflow (versions, history, phases),
    so only administrators may; everyone else works through the pages, which ask the same module.
    """

    sheet_path = ""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(sheets_visible_q(request.user, self.sheet_path))

    def _sheet_of(self, obj):
        for name in filter(None, self.sheet_path.split("__")):
            obj = getattr(obj, name)
        return obj

    def _access(self, request, obj):
        return sheet_access(request.user, self._sheet_of(obj))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self._access(request, obj) >= Access.READ)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(GoalSheet)
class GoalSheetAdmin(VisibleSheetsMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "fiscal_year",
        "department",
        "status",
        "created_on",
        "item_count",
        "updated_at",
    ]
    list_filter = ["fiscal_year", "department", "status"]
    search_fields = ["department__name", "items__title"]
    list_select_related = ["fiscal_year", "department"]
    readonly_fields = ["version", "submitted_at", "accepted_at", "created_at", "updated_at"]
    inlines = [SheetSignerInline, SheetRevisionInline, GoalItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    def get_search_results(self, request, queryset, search_term):
        queryset, _ = super().get_search_results(request, queryset, search_term)
        return queryset, True

    @admin.display(description="項目数", ordering="item_count")
    def item_count(self, sheet):
        return sheet.item_count


class GoalItemSectionInline(admin.TabularInline):
    model = GoalItemSection
    extra = 0
    fields = ["position", "section"]
    autocomplete_fields = ["section"]


@admin.register(GoalItem)
class GoalItemAdmin(VisibleSheetsMixin, CityImportExportMixin, admin.ModelAdmin):
    sheet_path = "sheet__"
    resource_classes = [GoalItemResource]
    # Any user who may edit a sheet may import its items; each row is checked (see the resource).
    import_requires_city_rights = False
    list_display = ["number", "short_title", "sheet", "category", "deadline", "carried_by"]
    list_display_links = ["short_title"]
    list_filter = [
        "sheet__fiscal_year",
        "sheet__department",
        "category",
        "is_common",
        "deadline_kind",
    ]
    search_fields = ["title", "achievement", "method", "deadline", "indicator", "target"]
    list_select_related = ["sheet__fiscal_year", "sheet__department", "category"]
    readonly_fields = ["deadline_kind", "deadline_due", "version", "created_at", "updated_at"]
    inlines = [GoalItemSectionInline]
    ordering = ["-sheet__fiscal_year__year", "sheet__department__display_order", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("carriers__section")

    @admin.display(description="実施項目", ordering="title")
    def short_title(self, item):
        return (item.title or "（上の行から継続）")[:40]

    @admin.display(description="共通/課名")
    def carried_by(self, item):
        if item.is_common:
            return "共通"
        return "、".join(carrier.section.name for carrier in item.carriers.all())


@admin.register(SheetSnapshot)
class SheetSnapshotAdmin(VisibleSheetsMixin, admin.ModelAdmin):
    sheet_path = "sheet__"
    list_display = ["sheet", "number", "accepted_at", "accepted_by"]
    list_filter = ["sheet__fiscal_year", "sheet__department"]
    list_select_related = ["sheet__fiscal_year", "sheet__department", "accepted_by"]
    readonly_fields = ["sheet", "number", "accepted_at", "accepted_by", "data"]

    def has_add_permission(self, request):
        return False


class ActionFilter(admin.SimpleListFilter):
    """The actions by their Japanese names, not their codes."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(CHANGE_ACTIONS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action_label", "target_repr", "sheet"]
    list_filter = [ActionFilter, "sheet__fiscal_year", "sheet__department"]
    search_fields = ["target_repr", "action", "user__username"]
    list_select_related = ["user", "sheet__fiscal_year", "sheet__department"]
    date_hierarchy = "at"

    @admin.display(description="操作", ordering="action")
    def action_label(self, log):
        return action_label(log.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Before/after texts of every review and item: administrators only.
        return request.user.is_superuser


@admin.register(CityPdfJob)
class CityPdfJobAdmin(admin.ModelAdmin):
    """The whole-city PDF jobs: read-only, to see what ran, for whom, and why one failed."""

    list_display = ["fiscal_year", "kind", "status", "page_count", "requested_by", "created_at"]
    list_filter = ["fiscal_year", "kind", "status"]
    list_select_related = ["fiscal_year", "requested_by"]
    readonly_fields = [
        "fiscal_year",
        "kind",
        "status",
        "requested_by",
        "stage",
        "departments_done",
        "departments_total",
        "file",
        "page_count",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
