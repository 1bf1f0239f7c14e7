import pytest
from django.urls import reverse

from reviews.models import ReviewStatus
from tests.reviews.conftest import HTMX, edit_url, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(mid_year):
    return make_review(mid_year.item_a, mid_year.section_a1, status=ReviewStatus.SUBMITTED)


@pytest.fixture
def url(review):
    return reverse("reviews:review_return", args=[review.pk])


def test_head_returns_with_a_comment_the_chief_sees(mid_year, client_for, review, url):
    data = {"version": review.version, "comment": "下半期の予定を具体的に書いてください。"}
    response = client_for(mid_year.head_a).post(url, data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.RETURNED
    page = client_for(mid_year.chief_a).get(
        edit_url(mid_year.item_a, "mid_year", mid_year.section_a1)
    )
    page = page.content.decode()
    assert "差し戻しの理由" in page and "下半期の予定を具体的に書いてください。" in page
    assert "提出する" in page


def test_htmx_gets_the_card(mid_year, client_for, review, url):
    data = {"version": review.version, "comment": "数字を入れてください。"}
    page = client_for(mid_year.head_a).post(url, data, **HTMX).content.decode()
    assert "<html" not in page and "差し戻しました。" in page and "数字を入れてください。" in page


def test_empty_comment_is_refused_in_place(mid_year, client_for, review, url):
    page = client_for(mid_year.head_a).post(url, {"version": 1, "comment": " "}, **HTMX)
    page = page.content.decode()
    assert (
        "差し戻しの理由を入力してください。" in page and '<details class="return-box" open' in page
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_without_javascript_errors_come_back_on_the_return_page(mid_year, client_for, review, url):
    response = client_for(mid_year.head_a).post(url, {"version": 1, "comment": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and "差し戻しの理由を入力してください。" in page


def test_get_shows_the_return_page(mid_year, client_for, url):
    response = client_for(mid_year.head_a).get(url)
    assert response.status_code == 200 and "中間確認を差し戻す" in response.content.decode()


@pytest.mark.parametrize("persona", ["head_b", "chief_b", "chief_a2"])
def test_another_department_or_section_gets_404(mid_year, client_for, url, persona):
    client = client_for(mid_year.persona(persona))
    assert client.post(url, {"version": 1, "comment": "x"}).status_code == 404
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["planner", "chief_a"])
def test_readers_get_403(mid_year, client_for, review, url, persona):
    client = client_for(mid_year.persona(persona))
    assert client.post(url, {"version": 1, "comment": "x"}).status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_wrong_method(mid_year, client_for, url):
    assert client_for(mid_year.head_a).put(url).status_code == 405
