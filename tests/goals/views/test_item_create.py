import re

import pytest

from goals.models import GoalItem
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, item_post_data, text

pytestmark = pytest.mark.django_db


def url(org, query=""):
    return goals_url("item_create", org.sheet_a.pk, query=query)


def test_the_head_adds_an_item_with_bullets_and_two_sections(org, as_persona):
    response = as_persona("head_a").post(url(org), item_post_data(org, number="2"))
    item = GoalItem.objects.get(sheet=org.sheet_a, number=2)
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")
    assert item.achievement_bullets == [
        "待ち時間が短くなっている。",
        "手続きがオンラインでできる。",
    ]
    assert item.deadline == "12月"
    assert [c.section.name for c in item.carriers.all()] == ["市民課", "経済課"]


def test_errors_come_back_in_the_row_and_nothing_is_lost(org, as_persona):
    data = item_post_data(org, title="", deadline="13月", sections=[], method="方法は残る")
    response = as_persona("head_a").post(url(org), data, **HTMX)
    content = text(response)
    assert response.status_code == 200 and not is_full_page(response)
    assert content.strip().startswith('<tr id="item-new-end"')
    assert "実施項目を入力してください。" in content
    assert "「13月」の月が正しくありません" in content
    assert "「共通」か、担当する課を1つ以上選んでください。" in content
    assert "方法は残る" in content
    assert GoalItem.objects.filter(sheet=org.sheet_a).count() == 1


def test_insert_below_an_item(org, as_persona):
    second = factories.GoalItemFactory(sheet=org.sheet_a, position=1, number=2, title="二番目")
    data = item_post_data(org, number="2", after=str(org.item_a.pk))
    response = as_persona("head_a").post(url(org), data, **HTMX)
    new = GoalItem.objects.get(title="窓口業務の改善")
    assert new.position == 1
    second.refresh_from_db()
    assert (second.position, second.number) == (2, 3)
    # the new row, and the other rows' 番号 cells refreshed out of band
    content = text(response)
    assert content.strip().startswith(f'<tr id="item-{new.pk}" class="item-row">')
    assert f'id="item-{second.pk}-number" class="col-number" hx-swap-oob="true">3<' in content
    assert 'id="messages"' in content


def test_the_form_suggests_the_next_number(org, as_persona):
    response = as_persona("head_a").get(url(org), **HTMX)
    assert 'name="number" value="2"' in text(response)
    assert 'list="deadline-suggestions"' in text(response)
    assert "data-unsaved-warning" in text(response)


def test_another_departments_head_gets_404(org, as_persona):
    assert as_persona("head_b").post(url(org), item_post_data(org)).status_code == 404


def test_a_section_chief_gets_403(org, as_persona):
    assert as_persona("chief_a").post(url(org), item_post_data(org)).status_code == 403
    assert as_persona("planner").get(url(org)).status_code == 403


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").put(url(org)).status_code == 405


def test_htmx_gets_the_form_row(org, as_persona):
    response = as_persona("head_a").get(url(org), **HTMX)
    assert not is_full_page(response)
    assert text(response).strip().startswith('<tr id="item-new-end"')


def test_full_page_otherwise(org, as_persona):
    response = as_persona("head_a").get(url(org))
    assert is_full_page(response) and 'id="deadline-suggestions"' in text(response)


def test_an_accepted_sheet_is_not_edited(org, as_persona, accepted):
    response = as_persona("head_a").post(url(org), item_post_data(org))
    assert response.status_code == 302
    assert GoalItem.objects.filter(sheet=org.sheet_a).count() == 1


def test_a_double_clicked_add_creates_one_item(org, as_persona):
    """Issue 16, point 5: the same create form sent twice (a double click) creates one item."""
    client = as_persona("head_a")
    form = text(client.get(url(org), **HTMX))
    once = re.search(r'name="once" value="([0-9a-f]+)"', form).group(1)
    data = item_post_data(org, number="2", title="一度だけ追加", once=once)
    before = GoalItem.objects.filter(sheet=org.sheet_a).count()

    first = client.post(url(org), data, **HTMX)
    second = client.post(url(org), data, **HTMX)

    assert first.status_code == second.status_code == 200
    assert GoalItem.objects.filter(sheet=org.sheet_a).count() == before + 1
    item = GoalItem.objects.get(sheet=org.sheet_a, title="一度だけ追加")
    assert f'id="item-{item.pk}"' in text(second)  # the second answer shows the same row


def test_each_opened_form_has_its_own_token(org, as_persona):
    client = as_persona("head_a")
    tokens = {
        re.search(r'name="once" value="([0-9a-f]+)"', text(client.get(url(org), **HTMX))).group(1)
        for _ in range(2)
    }
    assert len(tokens) == 2
