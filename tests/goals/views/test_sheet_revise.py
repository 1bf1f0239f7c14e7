import pytest

from goals.models import GoalSheet, SheetStatus
from tests.goals.views.conftest import HTMX, goals_url, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_revise", org.sheet_a.pk)


def test_the_head_reopens_an_accepted_sheet(org, as_persona, accepted):
    client = as_persona("head_a")
    response = client.post(url(org), {"version": "1"}, follow=True)
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).status == SheetStatus.DRAFT
    content = response.content.decode()
    assert "見直しを始めました" in content
    assert "見直し中です" in content and goals_url("snapshot_detail", org.sheet_a.pk, 1) in content


def test_wrong_method(org, as_persona, accepted):
    assert as_persona("head_a").get(url(org)).status_code == 405


def test_a_draft_is_not_revised(org, as_persona):
    response = as_persona("head_a").post(url(org), {"version": "1"}, follow=True)
    assert "見直しできるのは承認済みの整理表だけです。" in text(response)


def test_htmx_is_sent_to_the_sheet_page(org, as_persona, accepted):
    response = as_persona("head_a").post(url(org), {"version": "1"}, **HTMX)
    assert response["HX-Redirect"] == goals_url("sheet_detail", org.sheet_a.pk)


def test_full_page_otherwise(org, as_persona, accepted):
    assert as_persona("head_a").post(url(org), {"version": "1"}).status_code == 302
