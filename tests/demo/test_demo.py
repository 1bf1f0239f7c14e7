import datetime
import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo.loaders import FIXTURES, load_demo
from departments.models import RoleAssignment
from goals.models import GoalItem, GoalSheet
from reviews.models import Review, ReviewStatus, Stage

pytestmark = pytest.mark.django_db


def sheet(year, department):
    return GoalSheet.objects.get(fiscal_year__year=year, department__name=department)


def carried_by(item):
    return ["共通"] if item.is_common else [c.section.name for c in item.carriers.all()]


@pytest.fixture
def demo(db):
    return load_demo()


def test_each_seed_sheet_has_exactly_its_printed_items(demo):
    shimin = sheet(2026, "市民部")
    kodomo = sheet(2023, "子ども家庭部")
    fukushi = sheet(2025, "福祉部")
    assert shimin.items.count() == 25
    assert kodomo.items.count() == 23
    assert sorted(set(kodomo.items.values_list("number", flat=True))) == [1, 2, 3, 4, 5, 6]
    assert kodomo.items.filter(number=1).count() == 8
    assert fukushi.items.count() == 35
    assert sorted(demo.created) == sorted(
        [
            "令和5年度 子ども家庭部（23項目）",
            "令和7年度 福祉部（35項目）",
            "令和8年度 市民部（25項目）",
            "令和5年度 市民部（14項目）",
        ]
    )


@pytest.mark.parametrize(
    "fixture_name",
    ["kokubunji_r8_shimin", "kokubunji_r5_kodomokatei", "kokubunji_r7_fukushi"],
)
def test_every_item_and_field_is_stored_as_printed(demo, fixture_name):
    raw = json.loads((FIXTURES / "sheets" / f"{fixture_name}.json").read_text(encoding="utf-8"))
    stored = sheet(raw["fiscal_year"], raw["department"])
    items = list(stored.items.order_by("position").prefetch_related("carriers__section"))
    assert len(items) == len(raw["items"])
    for item, printed in zip(items, raw["items"], strict=True):
        assert item.number == printed["number"]
        assert item.title == printed.get("title", "")
        assert item.continues_title == printed.get("continues_title", False)
        assert item.continues_achievement == printed.get("continues_achievement", False)
        assert item.category.name == printed["category"]
        assert item.achievement_bullets == printed.get("achievement", [])
        assert item.achievement_as_prose == printed.get("achievement_as_prose", False)
        assert item.method_bullets == printed["method"]
        assert item.method_as_prose == printed.get("method_as_prose", False)
        assert item.deadline == printed["deadline"]
        assert carried_by(item) == (["共通"] if printed.get("common") else printed["sections"])
    assert [(s.title, s.name) for s in stored.signers.all()] == [
        (s["title"], s["name"]) for s in raw["signers"]
    ]


def test_fukushi_sheet_as_printed_at_year_end(demo):
    fukushi = sheet(2025, "福祉部")
    assert fukushi.title == "令和7年度 組織目標展開整理表（福祉部の組織目標）"
    assert list(fukushi.revisions.values_list("revised_on", flat=True)) == [
        datetime.date(2025, 7, 25)
    ]
    assert [(s.title, s.name) for s in fukushi.signers.all()] == [("福祉部長", "玉井理加")]
    item_17 = fukushi.items.get(number=17)
    assert item_17.continues_title and not item_17.continues_achievement
    assert item_17.achievement.startswith("「国分寺市高齢者保健福祉計画")
    item_25 = fukushi.items.get(number=25)
    assert item_25.continues_title and item_25.continues_achievement
    assert carried_by(fukushi.items.get(number=23)) == ["生活福祉課", "障害福祉課", "高齢福祉課"]
    # 達成状況 became confirmed year-end reviews, one per carrying section (or the department).
    year_end = Review.objects.filter(item__sheet=fukushi, stage=Stage.YEAR_END)
    assert year_end.count() == 37
    assert set(year_end.values_list("status", flat=True)) == {ReviewStatus.CONFIRMED}
    assert (
        year_end.get(item__number=2).achievement_level.label
        == year_end.get(item__number=7).achievement_level.label
        == "ほとんど未達成だった(達成率80～50%)"
    )
    assert year_end.get(item__number=27).achievement_level.label == (
        "ほとんど未達成だった(達成率50～25%)"
    )


def test_shimin_sheet_header_and_bullets(demo):
    shimin = sheet(2026, "市民部")
    assert shimin.title == "令和8年度 組織目標展開整理表（部の組織目標）"
    assert [(s.title, s.name) for s in shimin.signers.all()] == [("市民部長", "玉井 理加")]
    first = shimin.items.get(number=1)
    assert first.achievement_bullets[2].startswith(
        "職員数の適正化を図り、公権力行使の範囲のほか、システム管理・企画業務"
    )
    assert first.method_bullets[-1] == "令和9年1月に対象業務のすべての委託を完了"
    assert first.deadline == "1月" and first.deadline_due == datetime.date(2027, 1, 31)
    assert carried_by(shimin.items.get(number=7)) == ["協働コミュニティ課"]


def test_machida_style_reviews(demo):
    machida = sheet(2023, "市民部")
    reviews = Review.objects.filter(item__sheet=machida)
    assert reviews.filter(stage=Stage.MID_YEAR).count() == 14
    assert reviews.filter(stage=Stage.YEAR_END).count() == 14
    first = reviews.get(item__number=1, stage=Stage.YEAR_END)
    assert first.section.name == "市民総務課"
    assert str(first.achievement_level) == "C: 目標水準を達成した"
    assert first.evaluation_reason == "C:目標水準を達成したためです。"
    marks = reviews.filter(stage=Stage.MID_YEAR).values_list("progress_mark__symbol", flat=True)
    assert set(marks) == {"◎", "○"}
    assert machida.items.get(number=1).indicator.startswith("①前期実行計画の推進")


def test_loading_twice_duplicates_nothing(demo):
    counts = (
        GoalSheet.objects.count(),
        GoalItem.objects.count(),
        Review.objects.count(),
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
    )
    report = load_demo()
    assert report.created == []
    assert len(report.skipped) == 4
    assert counts == (
        GoalSheet.objects.count(),
        GoalItem.objects.count(),
        Review.objects.count(),
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
    )


def test_demo_logins_exist_with_password_demo(demo):
    usernames = {"admin", "planner", "shimin_head", "fukushi_head", "kodomo_head", "shimin_chief"}
    users = get_user_model().objects.filter(username__in=usernames)
    assert {user.username for user in users} == usernames
    assert all(user.check_password("demo") for user in users)
    assert users.get(username="admin").is_superuser


def test_command_refuses_demo_logins_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()
    call_command("load_demo", "--no-users")
    assert GoalSheet.objects.count() == 4
    assert not get_user_model().objects.exists()
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    # Never admin/demo outside development: a generated password, printed once.
    assert not admin.check_password("demo")
    printed = re.search(r"パスワードはすべて (\S+)）", out.getvalue()).group(1)
    assert printed != "demo" and len(printed) >= 12
    assert admin.check_password(printed)


def test_fixtures_live_in_the_repository():
    assert FIXTURES.is_relative_to(settings.BASE_DIR)
    assert (FIXTURES / "city.json").exists()
