import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.services import changelog_record
from reviews.models import Review
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, item_post_data, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_history", org.sheet_a.pk)


def edit(org, client, title, version):
    client.post(
        goals_url("item_edit", org.sheet_a.pk, org.item_a.pk),
        item_post_data(org, title=title, version=str(version)),
    )


def test_the_history_shows_who_changed_what(org, as_persona):
    client = as_persona("head_a")
    edit(org, client, "新しい実施項目", 1)
    response = client.get(url(org))
    content = text(response)
    assert response.status_code == 200
    assert "項目を変更" in content and "市民 太郎" in content
    assert org.item_a.title in content and "新しい実施項目" in content
    assert "変更前" in content and "変更後" in content
    assert "_version" not in content


def test_a_section_chief_reads_it(org, as_persona):
    assert as_persona("chief_a").get(url(org)).status_code == 200


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").post(url(org)).status_code == 405


def test_htmx_gets_the_entries(org, as_persona):
    response = as_persona("head_a").get(url(org), **HTMX)
    assert not is_full_page(response)
    assert text(response).strip().startswith('<div id="history-entries">')


def test_full_page_otherwise(org, as_persona):
    assert is_full_page(as_persona("head_a").get(url(org)))


def test_the_history_costs_the_same_for_any_length(org, as_persona):
    client = as_persona("head_a")

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(url(org))
        return len(queries)

    edit(org, client, "一回目", 1)
    once = count()
    for version in range(2, 8):
        edit(org, client, f"{version}回目", version)
    assert count() == once


def test_another_sections_review_changes_are_not_shown_to_a_chief(org, client_for):
    """経済課's chief reads the sheet's history, but not what 市民課 wrote in its review."""

    review = Review.objects.create(item=org.item_a, section=org.section_a1, stage="mid_year")
    changelog_record(
        sheet=org.sheet_a,
        target=review,
        action="review.saved",
        user=org.chief_a,
        changes={"上半期の状況や評価": ["", "市民課だけが読める記入"]},
    )
    url = goals_url("sheet_history", org.sheet_a.pk)
    assert "市民課だけが読める記入" in client_for(org.chief_a).get(url).content.decode()
    assert "市民課だけが読める記入" in client_for(org.head_a).get(url).content.decode()
    assert "市民課だけが読める記入" not in client_for(org.chief_a2).get(url).content.decode()


def test_a_deleted_reviews_changes_are_not_shown_to_other_chiefs(org, client_for):
    """Issue 16, point 6: after an import replaced the sheet, its deleted reviews' texts stayed
    in the history for every chief. Whose a deleted review was cannot be asked any more: only
    those who read every review of the sheet (its head, planning staff) still see them."""
    review = Review.objects.create(item=org.item_a, section=org.section_a1, stage="mid_year")
    changelog_record(
        sheet=org.sheet_a,
        target=review,
        action="review.saved",
        user=org.chief_a,
        changes={"上半期の状況や評価": ["", "消えた確認の記入"]},
    )
    review.delete()
    url = goals_url("sheet_history", org.sheet_a.pk)
    assert "消えた確認の記入" not in client_for(org.chief_a2).get(url).content.decode()
    assert "消えた確認の記入" in client_for(org.head_a).get(url).content.decode()
    assert "消えた確認の記入" in client_for(org.planner).get(url).content.decode()
