"""print:section_review_pdf — one section's review sheet, as that section's reviews allow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.printing.views.conftest import STUB_PDF, assert_attachment


def url(sheet, section):
    return reverse("print:section_review_pdf", args=[sheet.pk, section.pk])


def test_downloads_the_real_pdf(org, client_for):
    response = client_for(org.chief_a).get(url(org.sheet_a, org.section_a1))

    assert_attachment(response, f"{org.fiscal_year.label}_実行計画_市民部市民課.pdf")
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("persona", "section", "status"),
    [
        ("chief_a", "section_a1", 200),
        ("chief_a", "section_a2", 404),  # another section's reviews are invisible
        ("chief_a2", "section_a2", 200),
        ("head_a", "section_a1", 200),
        ("head_a", "section_a2", 200),
        ("planner", "section_a1", 200),
        ("admin", "section_a2", 200),
        ("head_b", "section_a1", 404),
        ("chief_b", "section_a1", 404),
        ("admin", "section_b1", 404),  # not a section of this department
        ("anonymous", "section_a1", 302),
    ],
)
def test_permissions(org, client_for, rendered, persona, section, status):
    response = client_for(org.persona(persona)).get(url(org.sheet_a, getattr(org, section)))

    assert response.status_code == status


def test_unknown_section_is_404(org, client_for):
    missing = reverse("print:section_review_pdf", args=[org.sheet_a.pk, 999999])

    assert client_for(org.head_a).get(missing).status_code == 404


def test_wrong_method(org, client_for):
    response = client_for(org.chief_a).post(url(org.sheet_a, org.section_a1))

    assert response.status_code == 405


def test_htmx_request_gets_the_same_file(org, client_for, rendered):
    response = client_for(org.chief_a).get(
        url(org.sheet_a, org.section_a1), headers={"HX-Request": "true"}
    )

    assert response.content == STUB_PDF


def test_full_request_prints_only_that_section(org, client_for, rendered):
    factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, title="経済課の項目", sections=[org.section_a2]
    )

    response = client_for(org.head_a).get(url(org.sheet_a, org.section_a1))

    assert response.status_code == 200
    assert org.item_a.title in rendered[-1]
    assert "経済課の項目" not in rendered[-1]


def test_query_count_does_not_grow_with_items(org, client_for, rendered):
    client = client_for(org.chief_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url(org.sheet_a, org.section_a1)).status_code == 200
        return len(context)

    few = queries()
    for position in range(1, 12):
        factories.GoalItemFactory(sheet=org.sheet_a, position=position, sections=[org.section_a1])
    assert queries() == few
