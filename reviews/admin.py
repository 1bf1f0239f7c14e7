from django.contrib import admin

from departments.permissions import Access, review_access, reviews_visible_q
from goals.admin import VisibleSheetsMixin
from goals.resources import CityImportExportMixin
from reviews.models import (
    AchievementLevel,
    AchievementScale,
    ProgressMark,
    ProgressScale,
    Review,
)
from reviews.resources import AchievementLevelResource, ProgressMarkResource, ReviewResource


class ProgressMarkInline(admin.TabularInline):
    model = ProgressMark
    extra = 0


@admin.register(ProgressScale)
class ProgressScaleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [ProgressMarkInline]


class AchievementLevelInline(admin.TabularInline):
    model = AchievementLevel
    extra = 0


@admin.register(AchievementScale)
class AchievementScaleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [AchievementLevelInline]


@admin.register(ProgressMark)
class ProgressMarkAdmin(CityImportExportMixin, admin.ModelAdmin):
    """The marks of every progress scale in one list, to import and export them as a table."""

    resource_classes = [ProgressMarkResource]
    list_display = ["symbol", "meaning", "scale", "position"]
    list_filter = ["scale"]
    list_select_related = ["scale"]


@admin.register(AchievementLevel)
class AchievementLevelAdmin(CityImportExportMixin, admin.ModelAdmin):
    """The levels of every achievement scale in one list, to import and export them."""

    resource_classes = [AchievementLevelResource]
    list_display = ["label", "code", "scale", "position"]
    list_filter = ["scale"]
    list_select_related = ["scale"]


@admin.register(Review)
class ReviewAdmin(VisibleSheetsMixin, CityImportExportMixin, admin.ModelAdmin):
    sheet_path = "item__sheet__"
    resource_classes = [ReviewResource]

    def get_queryset(self, request):
        # Finer than the sheet: a section chief sees only their section's reviews.
        return admin.ModelAdmin.get_queryset(self, request).filter(reviews_visible_q(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = admin.ModelAdmin.has_view_permission(self, request, obj)
        return allowed and (
            obj is None
            or review_access(request.user, item=obj.item, section=obj.section) >= Access.READ
        )

    # Whoever may write a review may import it; each row is checked (see the resource).
    import_requires_city_rights = False
    list_display = [
        "item_label",
        "sheet",
        "section_label",
        "stage",
        "status",
        "progress_mark",
        "achievement_level",
        "updated_at",
    ]
    list_filter = [
        "item__sheet__fiscal_year",
        "item__sheet__department",
        "stage",
        "status",
        "progress_mark",
        "achievement_level",
    ]
    search_fields = [
        "item__title",
        "first_half_status",
        "second_half_plan",
        "summary",
        "actual_value",
        "evaluation_reason",
        "issues_and_actions",
        "section__name",
    ]
    list_select_related = [
        "item__sheet__fiscal_year",
        "item__sheet__department",
        "section",
        "progress_mark",
        "achievement_level",
    ]
    raw_id_fields = ["item"]
    readonly_fields = ["version", "submitted_at", "confirmed_at", "created_at", "updated_at"]

    @admin.display(description="実施項目", ordering="item__position")
    def item_label(self, review):
        return str(review.item)[:40]

    @admin.display(description="整理表")
    def sheet(self, review):
        return review.item.sheet

    @admin.display(description="課", ordering="section__display_order")
    def section_label(self, review):
        return review.section.name if review.section_id else "（部・共通）"
