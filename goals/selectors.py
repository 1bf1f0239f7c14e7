"""Reads of sheets and items, narrowed to what the user may see.

`sheet_rows` is the one description of how a sheet is laid out as printed (merged 番号 cells for a
group, merged 実施項目 / 達成水準 cells for continued items); the screen, the PDF and the Excel
file all draw from it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from core.wareki import wareki_date
from departments.models import Department, Role, RoleAssignment, Section
from departments.permissions import current_fiscal_year, import_targets, sheets_visible_q
from goals.models import (
    Category,
    ChangeLog,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetSnapshot,
    SheetStatus,
)

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


# What a sheet's page, print or file shows with it: its year (and the year's scales), its
# department; then its signers, revisions and items.
SHEET_HEADER = ("fiscal_year__progress_scale", "fiscal_year__achievement_scale", "department")


def _sheet_content():
    return ("signers", "revisions", Prefetch("items", queryset=items_with_content()))


def sheet_with_content(*, pk: int) -> GoalSheet:
    """A sheet with its header and items, ready for `sheet_rows` (raises DoesNotExist)."""
    return (
        GoalSheet.objects.select_related(*SHEET_HEADER)
        .prefetch_related(*_sheet_content())
        .get(pk=pk)
    )


def sheet_with_header(*, pk: int) -> GoalSheet | None:
    """A sheet with its year and department (one query), or None: enough to decide who may
    read it before loading more (`sheet_content_load`)."""
    return GoalSheet.objects.select_related(*SHEET_HEADER).filter(pk=pk).first()


def sheet_content_load(sheet: GoalSheet) -> GoalSheet:
    """Load a sheet's signers, revisions and items onto it, as `sheet_with_content` does."""
    prefetch_related_objects([sheet], *_sheet_content())
    return sheet


def item_of_sheet(*, sheet: GoalSheet, pk: int) -> GoalItem | None:
    """The sheet's item `pk` with its category and 共通 reviewer (None if not the sheet's)."""
    item = (
        GoalItem.objects.select_related("category", "common_reviewer_section")
        .filter(pk=pk, sheet=sheet)
        .first()
    )
    if item is not None:
        item.sheet = sheet
    return item


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


# The sheet editor ---------------------------------------------------------------------------


def sheet_snapshot_data(sheet: GoalSheet) -> dict:
    """The whole sheet as plain data, kept as a SheetSnapshot when it is accepted.

    The shape follows the demo fixtures (`demo.loaders.sheet_data_from_json` reads it back), plus
    the header as it was printed (`title`, `date_line`).
    """
    items = list(
        sheet.items.order_by("position", "id")
        .select_related("category", "common_reviewer_section")
        .prefetch_related(
            Prefetch(
                "carriers",
                queryset=GoalItemSection.objects.select_related("section").order_by(
                    "position", "id"
                ),
            )
        )
    )
    return {
        "fiscal_year": sheet.fiscal_year.year,
        "department": sheet.department.name,
        "title": sheet.title,
        "date_line": sheet_date_line(sheet),
        "created_on": sheet.created_on.isoformat(),
        "revisions": [revision.revised_on.isoformat() for revision in sheet.revisions.all()],
        "signers": [{"title": signer.title, "name": signer.name} for signer in sheet.signers.all()],
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "continues_title": item.continues_title,
                "continues_achievement": item.continues_achievement,
                "category": item.category.name if item.category_id else "",
                "achievement": item.achievement_bullets,
                "achievement_as_prose": item.achievement_as_prose,
                "method": item.method_bullets,
                "method_as_prose": item.method_as_prose,
                "deadline": item.deadline,
                "common": item.is_common,
                "sections": [carrier.section.name for carrier in item.carriers.all()],
                "common_reviewer_section": (
                    item.common_reviewer_section.name if item.common_reviewer_section_id else ""
                ),
                "indicator": item.indicator,
                "baseline": item.baseline,
                "target": item.target,
            }
            for item in items
        ],
    }


@dataclass
class _SnapshotSection:
    name: str


@dataclass
class _SnapshotCarrier:
    section: _SnapshotSection


