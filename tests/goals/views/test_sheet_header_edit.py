import datetime

import pytest

from goals.models import GoalSheet
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_header_edit", org.sheet_a.pk)


def test_the_head_changes_the_creation_date_typed_in_wareki(org, as_persona):
    year = org.fiscal_year.year
    era_year = year - 2018  # 令和
    response = as_persona("head_a").post(
        url(org), {"created_on": f"令和{era_year}年４月１０日", "version": 1}
    )
    assert response.status_code == 302
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).created_on == datetime.date(year, 4, 10)


def test_a_bad_date_is_explained_and_changes_nothing(org, as_persona):
    response = as_persona("head_a").post(url(org), {"created_on": "四月一日", "version": 1})
    assert response.status_code == 200
    assert "のように入力してください" in text(response)
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).version == 1


def test_an_older_version_is_refused(org, as_persona):
    client = as_persona("head_a")
    client.post(url(org), {"created_on": f"{org.fiscal_year.year}/4/2", "version": 1})
    response = client.post(url(org), {"created_on": f"{org.fiscal_year.year}/4/3", "version": 1})
    assert "別のタブまたはほかの人が" in text(response)
    assert "保存されている内容: 令和8年4月2日" in text(response)  # both changed it
    assert "作成日を変更" in text(response)  # what the other save was
    assert 'name="version" value="2"' in text(response)


def test_a_section_chief_gets_403(org, as_persona):
    response = as_persona("chief_a").post(url(org), {"created_on": "2026/4/2", "version": 1})
    assert response.status_code == 403


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").put(url(org)).status_code == 405


def test_htmx_gets_the_form_then_the_date_line(org, as_persona):
    client = as_persona("head_a")
    response = client.get(url(org), **HTMX)
    assert not is_full_page(response) and text(response).strip().startswith(
        '<form id="sheet-dates"'
    )
    response = client.post(
        url(org), {"created_on": f"{org.fiscal_year.year}-04-05", "version": 1}, **HTMX
    )
    assert text(response).strip().startswith('<div id="sheet-dates"')
    assert "年4月5日" in text(response)


def test_full_page_otherwise(org, as_persona):
    assert is_full_page(as_persona("head_a").get(url(org)))


def test_a_submitted_sheet_is_not_edited(org, as_persona, submitted):
    response = as_persona("head_a").get(url(org))
    assert response.status_code == 302
    response = as_persona("head_a").get(url(org), **HTMX)
    assert response["HX-Reswap"] == "none"
    assert "提出済みのため編集できません" in text(response)
