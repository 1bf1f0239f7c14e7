import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from departments.models import Role
from goals.models import SheetStatus
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


def test_a_head_sees_their_sheet_with_status_and_deadline(org, as_persona):
    org.fiscal_year.sheet_deadline = org.fiscal_year.starts_on.replace(day=30)
    org.fiscal_year.save()
    response = as_persona("head_a").get(reverse("home"))
    assert response.status_code == 200
    content = text(response)
    assert "あなたの部の整理表" in content
    assert goals_url("sheet_detail", org.sheet_a.pk) in content
    assert "作成中" in content and "提出期限" in content
    assert goals_url("sheet_detail", org.sheet_b.pk) not in content


def test_a_head_without_a_sheet_can_start_one(org, as_persona):
    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_a)
    org.sheet_a.delete()
    content = text(as_persona("head_a").get(reverse("home")))
    assert f"{last_year.label}の整理表から作成" in content
    assert "空の整理表を作成" in content
    assert goals_url("sheet_create") in content
    # last year's sheet is listed below
    assert "これまでの整理表" in content and goals_url("sheet_detail", old.pk) in content


def test_a_returned_sheet_shows_the_comment(org, as_persona):
    org.sheet_a.status = SheetStatus.RETURNED
    org.sheet_a.return_comment = "期限を具体的に書いてください。"
    org.sheet_a.save()
    content = text(as_persona("head_a").get(reverse("home")))
    assert "差し戻されました" in content and "期限を具体的に書いてください。" in content


def test_planning_staff_see_every_department_of_the_chosen_year(org, as_persona):
    org.sheet_b.status = SheetStatus.SUBMITTED
    org.sheet_b.save()
    response = as_persona("planner").get(reverse("home"))
    content = text(response)
    assert "各部の整理表" in content
    assert "市民部" in content and "福祉部" in content
    # a submitted sheet can be accepted or returned from the list
    assert goals_url("sheet_accept", org.sheet_b.pk) in content
    assert goals_url("sheet_return", org.sheet_b.pk) in content
    assert goals_url("sheet_accept", org.sheet_a.pk) not in content


def test_section_chiefs_see_their_departments_sheet_only(org, as_persona):
    content = text(as_persona("chief_a").get(reverse("home")))
    assert goals_url("sheet_detail", org.sheet_a.pk) in content
    assert goals_url("sheet_detail", org.sheet_b.pk) not in content
    assert "あなたの部の整理表" not in content


def test_another_department_is_not_listed(org, as_persona):
    content = text(as_persona("head_b").get(reverse("home")))
    assert goals_url("sheet_detail", org.sheet_a.pk) not in content


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").post(reverse("home")).status_code == 405


def test_htmx_gets_the_planning_list_for_another_year(org, as_persona):
    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_a)
    factories.RoleAssignmentFactory(
        user=org.planner, fiscal_year=last_year.year, role=Role.PLANNING
    )
    response = as_persona("planner").get(reverse("home"), {"year": last_year.year}, **HTMX)
    assert response.status_code == 200
    assert not is_full_page(response)
    assert 'id="planning-overview"' in text(response)
    assert goals_url("sheet_detail", old.pk) in text(response)


def test_full_page_otherwise(org, as_persona):
    response = as_persona("planner").get(reverse("home"))
    assert is_full_page(response)


def test_the_planning_list_costs_the_same_for_any_number_of_departments(org, as_persona):
    client = as_persona("planner")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    few = count()
    for index in range(6):
        department = factories.DepartmentFactory(name=f"追加部{index}", display_order=10 + index)
        factories.GoalSheetFactory(fiscal_year=org.fiscal_year, department=department)
    assert count() == few
