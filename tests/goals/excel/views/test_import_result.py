"""excel:import_result — what an import wrote, with its downloads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def url(sheet):
    return reverse("excel:import_result", args=[sheet.pk])


@pytest.mark.parametrize("persona", ["head_a", "chief_a", "planner", "admin"])
def test_readers_see_the_sheet(org, client_for, persona):
    response = client_for(org.persona(persona)).get(url(org.sheet_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" in content
    assert org.item_a.title in content
    assert reverse("excel:sheet_xlsx", args=[org.sheet_a.pk]) + "?kind=year_end" in content


@pytest.mark.parametrize("persona", ["head_b", "chief_b"])
def test_another_departments_sheet_is_not_found(org, client_for, persona):
    assert client_for(org.persona(persona)).get(url(org.sheet_a)).status_code == 404


def test_read_only_page_has_no_403_case(org, client_for):
    # The page only reads: a section chief of the department sees it like the head does.
    assert client_for(org.chief_a2).get(url(org.sheet_a)).status_code == 200


def test_wrong_method(org, client_for):
    assert client_for(org.head_a).post(url(org.sheet_a)).status_code == 405


def test_htmx_gets_the_partial(org, client_for):
    response = client_for(org.head_a).get(url(org.sheet_a), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and org.item_a.title in content


def test_queries_do_not_grow_with_items(org, client_for):
    client = client_for(org.head_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(org.sheet_a)).status_code == 200
        return len(queries)

    few = count()
    for position in range(1, 30):
        factories.GoalItemFactory(
            sheet=org.sheet_a, position=position, sections=[org.section_a1, org.section_a2]
        )
    assert count() == few
