"""The official sheet and the flat table as .xlsx: layout, print setup, inert text, queries."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from departments.models import Role, RoleAssignment, Section
from departments.permissions import user_roles
from excel import xlsx
from goals.models import GoalItem, GoalSheet
from goals.selectors import sheet_with_content
from reviews.selectors import item_review_rows

pytestmark = pytest.mark.django_db


def exported(year, department, kind="plan"):
    sheet = GoalSheet.objects.get(fiscal_year__year=year, department__name=department)
    filename, content_type, content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), kind)
    return filename, content_type, content, load_workbook(io.BytesIO(content)).active


def merged_in_column(ws, column: int) -> list[tuple[int, int]]:
    return sorted(
        (merged.min_row, merged.max_row)
        for merged in ws.merged_cells.ranges
        if merged.min_col == merged.max_col == column and merged.max_row > merged.min_row
    )


def test_official_layout_header_block_and_print_setup(city):
    filename, content_type, _content, ws = exported(2025, "福祉部", "year_end")
    assert filename == "令和7年度_組織目標展開整理表_達成状況_福祉部.xlsx"
    assert content_type == xlsx.CONTENT_TYPE
    assert ws["A1"].value == "令和7年度 組織目標展開整理表（福祉部の組織目標）"
    assert ws["A3"].value == "作成日"
    assert ws["B3"].value == "令和7年4月1日 令和7年7月25日見直し"
    assert (ws["D3"].value, ws["E3"].value, ws["F3"].value, ws["G3"].value) == (
        "職名",
        "福祉部長",
        "氏名",
        "玉井理加",
    )
    header = [cell.value for cell in ws[5]]
    assert header[0] == "番号"
    assert header[1] == "実施項目\n（業務目標又は事務の内容）"
    assert header[-1] == "達成状況"
    # Printing: A4 landscape, one page wide, the header row on every page.
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$5:$5"
    assert ws.freeze_panes == "A6"
    assert ws.column_dimensions["E"].width > ws.column_dimensions["B"].width
    assert ws["B6"].alignment.wrap_text


def test_bullets_prose_and_statuses(city):
    *_, ws = exported(2025, "福祉部", "year_end")
    first = 6
    assert ws.cell(first, 5).value.split("\n")[0] == "・前例踏襲で行っている事業の精査"
    # Item 1's 達成水準 is prose: no bullet.
    assert not ws.cell(first, 4).value.startswith("・")
    assert ws.cell(first + 1, 4).value.startswith("・")  # item 2 is a bullet list
    assert ws.cell(first, 7).value == "共通"
    assert ws.cell(first, 8).value == "ほぼ達成した"
    assert ws.cell(first + 22, 7).value == "生活福祉課\n障害福祉課\n高齢福祉課"


def test_groups_and_continued_items_are_merged_cells(city):
    *_, ws = exported(2023, "子ども家庭部")
    first = 6
    spans = [bottom - top + 1 for top, bottom in merged_in_column(ws, 1)]
    assert spans == [8, 4, 2, 4, 3, 2]
    assert merged_in_column(ws, 2) == []
    *_, ws = exported(2025, "福祉部")
    assert merged_in_column(ws, 2) == [(first + 15, first + 16), (first + 23, first + 24)]
    assert merged_in_column(ws, 4) == [(first + 23, first + 24)]
    assert merged_in_column(ws, 1) == []
    # A merged cell's rows are tall enough together for its text.
    assert ws.row_dimensions[first + 2].height > ws.row_dimensions[first + 4].height


def test_plan_has_no_status_column_and_optional_columns_appear_when_used(city):
    *_, ws = exported(2026, "市民部")
    assert [cell.value for cell in ws[5]][-1] == "共通/課名"
    *_, ws = exported(2023, "市民部")  # 町田市's items carry 指標 and 目標値
    header = [cell.value for cell in ws[5]]
    assert header[-2:] == ["指標", "目標値"]


def test_formula_like_text_stays_text(city):
    sheet = GoalSheet.objects.get(fiscal_year__year=2026, department__name="市民部")
    GoalItem.objects.filter(sheet=sheet, number=1).update(
        title='=HYPERLINK("http://example.com")', deadline="+1", method="@SUM(1)"
    )
    sheet.signers.update(name="-玉井")
    *_, content, ws = exported(2026, "市民部")
    title = ws["B6"]
    assert title.value == '=HYPERLINK("http://example.com")'
    assert title.data_type == "s" and title.quotePrefix
    assert ws["G3"].value == "-玉井" and ws["G3"].data_type == "s"
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_exporting_costs_the_same_queries_for_any_size(city):
    def count(year, department, kind):
        pk = GoalSheet.objects.get(fiscal_year__year=year, department__name=department).pk
        with CaptureQueriesContext(connection) as queries:
            xlsx.sheet_xlsx(sheet_with_content(pk=pk), kind)
        return len(queries)

    assert count(2025, "福祉部", "plan") == count(2023, "子ども家庭部", "plan")
    assert count(2025, "福祉部", "year_end") == count(2023, "市民部", "year_end")


def test_unknown_kind_is_refused(city):
    sheet = GoalSheet.objects.get(fiscal_year__year=2026, department__name="市民部")
    with pytest.raises(ValueError, match="種類"):
        xlsx.sheet_xlsx(sheet, "summary")


# The flat table --------------------------------------------------------------------------------


def table_rows(user, **filters):
    return item_review_rows(user=user, items=GoalItem.objects.filter(**filters).order_by("pk"))


def test_items_table_has_one_row_per_item_and_review(city, django_user_model):
    admin = django_user_model.objects.create(username="root", is_superuser=True)
    rows = table_rows(admin, sheet__fiscal_year__year=2023, sheet__department__name="市民部")
    assert len(rows) == 14 * 2  # 町田市: a mid-year and a year-end review per item
    filename, _content_type, content = xlsx.items_table_xlsx(rows, title="令和5年度 市民部 一覧")
    assert filename == "令和5年度_市民部_一覧.xlsx"
    ws = load_workbook(io.BytesIO(content)).active
    assert ws["A1"].value == "令和5年度 市民部 一覧"
    header = [cell.value for cell in ws[3]]
    assert header[:4] == ["年度", "部", "番号", "実施項目"]
    data = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(data) == 28
    assert data[0][header.index("段階")] == "中間確認"
    assert data[1][header.index("段階")] == "年度末確認"
    assert data[1][header.index("達成状況・評価")] == "C: 目標水準を達成した"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:V31"


def test_items_table_leaves_out_reviews_the_user_may_not_read(city, django_user_model):

    chief = django_user_model.objects.create(username="chief")
    section = Section.objects.get(department__name="福祉部", name="障害福祉課")
    RoleAssignment.objects.create(
        user=chief,
        fiscal_year=2025,
        role=Role.SECTION_CHIEF,
        department=section.department,
        section=section,
    )
    rows = (
        table_rows(chief, sheet__fiscal_year__year=2025, sheet__number=23)
        if False
        else (table_rows(chief, sheet__fiscal_year__year=2025, number=23))
    )
    assert [review.section.name if review else None for _, review in rows] == ["障害福祉課"]


def test_items_table_queries_do_not_grow_with_rows(city, django_user_model):
    admin = django_user_model.objects.create(username="root", is_superuser=True)
    user_roles(admin)  # read once per user and cached: not part of the table's cost

    def count(**filters):
        with CaptureQueriesContext(connection) as queries:
            xlsx.items_table_xlsx(table_rows(admin, **filters), title="一覧")
        return len(queries)

    assert count(sheet__fiscal_year__year=2023) == count(sheet__fiscal_year__year=2026, number=1)


def test_items_table_neutralises_formula_like_text(city, django_user_model):
    admin = django_user_model.objects.create(username="root", is_superuser=True)
    GoalItem.objects.filter(sheet__fiscal_year__year=2026, number=1).update(title="=1+2")
    rows = table_rows(admin, sheet__fiscal_year__year=2026, number=1)
    _, _, content = xlsx.items_table_xlsx(rows, title="一覧")
    cell = load_workbook(io.BytesIO(content)).active["D4"]
    assert (cell.value, cell.data_type) == ("=1+2", "s")
