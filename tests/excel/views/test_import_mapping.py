"""The column mapping on the preview page: change a column's field, read again, confirm."""

import pytest
from django.urls import reverse

from goals.models import GoalSheet
from tests import factories
from tests.excel.test_mapping import other_words_workbook
from tests.excel.views.conftest import db_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_sheet(org):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()


def test_the_preview_shows_each_column_with_its_heading_and_field(
    org, client_for, upload, empty_sheet
):
    response = upload(
        client_for(org.head_a),
        other_words_workbook(),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "列の読み込み先" in content
    assert 'name="upload_token"' in content
    assert '<select name="map_E" id="map-E">' in content
    assert '<option value="method" selected>方法</option>' in content
    assert "提案（確かめてください）" in content
    headings = {h.letter: h.key for h in response.context["plan"].imported.headings}
    assert headings["H"] == "" and headings["E"] == "method"


def test_a_changed_mapping_is_read_again_and_confirmed(org, client_for, upload, empty_sheet):
    client = client_for(org.head_a)
    first = upload(
        client, other_words_workbook(), department=org.dept_a, fiscal_year=org.fiscal_year
    )
    token = first.context["upload_token"]
    before = db_state()
    posted = {"upload_token": token, "map_E": "method", "map_H": "indicator", "map_I": ""}
    again = client.post(reverse("excel:import_preview"), posted)
    assert again.status_code == 200
    plan = again.context["plan"]
    assert {h.letter: (h.key, h.how) for h in plan.imported.headings}["H"] == (
        "indicator",
        "chosen",
    )
    assert plan.imported.blocking_unread == []
    assert db_state() == before  # reading again writes nothing
    confirmed = client.post(reverse("excel:import_confirm"), {"payload": again.context["payload"]})
    assert confirmed.status_code == 302
    item = GoalSheet.objects.get(fiscal_year=org.fiscal_year, department=org.dept_a).items.get()
    assert (item.title, item.indicator, item.method, item.deadline) == (
        "窓口の改善",
        "人手が足りない",
        "受付の見直し",
        "12月",
    )
    # Remembered for the department's next import.
    next_time = upload(
        client, other_words_workbook(), department=org.dept_a, fiscal_year=org.fiscal_year
    )
    headings = {h.letter: (h.key, h.how) for h in next_time.context["plan"].imported.headings}
    assert headings["H"] == ("indicator", "remembered")
    assert "この部の前回の指定" in next_time.content.decode()


def test_someone_elses_upload_token_is_refused(org, client_for, upload, empty_sheet):
    first = upload(
        client_for(org.head_a),
        other_words_workbook(),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    token = first.context["upload_token"]
    response = client_for(org.admin).post(
        reverse("excel:import_preview"), {"upload_token": token, "map_H": "indicator"}
    )
    assert response.status_code == 400
    assert "ほかの人が選んだファイルは使えません" in response.content.decode()


def test_a_tampered_token_is_refused(org, client_for, empty_sheet):
    response = client_for(org.head_a).post(
        reverse("excel:import_preview"), {"upload_token": "x:y:z"}
    )
    assert response.status_code == 400
    assert "もう一度ファイルを選んでください" in response.content.decode()
