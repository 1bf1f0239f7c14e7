"""A staff member's account: Django's `auth.User` plus the profile below.

氏名 lives on the User itself (`last_name` 姓, `first_name` 名), because every screen, print and
the admin already read it there and a directory carries it as sn / givenName; a 氏名 typed as one
string (a roster, a directory's displayName) is split at its first space, and one without a space
is kept whole in `last_name` (see `accounts.services.name_split`).
"""

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

EMPLOYEE_NUMBER_MAX_LENGTH = 20


def employee_number_normalize(value: str | None) -> str:
    """The one stored form: half-width (１２３ → 123), no surrounding spaces."""
    return unicodedata.normalize("NFKC", value or "").strip()


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    # NULL (not "") for accounts without a number, so that uniqueness only binds real numbers.
    employee_number = models.CharField(
        "職員番号",
        max_length=EMPLOYEE_NUMBER_MAX_LENGTH,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Za-z-]+$", "職員番号は半角の英数字とハイフンで入力してください。"
            )
        ],
        help_text="人事の名簿・ディレクトリと照合する番号。古いアカウントでは空欄のこともあります。",
        error_messages={"unique": "この職員番号はすでに登録されています。"},
    )

    class Meta:
        verbose_name = "職員情報"
        verbose_name_plural = "職員情報"
        ordering = ["employee_number"]

    def __str__(self) -> str:
        return self.employee_number or f"（職員番号なし: {self.user}）"

    def clean(self):
        super().clean()
        # A blank number is "none", stored as NULL (validators ran on the value as typed).
        self.employee_number = employee_number_normalize(self.employee_number) or None
