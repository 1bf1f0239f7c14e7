"""Workbooks shaped like the published sheets import to exactly what the fixtures hold."""

import pytest

from goals.models import GoalSheet
from tests.excel import workbooks
from tests.excel.compare import assert_same, fixture_contents, sheet_contents
from tests.excel.importing import import_workbook, plan_for

pytestmark = pytest.mark.django_db

SEEDS = [
    ("kokubunji_r8_shimin", workbooks.shimin_workbook, 2026, "市民部"),
    ("kokubunji_r5_kodomokatei", workbooks.kodomo_workbook, 2023, "子ども家庭部"),
    ("kokubunji_r7_fukushi", workbooks.fukushi_workbook, 2025, "福祉部"),
]


@pytest.mark.parametrize(("name", "build", "year", "department"), SEEDS)
def test_seed_shaped_workbook_imports_as_the_fixture(empty_slot, name, build, year, department):
    empty_slot(year, department)
    sheet = import_workbook(build(), year, department)
    assert_same(sheet_contents(sheet), fixture_contents(workbooks.fixture(name)))


def test_plain_sheet_needs_no_warning_and_reads_its_header_block(city):
    plan = plan_for(workbooks.shimin_workbook(), 2026, "市民部")
    imported = plan.imported
    assert imported.header_row == 5
    assert imported.title == "令和8年度 組織目標展開整理表 (部の組織目標)"
    assert imported.title_fiscal_year == 2026
    assert [(s.title, s.name) for s in imported.signers] == [("市民部長", "玉井 理加")]
    assert plan.warnings == []
    # 協働コミュニ / ティ課, wrapped in its narrow cell, is the registered section.
    assert plan.data.items[6].sections == ["協働コミュニティ課"]
    # Full-width digits: １２月 is stored as 12月, ４ as 4.
    assert plan.data.items[1].deadline == "１２月"  # as typed; the model normalises on save
    assert plan.new_sections == []


def test_grouped_numbers_are_read_from_merged_cells(empty_slot):
    empty_slot(2023, "子ども家庭部")
    sheet = import_workbook(workbooks.kodomo_workbook(), 2023, "子ども家庭部")
    numbers = list(sheet.items.order_by("position").values_list("number", flat=True))
    assert numbers == [1] * 8 + [2] * 4 + [3] * 2 + [4] * 4 + [5] * 3 + [6] * 2
    assert sheet.items.filter(continues_title=True).count() == 0


def test_continued_items_sections_and_achievement_status(empty_slot):
    empty_slot(2025, "福祉部")
    plan = plan_for(workbooks.fukushi_workbook(), 2025, "福祉部")
    assert plan.imported.created_on.isoformat() == "2025-04-01"
    assert [day.isoformat() for day in plan.imported.revisions] == ["2025-07-25"]
    assert plan.imported.title_department == "福祉部"
    by_number = {item.number: item for item in plan.data.items}
    assert by_number[17].continues_title and not by_number[17].continues_achievement
    assert by_number[25].continues_title and by_number[25].continues_achievement
    assert by_number[23].sections == ["生活福祉課", "障害福祉課", "高齢福祉課"]
    sheet = import_workbook(workbooks.fukushi_workbook(), 2025, "福祉部")
    item_23 = sheet.items.get(number=23)
    assert item_23.reviews.filter(status="confirmed").count() == 3
    assert GoalSheet.objects.get(pk=sheet.pk).status == "draft"
