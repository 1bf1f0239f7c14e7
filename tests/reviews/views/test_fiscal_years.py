import pytest
from django.urls import reverse

from tests.reviews.conftest import HTMX

pytestmark = pytest.mark.django_db
URL = reverse("reviews:fiscal_years")


def test_planning_staff_see_every_year_with_phase_and_deadlines(mid_year, client_for):
    page = client_for(mid_year.planner).get(URL).content.decode()
    assert mid_year.fiscal_year.label in page and "中間確認" in page
    assert reverse("reviews:fiscal_year_edit", args=[mid_year.fiscal_year.year]) in page


def test_wrong_method(mid_year, client_for):
    assert client_for(mid_year.planner).post(URL).status_code == 405


def test_htmx_gets_the_list(mid_year, client_for):
    page = client_for(mid_year.planner).get(URL, **HTMX).content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="year-list">')


def test_full_page_otherwise(mid_year, client_for):
    assert "<html" in client_for(mid_year.planner).get(URL).content.decode()
