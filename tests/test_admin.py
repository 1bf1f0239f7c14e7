"""The Django admin answers for an administrator on every registered model, in Japanese."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from demo.loaders import load_demo
from goals.models import FiscalYear, GoalSheet
from goals.services import changelog_record
from reviews.models import Review

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"departments", "goals", "reviews", "notifications", "publication"}
)


@pytest.fixture
def admin_client_with_demo(client):
    load_demo()

    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_every_project_model_is_registered():
    registered = {name for _, name in MODELS}
    assert {
        "department",
        "section",
        "roleassignment",
        "fiscalyear",
        "category",
        "goalsheet",
        "goalitem",
        "sheetsnapshot",
        "changelog",
        "progressscale",
        "achievementscale",
        "review",
    } <= registered


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_admin_pages_answer(admin_client_with_demo, app_label, model_name):
    client = admin_client_with_demo
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        change = client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
        assert change.status_code == 200
    if admin.site._registry[model].has_add_permission(changelist.wsgi_request):
        assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200


def test_admin_is_in_japanese(admin_client_with_demo):
    response = admin_client_with_demo.get(reverse("admin:index"))
    content = response.content.decode()
    assert "組織目標 管理画面" in content
    assert "組織目標展開整理表" in content
    assert "ログアウト" in content
    # Third-party apps too (django-axes, django-tasks-db: locale/ja and config/apps.py).
    assert "ログイン試行の制限" in content and "バックグラウンド処理" in content
    for english in ["Axes", "Access attempts", "Tasks Database Backend", "Task Results"]:
        assert english not in content


def test_sheet_admin_shows_items_inline_in_printed_order(admin_client_with_demo):

    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    response = admin_client_with_demo.get(reverse("admin:goals_goalsheet_change", args=[sheet.pk]))
    content = response.content.decode()
    first = content.index("市役所機能を活かして業務の効率化と行政サービスの向上")
    last = content.index("適切な情報共有と連携による業務の推進")
    assert first < last


def test_sheet_changelist_filters_by_year_department_status(admin_client_with_demo):

    url = reverse("admin:goals_goalsheet_changelist")
    year = FiscalYear.objects.get(year=2025)
    response = admin_client_with_demo.get(
        url, {"fiscal_year__id__exact": year.pk, "status__exact": "accepted"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    response = admin_client_with_demo.get(url, {"q": "福祉"})
    assert "福祉部" in response.content.decode()


def _staff_with_all_permissions(user):

    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["goals", "reviews"])
    )
    return type(user).objects.get(pk=user.pk)


def test_admin_asks_the_permissions_module(org, client):
    """Model permissions are not enough: the admin shows what the rules allow, and only an
    administrator changes sheets, items and reviews there."""
    head_b = _staff_with_all_permissions(org.head_b)
    client.force_login(head_b)
    changelist = client.get(reverse("admin:goals_goalsheet_changelist"))
    assert changelist.context["cl"].result_count == 1  # only 福祉部's sheet
    other = client.get(reverse("admin:goals_goalsheet_change", args=[org.sheet_a.pk]))
    assert other.status_code == 302  # not found for them: back to the admin index
    own = client.get(reverse("admin:goals_goalsheet_change", args=[org.sheet_b.pk]))
    # Read-only: content changes go through the pages (versions, history, workflow).
    assert own.status_code == 200 and not own.context["has_change_permission"]

    planner = _staff_with_all_permissions(org.planner)
    client.force_login(planner)
    sheet = client.get(reverse("admin:goals_goalsheet_change", args=[org.sheet_a.pk]))
    assert sheet.status_code == 200
    assert not sheet.context["has_change_permission"]  # planning staff read sheets
    response = client.post(
        reverse("admin:goals_goalitem_delete", args=[org.item_a.pk]), {"post": "yes"}
    )
    assert response.status_code == 403


def test_admin_reviews_follow_review_access(org, client):

    mine = Review.objects.create(item=org.item_a, section=org.section_a1, stage="mid_year")
    factories_item = org.item_a.sheet.items.create(number=2, title="経済課の項目", position=1)
    factories_item.carriers.create(section=org.section_a2, position=0)
    theirs = Review.objects.create(item=factories_item, section=org.section_a2, stage="mid_year")
    chief = _staff_with_all_permissions(org.chief_a)
    client.force_login(chief)
    changelist = client.get(reverse("admin:reviews_review_changelist"))
    assert list(changelist.context["cl"].result_list) == [mine]
    assert client.get(reverse("admin:reviews_review_change", args=[theirs.pk])).status_code == 302
    assert client.get(reverse("admin:goals_changelog_changelist")).status_code == 403


def test_the_change_log_in_the_admin_names_actions_in_japanese(org, client_for):
    """Issue 16, found by reading: raw action codes (review.confirmed …) in the admin."""

    changelog_record(sheet=org.sheet_a, target=org.sheet_a, action="sheet.submitted", user=None)
    content = client_for(org.admin).get("/admin/goals/changelog/").content.decode()
    assert "提出" in content
    assert "sheet.submitted" not in content.replace('action=sheet.submitted"', "")
