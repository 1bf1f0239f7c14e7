"""The department sheet printed as the originals (fixtures/: the published sheets)."""

import pytest

from goals.models import GoalItem
from goals.selectors import sheet_with_content
from printing import pdf
from tests import factories
from tests.printing.pdf.pdfcheck import (
    count_token,
    fonts,
    in_order,
    outline_titles,
    page_sizes_mm,
    pages_text,
    squeeze,
    text,
)

A4_LANDSCAPE = (297, 210)
HEADER = [
    "番号",
    "実施項目",
    "計画・方針",
    "どの水準まで",
    "どのような方法で",
    "いつまで",
    "共通/課名",
]


@pytest.fixture
def shimin(demo):
    """令和8年度 市民部 (国分寺市, 25 items), printed as its original on four pages."""
    return demo[(2026, "市民部")]


def test_plan_has_the_title_and_header_block(shimin):
    filename, content_type, data = pdf.sheet_pdf(shimin)

    assert filename == "令和8年度_組織目標展開整理表_市民部.pdf"
    assert content_type == "application/pdf"
    first = pages_text(data)[0]
    assert first.startswith("令和8年度 組織目標展開整理表（部の組織目標）")
    assert "作成日 令和8年4月1日 職名 市民部長 氏名 玉井 理加" in first


def test_plan_prints_every_item_in_order_with_bullets(shimin):
    _, _, data = pdf.sheet_pdf(shimin)

    printed = squeeze(text(data))
    items = list(shimin.items.order_by("position"))
    assert len(items) == 25
    assert in_order(printed, [squeeze(item.title) for item in items])
    for item in items:
        for bullet in item.achievement_bullets + item.method_bullets:
            # The seed text's simplified 环 is not in the bundled fonts: printed as 〓.
            assert squeeze(f"・{bullet}").replace("环", "〓") in printed, bullet
    assert in_order(printed, ["・外部委託への移行を完了している。", "・委託後は繁忙期を除いて"])


def test_plan_density_header_row_and_page_numbers(shimin):
    _, _, data = pdf.sheet_pdf(shimin)

    pages = pages_text(data)
    assert 3 <= len(pages) <= 5  # the original: four pages
    for number, page in enumerate(pages, start=1):
        flat = squeeze(page)
        assert in_order(flat, HEADER), f"header row missing on page {number}"
        assert f"{number} / {len(pages)}" in page
    assert page_sizes_mm(data) == {A4_LANDSCAPE}


def test_plan_never_breaks_deadlines_categories_or_section_names(shimin):
    _, _, data = pdf.sheet_pdf(shimin)

    printed = text(data)
    items = list(shimin.items.select_related("category"))
    for word in ("年度末", "12月", "随時"):
        expected = sum(item.deadline == word for item in items)
        assert count_token(printed, word) == expected, word
    for category in {item.category.name for item in items}:
        expected = sum(item.category.name == category for item in items)
        assert count_token(printed, category) == expected, category
    assert count_token(printed, "協働コミュニティ課") == 3
    assert count_token(printed, "複合公共施設準備室") == 2


def test_fonts_are_the_bundled_ones_embedded_as_subsets(shimin):
    _, _, data = pdf.sheet_pdf(shimin)

    used = fonts(data)
    assert used
    for name, embedded in used.items():
        assert embedded, name
        prefix, _, family = name.lstrip("/").partition("+")
        assert len(prefix) == 6 and prefix.isupper(), f"{name} is not a subset"
        assert family.startswith("BIZ-UDPGothic"), name
    assert len(data) < 400_000  # whole fonts would be megabytes


def test_merged_cells_print_their_text_once(merged_sheet):
    _, _, data = pdf.sheet_pdf(merged_sheet)

    printed = text(data)
    flat = squeeze(printed)
    assert count_token(printed, "77") == 1
    assert flat.count("まとめて進める第二の取組") == 1
    assert flat.count("・第二の達成水準") == 1
    assert in_order(flat, ["・第二の方法", "・第二の取組を別の課で進める方法"])
    # Several sections one per line, 共通 for the whole department.
    assert "第二課\n協働コミュニティ課" in printed
    assert count_token(printed, "共通") == 1


