"""Decisions that used to sit in views, selectors, forms and template tags (issue 10): the home
page's lists, the import targets, the sheet's PDFs, who files reviews."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from departments.models import Role
from departments.permissions import (
    PRINT_MID_YEAR,
    PRINT_PLAN,
    PRINT_SECTION_REVIEW,
    PRINT_YEAR_END,
    can_manage_sheets_of_year,
    can_read_all_reviews,
    check_sheet_print,
    departments_headed,
    files_reviews,
    import_targets,
    printable_sections,
    reads_some_section_sheet,
    sections_chiefed,
    sees_every_sheet,
    sheet_print_kinds,
    user_roles,
)
from goals.models import PrintKind
from tests import factories

EVERY_PRINT = [PRINT_PLAN, PRINT_YEAR_END, PRINT_MID_YEAR, PRINT_SECTION_REVIEW]


def test_print_kinds_spell_the_models_choices():
    assert {PRINT_PLAN, PRINT_YEAR_END, PRINT_MID_YEAR} == set(PrintKind.values)


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("head_a", EVERY_PRINT),
        ("planner", EVERY_PRINT),
        ("admin", EVERY_PRINT),
        ("chief_a", [PRINT_PLAN, PRINT_YEAR_END, PRINT_SECTION_REVIEW]),
        ("chief_a2", [PRINT_PLAN, PRINT_YEAR_END, PRINT_SECTION_REVIEW]),
        ("head_b", []),
        ("chief_b", []),
    ],
)
def test_sheet_print_kinds_without_a_query(org, persona, kinds, django_assert_num_queries):
    user = org.persona(persona)
    user_roles(user)  # read once per user object, as in a request

    with django_assert_num_queries(0):
        assert sheet_print_kinds(user, org.sheet_a) == kinds


def test_check_sheet_print_is_404_then_403(org):
    with pytest.raises(Http404):
        check_sheet_print(org.head_b, org.sheet_a, PRINT_PLAN)
    with pytest.raises(PermissionDenied):
        check_sheet_print(org.chief_a, org.sheet_a, PRINT_MID_YEAR)
    check_sheet_print(org.chief_a, org.sheet_a, PRINT_SECTION_REVIEW)
    check_sheet_print(org.head_a, org.sheet_a, PRINT_MID_YEAR)


def test_printable_sections_keeps_the_readable_ones_and_refuses_none(org):
    sections = [org.section_a1, org.section_a2]

    assert printable_sections(org.chief_a, sheet=org.sheet_a, sections=sections) == [org.section_a1]
    assert printable_sections(org.head_a, sheet=org.sheet_a, sections=sections) == sections
    with pytest.raises(PermissionDenied):
        printable_sections(org.chief_a, sheet=org.sheet_a, sections=[org.section_a2])


@pytest.mark.parametrize("persona", ["head_a", "planner", "admin", "chief_a", "head_b"])
def test_all_reviews_need_not_load_the_sections(org, persona):
    user = org.persona(persona)
    sections = [org.section_a1, org.section_a2]

    assert can_read_all_reviews(user, org.sheet_a) is can_read_all_reviews(
        user, org.sheet_a, sections
    )


def test_a_chief_of_last_year_reads_that_years_section_sheets(org):
    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old_sheet = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_b)
    chief = factories.UserFactory(username="moved")
    factories.RoleAssignmentFactory(
        user=chief,
        fiscal_year=last_year.year,
        role=Role.SECTION_CHIEF,
        department=org.dept_b,
        section=org.section_b1,
    )

    assert reads_some_section_sheet(chief, old_sheet)
    assert not reads_some_section_sheet(chief, org.sheet_a)


@pytest.mark.parametrize(
    ("persona", "everything", "manages"),
    [
        ("planner", True, True),
        ("admin", True, True),
        ("head_a", False, False),
        ("chief_a", False, False),
    ],
)
def test_home_lists(org, persona, everything, manages):
    user = org.persona(persona)

    assert sees_every_sheet(user) is everything
    assert can_manage_sheets_of_year(user, org.fiscal_year.year) is manages
    assert can_manage_sheets_of_year(user) is manages


def test_import_targets(org):
    assert import_targets(org.planner).years is None
    assert import_targets(org.admin).department_ids is None
    head = import_targets(org.head_a)
    assert head.years == {org.fiscal_year.year}
    assert head.department_ids == {org.dept_a.pk}
    chief = import_targets(org.chief_a)
    assert chief.years == set()
    assert chief.department_ids == set()


def test_who_heads_and_chiefs_what(org):
    year = org.fiscal_year.year

    assert departments_headed(org.head_a, year) == {org.dept_a.pk}
    assert departments_headed(org.head_a, year - 1) == set()
    assert sections_chiefed(org.chief_a, year) == {org.section_a1.pk}
    assert sections_chiefed(org.head_a, year) == set()


@pytest.mark.parametrize(
    ("persona", "files"),
    [("head_a", True), ("chief_b", True), ("planner", False), ("admin", False)],
)
def test_files_reviews(org, persona, files):
    assert files_reviews(org.persona(persona)) is files
