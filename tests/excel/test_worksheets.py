"""The right worksheet, department and year (issue 11, point 2)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from core.wareki import fiscal_year_label
from excel import xlsx
from goals.models import GoalSheet
from tests import factories
from tests.excel.importing import plan_for
from tests.excel.views.conftest import db_state
from tests.excel.workbooks import to_bytes

HEADER = ["番号", "実施項目", "計画・方針等の分類", "どの水準まで", "どのような方法で"]
HEADER += ["いつまで", "共通/課名"]


def add_sheet(wb, name, *, department, year, title_of_item, signer="", section="市民課"):
    ws = wb.create_sheet(name)
    ws["A1"] = f"{fiscal_year_label(year)} 組織目標展開整理表（{department}の組織目標）"
    ws["A2"], ws["B2"] = "作成日", "令和8年4月1日"
    if signer:
        ws["D2"], ws["E2"], ws["F2"], ws["G2"] = "職名", signer, "氏名", "玉井 理加"
    for column, label in enumerate(HEADER, start=1):
        ws.cell(4, column, label)
    row = ["1", title_of_item, "その他", "・a", "・b", "12月", section]
    for column, value in enumerate(row, start=1):
        ws.cell(5, column, value)


def city_workbook(year: int) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    add_sheet(wb, "記入例", department="〇〇部", year=year, title_of_item="例")
    add_sheet(wb, "福祉部", department="福祉部", year=year, title_of_item="福祉の項目")
    add_sheet(wb, "市民部", department="市民部", year=year, title_of_item="市民の項目")
    add_sheet(wb, "市民部 (前年度)", department="市民部", year=year - 1, title_of_item="去年")
    return to_bytes(wb)


def other_year_message(year: int) -> str:
    last, this = fiscal_year_label(year - 1), fiscal_year_label(year)
    return f"ファイルの表題は{last}です（読み込み先は{this}）。"


def read(content, **options):
    return xlsx.workbook_read(content, filename="city.xlsx", **options)


def test_the_default_worksheet_is_the_one_naming_the_target_department_and_year():
    content = city_workbook(2026)
    sheet = read(content, department="市民部", fiscal_year=2026)
    assert sheet.worksheet == "市民部" and sheet.items[0].data.title == "市民の項目"
    assert [(c.name, c.names_department, c.names_year, c.example) for c in sheet.worksheets] == [
        ("記入例", False, True, True),
        ("福祉部", False, True, False),
        ("市民部", True, True, False),
        ("市民部 (前年度)", True, False, False),
    ]
    assert read(content, department="福祉部", fiscal_year=2026).worksheet == "福祉部"
    assert read(content, department="市民部", fiscal_year=2025).worksheet == "市民部 (前年度)"
    assert read(content).worksheet == "福祉部"  # no target: the first that is not an example
    chosen = read(content, worksheet="記入例", department="市民部", fiscal_year=2026)
    assert chosen.worksheet == "記入例" and chosen.items[0].data.title == "例"
    with pytest.raises(xlsx.WorkbookError, match="シート「なし」には整理表の見出しがありません"):
        read(content, worksheet="なし")


def other_department_workbook(year: int) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    add_sheet(
        wb, "福祉部", department="福祉部", year=year - 1, title_of_item="福祉", signer="福祉部長"
    )
    return to_bytes(wb)


@pytest.mark.django_db
def test_a_file_naming_another_department_or_year_is_flagged(org):
    year = org.fiscal_year.year
    plan = plan_for(other_department_workbook(year), year, "市民部")
    assert plan.mismatches == [
        other_year_message(year),
        "ファイルの表題は「福祉部」です（読み込み先は市民部）。",
    ]
    signer_only = Workbook()
    signer_only.remove(signer_only.active)
    add_sheet(
        signer_only, "整理表", department="部", year=year, title_of_item="x", signer="福祉部長"
    )
    plan = plan_for(to_bytes(signer_only), year, "市民部")
    assert plan.mismatches == ["ファイルの職名は「福祉部」です（読み込み先は市民部）。"]
    assert plan_for(to_bytes(signer_only), year, "福祉部").mismatches == []


@pytest.mark.django_db
def test_the_preview_flags_it_and_confirming_needs_the_tick(org, client_for, upload):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    client = client_for(org.head_a)
    response = upload(
        client,
        other_department_workbook(org.fiscal_year.year),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    content = response.content.decode()
    assert "このファイルは別の部・年度のものかもしれません。" in content
    assert 'name="accept_mismatch" value="1" required' in content
    payload = response.context["payload"]
    before = db_state()
    refused = client.post(reverse("excel:import_confirm"), {"payload": payload})
    assert refused.status_code == 400
    assert "違うことを確かめました" in refused.content.decode()
    assert db_state() == before
    accepted = client.post(
        reverse("excel:import_confirm"), {"payload": payload, "accept_mismatch": "1"}
    )
    assert accepted.status_code == 302
    sheet = GoalSheet.objects.get(fiscal_year=org.fiscal_year, department=org.dept_a)
    assert sheet.items.get().title == "福祉"


@pytest.mark.django_db
def test_the_preview_lists_the_worksheets_and_another_can_be_chosen(org, client_for, upload):
    factories.CategoryFactory(name="その他")
    client = client_for(org.head_a)
    year = org.fiscal_year.year
    response = upload(
        client, city_workbook(year), department=org.dept_a, fiscal_year=org.fiscal_year
    )
    content = response.content.decode()
    assert response.context["plan"].imported.worksheet == "市民部"
    assert '<option value="市民部" selected>市民部' in content
    assert "記入例・要領" in content
    again = client.post(
        reverse("excel:import_preview"),
        {
            "upload_token": response.context["upload_token"],
            "worksheet": "市民部 (前年度)",
            "mapped_worksheet": "市民部",
            "map_B": "",  # chosen for the other worksheet: not applied to this one
        },
    )
    plan = again.context["plan"]
    assert plan.imported.worksheet == "市民部 (前年度)"
    assert plan.rows[0].data.title == "去年"
    assert plan.mismatches == [other_year_message(year)]


@pytest.mark.django_db
def test_import_xlsx_lists_the_worksheets_and_takes_one(org, tmp_path):
    path = tmp_path / "city.xlsx"
    path.write_bytes(city_workbook(org.fiscal_year.year))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_xlsx",
            str(path),
            "--year",
            str(org.fiscal_year.year),
            "--department",
            "市民部",
            "--worksheet",
            "福祉部",
            stdout=out,
            stderr=err,
        )
    text = out.getvalue()
    assert "整理表に見えるシート: 記入例（年度あり・記入例・要領）、福祉部（年度あり）" in text
    assert "「福祉部」を読みます" in text
    assert "注意: ファイルの表題は「福祉部」です（読み込み先は市民部）。" in text
