import pytest

from reviews.models import Review, ReviewStatus, Stage
from tests.reviews.conftest import HTMX, edit_url, make_review, reopen_url, set_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(org):
    """The mid-year stage has closed; the chief of 市民課 never filed."""
    return set_phase(org, "year_end")


@pytest.fixture
def url(closed):
    return reopen_url(closed.item_a, Stage.MID_YEAR, closed.section_a1)


def test_planning_staff_reopen_and_the_chief_may_file_late(closed, client_for, url):
    response = client_for(closed.planner).post(url, {"comment": "異動のため"})
    assert response.status_code == 302
    assert response["Location"] == edit_url(closed.item_a, Stage.MID_YEAR, closed.section_a1)
    review = Review.objects.get()
    assert review.reopened_by == closed.planner and review.return_comment == "異動のため"
    page = client_for(closed.chief_a).get(response["Location"]).content.decode()
    assert "提出する" in page and "再開" in page


def test_reopening_a_confirmed_review_sends_it_back(closed, client_for, url):
    make_review(closed.item_a, closed.section_a1, status=ReviewStatus.CONFIRMED)
    client_for(closed.planner).post(url, {"comment": ""})
    assert Review.objects.get().status == ReviewStatus.RETURNED


def test_during_the_phase_it_is_refused_with_a_message(mid_year, client_for):
    url = reopen_url(mid_year.item_a, Stage.MID_YEAR, mid_year.section_a1)
    page = client_for(mid_year.planner).post(url, {}, **HTMX).content.decode()
    assert "受付期間中です" in page and not Review.objects.exists()


def test_another_department_gets_404(closed, client_for, url):
    assert client_for(closed.head_b).post(url).status_code == 404
    assert client_for(closed.chief_a2).post(url).status_code == 404


@pytest.mark.parametrize("persona", ["head_a", "chief_a"])
def test_only_planning_staff_reopen(closed, client_for, url, persona):
    assert client_for(closed.persona(persona)).post(url).status_code == 403
    assert not Review.objects.exists()


def test_wrong_method(closed, client_for, url):
    assert client_for(closed.planner).get(url).status_code == 405


def test_htmx_gets_the_review_partial(closed, client_for, url):
    response = client_for(closed.planner).post(url, {"comment": ""}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'id="review-panel"' in page and "再開しました" in page


def test_the_review_page_offers_reopening_to_planning_staff_only(closed, client_for):
    url = edit_url(closed.item_a, Stage.MID_YEAR, closed.section_a1)
    assert "この確認を再開する" in client_for(closed.planner).get(url).content.decode()
    assert "この確認を再開する" not in client_for(closed.head_a).get(url).content.decode()
