"""Reads of sheets and items, narrowed to what the user may see.

`sheet_rows` is the one description of how a sheet is laid out as printed (merged 番号 cells for a
group, merged 実施項目 / 達成水準 cells for continued items); the screen, the PDF and the Excel
file all draw from it.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from departments.permissions import sheets_visible_q
from goals.models import GoalItem, GoalItemSection, GoalSheet
from goals.wareki import wareki_date

COMMON_LABEL = "共通"


def sheets_visible_to(*, user, fiscal_year=None):
    sheets = GoalSheet.objects.filter(sheets_visible_q(user)).select_related(
        "fiscal_year", "department"
    )
    if fiscal_year is not None:
        sheets = sheets.filter(fiscal_year=fiscal_year)
    return sheets.order_by("-fiscal_year__year", "department__display_order")


def items_with_content():
    """Items in printed order with what a row shows, in a constant number of queries."""
    return (
        GoalItem.objects.order_by("position", "id")
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "carriers",
                queryset=GoalItemSection.objects.select_related("section").order_by(
                    "position", "id"
                ),
            )
        )
    )


def sheet_with_content(*, pk: int) -> GoalSheet:
    """A sheet with its header and items, ready for `sheet_rows` (raises DoesNotExist)."""
    return (
        GoalSheet.objects.select_related(
            "fiscal_year__progress_scale", "fiscal_year__achievement_scale", "department"
        )
        .prefetch_related("signers", "revisions", Prefetch("items", queryset=items_with_content()))
        .get(pk=pk)
    )


def sheet_date_line(sheet: GoalSheet) -> str:
    """作成日 as printed: 令和7年4月1日 令和7年7月25日見直し."""
    parts = [wareki_date(sheet.created_on)]
    parts += [f"{wareki_date(revision.revised_on)}見直し" for revision in sheet.revisions.all()]
    return " ".join(parts)


def carriers_of(item: GoalItem) -> list[str]:
    """共通/課名 as printed, one name per line: ["共通"] or the sections in order."""
    if item.is_common:
        return [COMMON_LABEL]
    return [carrier.section.name for carrier in item.carriers.all()]


@dataclass
class SheetRow:
    """One printed row. A span of 0 means the cell is covered by a merged cell above."""

    item: GoalItem
    number_span: int
    title_span: int
    achievement_span: int
    title: str
    achievement: list[str]
    achievement_as_prose: bool
    carriers: list[str]

    @property
    def method(self) -> list[str]:
        return self.item.method_bullets


def sheet_rows(items) -> list[SheetRow]:
    """Lay items out as the printed sheet: merged cells for groups and continued items.

    `items` are in printed order (a prefetched `sheet.items.all()`). Consecutive items with the
    same 番号 share one 番号 cell; an item that continues the one above shares its 実施項目 cell
    (and its 達成水準 cell when that continues too).
    """
    items = list(items)
    rows: list[SheetRow] = []
    number_anchor = title_anchor = achievement_anchor = None
    for index, item in enumerate(items):
        continues_title = item.continues_title and index > 0
        continues_achievement = item.continues_achievement and continues_title
        row = SheetRow(
            item=item,
            number_span=1,
            title_span=1,
            achievement_span=1,
            title=item.title,
            achievement=item.achievement_bullets,
            achievement_as_prose=item.achievement_as_prose,
            carriers=carriers_of(item),
        )
        if number_anchor is not None and number_anchor.item.number == item.number:
            number_anchor.number_span += 1
            row.number_span = 0
        else:
            number_anchor = row
        if continues_title:
            title_anchor.title_span += 1
            row.title_span = 0
            row.title = title_anchor.title
        else:
            title_anchor = row
        if continues_achievement:
            achievement_anchor.achievement_span += 1
            row.achievement_span = 0
            row.achievement = achievement_anchor.achievement
            row.achievement_as_prose = achievement_anchor.achievement_as_prose
        else:
            achievement_anchor = row
        rows.append(row)
    return rows


def sheets_with_content(*, fiscal_year) -> list[GoalSheet]:
    """Every department's sheet of a year, in the departments' order, each ready for `sheet_rows`
    like `sheet_with_content` (a constant number of queries, however many sheets)."""
    return list(
        GoalSheet.objects.filter(fiscal_year=fiscal_year)
        .select_related(
            "fiscal_year__progress_scale", "fiscal_year__achievement_scale", "department"
        )
        .prefetch_related("signers", "revisions", Prefetch("items", queryset=items_with_content()))
        .order_by("department__display_order", "department__name")
    )
