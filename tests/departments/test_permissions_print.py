"""The printing rules appended to departments/permissions.py."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from departments.permissions import (
    Access,
    can_print_city,
    can_read_all_reviews,
    check_print_city,
    check_section_sheet,
    check_sheet_reviews,
    section_sheet_access,
)


@pytest.mark.parametrize(
    ("persona", "section", "access"),
    [
        ("chief_a", "section_a1", Access.WRITE),
        ("chief_a", "section_a2", Access.NONE),
        ("chief_a2", "section_a2", Access.WRITE),
        ("head_a", "section_a1", Access.READ),
        ("planner", "section_a2", Access.READ),
        ("admin", "section_a1", Access.WRITE),
        ("head_b", "section_a1", Access.NONE),
        ("chief_b", "section_a1", Access.NONE),
        ("admin", "section_b1", Access.NONE),  # a section of another department
        ("chief_b", "section_b1", Access.NONE),
    ],
)
def test_section_sheet_access_follows_the_section_reviews(org, persona, section, access):
    user = org.persona(persona)

    assert section_sheet_access(user, sheet=org.sheet_a, section=getattr(org, section)) is access


def test_check_section_sheet_hides_what_is_not_readable(org):
    with pytest.raises(Http404):
        check_section_sheet(org.chief_a, sheet=org.sheet_a, section=org.section_a2)
    assert check_section_sheet(org.head_a, sheet=org.sheet_a, section=org.section_a2)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("head_a", True),
        ("planner", True),
        ("admin", True),
        ("chief_a", False),
        ("chief_a2", False),
        ("head_b", False),
    ],
)
def test_all_reviews_of_a_sheet(org, persona, allowed):
    sections = [org.section_a1, org.section_a2]

    assert can_read_all_reviews(org.persona(persona), org.sheet_a, sections) is allowed


def test_check_sheet_reviews_is_404_then_403(org):
    sections = [org.section_a1, org.section_a2]
    with pytest.raises(Http404):
        check_sheet_reviews(org.head_b, org.sheet_a, sections)
    with pytest.raises(PermissionDenied):
        check_sheet_reviews(org.chief_a, org.sheet_a, sections)
    check_sheet_reviews(org.head_a, org.sheet_a, sections)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("planner", True), ("admin", True), ("head_a", False), ("chief_a", False)],
)
def test_print_city_is_for_planning_staff(org, persona, allowed):
    user = org.persona(persona)

    assert can_print_city(user) is allowed
    assert can_print_city(user, org.fiscal_year.year) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied):
            check_print_city(user)


def test_anonymous_may_not_print_the_city(db):
    assert can_print_city(AnonymousUser()) is False
