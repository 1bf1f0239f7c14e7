"""manage.py export_xlsx and import_xlsx."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from departments.models import Department, Section
from goals.models import Category, FiscalYear, GoalSheet, SheetStatus
from reviews.models import Review, Stage
from tests.excel.bad_files import password_protected
from tests.excel.compare import assert_same, fixture_contents, sheet_contents
from tests.excel.views.conftest import db_state
from tests.excel.workbooks import fixture, fukushi_workbook

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return 1, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def test_export_writes_the_official_sheet(city, tmp_path):
    target = tmp_path / "out.xlsx"
    code, out, _ = run(
        "export_xlsx",
        "--year",
        "2025",
        "--department",
        "福祉部",
        "--kind",
        "year_end",
        "-o",
        str(target),
    )
    assert code == 0 and "実施項目 35件" in out
    ws = load_workbook(target).active
    assert ws["A1"].value == "令和7年度 組織目標展開整理表（福祉部の組織目標）"
    assert ws["H5"].value == "達成状況"


def test_export_of_a_missing_sheet_says_so(city, tmp_path):
    code, _, err = run(
        "export_xlsx", "--year", "2030", "--department", "福祉部", "-o", str(tmp_path / "x.xlsx")
    )
    assert code == 1 and "令和12年度の福祉部の整理表はありません" in err


def test_import_into_an_empty_slot(empty_slot, tmp_path):
    empty_slot(2025, "福祉部")
    path = tmp_path / "fukushi.xlsx"
    path.write_bytes(fukushi_workbook())
    code, out, err = run("import_xlsx", str(path), "--year", "2025", "--department", "福祉部")
    assert code == 0, err
    assert "読み込みました: 令和7年度 福祉部（実施項目 35件、達成状況 35件）" in out
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    assert_same(sheet_contents(sheet), fixture_contents(fixture("kokubunji_r7_fukushi")))


def test_existing_sheet_needs_replace(city, tmp_path):
    path = tmp_path / "fukushi.xlsx"
    path.write_bytes(fukushi_workbook())
    before = db_state()
    code, _, err = run("import_xlsx", str(path), "--year", "2025", "--department", "福祉部")
    assert code == 1
    assert err.splitlines()[:2] == [
        "令和7年度の福祉部の整理表は既にあります。",
        "置き換えるときは --replace を付けてください。",
    ]
    assert db_state() == before
    code, out, err = run(
        "import_xlsx", str(path), "--year", "2025", "--department", "福祉部", "--replace"
    )
    assert code == 1 and "--yes" in err
    assert db_state() == before
    code, out, _ = run(
        "import_xlsx", str(path), "--year", "2025", "--department", "福祉部", "--replace", "--yes"
    )
    assert code == 0 and "置き換え" in out


def test_replace_prints_what_it_deletes_and_needs_yes(city, tmp_path):
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    GoalSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.ACCEPTED)
    items = sheet.items.count()
    stages = {
        label: Review.objects.filter(item__sheet=sheet, stage=stage).count()
        for stage, label in Stage.choices
    }
    path = tmp_path / "fukushi.xlsx"
    path.write_bytes(fukushi_workbook())
    before = db_state()
    args = ["import_xlsx", str(path), "--year", "2025", "--department", "福祉部", "--replace"]
    code, out, err = run(*args)
    assert code == 1
    assert "置き換え: 令和7年度の福祉部の整理表（状態: 承認済み）を置き換えます。" in out
    assert (
        f"  削除するもの: 実施項目 {items}件、中間確認 {stages['中間確認']}件、"
        f"年度末確認 {stages['年度末確認']}件"
    ) in out.splitlines()
    assert "「承認済み」の状態は解除され、「作成中」に戻ります。" in out
    assert "確かめたうえで置き換えるときは --yes を付けてください。" in err
    assert db_state() == before
    code, out, err = run(*args, "--yes")
    assert code == 0, err
    sheet = GoalSheet.objects.get(fiscal_year__year=2025, department__name="福祉部")
    assert sheet.status == SheetStatus.DRAFT and sheet.items.count() == 35


def test_unknown_names_are_listed_one_per_line_and_nothing_is_written(city, tmp_path):
    path = tmp_path / "fukushi.xlsx"
    path.write_bytes(fukushi_workbook())
    before = db_state()
    code, _, err = run("import_xlsx", str(path), "--year", "2030", "--department", "健康部")
    assert code == 1
    lines = err.splitlines()
    assert lines[:2] == ["令和12年度は登録されていません。", "部「健康部」は登録されていません。"]
    assert "--create-missing" in lines[2]
    assert "読み込みませんでした（問題 2件）" in lines[-1]
    assert db_state() == before


def test_create_missing_creates_year_department_sections_and_categories(city, tmp_path):
    GoalSheet.objects.filter(fiscal_year__year=2025).delete()
    Category.objects.filter(name="所信表明").delete()
    path = tmp_path / "fukushi.xlsx"
    path.write_bytes(fukushi_workbook())
    code, out, err = run(
        "import_xlsx", str(path), "--year", "2030", "--department", "健康部", "--create-missing"
    )
    assert code == 0, err
    for line in (
        "登録しました: 年度 令和12年度",
        "登録しました: 部 健康部",
        "登録しました: 分類 所信表明",
    ):
        assert line in out
    assert FiscalYear.objects.filter(year=2030).exists()
    department = Department.objects.get(name="健康部")
    assert set(Section.objects.filter(department=department).values_list("name", flat=True)) == {
        "生活福祉課",
        "障害福祉課",
        "高齢福祉課",
    }
    assert GoalSheet.objects.get(fiscal_year__year=2030, department=department).items.count() == 35


def test_bad_file_exits_non_zero_with_its_message(city, tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(password_protected())
    before = db_state()
    code, _, err = run("import_xlsx", str(path), "--year", "2026", "--department", "市民部")
    assert code == 1 and "パスワードで保護されたファイルは読み込めません" in err
    assert db_state() == before


def test_missing_file(city, tmp_path):
    code, _, err = run(
        "import_xlsx", str(tmp_path / "none.xlsx"), "--year", "2026", "--department", "市民部"
    )
    assert code == 1 and "を読めません" in err
