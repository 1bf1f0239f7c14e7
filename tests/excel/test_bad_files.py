"""Bad files get a clear message and change nothing."""

import pytest

from excel import xlsx
from tests.excel.bad_files import BAD_FILES, absurd_cell, macro_workbook
from tests.excel.importing import plan_for
from tests.excel.workbooks import shimin_workbook, simple_workbook


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_is_refused_with_its_message(content, filename, message):
    with pytest.raises(xlsx.WorkbookError) as error:
        xlsx.workbook_read(content, filename=filename)
    assert str(error.value).startswith(message)


def test_macro_file_is_refused_by_its_name_too():
    with pytest.raises(xlsx.WorkbookError, match="マクロを含むファイル"):
        xlsx.workbook_read(simple_workbook([]), filename="sheet.XLSM")
    with pytest.raises(xlsx.WorkbookError, match="マクロを含むファイル"):
        xlsx.workbook_read(macro_workbook(), filename="renamed.xlsx")


def test_file_over_the_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 4096
    with pytest.raises(xlsx.WorkbookError, match=r"ファイルが大きすぎます（.*MB）。0MB 以下"):
        xlsx.workbook_read(shimin_workbook(), filename="big.xlsx")


def test_archive_that_expands_too_far(monkeypatch):
    monkeypatch.setattr(xlsx.upload, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(xlsx.WorkbookError, match="中身が大きすぎる"):
        xlsx.workbook_read(simple_workbook([]), filename="bomb.xlsx")


def test_absurdly_long_cell_is_a_problem_at_that_cell(city):
    plan = plan_for(absurd_cell(), 2026, "市民部")
    assert not plan.ok
    assert str(plan.problems[0]) == (
        "5行目 D列（達成水準）: 文字数が多すぎます（20,000文字）。10,000文字までです。"
    )


def test_cell_longer_than_its_field_is_a_problem_at_that_cell(city):
    row = ["1", "窓口", "施政方針", "・a", "・" + "い" * 4100, "3月", "市民課"]
    plan = plan_for(simple_workbook([row]), 2026, "市民部")
    assert [p.place for p in plan.problems] == ["5行目 E列（方法）"]
    assert plan.problems[0].message == "4,000文字以内にしてください（4,100文字あります）。"
