"""やること: what waits for each role, each line a link, in a constant number of queries."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from departments.models import Role
from goals.models import FiscalYear, SheetStatus
from notifications.selectors import (
    HEADING_ACCEPT,
    HEADING_CONFIRM,
    HEADING_LATE,
    HEADING_SHEET,
    todo_for,
    todo_groups,
)
from reviews.models import ReviewStatus, Stage
from tests import factories
from tests.notifications.conftest import set_phase
from tests.reviews.conftest import build_city, make_review

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request sees them (roles not cached yet)."""
    return get_user_model().objects.get(pk=user.pk)


def texts(lines):
    return [line.text for line in lines]


def test_a_head_sees_the_sheet_to_write(city):
    lines = todo_for(user=fresh(city.head_a), fiscal_year=city.fiscal_year)
    assert texts(lines) == ["市民部の整理表を作成し、提出してください"]
    assert lines[0].heading == HEADING_SHEET
    assert lines[0].url == reverse("goals:sheet_detail", args=[city.sheet_a.pk])


def test_a_head_sees_the_returned_sheet_with_the_comment(city):
    city.sheet_a.status = SheetStatus.RETURNED
    city.sheet_a.return_comment = "番号1の期限を書いてください。"
    city.sheet_a.save()
    [line] = todo_for(user=fresh(city.head_a), fiscal_year=city.fiscal_year)
    assert line.text == "差し戻された市民部の整理表を直して、再提出してください"
    assert line.detail == "番号1の期限を書いてください。"


def test_a_head_without_a_sheet_is_sent_to_create_it(city):
    department = factories.DepartmentFactory(name="総務部", display_order=3)
    head = factories.UserFactory(username="head_c")
    factories.RoleAssignmentFactory(
        user=head,
        fiscal_year=city.fiscal_year.year,
        role=Role.DEPARTMENT_HEAD,
        department=department,
    )
    [line] = todo_for(user=fresh(head), fiscal_year=city.fiscal_year)
    assert line.status == "未作成"
    assert line.url == (
        reverse("goals:sheet_create") + f"?department={department.pk}&year={city.fiscal_year.year}"
    )


def test_a_submitted_or_accepted_sheet_waits_for_nothing_of_the_head(city):
    city.sheet_a.status = SheetStatus.SUBMITTED
    city.sheet_a.save()
    assert todo_for(user=fresh(city.head_a), fiscal_year=city.fiscal_year) == []


def test_a_chief_sees_reviews_to_file_overdue_first_and_returned_with_the_reason(city):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    city.fiscal_year.mid_year_deadline = datetime.date(city.fiscal_year.year, 10, 31)
    city.fiscal_year.save()
    second = factories.GoalItemFactory(
        sheet=city.sheet_a, position=1, title="窓口の待ち時間を短くする", sections=[city.section_a1]
    )
    make_review(second, city.section_a1, status=ReviewStatus.RETURNED, return_comment="数字を。")
    # Not this chief's: another section's item and another department's.
    factories.GoalItemFactory(sheet=city.sheet_a, position=2, sections=[city.section_a2])
    before = datetime.date(city.fiscal_year.year, 10, 1)
    lines = todo_for(user=fresh(city.chief_a), fiscal_year=city.fiscal_year, today=before)
    assert [line.heading for line in lines] == ["中間確認の記入", "中間確認の記入"]
    assert [line.status for line in lines] == ["未記入", "差し戻し"]
    assert lines[1].detail == "数字を。" and not lines[1].overdue
    assert lines[0].url == reverse(
        "reviews:review_edit", args=[city.item_a.pk, Stage.MID_YEAR, city.section_a1.pk]
    )
    late = todo_for(
        user=fresh(city.chief_a),
        fiscal_year=city.fiscal_year,
        today=datetime.date(city.fiscal_year.year, 11, 5),
    )
    assert all(line.overdue for line in late)


