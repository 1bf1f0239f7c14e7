import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import ReviewStatus
from tests import factories
from tests.reviews.conftest import HTMX, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(mid_year):
    return reverse("reviews:sheet_reviews", args=[mid_year.sheet_a.pk])


@pytest.fixture
def shared(mid_year):
    item = factories.GoalItemFactory(
        sheet=mid_year.sheet_a, position=1, sections=[mid_year.section_a1, mid_year.section_a2]
    )
    make_review(
        item, mid_year.section_a1, status=ReviewStatus.SUBMITTED, first_half_status="市民課の記入"
    )
    make_review(
        item, mid_year.section_a2, status=ReviewStatus.CONFIRMED, first_half_status="経済課の記入"
    )
    return item


def test_head_sees_every_sections_review_and_can_confirm(mid_year, client_for, url, shared):
    page = client_for(mid_year.head_a).get(url).content.decode()
    assert "市民課の記入" in page and "経済課の記入" in page
    assert page.count("確認する<span") == 1 and "差し戻す" in page
    assert "確認待ち <strong>1</strong>件" in page


def test_chief_sees_only_their_own_sections_reviews(mid_year, client_for, url, shared):
    page = client_for(mid_year.chief_a2).get(url).content.decode()
    assert "経済課の記入" in page and "市民課の記入" not in page
    assert "確認する<span" not in page


def test_planning_staff_read_without_actions(mid_year, client_for, url, shared):
    page = client_for(mid_year.planner).get(url).content.decode()
    assert "市民課の記入" in page and "確認する<span" not in page


def test_filter_and_stage(mid_year, client_for, url, shared):
    client = client_for(mid_year.head_a)
    page = client.get(url, {"show": "submitted"}).content.decode()
    assert "市民課の記入" in page and "経済課の記入" not in page
    page = client.get(url, {"stage": "year_end"}).content.decode()
    assert "年度末確認" in page and "市民課の記入" not in page


def test_wrong_method(mid_year, client_for, url):
    assert client_for(mid_year.head_a).post(url).status_code == 405


def test_htmx_gets_the_partial(mid_year, client_for, url):
    page = client_for(mid_year.head_a).get(url, {"stage": "year_end"}, **HTMX).content.decode()
    assert "<html" not in page and 'id="sheet-reviews"' in page


def test_full_page_otherwise(mid_year, client_for, url):
    assert "<html" in client_for(mid_year.head_a).get(url).content.decode()


def test_queries_do_not_grow_with_items(mid_year, client_for, url, shared):
    client = client_for(mid_year.head_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for position in range(2, 22):
        item = factories.GoalItemFactory(
            sheet=mid_year.sheet_a, position=position, sections=[mid_year.section_a1]
        )
        make_review(item, mid_year.section_a1, status=ReviewStatus.SUBMITTED)
    assert count() == before


def test_no_return_box_once_the_stage_has_closed(mid_year, client_for, url, shared):
    """After the close the head cannot return (the writer could not fix it): no box offered."""
    page = client_for(mid_year.head_a).get(url).content.decode()
    assert page.count("差し戻す<span") == 2  # the submitted and the confirmed review
    mid_year.fiscal_year.phase = "year_end"
    mid_year.fiscal_year.save()
    page = client_for(mid_year.head_a).get(url + "?stage=mid_year").content.decode()
    assert "差し戻す<span" not in page
