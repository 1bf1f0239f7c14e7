"""The section review sheet in the Machida layout (fixtures/: 令和5年度 市民部)."""

import pytest

from departments.models import Section
from printing import pdf
from tests.printing.pdf.pdfcheck import (
    in_order,
    outline_titles,
    page_sizes_mm,
    pages_text,
    squeeze,
    text,
)

A3_LANDSCAPE = (420, 297)
COLUMNS = [
    "年度目標設定", "中間確認", "年度末確認",
    "順位", "計画類型", "取組項目", "具体的な活動内容", "指標", "目標値",
    "進捗状況", "上半期の状況や評価", "下半期の予定",
    "1年間の総括", "目標値に対する実績値", "評価", "評価の視点", "課題と対応",
]  # fmt: skip


@pytest.fixture
def shimin_2023(demo):
    return demo[(2023, "市民部")]


def section(sheet, name):
    return Section.objects.get(department=sheet.department, name=name)


def test_one_section_prints_its_header_and_items_in_rank(shimin_2023):
    somu = section(shimin_2023, "市民総務課")

    filename, _, data = pdf.section_review_pdf(shimin_2023, somu)

    assert filename == "令和5年度_実行計画_市民部市民総務課.pdf"
    assert page_sizes_mm(data) == {A3_LANDSCAPE}
    first = squeeze(pages_text(data)[0])
    assert in_order(first, ["令和5年度", "部課名", "市民部市民総務課", "課の使命"])
    assert "・市民ニーズを正確に把握して、多様な要望にバランス良く応える" in first
    assert "実行計画（年度目標）" in first
    for page in pages_text(data):
        assert in_order(squeeze(page), COLUMNS)
    flat = squeeze(text(data))
    assert in_order(
        flat,
        [
            "1経営改革プラン市民センター等の未来ビジョンの推進",
            "①外部委員で構成される",
            "①前期実行計画の推進",
            "○",
            "・学識経験者や市民委員などで構成する",
            "①外部委員で構成される「町田市市民センター等の未来ビジョン推進委員会」でいただいた",
            "C",
            "C:目標水準を達成したためです。",
            "若年層の施設利用の促進を図るため",
            "2個別計画職員労働安全衛生の向上",
            "3-業務の効率化",  # no category: a dash, as in the original
            "19日/人B",
        ],
    )
    # Only the items the section carries.
    assert "オンライン申請できる証明書の拡充" not in flat


def test_a_department_prints_every_section_with_a_bookmark_each(shimin_2023):
    filename, _, data = pdf.section_reviews_pdf(shimin_2023)

    assert filename == "令和5年度_実行計画_市民部.pdf"
    assert outline_titles(data) == ["市民部市民課", "市民部市民総務課", "市民部市民協働推進課"]
    flat = squeeze(text(data))
    assert in_order(flat, ["市民部市民課", "市民部市民総務課", "市民部市民協働推進課"])


def test_sections_print_in_their_display_order_whatever_order_they_are_given(shimin_2023):
    given = list(reversed(pdf.sections_with_items(shimin_2023)))

    filename, _, data = pdf.section_reviews_pdf(shimin_2023, given)

    assert filename == "令和5年度_実行計画_市民部.pdf"
    assert outline_titles(data) == ["市民部市民課", "市民部市民総務課", "市民部市民協働推進課"]


def test_one_section_of_several_is_named_after_it(shimin_2023):
    filename, _, _ = pdf.section_reviews_pdf(shimin_2023, [section(shimin_2023, "市民総務課")])

    assert filename == "令和5年度_実行計画_市民部市民総務課.pdf"


def test_a_section_without_items_says_so(shimin_2023):
    keizai = section(shimin_2023, "経済課")

    _, _, data = pdf.section_review_pdf(shimin_2023, keizai)

    assert "この課が担当する実施項目はありません。" in text(data)


def test_sections_with_items_are_those_carrying_or_reviewing(merged_sheet, org):
    common = merged_sheet.items.get(is_common=True)
    reviewer = Section.objects.get(department=merged_sheet.department, name="第一課")
    common.common_reviewer_section = reviewer
    common.save(update_fields=["common_reviewer_section"])

    names = [s.name for s in pdf.sections_with_items(merged_sheet)]

    assert names == ["第一課", "第二課", "協働コミュニティ課"]
    _, _, data = pdf.section_review_pdf(merged_sheet, reviewer)
    flat = squeeze(text(data))
    assert in_order(
        flat, ["1総合ビジョンまとめて進める第一の取組", "2総合ビジョンひとりで進める取組"]
    )