def test_a_reopened_review_of_a_closed_stage_comes_before_the_open_one(city):
    set_phase(city, FiscalYear.Phase.YEAR_END)
    city.fiscal_year.mid_year_deadline = datetime.date(city.fiscal_year.year, 10, 31)
    city.fiscal_year.year_end_deadline = datetime.date(city.fiscal_year.year + 1, 3, 31)
    city.fiscal_year.save()
    make_review(
        city.item_a, city.section_a1, status=ReviewStatus.RETURNED, reopened_at=timezone.now()
    )
    today = datetime.date(city.fiscal_year.year + 1, 1, 10)
    lines = todo_for(user=fresh(city.chief_a), fiscal_year=city.fiscal_year, today=today)
    assert [(line.heading, line.overdue) for line in lines] == [
        ("中間確認の記入", True),
        ("年度末確認の記入", False),
    ]


def test_a_head_sees_reviews_waiting_for_confirmation(city):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    city.sheet_a.status = SheetStatus.ACCEPTED
    city.sheet_a.save()
    make_review(city.item_a, city.section_a1, status=ReviewStatus.SUBMITTED)
    lines = todo_for(user=fresh(city.head_a), fiscal_year=city.fiscal_year)
    assert [(line.heading, line.text) for line in lines] == [
        (HEADING_CONFIRM, "市民部の中間確認 1件を確認してください")
    ]
    assert lines[0].url == (
        reverse("reviews:sheet_reviews", args=[city.sheet_a.pk]) + "?stage=mid_year&show=submitted"
    )
    # B's head has nothing of A.
    assert "市民部" not in " ".join(
        texts(todo_for(user=fresh(city.head_b), fiscal_year=city.fiscal_year))
    )


def test_planning_staff_see_sheets_to_accept_and_late_departments(city):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    year = city.fiscal_year.year
    city.fiscal_year.sheet_deadline = datetime.date(year, 4, 30)
    city.fiscal_year.mid_year_deadline = datetime.date(year, 10, 31)
    city.fiscal_year.save()
    city.sheet_a.status = SheetStatus.SUBMITTED
    city.sheet_a.save()
    factories.DepartmentFactory(name="総務部", display_order=3)  # no sheet at all
    lines = todo_for(
        user=fresh(city.planner), fiscal_year=city.fiscal_year, today=datetime.date(year, 11, 2)
    )
    assert [(heading, texts(group)) for heading, group in todo_groups(lines)] == [
        (HEADING_ACCEPT, ["市民部の整理表が提出されています。承認または差し戻しをしてください"]),
        (
            HEADING_LATE,
            [
                "福祉部: 整理表が未提出です",
                "総務部: 整理表が未作成です",
                "市民部: 中間確認が1件未提出です",
                "福祉部: 中間確認が1件未提出です",
            ],
        ),
    ]
    assert lines[-1].url == reverse("reviews:unfiled") + f"?year={year}&stage=mid_year"


def test_nobody_without_a_role_has_anything(city):
    outsider = factories.UserFactory(username="nobody")
    assert todo_for(user=fresh(outsider), fiscal_year=city.fiscal_year) == []
    assert todo_for(user=fresh(city.head_a), fiscal_year=None) == []


# Queries: constant in the number of items --------------------------------------------------------


def _grow(city, departments, items):
    build_city(city.fiscal_year, departments, items_per_department=items)
    for position in range(1, items):
        item = factories.GoalItemFactory(
            sheet=city.sheet_a, position=position, sections=[city.section_a1]
        )
        if position % 2:
            make_review(item, city.section_a1, status=ReviewStatus.SUBMITTED)


@pytest.mark.parametrize("size", [(1, 3), (12, 10)])
@pytest.mark.parametrize(("persona", "queries"), [("head_a", 10), ("chief_a", 4), ("planner", 6)])
def test_query_count_is_constant(city, django_assert_num_queries, size, persona, queries):
    year = city.fiscal_year.year
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    city.fiscal_year.sheet_deadline = datetime.date(year, 4, 30)
    city.fiscal_year.mid_year_deadline = datetime.date(year, 10, 31)
    city.fiscal_year.save()
    factories.GoalItemFactory(sheet=city.sheet_a, position=50, is_common=True)
    _grow(city, *size)
    user = fresh(getattr(city, persona))
    with django_assert_num_queries(queries):
        lines = todo_for(user=user, fiscal_year=city.fiscal_year, today=datetime.date(year, 11, 2))
    assert lines
