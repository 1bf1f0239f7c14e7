"""{% sheet_print_links %}: the buttons the sheet and review pages include."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

LINKS = Template("{% load print_menu %}{% sheet_print_links sheet %}")


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


@pytest.mark.parametrize("persona", ["head_a", "chief_a", "planner", "head_b"])
def test_sheet_links_read_nothing_but_the_users_roles(org, persona, django_assert_num_queries):
    user = org.persona(persona)

    with django_assert_num_queries(1):  # the user's roles (cached on the user afterwards)
        render(LINKS, user, sheet=org.sheet_a)
