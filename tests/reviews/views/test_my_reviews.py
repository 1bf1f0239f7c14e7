import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import ReviewStatus
from tests import factories
from tests.reviews.conftest import HTMX, build_city, make_review

pytestmark = pytest.mark.django_db
URL = reverse("reviews:my_reviews")


def test_chief_sees_their_items_with_stage_status_and_deadline(mid_year, client_for):
    org = mid_year
    org.fiscal_year.mid_year_deadline = org.fiscal_year.starts_on.replace(month=11, day=30)
    org.fiscal_year.save()
    make_review(org.item_a, org.section_a1, status=ReviewStatus.RETURNED)
    response = client_for(org.chief_a).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert org.item_a.title in page
    assert "差し戻し" in page and "直す" in page
    assert "中間確認" in page and "受付中" in page and "11月30日" in page
    assert (
        reverse("reviews:review_edit", args=[org.item_a.pk, "mid_year", org.section_a1.pk]) in page
    )


def test_another_departments_items_are_not_listed(mid_year, client_for):
    page = client_for(mid_year.chief_b).get(URL).content.decode()
    assert mid_year.item_a.title not in page and mid_year.item_b.title in page


def test_another_sections_items_are_not_listed(mid_year, client_for):
    other = factories.GoalItemFactory(
        sheet=mid_year.sheet_a, position=1, sections=[mid_year.section_a2]
    )
    page = client_for(mid_year.chief_a).get(URL).content.decode()
    assert other.title not in page


def test_read_only_planning_staff_file_nothing_here(mid_year, client_for):
    response = client_for(mid_year.planner).get(URL)
    assert response.status_code == 200
    assert "記入する確認はありません" in response.content.decode()


def test_head_can_name_the_section_of_a_common_item(mid_year, client_for):
    common = factories.GoalItemFactory(sheet=mid_year.sheet_a, position=1, is_common=True)
    page = client_for(mid_year.head_a).get(URL).content.decode()
    assert reverse("reviews:common_reviewer", args=[common.pk]) in page
    assert "部長（部として記入）" in page


def test_wrong_method(mid_year, client_for):
    assert client_for(mid_year.chief_a).post(URL).status_code == 405


def test_htmx_gets_the_partial(mid_year, client_for):
    response = client_for(mid_year.chief_a).get(URL, {"year": mid_year.fiscal_year.year}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'id="my-reviews"' in page


def test_full_page_otherwise(mid_year, client_for):
    page = client_for(mid_year.chief_a).get(URL).content.decode()
    assert "<html" in page and "css/reviews.css" in page


def test_unknown_year_is_404(mid_year, client_for):
    client = client_for(mid_year.chief_a)
    assert client.get(URL, {"year": "1999"}).status_code == 404
    assert client.get(URL, {"year": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(mid_year, client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_queries_do_not_grow_with_departments_or_rows(mid_year, client_for):
    org = mid_year
    ((department, sheet, head, chief),) = build_city(org.fiscal_year, 1)

    def count(user):
        client = client_for(type(user).objects.get(pk=user.pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = (count(head), count(chief))
    build_city(org.fiscal_year, 19, items_per_department=6)
    section = department.sections.get(name__endswith="一課")
    for position in range(10, 20):
        factories.GoalItemFactory(sheet=sheet, position=position, sections=[section])
        factories.GoalItemFactory(sheet=sheet, position=position + 20, is_common=True)
    assert (count(head), count(chief)) == before
