"""Mail sent by the application: each delivery with its outcome, the reminders already sent,
and each user's choice about reminders."""

from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    SHEET_SUBMITTED = "sheet_submitted", "整理表の提出"
    SHEET_RETURNED = "sheet_returned", "整理表の差し戻し"
    SHEET_ACCEPTED = "sheet_accepted", "整理表の承認"
    SHEET_REVISION_STARTED = "sheet_revision_started", "整理表の見直し開始"
    REVIEW_SUBMITTED = "review_submitted", "確認の提出"
    REVIEW_CONFIRMED = "review_confirmed", "確認の確認済み"
    REVIEW_RETURNED = "review_returned", "確認の差し戻し"
    REVIEW_REOPENED = "review_reopened", "確認の再開"
    REMINDER = "reminder", "催促"
    ACCOUNT = "account", "アカウント・パスワード"


class Delivery(models.Model):
    """One mail to one person: what was sent, and whether it arrived at the mail server."""

    class Status(models.TextChoices):
        QUEUED = "queued", "送信待ち"
        SENT = "sent", "送信済み"
        RETRYING = "retrying", "再送待ち"
        FAILED = "failed", "送信失敗"
        NO_ADDRESS = "no_address", "宛先なし"

    UNDELIVERED = (Status.RETRYING, Status.FAILED, Status.NO_ADDRESS)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="宛先の職員",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mail_deliveries",
    )
    to_address = models.EmailField("宛先", blank=True)
    event = models.CharField("種類", max_length=30, choices=Event.choices)
    subject = models.CharField("件名", max_length=200)
    body_text = models.TextField("本文")
    body_html = models.TextField("本文（HTML）", blank=True)
    status = models.CharField("状態", max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("送信の試行回数", default=0)
    last_error = models.TextField("最後のエラー", blank=True)
    next_attempt_at = models.DateTimeField("次の再送", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)

    class Meta:
        verbose_name = "送信したメール"
        verbose_name_plural = "送信したメール"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="delivery_status_created")]

    def __str__(self) -> str:
        return f"{self.to_address or '（宛先なし）'} {self.subject}"[:120]


class DeadlineKind(models.TextChoices):
    SHEET = "sheet", "整理表の提出"
    MID_YEAR = "mid_year", "中間確認"
    YEAR_END = "year_end", "年度末確認"


class ReminderRecord(models.Model):
    """A reminder sent to a person for one deadline on one day: the same run again sends
    nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        on_delete=models.CASCADE,
        related_name="reminder_records",
    )
    fiscal_year = models.ForeignKey(
        "goals.FiscalYear",
        verbose_name="年度",
        on_delete=models.CASCADE,
        related_name="reminder_records",
    )
    deadline_kind = models.CharField("期限", max_length=20, choices=DeadlineKind.choices)
    deadline = models.DateField("期限日")
    sent_on = models.DateField("送信日")
    delivery = models.ForeignKey(
        Delivery,
        verbose_name="メール",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_records",
    )

    class Meta:
        verbose_name = "送信した催促"
        verbose_name_plural = "送信した催促"
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "fiscal_year", "deadline_kind", "deadline", "sent_on"],
                name="reminder_once_per_person_deadline_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.user} {self.get_deadline_kind_display()}"


class NotificationSetting(models.Model):
    """A user's own choice: reminders on or off (workflow mails are always sent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        on_delete=models.CASCADE,
        related_name="notification_setting",
    )
    reminders_enabled = models.BooleanField(
        "催促のメールを受け取る",
        default=True,
        help_text="期限前・期限後の催促です。提出・差し戻しなどのお知らせは常に届きます。",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "メールの設定"
        verbose_name_plural = "メールの設定"

    def __str__(self) -> str:
        return f"{self.user} 催促{'あり' if self.reminders_enabled else 'なし'}"
