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
    assert "ほかの人が先に更新しました" in content
    assert "管理者の変更" in content and org.item_a.title in content  # before → after
    assert "部長の入力" in content  # the user's text is kept
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
