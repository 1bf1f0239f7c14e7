"""{% sheet_print_links %} and {% section_print_link %}: the buttons other pages include."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tests import factories

LINKS = Template("{% load print_menu %}{% sheet_print_links sheet %}")
SECTION = Template("{% load print_menu %}{% section_print_link sheet section %}")


def render(template, user, **values):
    request = RequestFactory().get("/")
    request.user = user
    return template.render(Context({"request": request, **values}))


@pytest.mark.parametrize(
    ("persona", "kinds"),
    [
        ("head_a", ["plan", "year_end", "mid_year", "section_review"]),
        ("planner", ["plan", "year_end", "mid_year", "section_review"]),
        ("chief_a", ["plan", "year_end", "section_review"]),
        ("head_b", []),
    ],
)
def test_sheet_links_follow_permissions(org, persona, kinds):
    html = render(LINKS, org.persona(persona), sheet=org.sheet_a)

    base = reverse("print:sheet_pdf", args=[org.sheet_a.pk])
    found = [
        kind
        for kind in ("plan", "year_end", "mid_year", "section_review")
        if f"{base}?kind={kind}" in html
    ]
    assert found == kinds


def test_section_link_only_when_readable(org):
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, sections=[org.section_a2])
    target = reverse("print:section_review_pdf", args=[org.sheet_a.pk, org.section_a1.pk])

    assert target in render(SECTION, org.chief_a, sheet=org.sheet_a, section=org.section_a1)
    assert target not in render(SECTION, org.chief_a2, sheet=org.sheet_a, section=org.section_a1)
