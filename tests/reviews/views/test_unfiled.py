import pytest
from django.urls import reverse

from reviews.models import ReviewStatus
from tests.reviews.conftest import HTMX, make_review

pytestmark = pytest.mark.django_db
URL = reverse("reviews:unfiled")


def test_lists_who_has_not_filed_as_text_to_copy(mid_year, client_for):
    make_review(mid_year.item_b, mid_year.section_b1, status=ReviewStatus.SUBMITTED)
    response = client_for(mid_year.planner).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<textarea id="reminder-text"' in page
    assert "・市民課長 市民課 太郎 様（1件）" in page
    assert "生活福祉課長" not in page
    assert "文面をコピー" in page


def test_stage_choice(mid_year, client_for):
    page = client_for(mid_year.planner).get(URL, {"stage": "year_end"}).content.decode()
    assert "年度末確認 未提出の一覧" in page


def test_wrong_method(mid_year, client_for):
    assert client_for(mid_year.planner).post(URL).status_code == 405


def test_htmx_gets_the_partial(mid_year, client_for):
    page = client_for(mid_year.planner).get(URL, **HTMX).content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="unfiled">')


def test_full_page_otherwise(mid_year, client_for):
    assert "<html" in client_for(mid_year.planner).get(URL).content.decode()
