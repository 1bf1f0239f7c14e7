import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from departments.models import Role
from departments.permissions import (
    Access,
    can_confirm_reviews,
    can_create_sheet,
    can_import_sheet,
    can_manage_sheet_workflow,
    check_sheet,
    review_access,
    reviews_visible_q,
    sheet_access,
    sheets_visible_q,
)
from goals.models import GoalSheet
from reviews.models import Review
from tests import factories


def fresh(user):
    """Roles are cached per user object; tests that change assignments re-read the user."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("persona", "on_a", "on_b"),
    [
        ("planner", Access.READ, Access.READ),
        ("head_a", Access.WRITE, Access.NONE),
        ("head_b", Access.NONE, Access.WRITE),
        ("chief_a", Access.READ, Access.NONE),
        ("chief_b", Access.NONE, Access.READ),
        ("admin", Access.WRITE, Access.WRITE),
    ],
)
def test_sheet_access(org, persona, on_a, on_b):
    user = org.persona(persona)
    assert sheet_access(user, org.sheet_a) is on_a
    assert sheet_access(user, org.sheet_b) is on_b


def test_anonymous_sees_nothing(org):
    assert sheet_access(AnonymousUser(), org.sheet_a) is Access.NONE


def test_check_sheet_answers_404_then_403(org):
    with pytest.raises(Http404):
        check_sheet(org.head_b, org.sheet_a)
    with pytest.raises(PermissionDenied):
        check_sheet(org.chief_a, org.sheet_a, write=True)
    assert check_sheet(org.head_a, org.sheet_a, write=True) is Access.WRITE


def test_roles_follow_the_fiscal_year(org):
    """Last year's head of A, now head of B: reads A's old sheet, cannot write it."""
    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old_sheet = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_a)
    factories.RoleAssignmentFactory(
        user=org.head_b,
        fiscal_year=last_year.year,
        role=Role.DEPARTMENT_HEAD,
        department=org.dept_a,
    )
    user = fresh(org.head_b)
    assert sheet_access(user, old_sheet) is Access.WRITE  # head of A in that year
    assert sheet_access(user, org.sheet_a) is Access.NONE  # not this year's A
    assert sheet_access(org.head_a, old_sheet) is Access.READ  # this year's head reads history


def test_visible_sheets_filter_matches_sheet_access(org):
    for persona in ["planner", "head_a", "head_b", "chief_a", "chief_b", "admin"]:
        user = org.persona(persona)
        visible = set(GoalSheet.objects.filter(sheets_visible_q(user)))
        expected = {s for s in GoalSheet.objects.all() if sheet_access(user, s) is not Access.NONE}
        assert visible == expected, persona


def test_workflow_belongs_to_planning(org):
    assert can_manage_sheet_workflow(org.planner, org.sheet_a)
    assert can_manage_sheet_workflow(org.admin, org.sheet_a)
    assert not can_manage_sheet_workflow(org.head_a, org.sheet_a)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("chief_a", Access.WRITE),
        ("chief_a2", Access.NONE),
        ("chief_b", Access.NONE),
        ("head_a", Access.READ),
        ("head_b", Access.NONE),
        ("planner", Access.READ),
        ("admin", Access.WRITE),
    ],
)
def test_review_access_of_a_section(org, persona, expected):
    user = org.persona(persona)
    assert review_access(user, item=org.item_a, section=org.section_a1) is expected


def test_common_item_review_is_written_by_the_head(org):
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    assert review_access(org.head_a, item=common, section=None) is Access.WRITE
    assert review_access(org.chief_a, item=common, section=None) is Access.NONE
    assert can_confirm_reviews(org.head_a, org.sheet_a)
    assert not can_confirm_reviews(org.planner, org.sheet_a)


def test_a_closed_years_sheet_is_read_only_for_its_head(org):
    org.fiscal_year.phase = "closed"
    org.fiscal_year.save()
    org.sheet_a.refresh_from_db()
    assert sheet_access(org.head_a, org.sheet_a) is Access.READ
    assert sheet_access(org.admin, org.sheet_a) is Access.WRITE


def test_a_closed_years_head_can_neither_create_nor_import(org):

    org.fiscal_year.phase = "closed"
    org.fiscal_year.save()
    year = org.fiscal_year
    assert not can_create_sheet(org.head_a, department=org.dept_a, fiscal_year=year)
    assert not can_import_sheet(org.head_a, department=org.dept_a, fiscal_year=year)
    assert can_import_sheet(org.planner, department=org.dept_a, fiscal_year=year)


def test_a_former_chief_reads_their_old_section_only_while_they_are_its_chief(org):
    """Chief of 市民課 two years ago, nobody's chief now: this year's reviews stay closed."""

    old = factories.FiscalYearFactory(year=org.fiscal_year.year - 2)
    old_sheet = factories.GoalSheetFactory(fiscal_year=old, department=org.dept_a)
    old_item = factories.GoalItemFactory(sheet=old_sheet, position=0, sections=[org.section_a1])
    former = factories.UserFactory(username="former_chief")
    factories.RoleAssignmentFactory(
        user=former,
        fiscal_year=old.year,
        role=Role.SECTION_CHIEF,
        department=org.dept_a,
        section=org.section_a1,
    )
    assert review_access(former, item=old_item, section=org.section_a1) is Access.WRITE
    assert review_access(former, item=org.item_a, section=org.section_a1) is Access.NONE
    # This year's chief of 市民課 reads the section's earlier reviews.
    assert review_access(org.chief_a, item=old_item, section=org.section_a1) is Access.READ


def test_visible_reviews_filter_matches_review_access(org):

    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old_sheet = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_a)
    old_item = factories.GoalItemFactory(sheet=old_sheet, position=0, sections=[org.section_a1])
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    for item, section in [
        (org.item_a, org.section_a1),
        (org.item_b, org.section_b1),
        (old_item, org.section_a1),
        (common, None),
    ]:
        Review.objects.create(item=item, section=section, stage="mid_year")
    for persona in ["planner", "head_a", "head_b", "chief_a", "chief_a2", "chief_b", "admin"]:
        user = org.persona(persona)
        visible = set(Review.objects.filter(reviews_visible_q(user)))
        expected = {
            review
            for review in Review.objects.all()
            if review_access(user, item=review.item, section=review.section) is not Access.NONE
        }
        assert visible == expected, persona
