"""The whole city: cover, contents, departments with running page numbers, bookmarks, cache."""

import datetime
import os
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goals.models import FiscalYear, GoalItem, GoalSheet, SheetStatus
from goals.selectors import sheets_with_content
from printing import pdf
from tests import factories
from tests.printing.pdf.pdfcheck import in_order, outline_titles, pages_text, reader, squeeze, text


@pytest.fixture
def city(org, merged_sheet):
    """Three departments: 市民部 (1 page), 福祉部 (1 page), 合同部 (1 page)."""
    org.sheet_a.status = SheetStatus.ACCEPTED
    org.sheet_a.save(update_fields=["status"])
    org.sheet_b.status = SheetStatus.ACCEPTED
    org.sheet_b.save(update_fields=["status"])
    merged_sheet.status = SheetStatus.ACCEPTED
    merged_sheet.save(update_fields=["status"])
    # 福祉部 gets enough items for a second page.
    for position in range(1, 12):
        factories.GoalItemFactory(
            sheet=org.sheet_b,
            position=position,
            title=f"福祉部の長い実施項目{position}",
            achievement="\n".join(f"達成水準の説明文がここに長く続きます。{n}" for n in range(6)),
        )
    return org.fiscal_year


def test_bundle_has_cover_contents_bookmarks_and_running_page_numbers(city):
    filename, content_type, data = pdf.city_pdf(city)

    assert filename == f"{city.label}_組織目標展開整理表_全庁.pdf"
    assert content_type == "application/pdf"
    pages = pages_text(data)
    assert in_order(squeeze(pages[0]), [city.label, "組織目標展開整理表", "（全庁版）", "国分寺市"])
    assert squeeze(pages[1]).startswith("目次")
    welfare_pages = sum("福祉部の長い実施項目" in page for page in pages)
    assert welfare_pages >= 2
    body = pages[2:]
    assert len(body) == 1 + welfare_pages + 1
    for number, page in enumerate(body, start=1):
        assert f"- {number} -" in page, f"page {number} has no running number"
        assert f"{number} / " not in page  # no per-department numbers in the bundle
    assert outline_titles(data) == ["表紙", "目次", "市民部", "福祉部", "合同部"]
    document = reader(data)
    assert document.page_labels[:3] == ["表紙", "目次", "1"]
    assert document.metadata.title == f"{city.label} 組織目標展開整理表（全庁）"
    assert document.trailer["/Root"]["/Lang"] == "ja"


def test_contents_give_each_department_its_first_page(city):
    merged_sheet = GoalSheet.objects.get(fiscal_year=city, department__name="合同部")
    merged_sheet.status = SheetStatus.DRAFT
    merged_sheet.save(update_fields=["status"])

    _, _, data = pdf.city_pdf(city, include_unaccepted=True)

    contents = squeeze(pages_text(data)[1])  # name, leader dots, page number
    welfare_pages = sum("福祉部の長い実施項目" in page for page in pages_text(data))
    assert re.search(r"市民部\.+1(?!\d)", contents)
    assert re.search(r"福祉部\.+2(?!\d)", contents)
    # Not yet accepted: says so.
    assert re.search(rf"合同部（作成中）\.+{2 + welfare_pages}(?!\d)", contents)


def test_unchanged_departments_reuse_their_rendering(city, monkeypatch):
    pdf.city_pdf(city)
    assert len(list(pdf.cache_dir().glob("*.pdf"))) == 3 + 1 + 1  # departments, numbers, bundle
    rendered = []
    real = pdf.render_to_cache
    monkeypatch.setattr(pdf.renderer, "render_to_cache", lambda html, path: rendered.append(path))

    pdf.city_pdf(city)
    assert rendered == []

    monkeypatch.setattr(
        pdf.renderer,
        "render_to_cache",
        lambda html, path: (rendered.append(path), real(html, path)),
    )
    GoalItem.objects.filter(title="ひとりで進める取組").update(title="見直した取組")
    _, _, data = pdf.city_pdf(city)

    assert len(rendered) == 1
    assert "見直した取組" in squeeze(text(data))


def test_departments_render_side_by_side_in_worker_processes(city, settings):
    settings.PDF_RENDER_PROCESSES = 2

    _, _, data = pdf.city_pdf(city)

    assert outline_titles(data) == ["表紙", "目次", "市民部", "福祉部", "合同部"]
    assert len(list(pdf.cache_dir().glob("*.pdf"))) == 3 + 1 + 1  # departments, numbers, bundle
    assert "まとめて進める第一の取組" in squeeze(text(data))


