import pytest

from goals.models import GoalSheet, SheetStatus
from tests.goals.views.conftest import HTMX, goals_url

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_submit", org.sheet_a.pk)


def status(org):
    return GoalSheet.objects.get(pk=org.sheet_a.pk).status


def test_the_head_submits(org, as_persona, signed):
    client = as_persona("head_a")
    response = client.post(url(org), {"version": "1"}, follow=True)
    assert status(org) == SheetStatus.SUBMITTED
    assert "提出しました。" in response.content.decode()


def test_what_is_missing_is_listed(org, as_persona):
    response = as_persona("head_a").post(url(org), {"version": "1"}, follow=True)
    assert "署名者（職名・氏名）がありません。" in response.content.decode()
    assert status(org) == SheetStatus.DRAFT


def test_a_stale_page_is_refused(org, as_persona, signed):
    org.sheet_a.version = 3
    org.sheet_a.save()
    response = as_persona("head_a").post(url(org), {"version": "1"}, follow=True)
    assert "ほかの人が先に更新しました" in response.content.decode()
    assert status(org) == SheetStatus.DRAFT


def test_another_departments_head_gets_404(org, as_persona, signed):
    assert as_persona("head_b").post(url(org), {"version": "1"}).status_code == 404


def test_a_section_chief_gets_403(org, as_persona, signed):
    assert as_persona("chief_a").post(url(org), {"version": "1"}).status_code == 403
    assert as_persona("planner").post(url(org), {"version": "1"}).status_code == 403
    assert status(org) == SheetStatus.DRAFT


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").get(url(org)).status_code == 405


def test_htmx_is_sent_to_the_sheet_page(org, as_persona, signed):
    response = as_persona("head_a").post(url(org), {"version": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == goals_url("sheet_detail", org.sheet_a.pk)


def test_full_page_otherwise(org, as_persona, signed):
    response = as_persona("head_a").post(url(org), {"version": "1"})
    assert response.status_code == 302 and response.url == goals_url("sheet_detail", org.sheet_a.pk)
