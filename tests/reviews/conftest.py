"""Fixtures of the review tests: the `org` city in a given phase, reviews, and a bigger city."""

import pytest
from django.urls import reverse

from departments.models import Department, Role
from goals.models import FiscalYear
from reviews.models import Review, ReviewStatus, Stage
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def set_phase(org, phase):
    org.fiscal_year.phase = phase
    org.fiscal_year.save(update_fields=["phase"])
    return org


@pytest.fixture
def mid_year(org):
    """The org in its mid-year phase: chiefs file 中間確認."""
    return set_phase(org, FiscalYear.Phase.MID_YEAR)


@pytest.fixture
def year_end(org):
    return set_phase(org, FiscalYear.Phase.YEAR_END)


def edit_url(item, stage=Stage.MID_YEAR, section=None):
    args = [item.pk, stage] + ([section.pk] if section is not None else [])
    return reverse("reviews:review_edit", args=args)


def reopen_url(item, stage=Stage.MID_YEAR, section=None):
    args = [item.pk, stage] + ([section.pk] if section is not None else [])
    return reverse("reviews:review_reopen", args=args)


def make_review(item, section, *, stage=Stage.MID_YEAR, status=ReviewStatus.DRAFT, **values):
    """A review as a writer would leave it; the mid-year mark defaults to the scale's ○."""
    if stage == Stage.MID_YEAR and "progress_mark" not in values:
        values["progress_mark"] = item.sheet.fiscal_year.progress_scale.marks.get(symbol="○")
        values.setdefault("first_half_status", "上半期は予定どおり進みました。")
        values.setdefault("second_half_plan", "下半期も続けます。")
    if stage == Stage.YEAR_END and "achievement_level" not in values:
        values["achievement_level"] = item.sheet.fiscal_year.achievement_scale.levels.first()
        values.setdefault("summary", "1年間で目標を達成しました。")
    return Review.objects.create(item=item, section=section, stage=stage, status=status, **values)


def mark(org, symbol="○"):
    return org.fiscal_year.progress_scale.marks.get(symbol=symbol)


def build_city(fiscal_year, departments: int, items_per_department: int = 3):
    """`departments` departments with two sections, a head, chiefs and items with reviews.

    Each department has a sheet, one item per section, one shared by both and a 共通 item;
    the first item's mid-year review is submitted, the shared one's confirmed.
    """

    built = []
    start = Department.objects.count()
    for index in range(start, start + departments):
        department = factories.DepartmentFactory(name=f"第{index + 1}部", display_order=index + 10)
        first = factories.SectionFactory(department=department, name=f"第{index + 1}部一課")
        second = factories.SectionFactory(department=department, name=f"第{index + 1}部二課")
        head = factories.UserFactory(username=f"head{index}")
        factories.RoleAssignmentFactory(
            user=head,
            fiscal_year=fiscal_year.year,
            role=Role.DEPARTMENT_HEAD,
            department=department,
            title=f"{department.name}長",
        )
        chief = factories.UserFactory(username=f"chief{index}")
        factories.RoleAssignmentFactory(
            user=chief,
            fiscal_year=fiscal_year.year,
            role=Role.SECTION_CHIEF,
            department=department,
            section=first,
            title=f"{first.name}長",
        )
        sheet = factories.GoalSheetFactory(fiscal_year=fiscal_year, department=department)
        own = factories.GoalItemFactory(sheet=sheet, position=0, sections=[first])
        factories.GoalItemFactory(sheet=sheet, position=1, sections=[second])
        shared = factories.GoalItemFactory(sheet=sheet, position=2, sections=[first, second])
        factories.GoalItemFactory(sheet=sheet, position=3, is_common=True)
        for position in range(4, items_per_department + 1):
            factories.GoalItemFactory(sheet=sheet, position=position, sections=[first])
        ok = fiscal_year.progress_scale.marks.get(symbol="○")
        Review.objects.create(
            item=own, section=first, stage=Stage.MID_YEAR, status="submitted", progress_mark=ok
        )
        Review.objects.create(
            item=shared, section=first, stage=Stage.MID_YEAR, status="confirmed", progress_mark=ok
        )
        built.append((department, sheet, head, chief))
    return built
