import html
import re

import pytest

from goals.models import ChangeLog, GoalItem
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, item_post_data, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("item_edit", org.sheet_a.pk, org.item_a.pk)


def test_the_head_edits_in_place(org, as_persona):
    response = as_persona("head_a").post(
        url(org), item_post_data(org, title="直した実施項目", version="1"), **HTMX
    )
    assert response.status_code == 200
    assert text(response).strip().startswith(f'<tr id="item-{org.item_a.pk}" class="item-row">')
    assert "直した実施項目" in text(response)
    item = GoalItem.objects.get(pk=org.item_a.pk)
    assert item.title == "直した実施項目" and item.version == 2
    assert ChangeLog.objects.filter(target_id=item.pk, action="item.updated").exists()


def test_a_validation_error_keeps_the_row_open(org, as_persona):
    response = as_persona("head_a").post(
        url(org), item_post_data(org, title="", achievement="残る", version="1"), **HTMX
    )
    assert "実施項目を入力してください。" in text(response)
    assert "残る" in text(response) and "<form" in text(response)
    assert GoalItem.objects.get(pk=org.item_a.pk).version == 1


def test_a_save_against_a_newer_version_shows_what_changed(org, as_persona, client_for):
    as_persona("admin").post(url(org), item_post_data(org, title="管理者の変更", version="1"))
    response = as_persona("head_a").post(
        url(org), item_post_data(org, title="部長の入力", version="1"), **HTMX
    )
    content = text(response)
    assert "別のタブまたはほかの人が" in content
    assert "管理者の変更" in content and org.item_a.title in content  # before → after
    # Without the form's base both changed the title: the input is kept, the saved one shown.
    assert "部長の入力" in content and "保存されている内容: 管理者の変更" in content
    assert 'name="version" value="2"' in content
    assert GoalItem.objects.get(pk=org.item_a.pk).title == "管理者の変更"


def test_a_section_chief_gets_403(org, as_persona):
    assert as_persona("chief_a").post(url(org), item_post_data(org, version="1")).status_code == 403


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").delete(url(org)).status_code == 405


def test_htmx_gets_the_form_row(org, as_persona):
    response = as_persona("head_a").get(url(org), **HTMX)
    content = text(response)
    assert not is_full_page(response)
    assert content.strip().startswith(
        f'<tr id="item-{org.item_a.pk}" class="item-row item-row--editing">'
    )
    assert f'value="{org.item_a.version}"' in content and "autofocus" in content


def test_full_page_otherwise(org, as_persona):
    response = as_persona("head_a").get(url(org))
    assert is_full_page(response)
    response = as_persona("head_a").post(url(org), item_post_data(org, version="1"))
    assert response.status_code == 302


# After a conflict (issue 16, point 1) -----------------------------------------------------------


def opened_form(client, org) -> dict:
    """What the edit form holds when opened: its version and base, as the browser posts them."""
    content = text(client.get(url(org), **HTMX))
    base = html.unescape(re.search(r'name="base" value="([^"]*)"', content).group(1))
    return {"version": str(GoalItem.objects.get(pk=org.item_a.pk).version), "base": base}


def sent(org, opened, **changes) -> dict:
    item = GoalItem.objects.get(pk=org.item_a.pk)
    data = item_post_data(
        org,
        number=str(item.number),
        title=item.title,
        achievement=item.achievement,
        method=item.method,
        deadline=item.deadline,
        sections=[str(c.section_id) for c in item.carriers.all()],
    )
    return data | opened | changes


def test_a_second_save_after_a_conflict_keeps_the_colleagues_change(org, client_for):
    a, b = client_for(org.head_a), client_for(org.admin)
    opened_by_a, opened_by_b = opened_form(a, org), opened_form(b, org)
    before = sent(org, opened_by_b)
    assert a.post(url(org), sent(org, opened_by_a, title="Aの実施項目"), **HTMX).status_code == 200

    response = b.post(url(org), before | {"method": "Bの方法"}, **HTMX)
    content = text(response)
    assert "別のタブまたはほかの人が" in content
    # The form now holds A's title (B did not touch it) and B's method.
    assert "Aの実施項目" in content and "Bの方法" in content
    assert "保存されている内容:" not in content  # nothing both changed
    assert GoalItem.objects.get(pk=org.item_a.pk).method != "Bの方法"  # nothing written yet

    # B saves what the form now holds: A's change survives.
    fields = {
        "version": re.search(r'name="version" value="(\d+)"', content).group(1),
        "base": html.unescape(re.search(r'name="base" value="([^"]*)"', content).group(1)),
    }
    again = b.post(
        url(org), before | fields | {"title": "Aの実施項目", "method": "Bの方法"}, **HTMX
    )
    assert again.status_code == 200
    item = GoalItem.objects.get(pk=org.item_a.pk)
    assert (item.title, item.method) == ("Aの実施項目", "Bの方法")


def test_a_field_both_changed_shows_both_and_writes_nothing(org, client_for):
    a, b = client_for(org.head_a), client_for(org.admin)
    opened_by_a, opened_by_b = opened_form(a, org), opened_form(b, org)
    a.post(url(org), sent(org, opened_by_a, title="Aの実施項目"), **HTMX)

    response = b.post(url(org), sent(org, opened_by_b, title="Bの実施項目"), **HTMX)

    content = text(response)
    assert "両方が変えています" in content
    assert "Bの実施項目" in content and "保存されている内容: Aの実施項目" in content
    assert GoalItem.objects.get(pk=org.item_a.pk).title == "Aの実施項目"


def test_the_same_user_in_two_tabs_is_a_conflict_too(org, client_for):
    client = client_for(org.head_a)
    first_tab, second_tab = opened_form(client, org), opened_form(client, org)
    client.post(url(org), sent(org, first_tab, title="1つ目のタブ"), **HTMX)

    response = client.post(url(org), sent(org, second_tab, deadline="年度末"), **HTMX)

    assert "別のタブまたはほかの人が" in text(response)
    assert "1つ目のタブ" in text(response)
    assert GoalItem.objects.get(pk=org.item_a.pk).title == "1つ目のタブ"
