import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import ReviewStatus
from tests.reviews.conftest import HTMX, build_city, make_review

pytestmark = pytest.mark.django_db
URL = reverse("reviews:dashboard")


@pytest.fixture
def filed(mid_year):
    make_review(mid_year.item_a, mid_year.section_a1, status=ReviewStatus.CONFIRMED)
    return mid_year


def test_planning_staff_see_every_department_with_counts_and_charts(filed, client_for):
    response = client_for(filed.planner).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "市民部" in page and "福祉部" in page and "部ごとの状況" in page
    assert "中間確認の進捗状況" in page and "年度末確認の達成状況" in page
    assert "<svg" in page and 'class="chart-seg chart-seg--mark1"' in page
    assert "市民部 進捗状況の推移（中間確認）" in page
    assert re.search(r"中間確認 提出</p>\s*<p class=\"tile__value\">1<span", page)


def test_charts_and_page_use_no_inline_styles_or_scripts(filed, client_for):
    page = client_for(filed.planner).get(URL).content.decode()
    assert "style=" not in page and "<script>" not in page and " onclick" not in page


def test_overdue_reviews_are_counted(mid_year, client_for):
    mid_year.fiscal_year.mid_year_deadline = datetime.date(mid_year.fiscal_year.year, 4, 30)
    mid_year.fiscal_year.save()
    page = client_for(mid_year.planner).get(URL).content.decode()
    assert re.search(r"期限超過（未提出）</p>\s*<p class=\"tile__value\">2<span", page)


def test_wrong_method(mid_year, client_for):
    assert client_for(mid_year.planner).post(URL).status_code == 405


def test_htmx_gets_the_body(mid_year, client_for):
    page = client_for(mid_year.planner).get(URL, {"year": mid_year.fiscal_year.year}, **HTMX)
    page = page.content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="dashboard-body">')


def test_htmx_for_the_department_chart_gets_only_that(mid_year, client_for):
    response = client_for(mid_year.planner).get(
        URL, {"department": mid_year.dept_b.pk}, HTTP_HX_TARGET="year-over-year", **HTMX
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="year-over-year"')
    assert "福祉部 進捗状況の推移" in page and "部ごとの状況" not in page


def test_full_page_otherwise(mid_year, client_for):
    assert "<html" in client_for(mid_year.planner).get(URL).content.decode()


def test_unknown_year_is_404(mid_year, client_for):
    assert client_for(mid_year.planner).get(URL, {"year": 1990}).status_code == 404


def test_queries_are_the_same_for_1_and_20_departments(mid_year, client_for):
    build_city(mid_year.fiscal_year, 1)
    client = client_for(mid_year.planner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = count()
    build_city(mid_year.fiscal_year, 19, items_per_department=8)
    assert count() == before
