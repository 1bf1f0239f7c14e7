"""Before printing: the texts of a sheet holding characters the bundled fonts cannot draw (the
simplified 环, an emoji …), named by item and column, so that whoever prints knows they will
come out as 〓. Used by the sheet page and `export_pdf`; WeasyPrint is not loaded."""

from goals.models import GoalSheet
from goals.selectors import sheet_with_content
from printing.glyphs import MissingGlyph, unprintable
from reviews.models import Stage
from reviews.selectors import reviews_of_sheet

ITEM_COLUMNS = (
    ("title", "実施項目"),
    ("achievement", "どの水準まで"),
    ("method", "どのような方法で"),
    ("deadline", "いつまで"),
    ("indicator", "指標"),
    ("target", "目標値"),
)
REVIEW_COLUMNS = (
    ("first_half_status", "上半期の状況や評価"),
    ("second_half_plan", "下半期の予定"),
    ("summary", "1年間の総括"),
    ("actual_value", "目標値に対する実績値"),
    ("evaluation_reason", "評価の視点"),
    ("issues_and_actions", "課題と対応"),
)


def _check(found: list[MissingGlyph], where: str, value: str | None) -> None:
    if missing := unprintable(value or ""):
        found.append(MissingGlyph(where=where, characters=tuple(missing)))


def sheet_unprintable(sheet: GoalSheet, *, with_reviews: bool = True) -> list[MissingGlyph]:
    """Every text of the sheet (header, items, their sections and, with `with_reviews`, the
    reviews) holding a character that would print as 〓, in the order of the sheet."""
    prefetched = getattr(sheet, "_prefetched_objects_cache", {})
    if not {"items", "signers"} <= prefetched.keys():
        sheet = sheet_with_content(pk=sheet.pk)
    found: list[MissingGlyph] = []
    _check(found, "表題", sheet.title)
    _check(found, "部名", sheet.department.name)
    for signer in sheet.signers.all():
        _check(found, "職名", signer.title)
        _check(found, "氏名", signer.name)
    reviews = {}
    if with_reviews:
        for stage in (Stage.MID_YEAR, Stage.YEAR_END):
            for (item_id, _), review in reviews_of_sheet(sheet=sheet, stage=stage).items():
                reviews.setdefault(item_id, []).append(review)
    for item in sheet.items.all():
        label = f"番号{item.number}"
        for attribute, column in ITEM_COLUMNS:
            _check(found, f"{label}「{column}」", getattr(item, attribute, ""))
        if item.category:
            _check(found, f"{label}「計画・方針等の分類」", item.category.name)
        for carrier in item.carriers.all():
            _check(found, f"{label}「共通/課名」", carrier.section.name)
        for review in reviews.get(item.pk, []):
            for attribute, column in REVIEW_COLUMNS:
                _check(found, f"{label}「{column}」", getattr(review, attribute, ""))
    return found