def test_prose_fields_print_without_bullets_and_dates_keep_together(merged_sheet):
    _, _, data = pdf.sheet_pdf(merged_sheet)

    printed = text(data)
    flat = squeeze(printed)
    assert "文章で書いた達成水準の一文目。二文目。" in flat
    assert "・文章で書いた" not in flat
    assert count_token(printed, "12月") == 2  # １２月 typed full-width prints as 12月
    assert count_token(printed, "年度末") == 1
    assert "令和8年\n12月25日" in printed or "令和8年12月25日" in printed
    assert "12月2\n5日" not in printed


def test_header_block_shows_revisions_and_every_signer(merged_sheet):
    _, _, data = pdf.sheet_pdf(merged_sheet)

    first = squeeze(pages_text(data)[0])
    year = merged_sheet.fiscal_year.label.removesuffix("度")
    assert f"作成日{year}4月1日{year}7月25日見直し" in first
    assert in_order(first, ["職名合同部長氏名山田一郎", "職名担当部長氏名鈴木花子"])


def test_title_can_carry_the_department_name(demo):
    fukushi = demo[(2025, "福祉部")]

    _, _, data = pdf.sheet_pdf(fukushi)

    assert pages_text(data)[0].startswith("令和7年度 組織目標展開整理表（福祉部の組織目標）")
    assert "令和7年4月1日 令和7年7月25日見直し" in pages_text(data)[0]


def test_year_end_adds_the_achievement_column(demo):
    fukushi = demo[(2025, "福祉部")]

    filename, _, data = pdf.sheet_pdf(fukushi, "year_end")

    assert filename == "令和7年度_組織目標展開整理表_達成状況_福祉部.pdf"
    pages = pages_text(data)
    assert 4 <= len(pages) <= 6  # the original: five pages
    for page in pages:
        assert in_order(squeeze(page), [*HEADER, "達成状況"])
    printed = text(data)
    assert count_token(printed, "ほぼ達成した") >= 25
    assert "ほとんど未達成だった\n(達成率80～50%)" in printed or (
        "ほとんど未達成だった(達成率80～50%)" in printed
    )
    # 16 and 17 share their 実施項目 (a merged cell).
    assert squeeze(text(data)).count("個別計画の次期計画策定") == 1


def test_plan_does_not_show_the_achievement_column(demo):
    _, _, data = pdf.sheet_pdf(demo[(2025, "福祉部")], "plan")

    assert "達成状況" not in text(data)
    assert "ほぼ達成した" not in text(data)


def test_grouped_numbers_print_once(demo):
    kodomo = demo[(2023, "子ども家庭部")]

    _, _, data = pdf.sheet_pdf(kodomo)

    flat = squeeze(text(data))
    items = list(kodomo.items.order_by("position"))
    assert len({item.number for item in items}) == 6
    assert in_order(flat, [squeeze(item.title) for item in items])
    assert 2 <= len(pages_text(data)) <= 4  # the original: three pages


def test_reuses_a_sheet_loaded_with_its_content(shimin, django_assert_max_num_queries):
    loaded = sheet_with_content(pk=shimin.pk)

    with django_assert_max_num_queries(0):
        pdf.sheet_html(loaded, "plan")


def test_query_count_does_not_grow_with_items(merged_sheet, django_assert_num_queries):
    def queries_for_html():
        # The sheet with its header and items (5) and the confirmed year-end reviews (1).
        with django_assert_num_queries(6):
            pdf.sheet_html(sheet_with_content(pk=merged_sheet.pk), "year_end")

    queries_for_html()
    for position in range(10, 30):
        GoalItem.objects.create(
            sheet=merged_sheet, position=position, number=position, title="追加"
        )
    queries_for_html()


def test_unknown_kind_is_refused(shimin):
    with pytest.raises(ValueError):
        pdf.sheet_html(shimin, "poster")


