import pytest
from django.urls import reverse

from goals.models import GoalSheet, SheetStatus
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("sheet_return", org.sheet_a.pk)


def test_planning_staff_return_with_a_comment(org, as_persona, submitted):
    response = as_persona("planner").post(
        url(org), {"version": "2", "comment": "番号1の期限を具体的に。", "next": "/?year=2026"}
    )
    sheet = GoalSheet.objects.get(pk=org.sheet_a.pk)
    assert sheet.status == SheetStatus.RETURNED
    assert sheet.return_comment == "番号1の期限を具体的に。"
    assert response.url == "/?year=2026"


def test_the_head_then_sees_the_comment(org, as_persona, submitted):
    as_persona("planner").post(url(org), {"version": "2", "comment": "番号1の期限を具体的に。"})
    content = text(as_persona("head_a").get(goals_url("sheet_detail", org.sheet_a.pk)))
    assert "差し戻されました" in content and "番号1の期限を具体的に。" in content
    assert "提出する" in content


def test_a_comment_is_required(org, as_persona, submitted):
    response = as_persona("planner").post(url(org), {"version": "2", "comment": ""}, **HTMX)
    assert "差し戻しの理由を入力してください。" in text(response)
    assert GoalSheet.objects.get(pk=org.sheet_a.pk).status == SheetStatus.SUBMITTED


def test_an_unsafe_next_is_ignored(org, as_persona, submitted):
    response = as_persona("planner").post(
        url(org), {"version": "2", "comment": "理由", "next": "https://example.com/"}
    )
    assert response.url == goals_url("sheet_detail", org.sheet_a.pk)


def test_the_head_gets_403(org, as_persona, submitted):
    assert as_persona("head_a").post(url(org), {"version": "2", "comment": "x"}).status_code == 403
    assert as_persona("chief_a").get(url(org)).status_code == 403


def test_wrong_method(org, as_persona, submitted):
    assert as_persona("planner").put(url(org)).status_code == 405


def test_htmx_gets_the_form_in_place(org, as_persona, submitted):
    response = as_persona("planner").get(url(org), **HTMX)
    assert not is_full_page(response) and 'name="comment"' in text(response)
    response = as_persona("planner").post(url(org), {"version": "2", "comment": "理由"}, **HTMX)
    assert response["HX-Redirect"] == goals_url("sheet_detail", org.sheet_a.pk)


def test_full_page_otherwise(org, as_persona, submitted):
    assert is_full_page(as_persona("planner").get(url(org)))


def test_only_a_submitted_sheet_is_returned(org, as_persona):
    response = as_persona("planner").get(url(org))
    assert response.status_code == 302
    assert reverse("home") != response.url
