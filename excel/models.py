"""What the Excel import remembers: each department's column mapping, for its next import."""

from django.db import models

from departments.models import Department


class ColumnMapping(models.Model):
    """Headings (as compared: NFKC, no spaces) → field, as a department last chose them."""

    department = models.OneToOneField(
        Department, verbose_name="部", on_delete=models.CASCADE, related_name="+"
    )
    headings = models.JSONField("見出しと読み込み先", default=dict, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "Excel 読み込みの列の対応"
        verbose_name_plural = "Excel 読み込みの列の対応"

    def __str__(self) -> str:
        return f"{self.department} の列の対応"
