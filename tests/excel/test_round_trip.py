"""Export → import gives back the same sheet, field for field."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from excel import xlsx
from goals.models import Category, GoalItem, GoalItemSection, GoalSheet, SheetRevision, SheetSigner
from goals.selectors import sheet_with_content
from reviews.models import AchievementLevel, Review, ReviewStatus, Stage
from tests.excel.compare import assert_same, sheet_contents
from tests.excel.importing import import_workbook

pytestmark = pytest.mark.django_db

DEMO_SHEETS = [(2026, "市民部"), (2025, "福祉部"), (2023, "子ども家庭部"), (2023, "市民部")]


def export_and_reimport(sheet: GoalSheet, kind: str) -> GoalSheet:
    _, _, content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), kind)
    year, department = sheet.fiscal_year.year, sheet.department.name
    sheet.delete()
    return import_workbook(content, year, department)


@pytest.mark.parametrize(("year", "department"), DEMO_SHEETS)
@pytest.mark.parametrize("kind", ["plan", "year_end"])
def test_every_demo_sheet_survives_the_round_trip(city, year, department, kind):
    sheet = GoalSheet.objects.get(fiscal_year__year=year, department__name=department)
    with_status = kind == "year_end"
    before = sheet_contents(sheet, with_status=with_status)
    after = sheet_contents(export_and_reimport(sheet, kind), with_status=with_status)
    assert_same(after, before, with_status=with_status)


def test_awkward_content_survives_the_round_trip(city):
    """Formula-like text, prose over several lines, several signers and revisions, 指標 and
    目標値, an item without category, and sections reaching different levels."""
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    SheetSigner.objects.create(sheet=sheet, position=1, title="担当部長", name="=山田 花子")
    SheetRevision.objects.create(sheet=sheet, revised_on=datetime.date(2025, 10, 1))
    first = sheet.items.get(number=1)
    first.title = "=SUM(A1:A3) のような書き出し\n2行目の実施項目"
    first.achievement = "+81 で始まる文\n-1 で始まる文\n@メンション"
    first.achievement_as_prose = True
    first.method = "=1+1\n普通の方法"
    first.indicator = "=指標"
    first.baseline = "-5%"
    first.target = "@100件"
    first.category = None
    first.deadline = "令和7年12月25日"
    first.save()
    item_23 = sheet.items.get(number=23)
    levels = list(AchievementLevel.objects.filter(scale=sheet.fiscal_year.achievement_scale))
    for review, level in zip(
        Review.objects.filter(item=item_23, stage=Stage.YEAR_END).order_by("section__name"),
        levels,
        strict=False,
    ):
        review.achievement_level = level
        review.save()
    before = sheet_contents(sheet)
    after_sheet = export_and_reimport(sheet, "year_end")
    assert_same(sheet_contents(after_sheet), before)
    reread = after_sheet.items.get(number=1)
    assert reread.title == first.title
    assert reread.achievement_as_prose
    assert reread.method_bullets == ["=1+1", "普通の方法"]
    assert list(after_sheet.signers.values_list("name", flat=True)) == ["玉井理加", "=山田 花子"]


def test_common_item_with_a_reviewing_section_keeps_its_status(city):
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    assert Review.objects.filter(
        item__sheet=sheet, section__isnull=True, status=ReviewStatus.CONFIRMED
    ).exists()
    before = sheet_contents(sheet)
    assert_same(sheet_contents(export_and_reimport(sheet, "year_end")), before)


def test_a_new_category_round_trips_when_created(city):
    sheet = GoalSheet.objects.get(fiscal_year__year=2026, department__name="市民部")
    category = Category.objects.create(name="新しい分類", display_order=99)
    GoalItem.objects.filter(sheet=sheet, number=3).update(category=category)
    _, _, content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), "plan")
    sheet.delete()
    category.delete()
    imported = import_workbook(content, 2026, "市民部", create_missing=True)
    assert imported.items.get(number=3).category.name == "新しい分類"
    assert GoalItemSection.objects.filter(item__sheet=imported).exists()


def test_prose_over_several_lines_comes_back_as_prose_unless_edited(city):
    sheet = GoalSheet.objects.get(fiscal_year__year=2026, department__name="市民部")
    item = sheet.items.get(number=2)
    item.achievement = "一つ目の文です。\n二つ目の文です。"
    item.achievement_as_prose = True
    item.save()
    _, _, content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), "plan")
    imported = xlsx.workbook_read(content)
    assert imported.items[1].data.achievement_as_prose
    assert imported.items[1].data.achievement == ["一つ目の文です。", "二つ目の文です。"]
    # Typed over in Excel, the cell is read like any other: lines without marks are bullets.
    workbook = load_workbook(io.BytesIO(content))
    workbook.active["D7"] = "一つ目の文です。\n書き直した文です。"
    edited = xlsx.workbook_read(xlsx.workbook_bytes(workbook))
    assert not edited.items[1].data.achievement_as_prose
