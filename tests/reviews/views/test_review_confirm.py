import pytest
from django.urls import reverse

from reviews.models import ReviewStatus
from tests.reviews.conftest import HTMX, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(mid_year):
    return make_review(mid_year.item_a, mid_year.section_a1, status=ReviewStatus.SUBMITTED)


@pytest.fixture
def url(review):
    return reverse("reviews:review_confirm", args=[review.pk])


def test_head_confirms(mid_year, client_for, review, url):
    response = client_for(mid_year.head_a).post(url, {"version": review.version})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?stage=mid_year#item-{mid_year.item_a.pk}")
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONFIRMED and review.confirmed_by == mid_year.head_a


def test_htmx_gets_the_card(mid_year, client_for, review, url):
    response = client_for(mid_year.head_a).post(url, {"version": review.version}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert f'id="review-{mid_year.item_a.pk}-mid_year-{mid_year.section_a1.pk}"' in page
    assert "確認しました。" in page and "確認済み" in page


def test_stale_page_is_refused_with_a_message(mid_year, client_for, review, url):
    page = client_for(mid_year.head_a).post(url, {"version": 0}, **HTMX).content.decode()
    assert "画面を開いた後に更新されています" in page
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_wrong_method(mid_year, client_for, url):
    assert client_for(mid_year.head_a).get(url).status_code == 405


def test_unknown_review_is_404(mid_year, client_for):
    url = reverse("reviews:review_confirm", args=[999999])
    assert client_for(mid_year.head_a).post(url).status_code == 404
