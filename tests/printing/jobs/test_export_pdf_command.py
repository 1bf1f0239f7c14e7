"""python manage.py export_pdf: every print from the command line, Japanese errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from printing import pdf
from tests import factories
from tests.printing.pdf.pdfcheck import outline_titles, pages_text, squeeze, text


def export(tmp_path, *args):
    output = tmp_path / "out.pdf"
    call_command("export_pdf", *args, "-o", str(output), verbosity=0)
    return output.read_bytes()


def test_one_department(org, tmp_path):
    data = export(tmp_path, "--year", str(org.fiscal_year.year), "--department", "市民部")

    assert pages_text(data)[0].startswith(org.sheet_a.title)


def test_the_whole_city(org, tmp_path):
    data = export(tmp_path, "--year", str(org.fiscal_year.year), "--include-unaccepted")

    assert outline_titles(data) == ["表紙", "目次", "市民部", "福祉部"]


def test_the_whole_city_is_its_accepted_sheets(accepted_sheets, tmp_path):
    org = accepted_sheets
    org.sheet_b.status = "submitted"
    org.sheet_b.save(update_fields=["status"])

    data = export(tmp_path, "--year", str(org.fiscal_year.year))

    assert outline_titles(data) == ["表紙", "目次", "市民部"]


def test_section_review_sheets_of_a_department(org, tmp_path):
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, sections=[org.section_a2])
    year = str(org.fiscal_year.year)

    every = export(tmp_path, "--year", year, "--department", "市民部", "--kind", "section_review")
    one = export(
        tmp_path, "--year", year, "--department", "市民部", "--kind", "section_review",
        "--section", "経済課",
    )  # fmt: skip

    assert outline_titles(every) == ["市民部市民課", "市民部経済課"]
    assert outline_titles(one) == ["市民部経済課"]


def test_default_file_name_is_japanese(org, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    call_command("export_pdf", "--year", str(org.fiscal_year.year), "--department", "市民部")

    expected = tmp_path / pdf.sheet_filename(org.sheet_a)
    assert expected.exists()
    assert f"{expected.name} を書き出しました（1ページ）。" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2099"], "令和81年度（2099）は登録されていません。"),
        (["--year", "令和8"], "年度は西暦の数字で指定してください"),
        (["--department", "総務部"], "部「総務部」は登録されていません。"),
        (
            ["--kind", "section_review"],
            "--kind section_review には --department も指定してください。",
        ),
        (
            ["--department", "市民部", "--kind", "section_review", "--section", "税務課"],
            "課「税務課」は市民部に登録されていません。",
        ),
        (["--department", "市民部", "--section", "市民課"], "--section は --kind section_review"),
    ],
)
def test_errors_are_japanese(org, tmp_path, args, message):
    if "--year" not in args:
        args = ["--year", str(org.fiscal_year.year), *args]

    with pytest.raises(CommandError, match=message):
        call_command("export_pdf", *args, "-o", str(tmp_path / "x.pdf"))

    assert not (tmp_path / "x.pdf").exists()


def test_a_department_without_a_sheet_that_year(org, tmp_path):
    older = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)

    with pytest.raises(CommandError, match=f"{older.label}の市民部の整理表はありません。"):
        call_command("export_pdf", "--year", str(older.year), "--department", "市民部")


def test_a_year_without_sheets(org, tmp_path):
    older = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)

    with pytest.raises(CommandError, match="の整理表はまだありません。"):
        call_command("export_pdf", "--year", str(older.year), "-o", str(tmp_path / "x.pdf"))


def test_characters_the_fonts_lack_are_reported_before_printing(org, tmp_path):
    org.item_a.title = "环境の整備"
    org.item_a.save()
    errors = io.StringIO()

    call_command(
        "export_pdf", "--year", str(org.fiscal_year.year), "--include-unaccepted",
        "-o", str(tmp_path / "city.pdf"),
        stderr=errors, stdout=io.StringIO(),
    )  # fmt: skip

    assert f"注意: 市民部 番号{org.item_a.number}「実施項目」: 「环」(U+73AF)" in errors.getvalue()
    assert "「〓」と印刷されます" in errors.getvalue()
    assert "〓境の整備" in squeeze(text((tmp_path / "city.pdf").read_bytes()))
