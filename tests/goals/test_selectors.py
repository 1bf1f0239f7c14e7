import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.loaders import load_demo
from goals.history import CHANGE_ACTIONS
from goals.models import GoalSheet
from goals.selectors import sheet_date_line, sheet_rows, sheet_with_content
from reviews.selectors import achievement_status_by_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo(create_users=False)


def rows_of(year, department):
    sheet = GoalSheet.objects.get(fiscal_year__year=year, department__name=department)
    sheet = sheet_with_content(pk=sheet.pk)
    return sheet, sheet_rows(sheet.items.all())


def test_grouped_numbers_are_one_merged_cell(demo):
    _, rows = rows_of(2023, "子ども家庭部")
    assert [row.number_span for row in rows if row.number_span] == [8, 4, 2, 4, 3, 2]
    assert sum(1 for row in rows if row.number_span == 0) == 23 - 6
    assert all(row.title_span == 1 for row in rows)


def test_continued_items_merge_title_and_achievement(demo):
    _, rows = rows_of(2025, "福祉部")
    by_number = {row.item.number: row for row in rows}
    assert by_number[16].title_span == 2 and by_number[17].title_span == 0
    assert by_number[17].title == by_number[16].title == "個別計画の次期計画策定"
    assert by_number[16].achievement_span == 1 and by_number[17].achievement_span == 1
    assert by_number[24].title_span == 2 and by_number[24].achievement_span == 2
    assert by_number[25].achievement == by_number[24].achievement
    assert by_number[25].method[0] == "事業主体から課題、支援ニーズの把握"
    assert by_number[23].carriers == ["生活福祉課", "障害福祉課", "高齢福祉課"]
    assert by_number[33].carriers == ["共通"]
    assert all(row.number_span == 1 for row in rows)


def test_header_date_line_with_revision(demo):
    sheet, _ = rows_of(2025, "福祉部")
    assert sheet_date_line(sheet) == "令和7年4月1日 令和7年7月25日見直し"
    sheet, _ = rows_of(2026, "市民部")
    assert sheet_date_line(sheet) == "令和8年4月1日"


def test_loading_a_sheet_costs_the_same_for_any_size(demo):
    def count(year, department):
        pk = GoalSheet.objects.get(fiscal_year__year=year, department__name=department).pk
        with CaptureQueriesContext(connection) as queries:
            sheet = sheet_with_content(pk=pk)
            sheet_rows(sheet.items.all())
            sheet_date_line(sheet)
            list(sheet.signers.all())
        return len(queries)

    assert count(2025, "福祉部") == count(2023, "市民部")


def test_achievement_status_from_confirmed_year_end_reviews(demo):
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    statuses = achievement_status_by_item(sheet=sheet)
    by_number = {item.number: statuses.get(item.pk) for item in sheet.items.all()}
    assert by_number[1] == ["ほぼ達成した"]
    assert by_number[23] == ["ほぼ達成した"]
    assert by_number[26] == ["ほとんど未達成だった(達成率80～50%)"]
    machida = GoalSheet.objects.get(fiscal_year__year=2023, department__name="市民部")
    assert achievement_status_by_item(sheet=machida)[machida.items.get(number=1).pk] == [
        "C: 目標水準を達成した"
    ]


def test_every_recorded_action_has_a_japanese_label():
    """The history page prints CHANGE_ACTIONS labels: no action may reach it as a raw code."""

    used = set()
    for app in ("goals", "reviews", "departments"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            used |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text("utf-8")))
            used |= set(re.findall(r'"(review\.saved)"', path.read_text("utf-8")))
    sheet_actions = {
        a
        for a in used
        if a.split(".")[0] not in {"category", "department", "section", "fiscal_year"}
    }
    assert sheet_actions - set(CHANGE_ACTIONS) == set()
