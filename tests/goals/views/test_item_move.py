import pytest

from goals.models import GoalItem
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(org):
    return factories.GoalItemFactory(sheet=org.sheet_a, position=1, number=2, title="二番目")


def url(org, item):
    return goals_url("item_move", org.sheet_a.pk, item.pk)


def order(org):
    return list(
        GoalItem.objects.filter(sheet=org.sheet_a)
        .order_by("position")
        .values_list("title", "number")
    )


def test_the_head_moves_an_item_up(org, as_persona, second):
    response = as_persona("head_a").post(url(org, second), {"direction": "up"})
    assert response.status_code == 302
    assert order(org) == [("二番目", 1), (org.item_a.title, 2)]


def test_a_refused_move_is_explained(org, as_persona, second):
    GoalItem.objects.filter(pk=second.pk).update(continues_title=True, title="")
    response = as_persona("head_a").post(url(org, second), {"direction": "up"}, **HTMX)
    assert response["HX-Reswap"] == "none"
    assert "継続元の行より上には移動できません" in text(response)


def test_another_departments_head_gets_404(org, as_persona, second):
    assert as_persona("head_b").post(url(org, second), {"direction": "up"}).status_code == 404


def test_a_section_chief_gets_403(org, as_persona, second):
    assert as_persona("chief_a").post(url(org, second), {"direction": "up"}).status_code == 403


def test_wrong_method(org, as_persona, second):
    assert as_persona("head_a").get(url(org, second)).status_code == 405


def test_htmx_gets_the_table_body(org, as_persona, second):
    response = as_persona("head_a").post(url(org, second), {"direction": "up"}, **HTMX)
    content = text(response)
    assert not is_full_page(response)
    assert content.lstrip().startswith('<tbody id="sheet-items">')
    assert content.index("二番目") < content.index(org.item_a.title)


def test_full_page_otherwise(org, as_persona, second):
    response = as_persona("head_a").post(url(org, second), {"direction": "up"})
    assert response.url.endswith(f"#item-{second.pk}")