def test_progress_is_reported(city):
    reports = []

    pdf.city_pdf(city, progress=lambda stage, done, total: reports.append((stage, done, total)))

    assert reports[0] == ("部ごとの内容を準備しています", 0, 3)
    assert ("部ごとに描画しています", 3, 3) in reports
    assert reports[-1][0] == "表紙・目次を付けてまとめています"


def test_year_end_bundle(city):
    filename, _, data = pdf.city_pdf(city, "year_end")

    assert filename == f"{city.label}_組織目標展開整理表_達成状況_全庁.pdf"
    assert "組織目標展開整理表（達成状況）" in pages_text(data)[0]
    assert "達成状況" in pages_text(data)[2]


def test_a_year_without_sheets_is_an_error(db):
    empty = factories.FiscalYearFactory(year=2030)

    with pytest.raises(pdf.PdfRenderError, match="令和12年度の整理表はまだありません"):
        pdf.city_pdf(empty)


def test_old_cached_renderings_are_pruned(city):
    pdf.city_pdf(city)
    old, *recent = sorted(pdf.cache_dir().glob("*.pdf"))
    long_ago = time.time() - datetime.timedelta(days=90).total_seconds()
    os.utime(old, (long_ago, long_ago))

    assert pdf.cache_prune() == 1

    assert not old.exists()
    assert all(path.exists() for path in recent)
    assert FiscalYear.objects.filter(pk=city.pk).exists()


def test_reading_the_departments_does_not_grow_with_them(city):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            for sheet in sheets_with_content(fiscal_year=city):
                pdf.sheet_html(sheet, "plan", bundled=True)
        return len(context)

    three = queries()
    for number in range(3):
        department = factories.DepartmentFactory(name=f"追加{number}部", display_order=20 + number)
        sheet = factories.GoalSheetFactory(fiscal_year=city, department=department)
        factories.GoalItemFactory(sheet=sheet, position=0)
    assert queries() == three


def test_the_bundle_leaves_out_sheets_not_accepted_unless_asked(city, merged_sheet):
    merged_sheet.status = SheetStatus.SUBMITTED
    merged_sheet.save(update_fields=["status"])

    _, _, accepted_only = pdf.city_pdf(city)
    _, _, every = pdf.city_pdf(city, include_unaccepted=True)

    assert outline_titles(accepted_only) == ["表紙", "目次", "市民部", "福祉部"]
    assert "案（" not in text(accepted_only)
    assert outline_titles(every) == ["表紙", "目次", "市民部", "福祉部", "合同部"]
    joint = [page for page in pages_text(every)[2:] if "合同部" in page and "77" in page]
    assert joint and all("案（提出済み）" in page for page in joint)


def test_a_year_without_accepted_sheets_is_an_error(org):
    with pytest.raises(pdf.PdfRenderError, match="承認済みの整理表はまだありません"):
        pdf.city_pdf(org.fiscal_year)


def test_every_page_of_the_bundle_names_its_department(city):
    _, _, data = pdf.city_pdf(city)

    body = pages_text(data)[2:]
    welfare = [page for page in body if "福祉部の長い実施項目" in page]
    assert len(welfare) >= 2
    for page in welfare:
        assert page.lstrip().startswith("福祉部") or "\n福祉部\n" in page, page[:80]


def _font_programs(data: bytes) -> dict[str, set[int]]:
    """Each embedded font by name (without the subset tag) and the streams holding it."""
    found: dict[str, set[int]] = {}
    for page in reader(data).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts") or []:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                name = str(descriptor["/FontName"]).partition("+")[2]
                found.setdefault(name, set()).add(descriptor.raw_get("/FontFile2").idnum)
    return found


def test_the_bundle_embeds_each_font_once(city):
    _, _, data = pdf.city_pdf(city)

    programs = _font_programs(data)
    assert programs
    assert all(len(streams) == 1 for streams in programs.values()), programs
    printed = squeeze(text(data))  # the shared subset draws every department's text
    assert "まとめて進める第一の取組" in printed and "福祉部の長い実施項目11" in printed


def test_an_unchanged_bundle_is_not_put_together_again(city, monkeypatch):
    _, _, first = pdf.city_pdf(city)
    monkeypatch.setattr(pdf.bundle, "_assemble", lambda *args: pytest.fail("assembled again"))

    _, _, again = pdf.city_pdf(city)

    assert again == first