class _SnapshotCarriers:
    """Duck-types `item.carriers` for `carriers_of`: `.all()` yields objects with `.section`."""

    def __init__(self, names: list[str]):
        self._carriers = [_SnapshotCarrier(_SnapshotSection(name)) for name in names]

    def all(self):
        return self._carriers


@dataclass
class SnapshotItem:
    """An item read back from a snapshot, shaped like a GoalItem for `sheet_rows`."""

    pk: None
    number: int
    title: str
    continues_title: bool
    continues_achievement: bool
    category: str
    achievement_bullets: list[str]
    achievement_as_prose: bool
    method_bullets: list[str]
    method_as_prose: bool
    deadline: str
    is_common: bool
    carriers: _SnapshotCarriers


def snapshot_rows(data: dict) -> list[SheetRow]:
    """The rows of an accepted version, laid out like the live sheet."""
    items = [
        SnapshotItem(
            pk=None,
            number=raw.get("number", 0),
            title=raw.get("title", ""),
            continues_title=raw.get("continues_title", False),
            continues_achievement=raw.get("continues_achievement", False),
            category=raw.get("category", ""),
            achievement_bullets=list(raw.get("achievement", [])),
            achievement_as_prose=raw.get("achievement_as_prose", False),
            method_bullets=list(raw.get("method", [])),
            method_as_prose=raw.get("method_as_prose", False),
            deadline=raw.get("deadline", ""),
            is_common=raw.get("common", False),
            carriers=_SnapshotCarriers(raw.get("sections", [])),
        )
        for raw in data.get("items", [])
    ]
    return sheet_rows(items)


def sheet_snapshots(*, sheet: GoalSheet):
    return (
        SheetSnapshot.objects.filter(sheet=sheet).select_related("accepted_by").order_by("-number")
    )


def previous_sheet(*, department, fiscal_year) -> GoalSheet | None:
    """The department's most recent sheet before `fiscal_year`: what "start from last year"
    copies."""
    return (
        GoalSheet.objects.filter(department=department, fiscal_year__year__lt=fiscal_year.year)
        .select_related("fiscal_year", "department")
        .order_by("-fiscal_year__year")
        .first()
    )


def item_section_choices(*, sheet: GoalSheet, item: GoalItem | None = None):
    """Sections an item may name: the department's sections of that year, plus any it already
    names (a section closed since keeps its place on items that carry it)."""
    active = Q(
        pk__in=Section.objects.filter(department_id=sheet.department_id).active_in(
            sheet.fiscal_year.year
        )
    )
    carried = Q(pk__in=item.carriers.values("section_id")) if item and item.pk else Q(pk__in=[])
    return Section.objects.filter(active | carried).order_by("display_order", "name")


def item_category_choices(*, item: GoalItem | None = None):
    """Active categories, plus the item's own one if it was retired since."""
    current = Q(pk=item.category_id) if item and item.category_id else Q(pk__in=[])
    return Category.objects.filter(Q(is_active=True) | current).order_by("display_order", "name")


# My sheets (the home page) ------------------------------------------------------------------


def sheet_overdue(sheet: GoalSheet | None, fiscal_year: FiscalYear | None) -> bool:
    """Past the year's submission deadline and not yet handed in (or not even started)."""
    if fiscal_year is None or fiscal_year.sheet_deadline is None:
        return False
    if sheet is not None and (
        sheet.status in (SheetStatus.SUBMITTED, SheetStatus.ACCEPTED)
        or sheet.submitted_at
        or sheet.accepted_at
    ):
        return False  # handed in (once at least: a revision later in the year is not late)
    return timezone.localdate() > fiscal_year.sheet_deadline


@dataclass
class HeadSheetEntry:
    """A department the user heads in a year: its sheet, or what to start it from."""

    year: int
    fiscal_year: FiscalYear | None
    department: Department
    sheet: GoalSheet | None
    previous: GoalSheet | None

    @property
    def overdue(self) -> bool:
        return sheet_overdue(self.sheet, self.fiscal_year)


