import pytest

from goals.models import GoalItem
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, item_post_data, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("item_delete", org.sheet_a.pk, org.item_a.pk)


def test_without_javascript_a_confirmation_page_comes_first(org, as_persona):
    client = as_persona("head_a")
    response = client.get(url(org))
    assert is_full_page(response) and "削除しますか" in text(response)
    assert GoalItem.objects.filter(pk=org.item_a.pk).exists()
    response = client.post(url(org), {"version": "1"})
    assert response.status_code == 302
    assert not GoalItem.objects.filter(pk=org.item_a.pk).exists()


def test_htmx_asks_in_the_row_then_removes_it(org, as_persona):
    other = factories.GoalItemFactory(sheet=org.sheet_a, position=1, number=2)
    client = as_persona("head_a")
    response = client.get(url(org), **HTMX)
    assert not is_full_page(response)
    assert (
        text(response)
        .strip()
        .startswith(f'<tr id="item-{org.item_a.pk}" class="item-row item-row--confirm">')
    )
    response = client.post(url(org), {"version": "1"}, **HTMX)
    content = text(response)
    assert f'id="item-{org.item_a.pk}"' not in content  # nothing replaces the row
    assert f'id="item-{other.pk}-number" class="col-number" hx-swap-oob="true">1<' in content
    assert "番号1の項目を削除しました。" in content


def test_a_refusal_is_explained_in_the_row(org, as_persona):
    factories.ReviewFactory(item=org.item_a, section=org.section_a1)
    response = as_persona("head_a").post(url(org), {"version": "1"}, **HTMX)
    assert "記入されているため削除できません" in text(response)
    assert GoalItem.objects.filter(pk=org.item_a.pk).exists()


def test_a_changed_item_is_shown_before_deleting(org, as_persona):
    as_persona("admin").post(
        goals_url("item_edit", org.sheet_a.pk, org.item_a.pk),
        item_post_data(org, title="直された", version="1"),
    )
    response = as_persona("head_a").post(url(org), {"version": "1"}, **HTMX)
    assert "先に変更しました" in text(response) and "直された" in text(response)
    assert 'name="version" value="2"' in text(response)
    assert GoalItem.objects.filter(pk=org.item_a.pk).exists()


def test_another_departments_head_gets_404(org, as_persona):
    assert as_persona("head_b").post(url(org), {"version": "1"}).status_code == 404


def test_a_section_chief_gets_403(org, as_persona):
    assert as_persona("chief_a").post(url(org), {"version": "1"}).status_code == 403


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").put(url(org)).status_code == 405
