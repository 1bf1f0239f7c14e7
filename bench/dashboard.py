"""Benchmark: the planning dashboard and the search, over 10 fiscal years × 30 departments ×
40 items with their reviews.

The data is built with bulk_create in a throwaway test database (SQLite in memory by default,
or `test_<name>` on the PostgreSQL of DATABASE_URL), then each page is requested in-process
with Django's test client and the median response time is printed. Target: under 200 ms each.

    .venv/bin/python bench/dashboard.py
    .venv/bin/python bench/dashboard.py --repeat 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dashboard.py
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

YEARS = 10
DEPARTMENTS = 30
ITEMS = 40
SECTIONS = 4
CURRENT = 2026
TARGET_MS = 200

WORDS = [
    "窓口",
    "委託",
    "待ち時間",
    "マイナンバーカード",
    "地域",
    "協働",
    "計画",
    "策定",
    "子育て",
    "高齢者",
    "障害",
    "防災",
    "DX",
    "デジタル",
    "公共施設",
    "文化",
    "スポーツ",
    "人権",
    "平和",
    "商店街",
    "周知",
    "検証",
    "会議",
    "条例",
]


def sentence(rng: random.Random, words: int = 18) -> str:
    return "・" + "、".join(rng.choice(WORDS) for _ in range(words)) + "を進めます。"


def build(rng: random.Random) -> dict:
    """The city: bulk inserts only, a few seconds."""
    from django.contrib.auth import get_user_model

    from departments.models import Department, Role, RoleAssignment, Section
    from goals.models import Category, FiscalYear, GoalItem, GoalItemSection, GoalSheet
    from reviews.models import (
        AchievementLevel,
        AchievementScale,
        ProgressMark,
        ProgressScale,
        Review,
    )

    progress = ProgressScale.objects.create(name="進捗状況（◎○△×）")
    marks = ProgressMark.objects.bulk_create(
        ProgressMark(scale=progress, symbol=symbol, meaning=meaning, position=position)
        for position, (symbol, meaning) in enumerate(
            [("◎", "予定より進んでいる"), ("○", "予定どおり"), ("△", "遅れている"), ("×", "停滞")]
        )
    )
    achievement = AchievementScale.objects.create(name="国分寺市 達成状況")
    levels = AchievementLevel.objects.bulk_create(
        AchievementLevel(scale=achievement, label=label, position=position)
        for position, label in enumerate(
            ["達成した", "ほぼ達成した", "ほとんど未達成だった(達成率80～50%)", "未達成だった"]
        )
    )
    categories = Category.objects.bulk_create(
        Category(name=name, display_order=order)
        for order, name in enumerate(["施政方針", "市長特命", "個別計画", "行政改革", "その他"])
    )
    years = FiscalYear.objects.bulk_create(
        FiscalYear(
            year=year,
            phase=FiscalYear.Phase.MID_YEAR if year == CURRENT else FiscalYear.Phase.CLOSED,
            mid_year_deadline=datetime.date(year, 10, 31),
            year_end_deadline=datetime.date(year + 1, 4, 30),
            progress_scale=progress,
            achievement_scale=achievement,
        )
        for year in range(CURRENT - YEARS + 1, CURRENT + 1)
    )
    departments = Department.objects.bulk_create(
        Department(name=f"第{index + 1}部", head_title=f"第{index + 1}部長", display_order=index)
        for index in range(DEPARTMENTS)
    )
    sections = Section.objects.bulk_create(
        Section(
            department=department,
            name=f"{department.name}{index + 1}課",
            chief_title=f"{department.name}{index + 1}課長",
            display_order=index,
        )
        for department in departments
        for index in range(SECTIONS)
    )
    by_department = {department.pk: [] for department in departments}
    for section in sections:
        by_department[section.department_id].append(section)
    planner = get_user_model().objects.create_user("planner")
    RoleAssignment.objects.create(user=planner, fiscal_year=CURRENT, role=Role.PLANNING)

    sheets = GoalSheet.objects.bulk_create(
        GoalSheet(
            fiscal_year=year,
            department=department,
            created_on=datetime.date(year.year, 4, 1),
            status="accepted",
        )
        for year in years
        for department in departments
    )
    items = []
    for sheet in sheets:
        for position in range(ITEMS):
            month = rng.choice([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3])
            due_year = sheet.fiscal_year.year + (1 if month <= 3 else 0)
            items.append(
                GoalItem(
                    sheet=sheet,
                    position=position,
                    number=position + 1,
                    title=f"{rng.choice(WORDS)}と{rng.choice(WORDS)}の推進（{position + 1}）",
                    category=rng.choice(categories),
                    achievement="\n".join(sentence(rng) for _ in range(3)),
                    method="\n".join(sentence(rng) for _ in range(3)),
                    deadline=f"{month}月",
                    deadline_kind="month",
                    deadline_due=datetime.date(due_year, month, 28),
                    is_common=position >= ITEMS - 3,
                    target="件数 100件" if position % 5 == 0 else "",
                )
            )
    items = GoalItem.objects.bulk_create(items, batch_size=2000)
    sheet_department = {sheet.pk: sheet.department_id for sheet in sheets}
    sheet_year = {sheet.pk: sheet.fiscal_year.year for sheet in sheets}
    carriers, reviews = [], []
    for item in items:
        own = by_department[sheet_department[item.sheet_id]]
        reviewers = [None]
        if not item.is_common:
            reviewers = rng.sample(own, 2 if item.position % 10 == 0 else 1)
            carriers += [
                GoalItemSection(item=item, section=section, position=index)
                for index, section in enumerate(reviewers)
            ]
        year = sheet_year[item.sheet_id]
        for section in reviewers:
            if year < CURRENT or rng.random() < 0.6:
                status = (
                    "confirmed"
                    if year < CURRENT
                    else rng.choice(["draft", "submitted", "confirmed"])
                )
                reviews.append(
                    Review(
                        item=item,
                        section=section,
                        stage="mid_year",
                        status=status,
                        progress_mark=rng.choice(marks),
                        first_half_status=sentence(rng, 30),
                        second_half_plan=sentence(rng, 20),
                    )
                )
            if year < CURRENT:
                reviews.append(
                    Review(
                        item=item,
                        section=section,
                        stage="year_end",
                        status="confirmed",
                        achievement_level=rng.choice(levels),
                        summary=sentence(rng, 30),
                        actual_value="件数 96件",
                        evaluation_reason="目標水準をほぼ達成したため。",
                        issues_and_actions=sentence(rng, 15),
                    )
                )
    GoalItemSection.objects.bulk_create(carriers, batch_size=5000)
    Review.objects.bulk_create(reviews, batch_size=2000)
    return {
        "planner": planner,
        "department": departments[4],
        "section": by_department[departments[4].pk][1],
        "items": len(items),
        "reviews": len(reviews),
        "level": levels[1],
    }


def measure(client: Client, url: str, repeat: int) -> tuple[float, int, int]:
    """Median milliseconds over `repeat` requests after a warm-up, and the query count."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)  # read now: later requests clear the log it reads from
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), query_count, len(response.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="requests per page (default 15)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    setup_test_environment(debug=False)  # no query log kept between the timed requests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        city = build(random.Random(args.seed))
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum keeps them on a live database; without them the
            # planner guesses the sizes of freshly bulk-loaded tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built_in = time.perf_counter() - started
        print(f"データベース: {connection.vendor}（使い捨て）")
        print(
            f"作成: {YEARS}年度 × {DEPARTMENTS}部 × {ITEMS}項目 = {city['items']}項目、"
            f"確認 {city['reviews']}件（{built_in:.1f}秒）"
        )
        client = Client()
        client.force_login(city["planner"])
        department = city["department"]
        pages = [
            ("ダッシュボード（今年度）", "/reviews/dashboard/"),
            ("ダッシュボード（過去の年度）", f"/reviews/dashboard/?year={CURRENT - 3}"),
            ("ダッシュボード（部の推移だけ）", f"/reviews/dashboard/?department={department.pk}"),
            ("未提出の一覧", "/reviews/dashboard/unfiled/"),
            ("検索: キーワード1語", "/reviews/search/?q=待ち時間"),
            ("検索: キーワード2語", "/reviews/search/?q=窓口+商店街"),
            ("検索: 見つからない語", "/reviews/search/?q=該当なしの語"),
            ("検索: 部＋進捗状況", f"/reviews/search/?department={department.pk}&progress_mark=△"),
            (
                "検索: 年度＋達成状況＋課",
                (
                    f"/reviews/search/?year={CURRENT - 1}&achievement_level={city['level'].pk}"
                    f"&section={city['section'].pk}"
                ),
            ),
            ("検索: 期限＋2ページ目", "/reviews/search/?deadline=12&page=2"),
        ]
        print(f"\n{'ページ':<28}{'中央値':>10}{'クエリ':>8}{'大きさ':>10}")
        worst = 0.0
        for label, url in pages:
            headers = {}
            if "推移だけ" in label:
                headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "year-over-year"}
                client.defaults.update(headers)
            median, queries, size = measure(client, url, args.repeat)
            for key in headers:
                client.defaults.pop(key)
            worst = max(worst, median) if "推移だけ" not in label else worst
            mark = "" if median < TARGET_MS else "  ← 目標超過"
            print(f"{label:<28}{median:>8.1f}ms{queries:>8}{size / 1024:>8.0f}KB{mark}")
        verdict = "達成" if worst < TARGET_MS else "未達"
        print(f"\n目標 {TARGET_MS}ms: {verdict}（最も遅いページの中央値 {worst:.1f}ms）")
        return 0 if worst < TARGET_MS else 1
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
