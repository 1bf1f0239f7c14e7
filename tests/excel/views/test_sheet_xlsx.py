"""excel:sheet_xlsx — a sheet as .xlsx in the official layout."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from excel.xlsx import CONTENT_TYPE

pytestmark = pytest.mark.django_db


def url(sheet, kind=None):
    address = reverse("excel:sheet_xlsx", args=[sheet.pk])
    return f"{address}?kind={kind}" if kind else address


@pytest.mark.parametrize("persona", ["head_a", "chief_a", "chief_a2", "planner", "admin"])
def test_readers_download_the_sheet(org, client_for, persona):
    response = client_for(org.persona(persona)).get(url(org.sheet_a))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    filename = "令和8年度_組織目標展開整理表_市民部.xlsx"
    assert quote(filename) in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["B6"].value == org.item_a.title


def test_year_end_kind_has_the_status_column(org, client_for):
    response = client_for(org.head_a).get(url(org.sheet_a, "year_end"))
    assert response.status_code == 200
    filename = "令和8年度_組織目標展開整理表_達成状況_市民部.xlsx"
    assert quote(filename) in response["Content-Disposition"]
    header = [cell.value for cell in load_workbook(io.BytesIO(response.content)).active[5]]
    assert header[-1] == "達成状況"


def test_read_access_is_enough_so_no_reader_is_refused(org, client_for):
    # A download only reads: every user who may read the sheet gets it (no 403 case).
    assert client_for(org.chief_a2).get(url(org.sheet_a)).status_code == 200


def test_anonymous_is_sent_to_login(org, client_for):
    response = client_for(None).get(url(org.sheet_a))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_unknown_kind_is_a_bad_request_in_japanese(org, client_for):
    response = client_for(org.head_a).get(url(org.sheet_a, "summary"))
    assert response.status_code == 400
    assert "種類の指定が正しくありません" in response.content.decode()


def test_missing_sheet_is_not_found(org, client_for):
    response = client_for(org.admin).get(reverse("excel:sheet_xlsx", args=[999999]))
    assert response.status_code == 404


def test_wrong_method(org, client_for):
    assert client_for(org.head_a).post(url(org.sheet_a)).status_code == 405


def test_htmx_request_gets_the_same_file(org, client_for):
    # A download has no partial: the link is a plain href, and an HX-Request changes nothing.
    client = client_for(org.head_a)
    plain = client.get(url(org.sheet_a))
    htmx = client.get(url(org.sheet_a), headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["Content-Type"] == plain["Content-Type"]
