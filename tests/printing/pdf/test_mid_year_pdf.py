"""The mid-year status sheet: each item with its sections' 進捗状況, 上半期 and 下半期."""

from printing import pdf
from reviews.models import Review, ReviewStatus, Stage
from tests import factories
from tests.printing.pdf.pdfcheck import count_token, in_order, pages_text, squeeze, text


def test_mid_year_prints_marks_and_both_halves(demo):
    shimin = demo[(2026, "市民部")]

    filename, _, data = pdf.sheet_pdf(shimin, "mid_year")

    assert filename == "令和8年度_組織目標展開整理表_中間確認_市民部.pdf"
    pages = pages_text(data)
    assert pages[0].startswith("令和8年度 組織目標展開整理表 中間確認（市民部）")
    assert "進捗状況：◎ " in pages[0]  # the legend, from the year's scale
    for page in pages:
        assert in_order(
            squeeze(page), ["番号", "実施項目", "共通/課名", "進捗", "上半期の状況や評価"]
        )
    flat = squeeze(text(data))
    assert in_order(
        flat,
        [
            "本庁舎市民課窓口業務の外部委託",
            "○",
            "・市民課窓口業務等支援業務委託の事業者を5月に決定し",
            "（提出済み・部長の確認前）",
            "・令和9年1月の全面委託に向け",
            "旧庁舎用地利活用による",
            "（作成中）",  # a draft: its mark and text are left out
            "戸籍への振り仮名追加について",
            "（未記入）",  # no review filed yet
        ],
    )
    items = list(shimin.items.order_by("position"))
    assert in_order(flat, [squeeze(item.title) for item in items])


def test_an_item_carried_by_several_sections_gets_a_row_each(merged_sheet):
    item = merged_sheet.items.get(title="まとめて進める第二の取組")
    second, partner = (carrier.section for carrier in item.carriers.order_by("position"))
    factories.ReviewFactory(
        item=item,
        section=second,
        stage=Stage.MID_YEAR,
        status=ReviewStatus.CONFIRMED,
        progress_mark=merged_sheet.fiscal_year.progress_scale.marks.get(symbol="◎"),
        first_half_status="第二課の上半期",
        second_half_plan="第二課の下半期",
    )
    factories.ReviewFactory(
        item=item,
        section=partner,
        stage=Stage.MID_YEAR,
        status=ReviewStatus.CONFIRMED,
        progress_mark=merged_sheet.fiscal_year.progress_scale.marks.get(symbol="×"),
        first_half_status="協働の上半期",
    )

    _, _, data = pdf.sheet_pdf(merged_sheet, "mid_year")

    printed = text(data)
    flat = squeeze(printed)
    assert flat.count("まとめて進める第二の取組") == 1  # one merged cell over its rows
    assert in_order(
        flat, ["第二課◎第二課の上半期第二課の下半期", "協働コミュニティ課×協働の上半期"]
    )
    # Confirmed reviews print as they are (the sheet itself is a draft: 案（作成中） on top).
    assert "（作成中）" not in flat.replace("案（作成中）", "")
    assert count_token(printed, "共通") == 1


def test_a_common_items_review_stays_with_whoever_wrote_it(org):
    """The head filed the 共通 item's review, then named 市民課 to file it: the PDF prints the
    head's review (the rule of reviews.selectors.reviewers_due), not an empty 市民課 line."""

    common = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, number=2, title="共通の実施項目", is_common=True
    )
    Review.objects.create(
        item=common,
        section=None,
        stage=Stage.MID_YEAR,
        status=ReviewStatus.SUBMITTED,
        progress_mark=org.fiscal_year.progress_scale.marks.get(symbol="◎"),
        first_half_status="部長が書いた上半期の状況",
    )
    common.common_reviewer_section = org.section_a1
    common.save()

    _, _, data = pdf.sheet_pdf(org.sheet_a, "mid_year")

    flat = squeeze(text(data))
    assert in_order(flat, ["共通の実施項目", "部長が書いた上半期の状況"])
    assert count_token(flat, "共通（市民課）") == 0


def test_mid_year_leaves_out_draft_texts_unless_asked(org):
    factories.ReviewFactory(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        status=ReviewStatus.DRAFT,
        progress_mark=org.fiscal_year.progress_scale.marks.get(symbol="△"),
        first_half_status="まだ書きかけの上半期",
        second_half_plan="まだ書きかけの下半期",
    )

    _, _, plain = pdf.sheet_pdf(org.sheet_a, "mid_year")
    _, _, asked = pdf.sheet_pdf(org.sheet_a, "mid_year", include_drafts=True)

    plain_text, asked_text = squeeze(text(plain)), squeeze(text(asked))
    assert "（作成中）" in plain_text.replace("案（作成中）", "")
    assert "まだ書きかけ" not in plain_text
    assert plain_text.count("△") == 1  # in the legend only, not as the draft's mark
    assert "まだ書きかけの上半期" in asked_text and "まだ書きかけの下半期" in asked_text
