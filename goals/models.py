from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import text
from core.deadlines import DeadlineKind, deadline_parse
from core.fields import BoundedTextField, PlainCharField
from core.wareki import fiscal_year_bounds, fiscal_year_label, wareki_date
from departments.models import Department, Section


def default_reminder_days() -> list[int]:
    return [7, 1]


class FiscalYear(models.Model):
    class Phase(models.TextChoices):
        PLANNING = "planning", "目標設定"
        MID_YEAR = "mid_year", "中間確認"
        YEAR_END = "year_end", "年度末確認"
        CLOSED = "closed", "終了"

    year = models.PositiveSmallIntegerField(
        "年度（西暦）",
        unique=True,
        help_text="年度が始まる年。2026 は令和8年度（2026年4月〜2027年3月）。",
    )
    phase = models.CharField("段階", max_length=20, choices=Phase.choices, default=Phase.PLANNING)
    sheet_deadline = models.DateField("整理表の提出期限", null=True, blank=True)
    mid_year_deadline = models.DateField("中間確認の期限", null=True, blank=True)
    year_end_deadline = models.DateField("年度末確認の期限", null=True, blank=True)
    # Reminders (notifications): mail on these days before each deadline, then every
    # `reminder_overdue_every` days while it is overdue (0: no overdue reminders).
    reminder_days_before = models.JSONField(
        "期限前の催促（何日前）",
        default=default_reminder_days,
        blank=True,
        help_text="期限の何日前に催促のメールを送るか。例: [7, 1]",
    )
    reminder_overdue_every = models.PositiveSmallIntegerField(
        "期限後の催促の間隔（日）",
        default=3,
        help_text="期限を過ぎた翌日から、この日数ごとに催促します。0 なら送りません。",
    )
    title_with_department = models.BooleanField(
        "表題に部名を入れる",
        default=False,
        help_text="オンで「（福祉部の組織目標）」、オフで「（部の組織目標）」と印刷します。",
    )
    progress_scale = models.ForeignKey(
        "reviews.ProgressScale",
        verbose_name="進捗状況の尺度",
        on_delete=models.PROTECT,
        related_name="fiscal_years",
    )
    achievement_scale = models.ForeignKey(
        "reviews.AchievementScale",
        verbose_name="達成状況・評価の尺度",
        on_delete=models.PROTECT,
        related_name="fiscal_years",
    )

    class Meta:
        verbose_name = "年度"
        verbose_name_plural = "年度"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1989) & Q(year__lte=2200), name="fiscal_year_plausible"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self):
        return (self.year,)

    def clean(self):
        super().clean()
        days = self.reminder_days_before
        if not isinstance(days, list) or not all(
            isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 365 for day in days
        ):
            raise ValidationError(
                {
                    "reminder_days_before": (
                        "0〜365 の日数を並べてください（例: [7, 1]。0 は期限の当日）。"
                    )
                }
            )

    @property
    def label(self) -> str:
        return fiscal_year_label(self.year)

    @property
    def starts_on(self):
        return fiscal_year_bounds(self.year)[0]

    @property
    def ends_on(self):
        return fiscal_year_bounds(self.year)[1]


class Category(models.Model):
    """計画・方針等の分類: the city's own ordered vocabulary."""

    name = models.CharField("分類名", max_length=50, unique=True)
    display_order = models.PositiveSmallIntegerField("表示順", default=0)
    is_active = models.BooleanField(
        "選択肢に表示",
        default=True,
        help_text="オフにすると新しい項目では選べませんが、過去の項目には残ります。",
    )

    class Meta:
        verbose_name = "計画・方針等の分類"
        verbose_name_plural = "計画・方針等の分類"
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class SheetStatus(models.TextChoices):
    DRAFT = "draft", "作成中"
    SUBMITTED = "submitted", "提出済み"
    RETURNED = "returned", "差し戻し"
    ACCEPTED = "accepted", "承認済み"


