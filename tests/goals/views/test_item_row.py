import pytest

from tests.goals.views.conftest import HTMX, goals_url, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("item_row", org.sheet_a.pk, org.item_a.pk)


def test_htmx_gets_the_row_as_shown(org, as_persona):
    response = as_persona("head_a").get(url(org), **HTMX)
    assert response.status_code == 200
    assert text(response).strip().startswith(f'<tr id="item-{org.item_a.pk}" class="item-row">')
    assert org.item_a.title in text(response)


def test_a_reader_gets_it_too(org, as_persona):
    response = as_persona("chief_a").get(url(org), **HTMX)
    assert response.status_code == 200
    assert goals_url("item_edit", org.sheet_a.pk, org.item_a.pk) not in text(response)


def test_an_item_of_another_sheet_is_404(org, as_persona):
    response = as_persona("head_a").get(goals_url("item_row", org.sheet_a.pk, org.item_b.pk))
    assert response.status_code == 404


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").post(url(org)).status_code == 405


def test_without_htmx_the_sheet_page_is_shown(org, as_persona):
    response = as_persona("head_a").get(url(org))
    assert response.url == goals_url("sheet_detail", org.sheet_a.pk) + f"#item-{org.item_a.pk}"
