"""Cells of the workbooks we write: the column keys and labels, widths, styles, and the
formula guard (text that Excel would read as a formula stays text)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from core.fields import strip_control_characters

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_PLAN = "plan"
KIND_YEAR_END = "year_end"
KINDS = {KIND_PLAN: "目標設定", KIND_YEAR_END: "年度末（達成状況つき）"}

# Column keys, in the order of the official sheet; the header labels as printed on it.
NUMBER, TITLE, CATEGORY, ACHIEVEMENT, METHOD, DEADLINE, CARRIERS = (
    "number",
    "title",
    "category",
    "achievement",
    "method",
    "deadline",
    "carriers",
)
INDICATOR, BASELINE, TARGET, STATUS = "indicator", "baseline", "target", "achievement_status"

HEADER_LABELS = {
    NUMBER: "番号",
    TITLE: "実施項目\n（業務目標又は事務の内容）",
    CATEGORY: "計画・方針\n等の分類",
    ACHIEVEMENT: "どの水準まで\n（達成水準又は遂行後の状態等）",
    METHOD: "どのような方法で\n（目標等を達成するための取組の内容等）",
    DEADLINE: "いつまで\n（期限）",
    CARRIERS: "共通/課名",
    INDICATOR: "指標",
    BASELINE: "現状値",
    TARGET: "目標値",
    STATUS: "達成状況",
}
# Short names used in messages: "12行目 D列（達成水準）".
SHORT_LABELS = {
    NUMBER: "番号",
    TITLE: "実施項目",
    CATEGORY: "計画・方針等の分類",
    ACHIEVEMENT: "達成水準",
    METHOD: "方法",
    DEADLINE: "期限",
    CARRIERS: "共通/課名",
    INDICATOR: "指標",
    BASELINE: "現状値",
    TARGET: "目標値",
    STATUS: "達成状況",
}
# Widths in Excel's units (about one half-width character), close to the PDF's proportions.
COLUMN_WIDTHS = {
    NUMBER: 5.5,
    TITLE: 24,
    CATEGORY: 10,
    ACHIEVEMENT: 40,
    METHOD: 48,
    DEADLINE: 8.5,
    CARRIERS: 13,
    INDICATOR: 20,
    BASELINE: 12,
    TARGET: 16,
    STATUS: 18,
}
CENTERED_COLUMNS = {NUMBER, CATEGORY, DEADLINE, CARRIERS}

FONT_NAME = "BIZ UDPゴシック"
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line of 10-point Japanese text
_THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFE6EBF1")
FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
BULLET = "・"

# Text that a spreadsheet would read as a formula (or, for tab and CR, as a cell break).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# The formula guard -------------------------------------------------------------------------------


def neutralise(cell, value):
    """Put `value` in `cell`; text that looks like a formula stays text, exactly as typed.

    openpyxl turns any str beginning with `=` into a formula; forcing the string type and setting
    Excel's quote prefix (what typing a leading ' does) keeps it inert, also after an edit.
    """
    if isinstance(value, str):
        # Older rows may hold control characters, which the .xlsx XML cannot carry.
        value = strip_control_characters(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
