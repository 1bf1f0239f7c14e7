import pytest

from goals.models import GoalItem
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def gaps(org):
    GoalItem.objects.filter(pk=org.item_a.pk).update(number=5)
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, number=5)
    factories.GoalItemFactory(sheet=org.sheet_a, position=2, number=9)


def url(org):
    return goals_url("items_renumber", org.sheet_a.pk)


def numbers(org):
    return list(
        GoalItem.objects.filter(sheet=org.sheet_a)
        .order_by("position")
        .values_list("number", flat=True)
    )


def test_the_head_renumbers_keeping_groups(org, as_persona, gaps):
    response = as_persona("head_a").post(url(org))
    assert response.status_code == 302
    assert numbers(org) == [1, 1, 2]


def test_another_departments_head_gets_404(org, as_persona, gaps):
    assert as_persona("head_b").post(url(org)).status_code == 404


def test_a_section_chief_gets_403(org, as_persona, gaps):
    assert as_persona("chief_a").post(url(org)).status_code == 403
    assert numbers(org) == [5, 5, 9]


def test_wrong_method(org, as_persona, gaps):
    assert as_persona("head_a").get(url(org)).status_code == 405


def test_htmx_gets_the_table_body_and_a_message(org, as_persona, gaps):
    response = as_persona("head_a").post(url(org), **HTMX)
    assert not is_full_page(response)
    assert text(response).lstrip().startswith('<tbody id="sheet-items">')