class GoalSheet(models.Model):
    """組織目標展開整理表: one per fiscal year and department."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="年度", on_delete=models.PROTECT, related_name="sheets"
    )
    department = models.ForeignKey(
        Department, verbose_name="部", on_delete=models.PROTECT, related_name="sheets"
    )
    created_on = models.DateField("作成日")
    status = models.CharField(
        "状態", max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    return_comment = BoundedTextField("差し戻しの理由", blank=True, max_length=2000)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    accepted_at = models.DateTimeField("承認日時", null=True, blank=True)
    version = models.PositiveIntegerField(
        "版", default=1, help_text="保存のたびに増え、同時編集による上書きを防ぎます。"
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "組織目標展開整理表"
        verbose_name_plural = "組織目標展開整理表"
        ordering = ["-fiscal_year__year", "department__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "department"], name="sheet_one_per_year_and_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.department.name}"

    @property
    def is_editable(self) -> bool:
        """Content changes while drafted or returned; submitted and accepted sheets are frozen."""
        return self.status in (SheetStatus.DRAFT, SheetStatus.RETURNED)

    @property
    def title(self) -> str:
        """令和8年度 組織目標展開整理表（部の組織目標） or （福祉部の組織目標）."""
        owner = self.department.name if self.fiscal_year.title_with_department else "部"
        return f"{self.fiscal_year.label} 組織目標展開整理表（{owner}の組織目標）"


class SheetRevision(models.Model):
    """A 見直し date printed after the 作成日: 令和7年4月1日 令和7年7月25日見直し."""

    sheet = models.ForeignKey(
        GoalSheet, verbose_name="整理表", on_delete=models.CASCADE, related_name="revisions"
    )
    revised_on = models.DateField("見直し日")

    class Meta:
        verbose_name = "見直し日"
        verbose_name_plural = "見直し日"
        ordering = ["revised_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "revised_on"], name="revision_unique_date")
        ]

    def __str__(self) -> str:
        return f"{wareki_date(self.revised_on)}見直し"


class SheetSigner(models.Model):
    """職名 / 氏名 in the header; a sheet may carry several signers, in order."""

    sheet = models.ForeignKey(
        GoalSheet, verbose_name="整理表", on_delete=models.CASCADE, related_name="signers"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)
    title = PlainCharField("職名", max_length=50)
    name = PlainCharField("氏名", max_length=50)

    class Meta:
        verbose_name = "署名者"
        verbose_name_plural = "署名者"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class GoalItem(models.Model):
    """One row of the sheet.

    Items that share a 番号 form a group (printed as one merged 番号 cell). An item may continue
    the one above: its 実施項目 (and optionally its 達成水準) is then the same and printed as one
    merged cell; the continued fields are stored blank, never copied.
    """

    sheet = models.ForeignKey(
        GoalSheet, verbose_name="整理表", on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField("並び順", default=0)
    number = models.PositiveSmallIntegerField("番号")
    title = BoundedTextField("実施項目（業務目標又は事務の内容）", blank=True, max_length=1000)
    continues_title = models.BooleanField(
        "実施項目を上の行から継続",
        default=False,
        help_text="上の行と同じ実施項目（印刷では結合したセル）。",
    )
    continues_achievement = models.BooleanField(
        "達成水準も上の行から継続",
        default=False,
        help_text="上の行と同じ達成水準（印刷では結合したセル）。",
    )
    category = models.ForeignKey(
        Category,
        verbose_name="計画・方針等の分類",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    achievement = BoundedTextField(
        "どの水準まで（達成水準又は遂行後の状態等）",
        blank=True,
        max_length=4000,
        help_text="1行に1項目（箇条書き）。",
    )
    achievement_as_prose = models.BooleanField(
        "達成水準を文章で印刷",
        default=False,
        help_text="オンなら行頭の「・」を付けずに印刷します。",
    )
    method = BoundedTextField(
        "どのような方法で（目標等を達成するための取組の内容等）",
        blank=True,
        max_length=4000,
        help_text="1行に1項目（箇条書き）。",
    )
    method_as_prose = models.BooleanField(
        "方法を文章で印刷", default=False, help_text="オンなら行頭の「・」を付けずに印刷します。"
    )
    deadline = PlainCharField(
        "いつまで（期限）",
        max_length=50,
        blank=True,
        help_text="例: 12月、年度末、随時、早急、令和8年12月25日",
    )
    deadline_kind = models.CharField(
        "期限の種類", max_length=20, choices=DeadlineKind.CHOICES, blank=True, editable=False
    )
    deadline_due = models.DateField("期限日", null=True, blank=True, editable=False)
    is_common = models.BooleanField("共通", default=False, help_text="部全体で取り組む項目。")
    sections = models.ManyToManyField(
        Section,
        verbose_name="課名",
        through="GoalItemSection",
        related_name="goal_items",
        blank=True,
    )
    common_reviewer_section = models.ForeignKey(
        Section,
        verbose_name="共通項目の確認を担当する課",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="common_items_to_review",
        help_text="空欄なら部長が確認を記入します。",
    )
    indicator = BoundedTextField("指標", blank=True, max_length=1000)
    baseline = PlainCharField("現状値", max_length=200, blank=True)
    target = BoundedTextField("目標値", blank=True, max_length=1000)
    version = models.PositiveIntegerField("版", default=1)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "実施項目"
        verbose_name_plural = "実施項目"
        ordering = ["sheet", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(continues_achievement=False) | Q(continues_title=True),
                name="item_achievement_continues_only_with_title",
            ),
        ]
        indexes = [models.Index(fields=["sheet", "position"], name="item_sheet_position")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title or '（上の行から継続）'}"[:80]

    @property
    def achievement_bullets(self) -> list[str]:
        return text.split_bullets(self.achievement)

    @property
    def method_bullets(self) -> list[str]:
        return text.split_bullets(self.method)

    def clean(self):
        super().clean()
        errors = {}
        self.achievement = text.join_bullets(text.split_bullets(self.achievement))
        self.method = text.join_bullets(text.split_bullets(self.method))
        self.title = text.normalize_multiline(self.title)
        if self.continues_achievement and not self.continues_title:
            errors["continues_achievement"] = "達成水準を継続するときは実施項目も継続してください。"
        if self.continues_title:
            self.title = ""
        elif not self.title:
            errors["title"] = "実施項目を入力してください。"
        if self.continues_achievement:
            self.achievement = ""
        if self.sheet_id:
            try:
                parsed = deadline_parse(self.deadline, fiscal_year=self.sheet.fiscal_year.year)
            except ValueError as error:
                errors["deadline"] = str(error)
            else:
                self.deadline = parsed.text
                self.deadline_kind = parsed.kind
                self.deadline_due = parsed.due
        if errors:
            raise ValidationError(errors)


# The one definition of an item's content (what a person types, besides 共通/課名): the services'
# input and change log, the admin's import and export and the Excel reader all take it from here.
ITEM_CONTENT_FIELDS = (
    "number",
    "title",
    "continues_title",
    "continues_achievement",
    "category",
    "achievement",
    "achievement_as_prose",
    "method",
    "method_as_prose",
    "deadline",
    "is_common",
    "common_reviewer_section",
    "indicator",
    "baseline",
    "target",
)


class GoalItemSection(models.Model):
    """A section carrying an item, in the order printed in 共通/課名."""

    item = models.ForeignKey(GoalItem, on_delete=models.CASCADE, related_name="carriers")
    section = models.ForeignKey(
        Section, verbose_name="課", on_delete=models.PROTECT, related_name="carried_items"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)

    class Meta:
        verbose_name = "担当課"
        verbose_name_plural = "担当課"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "section"], name="item_section_unique")
        ]

    def __str__(self) -> str:
        return str(self.section)


class SheetSnapshot(models.Model):
    """The sheet as accepted: every acceptance keeps one, so earlier versions stay viewable."""

    sheet = models.ForeignKey(
        GoalSheet, verbose_name="整理表", on_delete=models.CASCADE, related_name="snapshots"
    )
    number = models.PositiveSmallIntegerField("承認版")
    accepted_at = models.DateTimeField("承認日時")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承認者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "承認版"
        verbose_name_plural = "承認版"
        ordering = ["sheet", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="snapshot_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} 第{self.number}版"


class ChangeLog(models.Model):
    """Who changed what and when, written explicitly by the services (never by signals)."""

    sheet = models.ForeignKey(
        GoalSheet,
        verbose_name="整理表",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_logs",
    )
    target_type = models.ForeignKey(
        ContentType, verbose_name="対象の種類", on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField("対象のID")
    target_repr = models.CharField("対象", max_length=200)
    action = models.CharField("操作", max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("日時", auto_now_add=True)
    changes = models.JSONField("変更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "変更履歴"
        verbose_name_plural = "変更履歴"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["sheet", "-at"], name="changelog_sheet_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


# Printing: the whole city's PDF job (printing/jobs.py runs it) -----------------------------------


class PrintKind(models.TextChoices):
    """What a department's sheet is printed as."""

    PLAN = "plan", "組織目標展開整理表"
    YEAR_END = "year_end", "組織目標展開整理表（達成状況）"
    MID_YEAR = "mid_year", "中間確認"


