import pytest

from goals.models import GoalSheet, SheetSnapshot, SheetStatus
from tests.goals.views.conftest import HTMX, goals_url

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_accept", org.sheet_a.pk)


def test_planning_staff_accept(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "2"})
    assert response.status_code == 302
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).status == SheetStatus.ACCEPTED
    assert SheetSnapshot.objects.get(sheet=org.sheet_a).accepted_by == org.planner


def test_accepting_from_the_planning_list_returns_there(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "2", "next": "/?year=2026"})
    assert response.url == "/?year=2026"


def test_a_stale_page_is_refused(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "1"}, follow=True)
    assert "ほかの人が先に更新しました" in response.content.decode()
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).status == SheetStatus.SUBMITTED


def test_wrong_method(org, as_persona, submitted):
    assert as_persona("planner").get(url(org)).status_code == 405


def test_htmx_is_sent_to_the_sheet_page(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "2"}, **HTMX)
    assert response["HX-Redirect"] == goals_url("sheet_detail", org.sheet_a.pk)


def test_full_page_otherwise(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "2"})
    assert response.url == goals_url("sheet_detail", org.sheet_a.pk)
