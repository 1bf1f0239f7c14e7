"""The city's vocabulary and years: categories, departments, sections, fiscal years."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core import text
from core.wareki import wareki_date
from departments.models import Department, Section
from goals.history import changelog_record
from goals.models import (
    Category,
    FiscalYear,
)
from goals.selectors import fiscal_year_default_scales
from goals.services.imports import SheetImportError

# Importing a city's own Excel sheet: what it names but the city has not registered yet ------


def _next_display_order(queryset) -> int:
    """After the last one: new categories, sections and departments go to the end of the list."""
    last = queryset.aggregate(last=Max("display_order"))["last"]
    return 0 if last is None else last + 1


def category_create(*, name: str, user=None) -> Category:
    """A new 計画・方針等の分類, placed after the existing ones."""
    category = Category(
        name=text.clean_line(name), display_order=_next_display_order(Category.objects)
    )
    category.full_clean()
    category.save()
    changelog_record(
        sheet=None,
        target=category,
        action="category.created",
        user=user,
        changes={"分類名": [None, category.name]},
    )
    return category


def section_create(*, department: Department, name: str, user=None) -> Section:
    section = Section(
        department=department,
        name=text.clean_line(name),
        chief_title=f"{text.clean_line(name)}長",
        display_order=_next_display_order(department.sections),
    )
    section.full_clean()
    section.save()
    changelog_record(
        sheet=None,
        target=section,
        action="section.created",
        user=user,
        changes={"課名": [None, f"{department.name} {section.name}"]},
    )
    return section


def department_create(*, name: str, user=None) -> Department:
    department = Department(
        name=text.clean_line(name),
        head_title=f"{text.clean_line(name)}長",
        display_order=_next_display_order(Department.objects),
    )
    department.full_clean()
    department.save()
    changelog_record(
        sheet=None,
        target=department,
        action="department.created",
        user=user,
        changes={"部名": [None, department.name]},
    )
    return department


def fiscal_year_create(*, year: int, user=None) -> FiscalYear:
    """A fiscal year with the scales of the latest one (or the only ones registered)."""

    progress_scale, achievement_scale = fiscal_year_default_scales()
    if progress_scale is None or achievement_scale is None:
        raise SheetImportError(
            [f"{year}年度を作成できません。先に進捗状況と達成状況の尺度を登録してください。"]
        )
    fiscal_year = FiscalYear(
        year=year, progress_scale=progress_scale, achievement_scale=achievement_scale
    )
    fiscal_year.full_clean()
    fiscal_year.save()
    changelog_record(
        sheet=None,
        target=fiscal_year,
        action="fiscal_year.created",
        user=user,
        changes={"年度": [None, fiscal_year.label]},
    )
    return fiscal_year


# The fiscal year's phase and deadlines -------------------------------------------------------

_DEADLINE_FIELDS = ("sheet_deadline", "mid_year_deadline", "year_end_deadline")


@transaction.atomic
def fiscal_year_update(
    *,
    fiscal_year: FiscalYear,
    phase: str,
    sheet_deadline: datetime.date | None,
    mid_year_deadline: datetime.date | None,
    year_end_deadline: datetime.date | None,
    user,
) -> FiscalYear:
    """Planning staff set the year's phase (which opens and closes filing) and its deadlines.

    Moving the phase back reopens a stage for everyone; deadlines must follow one another and
    fall near the year (a mistyped year is caught).
    """
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    values = {
        "phase": phase,
        "sheet_deadline": sheet_deadline,
        "mid_year_deadline": mid_year_deadline,
        "year_end_deadline": year_end_deadline,
    }
    errors: dict[str, str] = {}
    if phase not in FiscalYear.Phase.values:
        errors["phase"] = "段階を選んでください。"
    earliest = datetime.date(fiscal_year.year - 1, 10, 1)
    latest = datetime.date(fiscal_year.year + 1, 9, 30)
    for name in _DEADLINE_FIELDS:
        day = values[name]
        if day is not None and not earliest <= day <= latest:
            errors[name] = (
                f"{fiscal_year.label}の期限は{wareki_date(earliest)}から"
                f"{wareki_date(latest)}までの日付にしてください。"
            )
    if (
        "mid_year_deadline" not in errors
        and sheet_deadline
        and mid_year_deadline
        and mid_year_deadline <= sheet_deadline
    ):
        errors["mid_year_deadline"] = "中間確認の期限は整理表の提出期限より後にしてください。"
    if (
        "year_end_deadline" not in errors
        and mid_year_deadline
        and year_end_deadline
        and year_end_deadline <= mid_year_deadline
    ):
        errors["year_end_deadline"] = "年度末確認の期限は中間確認の期限より後にしてください。"
    if errors:
        raise ValidationError(errors)

    def shown(name):
        value = getattr(fiscal_year, name)
        if name == "phase":
            return fiscal_year.get_phase_display()
        return wareki_date(value) if value else ""

    before = {name: shown(name) for name in values}
    for name, value in values.items():
        setattr(fiscal_year, name, value)
    fiscal_year.full_clean()
    changes = {
        str(FiscalYear._meta.get_field(name).verbose_name): [before[name], shown(name)]
        for name in values
        if before[name] != shown(name)
    }
    if not changes:
        return fiscal_year
    fiscal_year.save(update_fields=list(values))
    changelog_record(
        sheet=None, target=fiscal_year, action="fiscal_year.updated", user=user, changes=changes
    )
    return fiscal_year