def test_a_single_sheet_has_its_title_as_bookmark(shimin):
    _, _, data = pdf.sheet_pdf(shimin)

    assert outline_titles(data) == ["令和8年度 組織目標展開整理表（部の組織目標）"]


def test_a_row_taller_than_a_page_is_split_not_lost(org):
    item = org.item_a
    item.method = "\n".join(f"非常に長い方法の説明その{n}。" * 4 for n in range(1, 61))
    item.save()
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, title="次の項目")

    _, _, data = pdf.sheet_pdf(org.sheet_a)

    pages = pages_text(data)
    assert len(pages) >= 2
    flat = squeeze(text(data))
    assert in_order(flat, [f"・非常に長い方法の説明その{n}。" for n in range(1, 61)])
    assert "次の項目" in flat
    for page in pages:
        assert in_order(squeeze(page), HEADER)


@pytest.mark.parametrize(
    ("status", "mark"),
    [("draft", "案（作成中）"), ("submitted", "案（提出済み）"), ("returned", "案（差し戻し中）")],
)
def test_a_sheet_not_accepted_is_marked_on_every_page(shimin, status, mark):
    shimin.status = status
    shimin.save(update_fields=["status"])

    for kind in ("plan", "year_end", "mid_year"):
        _, _, data = pdf.sheet_pdf(sheet_with_content(pk=shimin.pk), kind)
        pages = pages_text(data)
        assert len(pages) >= 2
        assert all(mark in page for page in pages), kind


def test_an_accepted_sheet_has_no_mark(shimin):
    shimin.status = "accepted"
    shimin.save(update_fields=["status"])

    _, _, data = pdf.sheet_pdf(sheet_with_content(pk=shimin.pk))

    assert "案（" not in text(data)


def test_an_unchanged_sheet_comes_from_the_cache_and_a_change_renders_anew(org, monkeypatch):
    first = pdf.sheet_pdf(org.sheet_a)[2]
    calls = []
    real = pdf.renderer.render_pdf
    monkeypatch.setattr(
        pdf.renderer, "render_pdf", lambda html, **kw: calls.append(html) or real(html, **kw)
    )

    again = pdf.sheet_pdf(sheet_with_content(pk=org.sheet_a.pk))[2]
    assert again == first and calls == []  # the same content: not rendered again

    org.item_a.deadline = "12月"
    org.item_a.save()
    changed = pdf.sheet_pdf(sheet_with_content(pk=org.sheet_a.pk))[2]
    assert len(calls) == 1 and changed != first
    assert "12月" in text(changed)


def test_text_stays_inside_its_cell(org):
    """3-digit numbers on one line, a free-text 期限 and an A–E 達成状況 label wrapped, a long
    section name broken after 部."""
    org.item_a.number = 150
    org.item_a.deadline = "令和8年12月末までに第一段階、令和9年3月末までに全面移行"
    org.item_a.save()
    org.section_a1.name = "市民生活部地域共生推進まちづくり協働コミュニティ課"
    org.section_a1.save()
    scale = org.fiscal_year.achievement_scale
    level = scale.levels.create(code="B", label="当初の目標を上回る成果が上がった", position=9)
    org.sheet_a.status = "accepted"
    org.sheet_a.save(update_fields=["status"])
    factories.ReviewFactory(
        item=org.item_a,
        section=org.section_a1,
        stage="year_end",
        status="confirmed",
        achievement_level=level,
    )

    html = pdf.sheet_html(org.sheet_a, "year_end")
    _, _, data = pdf.sheet_pdf(org.sheet_a, "year_end")

    printed = text(data)
    assert count_token(printed, "150") == 1
    assert '<span class="line"><span class="nowrap">市民生活部</span></span>' in html
    assert "<span>B: 当初の目標を上回る成果が上がった</span>" in html  # may wrap
    assert "<span>12月末までに第一段階、令和9年</span>" in html
    lines = printed.splitlines()
    assert "B: 当初の目標を上回る成果が上がった" not in lines  # wrapped in its column
    assert squeeze("B: 当初の目標を上回る成果が上がった") in squeeze(printed)
