"""公表: what planning staff published to citizens, frozen as it was published.

A Publication is one published version of one department's sheet of a fiscal year, of one kind
(目標: the accepted sheet; 達成状況: the same with the year-end results). It keeps its own copy of
everything the public pages, the open data and the PDF show, so that a later revision, a renamed
category or a review confirmed again never changes what was published. Publishing again after a
revision adds a version; the earlier one stays reachable. Unpublishing withdraws every version
of that department, year and kind at once.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.wareki import wareki_date
from departments.models import Department
from goals.models import FiscalYear, GoalSheet, SheetSnapshot


class PublicationKind(models.TextChoices):
    GOALS = "goals", "目標"
    RESULTS = "results", "達成状況"


class Publication(models.Model):
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name="年度", on_delete=models.PROTECT, related_name="publications"
    )
    department = models.ForeignKey(
        Department, verbose_name="部", on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField("種類", max_length=20, choices=PublicationKind.choices)
    # What was published is kept whole in `data` and `pdf`: the record outlives its sheet.
    sheet = models.ForeignKey(
        GoalSheet,
        verbose_name="整理表",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
    )
    snapshot = models.ForeignKey(
        SheetSnapshot,
        verbose_name="公表した承認版",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
    )
    data = models.JSONField("公表した内容")
    pdf = models.BinaryField("PDF", editable=False)
    pdf_filename = models.CharField("PDFのファイル名", max_length=200)
    published_at = models.DateTimeField("公表日時")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公表した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("公表の取り消し日時", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取り消した人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "公表"
        verbose_name_plural = "公表"
        ordering = ["-fiscal_year__year", "kind", "department__display_order", "-published_at"]
        indexes = [
            models.Index(
                fields=["fiscal_year", "kind", "department", "-published_at"],
                name="publication_year_kind_dept",
            ),
            models.Index(fields=["-published_at"], name="publication_published_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("published_at")),
                name="publication_withdrawn_after_published",
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.label} {self.department.name} {self.get_kind_display()}"

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None

    @property
    def published_on_label(self) -> str:
        return wareki_date(timezone.localdate(self.published_at))

    @property
    def snapshot_number(self) -> int:
        return self.data.get("snapshot_number", 0)

    @property
    def revision_label(self) -> str:
        """令和8年7月25日見直し for a revised sheet; blank for the first version."""
        revisions = self.data.get("revisions") or []
        if not revisions:
            return ""
        return f"{wareki_date(_date(revisions[-1]))}見直し"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class PublicSiteState(models.Model):
    """One row: a counter bumped by every publish and unpublish, in the same transaction.

    Public pages are cached under this version (any cache backend, any number of processes):
    reading it is one primary-key query; a new version makes every cached page stale at once.
    The row is created by the first publish.
    """

    version = models.PositiveBigIntegerField("版", default=0)
    # When it last changed, in microseconds since 1970 (UTC): read with one raw query per
    # public request, without the ORM's per-query cost or a backend's date conversion.
    changed_us = models.PositiveBigIntegerField("更新日時（マイクロ秒）", default=0)

    class Meta:
        verbose_name = "公開サイトの版"
        verbose_name_plural = "公開サイトの版"

    def __str__(self) -> str:
        return f"第{self.version}版"
