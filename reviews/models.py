from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.fields import BoundedTextField
from departments.models import Section
from goals.models import GoalItem


class ProgressScale(models.Model):
    """The marks a section chooses from at mid-year (◎ ○ △ ×), as data."""

    name = models.CharField("尺度名", max_length=50, unique=True)

    class Meta:
        verbose_name = "進捗状況の尺度"
        verbose_name_plural = "進捗状況の尺度"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class ProgressMark(models.Model):
    scale = models.ForeignKey(
        ProgressScale, verbose_name="尺度", on_delete=models.CASCADE, related_name="marks"
    )
    symbol = models.CharField("記号", max_length=5, help_text="例: ◎")
    meaning = models.CharField("意味", max_length=100, help_text="例: 予定より進んでいる")
    position = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "進捗状況の記号"
        verbose_name_plural = "進捗状況の記号"
        ordering = ["scale", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "symbol"], name="progress_mark_unique_symbol")
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.meaning}"


class AchievementScale(models.Model):
    """Year-end achievement levels: 国分寺市's 達成状況 phrases, 町田市's A–E, or the city's own."""

    name = models.CharField("尺度名", max_length=50, unique=True)

    class Meta:
        verbose_name = "達成状況・評価の尺度"
        verbose_name_plural = "達成状況・評価の尺度"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class AchievementLevel(models.Model):
    scale = models.ForeignKey(
        AchievementScale, verbose_name="尺度", on_delete=models.CASCADE, related_name="levels"
    )
    code = models.CharField(
        "記号", max_length=5, blank=True, help_text="A〜E のような記号。語句だけの尺度では空欄。"
    )
    label = models.CharField("語句", max_length=100, help_text="例: ほぼ達成した")
    position = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "達成状況・評価の段階"
        verbose_name_plural = "達成状況・評価の段階"
        ordering = ["scale", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "label"], name="achievement_level_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}" if self.code else self.label

    @property
    def short(self) -> str:
        """What a table cell shows: the code when there is one (B), else the phrase."""
        return self.code or self.label


class Stage(models.TextChoices):
    MID_YEAR = "mid_year", "中間確認"
    YEAR_END = "year_end", "年度末確認"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済み"
    RETURNED = "returned", "差し戻し"
    CONFIRMED = "confirmed", "確認済み"


# What a reviewer writes in words (the search reads them; a draft's stay private to its writers).
REVIEW_TEXT_FIELDS = (
    "first_half_status",
    "second_half_plan",
    "summary",
    "actual_value",
    "evaluation_reason",
    "issues_and_actions",
)


class Review(models.Model):
    """A section's mid-year or year-end review of one item it carries.

    `section` is empty for a 共通 item reviewed for the whole department.
    """

    item = models.ForeignKey(
        GoalItem, verbose_name="実施項目", on_delete=models.CASCADE, related_name="reviews"
    )
    section = models.ForeignKey(
        Section,
        verbose_name="課",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="共通項目を部として確認する場合は空欄。",
    )
    stage = models.CharField("段階", max_length=20, choices=Stage.choices)
    status = models.CharField(
        "状態", max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # 中間確認
    progress_mark = models.ForeignKey(
        ProgressMark,
        verbose_name="進捗状況",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    first_half_status = BoundedTextField("上半期の状況や評価", blank=True, max_length=4000)
    second_half_plan = BoundedTextField("下半期の予定", blank=True, max_length=4000)
    # 年度末確認
    summary = BoundedTextField("1年間の総括", blank=True, max_length=4000)
    actual_value = BoundedTextField("目標値に対する実績値", blank=True, max_length=1000)
    achievement_level = models.ForeignKey(
        AchievementLevel,
        verbose_name="達成状況・評価",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    evaluation_reason = BoundedTextField("評価の視点", blank=True, max_length=2000)
    issues_and_actions = BoundedTextField("課題と対応", blank=True, max_length=4000)

    return_comment = BoundedTextField("差し戻しの理由", blank=True, max_length=2000)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("確認日時", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when planning staff reopen a review after its stage's phase has closed: its writer may
    # then file it late; confirming it ends the exception.
    reopened_at = models.DateTimeField("再開日時", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="再開した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版", default=1)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "確認"
        verbose_name_plural = "確認（中間・年度末）"
        ordering = ["item__sheet", "item__position", "section__display_order", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "section", "stage"],
                condition=Q(section__isnull=False),
                name="review_one_per_item_section_stage",
            ),
            models.UniqueConstraint(
                fields=["item", "stage"],
                condition=Q(section__isnull=True),
                name="review_one_department_review_per_item_stage",
            ),
        ]

    def __str__(self) -> str:
        who = self.section.name if self.section_id else "部"
        return f"{self.item} / {who} / {self.get_stage_display()}"[:120]

    def _carried_by_section(self, item) -> bool:
        """Whether the review's section carries the item; from the prefetched carriers when an
        import read them already (one query per review otherwise)."""
        if "carriers" in getattr(item, "_prefetched_objects_cache", {}):
            return any(carrier.section_id == self.section_id for carrier in item.carriers.all())
        return item.carriers.filter(section_id=self.section_id).exists()

    def clean(self):
        super().clean()
        errors = {}
        item = self.item
        if self.section_id is None:
            if not item.is_common:
                errors["section"] = "共通項目以外は課を指定してください。"
        elif not (
            self._carried_by_section(item)
            or (item.is_common and item.common_reviewer_section_id == self.section_id)
        ):
            errors["section"] = "この課はこの実施項目を担当していません。"
        scale = item.sheet.fiscal_year
        if self.progress_mark_id and self.progress_mark.scale_id != scale.progress_scale_id:
            errors["progress_mark"] = "この年度の進捗状況の尺度にない記号です。"
        if (
            self.achievement_level_id
            and self.achievement_level.scale_id != scale.achievement_scale_id
        ):
            errors["achievement_level"] = "この年度の達成状況の尺度にない段階です。"
        if self.stage == Stage.MID_YEAR and (self.achievement_level_id or self.summary):
            errors["stage"] = "中間確認には年度末確認の項目を入力できません。"
        if self.stage == Stage.YEAR_END and self.progress_mark_id:
            errors["progress_mark"] = "年度末確認には進捗状況の記号を入力できません。"
        if errors:
            raise ValidationError(errors)
