import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import ReviewStatus
from tests import factories
from tests.reviews.conftest import HTMX, build_city, make_review

pytestmark = pytest.mark.django_db
URL = reverse("reviews:search")


@pytest.fixture
def data(mid_year):
    make_review(
        mid_year.item_a,
        mid_year.section_a1,
        status=ReviewStatus.SUBMITTED,
        first_half_status="窓口の待ち時間を毎月計測しました。",
    )
    return mid_year


def test_keyword_finds_review_text_and_links_to_the_item(data, client_for):
    response = client_for(data.planner).get(URL, {"q": "待ち時間"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1件</strong>" in page and data.item_a.title in page
    assert "<mark>待ち時間</mark>" in page
    assert f"#item-{data.item_a.pk}" in page
    assert reverse("reviews:search_xlsx") + "?q=" in page


def test_filters_combine(data, client_for):
    client = client_for(data.planner)
    page = client.get(URL, {"department": data.dept_b.pk, "q": "待ち時間"}).content.decode()
    assert "条件に合う実施項目はありません。" in page
    page = client.get(URL, {"progress_mark": "○", "year": data.fiscal_year.year}).content.decode()
    assert data.item_a.title in page and data.item_b.title not in page


def test_bad_filter_values_are_reported(data, client_for):
    page = client_for(data.planner).get(URL, {"year": "1800", "deadline": "13"}).content.decode()
    assert "検索条件を確かめてください。" in page


def test_pages_of_fifty(data, client_for):
    for position in range(1, 61):
        factories.GoalItemFactory(
            sheet=data.sheet_a, position=position, title=f"共通語を含む項目{position}"
        )
    client = client_for(data.planner)
    page = client.get(URL, {"q": "共通語"}).content.decode()
    assert "<strong>60件</strong>" in page and "1 / 2ページ" in page and "次へ" in page
    page = client.get(URL, {"q": "共通語", "page": 2}, **HTMX).content.decode()
    assert "51〜60件目" in page
    for past_the_end in ("9", "9" * 40):
        page = client.get(URL, {"q": "共通語", "page": past_the_end}).content.decode()
        assert "51〜60件目" in page and "2 / 2ページ" in page


def test_wrong_method(mid_year, client_for):
    assert client_for(mid_year.planner).post(URL).status_code == 405


def test_htmx_gets_the_results(data, client_for):
    page = client_for(data.planner).get(URL, {"q": "窓口"}, **HTMX).content.decode()
    assert "<html" not in page and page.lstrip().startswith('<section id="search-results"')


def test_full_page_otherwise(data, client_for):
    page = client_for(data.planner).get(URL).content.decode()
    assert "<html" in page and "条件を指定して検索してください。" in page


def test_queries_are_the_same_for_1_and_20_departments(mid_year, client_for):
    build_city(mid_year.fiscal_year, 1)
    client = client_for(mid_year.planner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "実施項目"}).status_code == 200
        return len(queries)

    before = count()
    build_city(mid_year.fiscal_year, 19, items_per_department=8)
    assert count() == before
