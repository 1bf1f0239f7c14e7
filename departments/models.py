from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.fields import BoundedTextField


class ActiveYearsQuerySet(models.QuerySet):
    def active_in(self, fiscal_year: int):
        """Those that exist in the fiscal year (departments and sections change every April)."""
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=fiscal_year),
            Q(active_until__isnull=True) | Q(active_until__gte=fiscal_year),
        )


class ActiveYears(models.Model):
    active_from = models.PositiveSmallIntegerField(
        "開始年度", null=True, blank=True, help_text="西暦の年度（例: 2026）。空欄なら制限なし。"
    )
    active_until = models.PositiveSmallIntegerField(
        "終了年度", null=True, blank=True, help_text="西暦の年度。空欄なら現在も存続。"
    )

    objects = ActiveYearsQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_active_in(self, fiscal_year: int) -> bool:
        return (self.active_from is None or self.active_from <= fiscal_year) and (
            self.active_until is None or fiscal_year <= self.active_until
        )

    def clean(self):
        super().clean()
        if self.active_from and self.active_until and self.active_until < self.active_from:
            raise ValidationError({"active_until": "終了年度は開始年度以降にしてください。"})


class Department(ActiveYears):
    name = models.CharField("部名", max_length=50, unique=True)
    head_title = models.CharField("部長の職名", max_length=50, help_text="例: 市民部長")
    display_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "部"
        verbose_name_plural = "部"
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="department_active_years_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)


class Section(ActiveYears):
    department = models.ForeignKey(
        Department, verbose_name="部", on_delete=models.PROTECT, related_name="sections"
    )
    name = models.CharField("課名", max_length=50, help_text="課・室・担当の名称。例: 市民課")
    chief_title = models.CharField(
        "課長の職名", max_length=50, blank=True, help_text="例: 市民課長、子育て相談室長"
    )
    mission = BoundedTextField("課の使命", blank=True, max_length=2000)
    display_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "課"
        verbose_name_plural = "課"
        ordering = ["department__display_order", "display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="section_unique_name"),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="section_active_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """部課名 as printed on a section sheet: 市民部市民課."""
        return f"{self.department.name}{self.name}"


class Role(models.TextChoices):
    DEPARTMENT_HEAD = "department_head", "部長"
    SECTION_CHIEF = "section_chief", "課長"
    PLANNING = "planning", "企画・政策担当"


class RoleAssignment(models.Model):
    """Who holds which role in which fiscal year. People move every April."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="職員",
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    fiscal_year = models.PositiveSmallIntegerField("年度", help_text="西暦の年度（例: 2026）")
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name="部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    section = models.ForeignKey(
        Section,
        verbose_name="課",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    title = models.CharField(
        "職名", max_length=50, blank=True, help_text="例: 市民部長、担当部長、市民課長"
    )

    class Meta:
        verbose_name = "役割の割当"
        verbose_name_plural = "役割の割当"
        ordering = ["-fiscal_year", "role", "department__display_order", "section__display_order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.PLANNING, department__isnull=True, section__isnull=True)
                | Q(role=Role.DEPARTMENT_HEAD, department__isnull=False, section__isnull=True)
                | Q(role=Role.SECTION_CHIEF, department__isnull=False, section__isnull=False),
                name="role_assignment_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "fiscal_year", "role", "department"],
                condition=Q(role=Role.DEPARTMENT_HEAD),
                name="role_assignment_unique_head",
            ),
            models.UniqueConstraint(
                fields=["user", "fiscal_year", "role", "section"],
                condition=Q(role=Role.SECTION_CHIEF),
                name="role_assignment_unique_chief",
            ),
            models.UniqueConstraint(
                fields=["user", "fiscal_year"],
                condition=Q(role=Role.PLANNING),
                name="role_assignment_unique_planning",
            ),
        ]

    def __str__(self) -> str:
        scope = self.section or self.department or ""
        return f"{self.fiscal_year}年度 {self.user} {self.get_role_display()} {scope}".strip()

    def clean(self):
        super().clean()
        if self.role == Role.PLANNING:
            if self.department_id or self.section_id:
                raise ValidationError("企画・政策担当には部・課を指定しません。")
        elif not self.department_id:
            raise ValidationError({"department": "部を選んでください。"})
        if self.role == Role.DEPARTMENT_HEAD and self.section_id:
            raise ValidationError({"section": "部長には課を指定しません。"})
        if self.role == Role.SECTION_CHIEF:
            if not self.section_id:
                raise ValidationError({"section": "課を選んでください。"})
            if self.section.department_id != self.department_id:
                raise ValidationError({"section": "選んだ課はこの部に属していません。"})
