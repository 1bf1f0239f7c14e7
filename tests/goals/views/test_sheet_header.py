import pytest

from tests.goals.views.conftest import HTMX, goals_url, text

pytestmark = pytest.mark.django_db


def test_htmx_gets_the_date_line(org, as_persona):
    response = as_persona("head_a").get(goals_url("sheet_header", org.sheet_a.pk), **HTMX)
    assert response.status_code == 200
    assert text(response).strip().startswith('<div id="sheet-dates"')
    assert "年4月1日" in text(response)
    assert goals_url("sheet_header_edit", org.sheet_a.pk) in text(response)


def test_a_reader_gets_it_without_the_edit_button(org, as_persona):
    response = as_persona("chief_a").get(goals_url("sheet_header", org.sheet_a.pk), **HTMX)
    assert response.status_code == 200
    assert goals_url("sheet_header_edit", org.sheet_a.pk) not in text(response)


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").post(goals_url("sheet_header", org.sheet_a.pk)).status_code == 405


def test_without_htmx_the_sheet_page_is_shown(org, as_persona):
    response = as_persona("head_a").get(goals_url("sheet_header", org.sheet_a.pk))
    assert response.status_code == 302 and response.url == goals_url("sheet_detail", org.sheet_a.pk)
