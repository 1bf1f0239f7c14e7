"""Admin import/export of the scales and of reviews, by name (see goals/resources.py)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, widgets

from core import text
from core.wareki import fiscal_year_label
from departments.permissions import (
    Access,
    can_confirm_reviews,
    review_access,
    sheets_visible_q,
)
from goals.models import GoalItem
from goals.resources import (
    CityResource,
    FiscalYearWidget,
    IntegerWidget,
    RowNumberWidget,
    japanese_field,
)
from reviews.models import (
    AchievementLevel,
    AchievementScale,
    ProgressMark,
    ProgressScale,
    Review,
    ReviewStatus,
    Stage,
)
from reviews.services import achievement_level_lookup, progress_mark_lookup


class ScaleWidget(widgets.ForeignKeyWidget):
    """A scale by name; a new name makes a new scale (a hand-made file sets one up at once)."""

    def clean(self, value, row=None, **kwargs):
        name = text.clean_line(str(value or ""))
        if not name:
            raise ValueError("尺度名を入力してください。")
        scale = self.model.objects.filter(name=name).first()
        if scale is None:
            scale = self.model(name=name)
            scale.full_clean()
            scale.save()
        return scale


class ProgressMarkResource(CityResource):
    scale = japanese_field("scale", "尺度名", ScaleWidget(ProgressScale, field="name"))
    symbol = japanese_field("symbol", "記号")
    meaning = japanese_field("meaning", "意味")
    position = japanese_field("position", "順番", IntegerWidget(), default=0)

    class Meta(CityResource.Meta):
        model = ProgressMark
        fields = ("scale", "symbol", "meaning", "position")
        import_id_fields = ("scale", "symbol")
        name = "進捗状況の記号"


class AchievementLevelResource(CityResource):
    scale = japanese_field("scale", "尺度名", ScaleWidget(AchievementScale, field="name"))
    code = japanese_field("code", "記号")
    label = japanese_field("label", "語句")
    position = japanese_field("position", "順番", IntegerWidget(), default=0)

    class Meta(CityResource.Meta):
        model = AchievementLevel
        fields = ("scale", "code", "label", "position")
        import_id_fields = ("scale", "label")
        name = "達成状況・評価の段階"


class ChoiceWidget(widgets.Widget):
    """A choice by its Japanese label (中間確認) or its code (mid_year)."""

    def __init__(self, choices, *, label):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        typed = text.clean_line(str(value or ""))
        for code, shown in self.choices.choices:
            if typed in (code, shown):
                return code
        options = "、".join(shown for _, shown in self.choices.choices)
        raise ValueError(f"{self.label}「{typed}」は選べません（{options}）。")

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices.choices).get(value, value)


class ReviewResource(CityResource):
    """A review by 年度, 部, 行 (the item's printed order), 課 (blank: 部) and 段階."""

    year = japanese_field(
        "item__sheet__fiscal_year__year", "年度", FiscalYearWidget(), readonly=True
    )
    department = japanese_field(
        "item__sheet__department__name", "部", widgets.CharWidget(), readonly=True
    )
    row_number = japanese_field("item__position", "行", RowNumberWidget(), readonly=True)
    number = japanese_field("item__number", "番号", readonly=True)
    item_title = japanese_field("item__title", "実施項目", readonly=True)
    section_name = fields.Field(column_name="課")
    stage = japanese_field("stage", "段階", ChoiceWidget(Stage, label="段階"))
    status = japanese_field("status", "状態", ChoiceWidget(ReviewStatus, label="状態"))
    progress_mark = fields.Field(column_name="進捗状況")
    first_half_status = japanese_field("first_half_status", "上半期の状況や評価")
    second_half_plan = japanese_field("second_half_plan", "下半期の予定")
    summary = japanese_field("summary", "1年間の総括")
    actual_value = japanese_field("actual_value", "目標値に対する実績値")
    achievement_level = fields.Field(column_name="達成状況・評価")
    evaluation_reason = japanese_field("evaluation_reason", "評価の視点")
    issues_and_actions = japanese_field("issues_and_actions", "課題と対応")

    class Meta(CityResource.Meta):
        model = Review
        import_id_fields = ("year", "department", "row_number", "section_name", "stage")
        fields = (
            "year",
            "department",
            "row_number",
            "number",
            "item_title",
            "section_name",
            "stage",
            "status",
            "progress_mark",
            "first_half_status",
            "second_half_plan",
            "summary",
            "actual_value",
            "achievement_level",
            "evaluation_reason",
            "issues_and_actions",
        )
        name = "確認（中間・年度末）"

    def may_import(self) -> bool:
        return True  # decided per row, by the review

    def get_queryset(self):
        reviews = Review.objects.select_related(
            "item__sheet__fiscal_year__achievement_scale",
            "item__sheet__fiscal_year__progress_scale",
            "item__sheet__department",
            "section",
            "progress_mark",
            "achievement_level",
        )
        if self.user is not None:
            reviews = reviews.filter(sheets_visible_q(self.user, "item__sheet__"))
        return reviews

    def _item_and_section(self, row):
        year = self.fields["year"].clean(row)
        department = text.clean_line(str(row.get("部") or ""))
        position = self.fields["row_number"].clean(row)
        if position is None:
            raise ValidationError("行（整理表の何番目の項目か）を入力してください。")
        items = GoalItem.objects.select_related(
            "sheet__fiscal_year__achievement_scale",
            "sheet__fiscal_year__progress_scale",
            "sheet__department",
        )
        if self.user is not None:
            items = items.filter(sheets_visible_q(self.user, "sheet__"))
        item = items.filter(
            sheet__fiscal_year__year=year, sheet__department__name=department, position=position
        ).first()
        if item is None:
            raise ValidationError(
                f"{fiscal_year_label(year)}の{department or '（部なし）'}の整理表に"
                f"{position + 1}行目の実施項目がありません。"
            )
        name = text.clean_line(str(row.get("課") or ""))
        section = None
        if name and name != "部":
            section = item.sheet.department.sections.filter(name=name).first()
            if section is None:
                raise ValidationError(
                    f"課「{name}」は{item.sheet.department.name}に登録されていません。"
                )
        return item, section

    def get_instance(self, instance_loader, row):
        item, section = self._item_and_section(row)
        stage = self.fields["stage"].clean(row)
        return self.get_queryset().filter(item=item, section=section, stage=stage).first()

    def init_instance(self, row=None):
        item, section = self._item_and_section(row)
        return Review(item=item, section=section)

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        errors = {}
        fiscal_year = instance.item.sheet.fiscal_year
        typed_mark = text.clean_line(str(row.get("進捗状況") or ""))
        instance.progress_mark = progress_mark_lookup(fiscal_year.progress_scale, typed_mark)
        if typed_mark and instance.progress_mark is None:
            errors["progress_mark"] = [f"進捗状況「{typed_mark}」はこの年度の尺度にありません。"]
        typed_level = text.clean_line(str(row.get("達成状況・評価") or ""))
        instance.achievement_level = achievement_level_lookup(
            fiscal_year.achievement_scale, typed_level
        )
        if typed_level and instance.achievement_level is None:
            errors["achievement_level"] = [
                f"達成状況「{typed_level}」は尺度（{fiscal_year.achievement_scale}）にありません。"
            ]
        for name in ("first_half_status", "second_half_plan", "summary", "actual_value"):
            setattr(instance, name, text.normalize_multiline(getattr(instance, name)))
        self._check_permission(instance)
        now = timezone.now()
        if instance.status in (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED):
            instance.submitted_at = instance.submitted_at or now
        if instance.status == ReviewStatus.CONFIRMED:
            instance.confirmed_at = instance.confirmed_at or now
        if errors:
            raise ValidationError(errors)

    def _check_permission(self, review):
        if self.user is None:
            return
        item = review.item
        if review_access(self.user, item=item, section=review.section) is not Access.WRITE:
            raise ValidationError(f"「{item}」の確認を記入する権限がありません。")
        if review.status in (
            ReviewStatus.CONFIRMED,
            ReviewStatus.RETURNED,
        ) and not can_confirm_reviews(self.user, item.sheet):
            raise ValidationError("確認済み・差し戻しにできるのは部長です。")

    def sheet_of(self, instance):
        return instance.item.sheet

    def dehydrate_section_name(self, review):
        return review.section.name if review.section_id else "部"

    def dehydrate_progress_mark(self, review):
        return review.progress_mark.symbol if review.progress_mark_id else ""

    def dehydrate_achievement_level(self, review):
        return str(review.achievement_level) if review.achievement_level_id else ""