def head_sheet_entries(*, user) -> list[HeadSheetEntry]:
    """The sheet of every department the user heads this fiscal year (or a later one already
    assigned), with the most recent earlier sheet to start from when there is none yet."""
    assignments = list(
        RoleAssignment.objects.filter(
            user=user, role=Role.DEPARTMENT_HEAD, fiscal_year__gte=current_fiscal_year()
        )
        .select_related("department")
        .order_by("fiscal_year", "department__display_order", "department__name")
    )
    if not assignments:
        return []
    years = {
        fiscal_year.year: fiscal_year
        for fiscal_year in FiscalYear.objects.filter(
            year__in={assignment.fiscal_year for assignment in assignments}
        )
    }
    sheets = (
        GoalSheet.objects.filter(
            department__in={assignment.department_id for assignment in assignments}
        )
        .select_related("fiscal_year", "department")
        .annotate(item_count=Count("items"))
        .order_by("-fiscal_year__year")
    )
    by_year: dict[tuple[int, int], GoalSheet] = {}
    by_department: dict[int, list[GoalSheet]] = defaultdict(list)
    for sheet in sheets:
        by_year[(sheet.department_id, sheet.fiscal_year.year)] = sheet
        by_department[sheet.department_id].append(sheet)
    return [
        HeadSheetEntry(
            year=assignment.fiscal_year,
            fiscal_year=years.get(assignment.fiscal_year),
            department=assignment.department,
            sheet=by_year.get((assignment.department_id, assignment.fiscal_year)),
            previous=next(
                (
                    sheet
                    for sheet in by_department[assignment.department_id]
                    if sheet.fiscal_year.year < assignment.fiscal_year
                ),
                None,
            ),
        )
        for assignment in assignments
    ]


@dataclass
class DepartmentSheetRow:
    department: Department
    sheet: GoalSheet | None
    fiscal_year: FiscalYear

    @property
    def overdue(self) -> bool:
        return sheet_overdue(self.sheet, self.fiscal_year)


def department_sheet_overview(*, fiscal_year: FiscalYear) -> list[DepartmentSheetRow]:
    """Every department of the year with its sheet (or none yet): the planning staff's list."""
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(fiscal_year=fiscal_year)
        .select_related("fiscal_year", "department")
        .annotate(item_count=Count("items"))
    }
    departments = Department.objects.filter(
        Q(pk__in=Department.objects.active_in(fiscal_year.year)) | Q(pk__in=list(sheets))
    ).order_by("display_order", "name")
    return [
        DepartmentSheetRow(department, sheets.get(department.pk), fiscal_year)
        for department in departments
    ]


def other_visible_sheets(*, user, exclude: list[int]):
    """The sheets a user may read besides their own of this year, newest year first."""
    return (
        sheets_visible_to(user=user)
        .exclude(pk__in=exclude)
        .annotate(item_count=Count("items"))
        .order_by("-fiscal_year__year", "department__display_order", "department__name")
    )


def last_return(*, sheet: GoalSheet) -> ChangeLog | None:
    """Who returned the sheet, and when (the comment itself is on the sheet)."""
    return (
        ChangeLog.objects.filter(sheet=sheet, action="sheet.returned")
        .select_related("user")
        .order_by("-at", "-id")
        .first()
    )


def fiscal_year_default_scales():
    """(progress scale, achievement scale) a new fiscal year takes: the latest year's, else the
    only ones registered; (None, None) when that cannot be decided."""
    # The scales are reviews' models: reached through the fiscal year's own foreign keys, so
    # that the sheet domain does not import reviews.
    ProgressScale = FiscalYear._meta.get_field("progress_scale").related_model
    AchievementScale = FiscalYear._meta.get_field("achievement_scale").related_model
    latest = FiscalYear.objects.select_related("progress_scale", "achievement_scale").first()
    if latest is not None:
        return latest.progress_scale, latest.achievement_scale
    progress = list(ProgressScale.objects.all()[:2])
    achievement = list(AchievementScale.objects.all()[:2])
    if len(progress) == 1 and len(achievement) == 1:
        return progress[0], achievement[0]
    return None, None


def import_targets_for(*, user):
    """(fiscal years, departments) a user may import a sheet into, for the upload form, as
    `departments.permissions.import_targets` decides."""
    targets = import_targets(user)
    years, departments = FiscalYear.objects.all(), Department.objects.all()
    if targets.years is not None:
        years = years.filter(year__in=targets.years)
    if targets.department_ids is not None:
        departments = departments.filter(pk__in=targets.department_ids)
    return years, departments


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
