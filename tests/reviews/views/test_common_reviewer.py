import pytest
from django.urls import reverse

from tests import factories
from tests.reviews.conftest import HTMX, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def common(mid_year):
    return factories.GoalItemFactory(sheet=mid_year.sheet_a, position=1, is_common=True)


@pytest.fixture
def url(common):
    return reverse("reviews:common_reviewer", args=[common.pk])


def test_head_names_a_section(mid_year, client_for, common, url):
    response = client_for(mid_year.head_a).post(url, {"section": mid_year.section_a2.pk})
    assert response.status_code == 302
    common.refresh_from_db()
    assert common.common_reviewer_section == mid_year.section_a2


def test_htmx_gets_the_row(mid_year, client_for, common, url):
    make_review(common, None, first_half_status="書きかけ")
    response = client_for(mid_year.head_a).post(url, {"section": mid_year.section_a2.pk}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith("<tr")
    assert "確認は経済課が記入します。" in page
    assert f'value="{mid_year.section_a2.pk}" selected' in page


def test_a_section_of_another_department_is_refused(mid_year, client_for, common, url):
    page = client_for(mid_year.head_a).post(url, {"section": mid_year.section_b1.pk}, **HTMX)
    assert "課を選び直してください。" in page.content.decode()
    common.refresh_from_db()
    assert common.common_reviewer_section is None


def test_not_a_common_item_is_404(mid_year, client_for):
    url = reverse("reviews:common_reviewer", args=[mid_year.item_a.pk])
    assert client_for(mid_year.head_a).post(url, {"section": ""}).status_code == 404


def test_wrong_method(mid_year, client_for, url):
    assert client_for(mid_year.head_a).get(url).status_code == 405
