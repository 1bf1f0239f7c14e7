"""reviews:search_xlsx — the filtered search results as a flat Excel table."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reviews.models import ReviewStatus
from tests.reviews.conftest import make_review

pytestmark = pytest.mark.django_db
URL = reverse("reviews:search_xlsx")


@pytest.fixture
def data(mid_year):
    make_review(
        mid_year.item_a,
        mid_year.section_a1,
        status=ReviewStatus.SUBMITTED,
        first_half_status="窓口の待ち時間を毎月計測しました。",
    )
    return mid_year


def cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def test_exports_what_the_search_found(data, client_for):
    response = client_for(data.planner).get(URL, {"q": "待ち時間"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(str(value) for row in cells(response) for value in row)
    assert data.item_a.title in text
    assert "窓口の待ち時間を毎月計測しました。" in text
    assert data.item_b.title not in text


def test_invalid_filters_are_a_japanese_400(data, client_for):
    response = client_for(data.planner).get(URL, {"year": "abc"})
    assert response.status_code == 400
    assert "検索条件" in response.content.decode()


def test_wrong_method(data, client_for):
    assert client_for(data.planner).post(URL).status_code == 405