class CityPdfJob(models.Model):
    """The whole city's PDF of a year, built in the background with its progress shown."""

    class Status(models.TextChoices):
        QUEUED = "queued", "順番待ち"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "失敗"

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="年度", on_delete=models.CASCADE, related_name="city_pdf_jobs"
    )
    kind = models.CharField("種類", max_length=20, choices=PrintKind.choices)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依頼した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stage = models.CharField("進行中の作業", max_length=100, blank=True)
    departments_done = models.PositiveSmallIntegerField("描画済みの部", default=0)
    departments_total = models.PositiveSmallIntegerField("部の数", default=0)
    file = models.FileField("ファイル", upload_to="pdf/city/", blank=True)
    page_count = models.PositiveIntegerField("ページ数", default=0)
    error = models.TextField("エラー", blank=True)
    created_at = models.DateTimeField("依頼日時", auto_now_add=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "全庁版PDFの作成"
        verbose_name_plural = "全庁版PDFの作成"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["fiscal_year", "kind", "-created_at"], name="citypdfjob_year_kind")
        ]

    def __str__(self) -> str:
        label = f"{self.fiscal_year.label} {self.get_kind_display()}（全庁）"
        return f"{label} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.departments_total:
            return 0
        return min(99, round(100 * self.departments_done / self.departments_total))
