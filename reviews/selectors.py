"""Reads of reviews."""

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    When,
    Window,
)
from django.utils import timezone

from core.text import to_halfwidth_digits
from core.wareki import wareki_date
from departments.models import Department, Role, RoleAssignment, Section
from departments.permissions import (
    Access,
    current_fiscal_year,
    review_access,
    sheets_visible_q,
    user_roles,
)
from goals.models import FiscalYear, GoalItem, GoalItemSection, GoalSheet
from reviews.models import AchievementLevel, ProgressMark, Review, ReviewStatus, Stage


def achievement_status_by_item(*, sheet) -> dict[int, list[str]]:
    """達成状況 per item, from the confirmed year-end reviews (one query).

    When every section that reviewed the item reached the same level the phrase is printed once;
    otherwise one line per section: `障害福祉課: ほぼ達成した`.
    """
    reviews = (
        Review.objects.filter(
            item__sheet=sheet,
            stage=Stage.YEAR_END,
            status=ReviewStatus.CONFIRMED,
            achievement_level__isnull=False,
        )
        .select_related("achievement_level", "section")
        .order_by("item_id", "section__display_order", "section__name")
    )
    by_item: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_item[review.item_id].append(review)
    statuses = {}
    for item_id, item_reviews in by_item.items():
        labels = [str(review.achievement_level) for review in item_reviews]
        if len(set(labels)) == 1:
            statuses[item_id] = labels[:1]
        else:
            statuses[item_id] = [
                f"{review.section.name if review.section_id else '部'}: {label}"
                for review, label in zip(item_reviews, labels, strict=True)
            ]
    return statuses


# Stages and the fiscal year's phase ----------------------------------------------------------

STAGES = (Stage.MID_YEAR, Stage.YEAR_END)
FILED_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED)
MISSING = "missing"  # the status of a due review nobody has started
MISSING_LABEL = "未記入"

_PHASES_IN_ORDER = [
    FiscalYear.Phase.PLANNING,
    FiscalYear.Phase.MID_YEAR,
    FiscalYear.Phase.YEAR_END,
    FiscalYear.Phase.CLOSED,
]
_PHASE_OF_STAGE = {
    Stage.MID_YEAR: FiscalYear.Phase.MID_YEAR,
    Stage.YEAR_END: FiscalYear.Phase.YEAR_END,
}

BEFORE, OPEN, CLOSED = "before", "open", "closed"


def stage_window(fiscal_year: FiscalYear, stage: str) -> str:
    """Whether filing of `stage` has not begun, is open or has closed, by the year's phase."""
    now = _PHASES_IN_ORDER.index(fiscal_year.phase)
    opens = _PHASES_IN_ORDER.index(_PHASE_OF_STAGE[stage])
    if now < opens:
        return BEFORE
    return OPEN if now == opens else CLOSED


def stage_in_focus(fiscal_year: FiscalYear) -> str:
    """The stage a page shows first: the one being filed, else the latest one that has begun."""
    if fiscal_year.phase in (FiscalYear.Phase.YEAR_END, FiscalYear.Phase.CLOSED):
        return Stage.YEAR_END
    return Stage.MID_YEAR


def stage_deadline(fiscal_year: FiscalYear, stage: str) -> datetime.date | None:
    if stage == Stage.MID_YEAR:
        return fiscal_year.mid_year_deadline
    return fiscal_year.year_end_deadline


def stage_label(stage: str) -> str:
    return Stage(stage).label


# Who must file what -------------------------------------------------------------------------


def reviewers_due(
    *,
    is_common: bool,
    common_reviewer_section_id: int | None,
    carrier_section_ids: Iterable[int],
    reviewed_by: Iterable[int | None] = (),
) -> list[int | None]:
    """Who files an item's review for one stage: section ids, None for the department.

    Each section carrying the item files its own review. A 共通 item gets one review for the whole
    department, written by the section the head named (`common_reviewer_section`) or else by
    the head. `reviewed_by` are the reviewers of the item's existing reviews for the stage: a
    共通 item's review that someone already wrote stays theirs when the head names another
    section later, so that nothing written is orphaned.
    """
    if is_common:
        reviewed_by = list(reviewed_by)
        if not reviewed_by or common_reviewer_section_id in reviewed_by:
            return [common_reviewer_section_id]
        return [reviewed_by[0]]
    return list(dict.fromkeys(carrier_section_ids))


def review_returnable(review: Review, window: str) -> bool:
    """The head may return it: filed (submitted or confirmed), while its stage is open or after
    planning staff reopened it; after the close the writer could not fix it."""
    return review.status in FILED_STATUSES and (window == OPEN or review.reopened_at is not None)


@dataclass
class ReviewSlot:
    """One review that is due: an item, who files it (a section; None for the department),
    the stage, and the review when somebody has started it."""

    item: GoalItem
    section: Section | None
    stage: str
    review: Review | None = None
    # The same reviewer's review of the other stage (the mid-year one beside a year-end form).
    companion: Review | None = None
    access: Access = Access.NONE

    @property
    def section_id(self) -> int | None:
        return self.section.pk if self.section is not None else None

    @property
    def status(self) -> str:
        return self.review.status if self.review is not None else MISSING

    @property
    def status_label(self) -> str:
        return self.review.get_status_display() if self.review is not None else MISSING_LABEL

    @property
    def is_filed(self) -> bool:
        return self.status in FILED_STATUSES

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def reviewer_label(self) -> str:
        return self.section.name if self.section is not None else "部（部長が記入）"

    @property
    def dom_id(self) -> str:
        return f"review-{self.item.pk}-{self.stage}-{self.section_id or 'department'}"

    @property
    def can_write(self) -> bool:
        return self.access is Access.WRITE

    @property
    def window(self) -> str:
        return stage_window(self.item.sheet.fiscal_year, self.stage)

    @property
    def is_reopened(self) -> bool:
        return (
            self.review is not None
            and self.review.reopened_at is not None
            and self.review.status != ReviewStatus.CONFIRMED
        )

    @property
    def can_be_returned(self) -> bool:
        return self.review is not None and review_returnable(self.review, self.window)

    @property
    def is_fillable(self) -> bool:
        """The writer may type into it now: not filed, and its stage open or it was reopened."""
        return self.can_write and not self.is_filed and (self.window == OPEN or self.is_reopened)

    @property
    def deadline(self) -> datetime.date | None:
        return stage_deadline(self.item.sheet.fiscal_year, self.stage)

    @property
    def is_overdue(self) -> bool:
        deadline = self.deadline
        return (
            not self.is_filed
            and deadline is not None
            and self.window != BEFORE
            and timezone.localdate() > deadline
        )

    @property
    def url_args(self) -> list:
        if self.section is None:
            return [self.item.pk, self.stage]
        return [self.item.pk, self.stage, self.section.pk]


def with_display_title(items):
    """Annotate `display_title` and `display_achievement`: an item continuing the one above
    shows that item's 実施項目 (and 達成水準)."""
    anchor = (
        GoalItem.objects.filter(
            sheet=OuterRef("sheet"), position__lt=OuterRef("position"), continues_title=False
        )
        .order_by("-position", "-id")
        .values("title")[:1]
    )
    achievement_anchor = (
        GoalItem.objects.filter(
            sheet=OuterRef("sheet"), position__lt=OuterRef("position"), continues_achievement=False
        )
        .order_by("-position", "-id")
        .values("achievement")[:1]
    )
    return items.annotate(
        display_title=Case(
            When(continues_title=True, then=Subquery(anchor)),
            default=F("title"),
            output_field=TextField(),
        ),
        display_achievement=Case(
            When(continues_achievement=True, then=Subquery(achievement_anchor)),
            default=F("achievement"),
            output_field=TextField(),
        ),
    )


def items_for_reviews():
    """Items with what review pages show (sheet, year, scales, carriers, reviews)."""
    return with_display_title(
        GoalItem.objects.select_related(
            "sheet__fiscal_year__progress_scale",
            "sheet__fiscal_year__achievement_scale",
            "sheet__department",
            "category",
            "common_reviewer_section",
        )
        .prefetch_related(
            Prefetch(
                "carriers",
                queryset=GoalItemSection.objects.select_related("section").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related(
                    "section", "progress_mark", "achievement_level"
                ),
            ),
        )
        .order_by("sheet__department__display_order", "position", "id")
    )


def review_slots(item: GoalItem, stage: str, *, user=None) -> list[ReviewSlot]:
    """The due reviews of an item from `items_for_reviews` (no queries), with the user's access."""
    reviews = {(review.section_id, review.stage): review for review in item.reviews.all()}
    sections = {carrier.section.pk: carrier.section for carrier in item.carriers.all()}
    if item.common_reviewer_section_id:
        sections[item.common_reviewer_section_id] = item.common_reviewer_section
    for review in reviews.values():
        if review.section_id:
            sections[review.section_id] = review.section
    reviewer_ids = reviewers_due(
        is_common=item.is_common,
        common_reviewer_section_id=item.common_reviewer_section_id,
        carrier_section_ids=[carrier.section_id for carrier in item.carriers.all()],
        reviewed_by=[section_id for section_id, review_stage in reviews if review_stage == stage],
    )
    other_stage = Stage.YEAR_END if stage == Stage.MID_YEAR else Stage.MID_YEAR
    slots = []
    for section_id in reviewer_ids:
        section = sections.get(section_id) if section_id else None
        slot = ReviewSlot(
            item=item,
            section=section,
            stage=stage,
            review=reviews.get((section_id, stage)),
            companion=reviews.get((section_id, other_stage)),
        )
        if user is not None:
            slot.access = review_access(user, item=item, section=section)
        slots.append(slot)
    return slots


def review_slot(*, item: GoalItem, section: Section | None, stage: str, user=None) -> ReviewSlot:
    """One reviewer's slot of an item, due or not (the item from `items_for_reviews`)."""
    for slot in review_slots(item, stage, user=user):
        if slot.section_id == (section.pk if section is not None else None):
            return slot
    reviews = {(review.section_id, review.stage): review for review in item.reviews.all()}
    section_id = section.pk if section is not None else None
    other_stage = Stage.YEAR_END if stage == Stage.MID_YEAR else Stage.MID_YEAR
    return ReviewSlot(
        item=item,
        section=section,
        stage=stage,
        review=reviews.get((section_id, stage)),
        companion=reviews.get((section_id, other_stage)),
        access=review_access(user, item=item, section=section) if user is not None else Access.NONE,
    )


def item_for_reviews(*, pk: int) -> GoalItem:
    """One item ready for `review_slots` (raises DoesNotExist)."""
    return items_for_reviews().get(pk=pk)


def is_reviewer_of(item: GoalItem, section: Section | None) -> bool:
    """Whether `section` (None: the department) is someone who may have a review of the item."""
    if section is None:
        return item.is_common
    if item.is_common and item.common_reviewer_section_id == section.pk:
        return True
    if any(review.section_id == section.pk for review in item.reviews.all()):
        return True
    return any(carrier.section_id == section.pk for carrier in item.carriers.all())


# My reviews -------------------------------------------------------------------------------


@dataclass
class MyReviewRow:
    """An item the user files (or, for a head, a 共通 item of their department) with the due
    review of each stage by one reviewer."""

    item: GoalItem
    section: Section | None
    slots: dict[str, ReviewSlot]
    can_assign_reviewer: bool = False

    @property
    def mid_year(self) -> ReviewSlot | None:
        return self.slots.get(Stage.MID_YEAR)

    @property
    def year_end(self) -> ReviewSlot | None:
        return self.slots.get(Stage.YEAR_END)

    @property
    def reviewer_id(self) -> int | None:
        return self.section.pk if self.section is not None else None

    @property
    def dom_id(self) -> str:
        return f"item-{self.item.pk}-{self.reviewer_id or 'department'}"


@dataclass
class MySheetGroup:
    sheet: GoalSheet
    rows: list[MyReviewRow] = field(default_factory=list)
    is_head: bool = False
    awaiting_confirmation: int = 0
    sections: list[Section] = field(default_factory=list)


def _my_rows(item: GoalItem, *, user, section_ids: set[int], head_ids: set[int]) -> list:
    by_reviewer: dict[int | None, dict[str, ReviewSlot]] = defaultdict(dict)
    is_head = item.sheet.department_id in head_ids
    for stage in STAGES:
        for slot in review_slots(item, stage, user=user):
            if slot.section_id in section_ids or (item.is_common and is_head):
                by_reviewer[slot.section_id][stage] = slot
    rows = []
    for slots in by_reviewer.values():
        first = next(iter(slots.values()))
        rows.append(
            MyReviewRow(
                item=item,
                section=first.section,
                slots=slots,
                can_assign_reviewer=item.is_common and is_head,
            )
        )
    return rows


def my_reviews(*, user, fiscal_year: FiscalYear) -> list[MySheetGroup]:
    """Everything the user files in the year, grouped by department sheet.

    A section chief gets the items their section carries and the 共通 items the head named the
    section for; a department head gets the 共通 items of the department (filed by the head unless
    a section is named) and the number of submitted reviews waiting for their confirmation.
    """
    roles = user_roles(user)
    year = fiscal_year.year
    section_ids = set(roles.chief_of.get(year, ()))
    head_ids = set(roles.head_of.get(year, ()))
    if not section_ids and not head_ids:
        return []
    wanted = (
        Q(is_common=False, carriers__section__in=section_ids)
        | Q(is_common=True, common_reviewer_section__in=section_ids)
        | Q(is_common=True, reviews__section__in=section_ids)
        | Q(is_common=True, sheet__department__in=head_ids)
    )
    item_ids = GoalItem.objects.filter(wanted, sheet__fiscal_year=fiscal_year).values("pk")
    items = list(items_for_reviews().filter(pk__in=item_ids))

    groups: dict[int, MySheetGroup] = {}
    if head_ids:
        headed = GoalSheet.objects.filter(
            fiscal_year=fiscal_year, department__in=head_ids
        ).select_related("fiscal_year", "department")
        for sheet in headed:
            groups[sheet.pk] = MySheetGroup(sheet=sheet, is_head=True)
    for item in items:
        group = groups.setdefault(item.sheet_id, MySheetGroup(sheet=item.sheet))
        group.rows.extend(_my_rows(item, user=user, section_ids=section_ids, head_ids=head_ids))

    if head_ids:
        waiting = (
            Review.objects.filter(
                item__sheet__fiscal_year=fiscal_year,
                item__sheet__department__in=head_ids,
                status=ReviewStatus.SUBMITTED,
            )
            .values("item__sheet")
            .annotate(count=Count("id"))
        )
        for entry in waiting:
            if entry["item__sheet"] in groups:
                groups[entry["item__sheet"]].awaiting_confirmation = entry["count"]
        sections = defaultdict(list)
        for section in Section.objects.filter(department__in=head_ids).active_in(year):
            sections[section.department_id].append(section)
        for group in groups.values():
            group.sections = sections.get(group.sheet.department_id, [])
    return sorted(
        groups.values(),
        key=lambda group: (group.sheet.department.display_order, group.sheet.department.name),
    )


def my_review_row(*, user, item: GoalItem, section: Section | None) -> MyReviewRow | None:
    """One row of My reviews again, after a change (the item from `items_for_reviews`)."""
    roles = user_roles(user)
    year = item.sheet.fiscal_year.year
    rows = _my_rows(
        item,
        user=user,
        section_ids=set(roles.chief_of.get(year, ())),
        head_ids=set(roles.head_of.get(year, ())),
    )
    wanted = section.pk if section is not None else None
    return next((row for row in rows if row.reviewer_id == wanted), rows[0] if rows else None)


# A sheet's reviews (the department's overview) ------------------------------------------------


@dataclass
class OverviewRow:
    item: GoalItem
    slots: list[ReviewSlot]


@dataclass
class StageCounts:
    due: int = 0
    filed: int = 0
    confirmed: int = 0
    returned: int = 0
    overdue: int = 0

    @property
    def unfiled(self) -> int:
        return self.due - self.filed

    @property
    def awaiting_confirmation(self) -> int:
        return self.filed - self.confirmed

    def add(self, status: str, *, overdue: bool = False) -> None:
        self.due += 1
        if status in FILED_STATUSES:
            self.filed += 1
        if status == ReviewStatus.CONFIRMED:
            self.confirmed += 1
        if status == ReviewStatus.RETURNED:
            self.returned += 1
        if overdue and status not in FILED_STATUSES:
            self.overdue += 1


OVERVIEW_FILTERS = {
    "": ("すべて", lambda slot: True),
    "submitted": ("確認待ち", lambda slot: slot.status == ReviewStatus.SUBMITTED),
    "unfiled": ("未提出", lambda slot: not slot.is_filed),
    "confirmed": ("確認済み", lambda slot: slot.status == ReviewStatus.CONFIRMED),
}


def sheet_review_overview(
    *, sheet: GoalSheet, stage: str, user, show: str = ""
) -> tuple[list, StageCounts]:
    """Every due review of the sheet for the stage that the user may see, per item.

    `show` narrows the rows to one kind of review (OVERVIEW_FILTERS); the counts are of all.
    """
    wanted = OVERVIEW_FILTERS.get(show, OVERVIEW_FILTERS[""])[1]
    rows, counts = [], StageCounts()
    for item in items_for_reviews().filter(sheet=sheet):
        slots = [
            slot for slot in review_slots(item, stage, user=user) if slot.access is not Access.NONE
        ]
        for slot in slots:
            counts.add(slot.status)
        slots = [slot for slot in slots if wanted(slot)]
        if slots:
            rows.append(OverviewRow(item=item, slots=slots))
    return rows, counts


def review_sheet(*, pk: int) -> GoalSheet:
    return GoalSheet.objects.select_related(
        "fiscal_year__progress_scale", "fiscal_year__achievement_scale", "department"
    ).get(pk=pk)


def review_with_context(*, pk: int) -> Review:
    return Review.objects.select_related(
        "item__sheet__fiscal_year__progress_scale",
        "item__sheet__fiscal_year__achievement_scale",
        "item__sheet__department",
        "section",
        "progress_mark",
        "achievement_level",
    ).get(pk=pk)


def fiscal_year_for(year: int | None) -> FiscalYear | None:
    """The fiscal year `year` (None: the current one, else the latest opened)."""
    years = FiscalYear.objects.select_related("progress_scale", "achievement_scale")
    if year is not None:
        return years.filter(year=year).first()
    return years.filter(year=current_fiscal_year()).first() or years.order_by("-year").first()


def fiscal_years_all():
    return FiscalYear.objects.select_related("progress_scale", "achievement_scale").order_by(
        "-year"
    )


# The city in one year: what is due, filed and confirmed --------------------------------------


@dataclass(frozen=True)
class DueFact:
    """One due review of the year, as plain values (the dashboard reads thousands)."""

    item_id: int
    sheet_id: int
    department_id: int
    number: int
    position: int
    title: str
    section_id: int | None
    stage: str
    status: str


@dataclass(frozen=True)
class ReviewFact:
    item_id: int
    department_id: int
    section_id: int | None
    stage: str
    status: str
    progress_mark_id: int | None
    achievement_level_id: int | None


def due_facts(*, fiscal_year: FiscalYear) -> tuple[list[DueFact], list[ReviewFact]]:
    """Every due review of the year, and every existing review, as plain values (3 queries)."""
    items = (
        with_display_title(GoalItem.objects.filter(sheet__fiscal_year=fiscal_year))
        .order_by("sheet__department__display_order", "position", "id")
        .values_list(
            "pk",
            "sheet_id",
            "sheet__department_id",
            "number",
            "position",
            "display_title",
            "is_common",
            "common_reviewer_section_id",
        )
    )
    carriers = defaultdict(list)
    for item_id, section_id in (
        GoalItemSection.objects.filter(item__sheet__fiscal_year=fiscal_year)
        .order_by("position", "id")
        .values_list("item_id", "section_id")
    ):
        carriers[item_id].append(section_id)
    reviews = [
        ReviewFact(*values)
        for values in Review.objects.filter(item__sheet__fiscal_year=fiscal_year).values_list(
            "item_id",
            "item__sheet__department_id",
            "section_id",
            "stage",
            "status",
            "progress_mark_id",
            "achievement_level_id",
        )
    ]
    status_of = {
        (review.item_id, review.section_id, review.stage): review.status for review in reviews
    }
    reviewed_by = defaultdict(list)
    for review in reviews:
        reviewed_by[review.item_id, review.stage].append(review.section_id)

    facts = []
    for item_id, sheet_id, department_id, number, position, title, common, named in items:
        for stage in STAGES:
            for section_id in reviewers_due(
                is_common=common,
                common_reviewer_section_id=named,
                carrier_section_ids=carriers[item_id],
                reviewed_by=reviewed_by[item_id, stage],
            ):
                facts.append(
                    DueFact(
                        item_id=item_id,
                        sheet_id=sheet_id,
                        department_id=department_id,
                        number=number,
                        position=position,
                        title=title or "",
                        section_id=section_id,
                        stage=stage,
                        status=status_of.get((item_id, section_id, stage), MISSING),
                    )
                )
    return facts, reviews


@dataclass
class DepartmentSummary:
    department: Department | None  # None: the whole city
    sheet: GoalSheet | None = None
    mid_year: StageCounts = field(default_factory=StageCounts)
    year_end: StageCounts = field(default_factory=StageCounts)
    marks: Counter = field(default_factory=Counter)
    levels: Counter = field(default_factory=Counter)

    @property
    def overdue(self) -> int:
        return self.mid_year.overdue + self.year_end.overdue

    def counts(self, stage: str) -> StageCounts:
        return self.mid_year if stage == Stage.MID_YEAR else self.year_end


@dataclass
class Dashboard:
    fiscal_year: FiscalYear
    today: datetime.date
    departments: list[DepartmentSummary]
    city: DepartmentSummary
    marks: list[ProgressMark]
    levels: list[AchievementLevel]
    sheet_statuses: Counter

    @property
    def sheets_missing(self) -> int:
        return sum(1 for summary in self.departments if summary.sheet is None)


def _is_overdue(fiscal_year: FiscalYear, stage: str, today: datetime.date) -> bool:
    deadline = stage_deadline(fiscal_year, stage)
    return deadline is not None and today > deadline and stage_window(fiscal_year, stage) != BEFORE


def departments_of_year(fiscal_year: FiscalYear):
    """Departments that exist in the year or have a sheet in it, in display order."""
    return Department.objects.filter(
        Q(pk__in=Department.objects.active_in(fiscal_year.year).values("pk"))
        | Q(Exists(GoalSheet.objects.filter(department=OuterRef("pk"), fiscal_year=fiscal_year)))
    ).order_by("display_order", "name")


def dashboard(*, fiscal_year: FiscalYear, today: datetime.date) -> Dashboard:
    """Per department: the sheet's status, due / filed / confirmed reviews per stage, overdue
    reviews and the distribution of marks and levels. A constant number of queries."""
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(fiscal_year=fiscal_year).select_related("department")
    }
    summaries = {
        department.pk: DepartmentSummary(department=department, sheet=sheets.get(department.pk))
        for department in departments_of_year(fiscal_year)
    }
    city = DepartmentSummary(department=None)
    overdue = {stage: _is_overdue(fiscal_year, stage, today) for stage in STAGES}
    facts, reviews = due_facts(fiscal_year=fiscal_year)
    for fact in facts:
        summary = summaries[fact.department_id]
        for target in (summary, city):
            target.counts(fact.stage).add(fact.status, overdue=overdue[fact.stage])
    # Distributions count every filed review (one per section of a shared item).
    for review in reviews:
        if review.status not in FILED_STATUSES:
            continue
        for target in (summaries[review.department_id], city):
            if review.progress_mark_id:
                target.marks[review.progress_mark_id] += 1
            if review.achievement_level_id:
                target.levels[review.achievement_level_id] += 1
    return Dashboard(
        fiscal_year=fiscal_year,
        today=today,
        departments=list(summaries.values()),
        city=city,
        marks=list(fiscal_year.progress_scale.marks.all()),
        levels=list(fiscal_year.achievement_scale.levels.all()),
        sheet_statuses=Counter(sheet.status for sheet in sheets.values()),
    )


# A department over the years ------------------------------------------------------------------


@dataclass
class YearDistribution:
    fiscal_year: FiscalYear
    marks: list[tuple[ProgressMark, int]]
    levels: list[tuple[AchievementLevel, int]]


def department_years(*, department: Department) -> list[YearDistribution]:
    """Filed marks and levels of the department, per fiscal year with a sheet (4 queries)."""
    years = list(
        FiscalYear.objects.filter(sheets__department=department)
        .select_related("progress_scale", "achievement_scale")
        .order_by("year")
    )
    filed = Review.objects.filter(item__sheet__department=department, status__in=FILED_STATUSES)
    mark_counts = {
        (entry["item__sheet__fiscal_year"], entry["progress_mark"]): entry["count"]
        for entry in filed.filter(stage=Stage.MID_YEAR, progress_mark__isnull=False)
        .values("item__sheet__fiscal_year", "progress_mark")
        .annotate(count=Count("id"))
        .order_by()
    }
    level_counts = {
        (entry["item__sheet__fiscal_year"], entry["achievement_level"]): entry["count"]
        for entry in filed.filter(stage=Stage.YEAR_END, achievement_level__isnull=False)
        .values("item__sheet__fiscal_year", "achievement_level")
        .annotate(count=Count("id"))
        .order_by()
    }
    marks = defaultdict(list)
    for mark in ProgressMark.objects.filter(
        scale__in={year.progress_scale_id for year in years}
    ).order_by("position", "id"):
        marks[mark.scale_id].append(mark)
    levels = defaultdict(list)
    for level in AchievementLevel.objects.filter(
        scale__in={year.achievement_scale_id for year in years}
    ).order_by("position", "id"):
        levels[level.scale_id].append(level)
    return [
        YearDistribution(
            fiscal_year=year,
            marks=[
                (mark, mark_counts.get((year.pk, mark.pk), 0))
                for mark in marks[year.progress_scale_id]
            ],
            levels=[
                (level, level_counts.get((year.pk, level.pk), 0))
                for level in levels[year.achievement_scale_id]
            ],
        )
        for year in years
    ]


# Search across years and departments --------------------------------------------------------

ITEM_TEXT_FIELDS = ("title", "achievement", "method", "deadline", "indicator", "baseline", "target")
REVIEW_TEXT_FIELDS = (
    "first_half_status",
    "second_half_plan",
    "summary",
    "actual_value",
    "evaluation_reason",
    "issues_and_actions",
)
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass
class SearchFilters:
    keyword: str = ""
    fiscal_year: FiscalYear | None = None
    department: Department | None = None
    category: object = None
    section: Section | None = None
    deadline: str = ""  # a month "1".."12", or a kind: fiscal_year_end, as_needed, asap, none
    stage: str = ""
    status: str = ""
    progress_mark: str = ""  # a symbol, the same across scales
    achievement_level: AchievementLevel | None = None

    @property
    def terms(self) -> list[str]:
        return [term for term in _SPACES.split(self.keyword or "") if term]


def _spellings(term: str) -> set[str]:
    """１２月 and 12月 are the same word: search for both spellings of the digits."""
    half = to_halfwidth_digits(term)
    return {term, half, half.translate(_FULLWIDTH)}


def _keyword_q(term: str) -> Q:
    item_q, review_q = Q(), Q()
    for spelling in _spellings(term):
        # Kana and kanji have no case: a plain LIKE spares PostgreSQL an UPPER() of every text.
        lookup = "icontains" if spelling.lower() != spelling.upper() else "contains"
        for name in ITEM_TEXT_FIELDS:
            item_q |= Q(**{f"{name}__{lookup}": spelling})
        for name in REVIEW_TEXT_FIELDS:
            review_q |= Q(**{f"{name}__{lookup}": spelling})
    return item_q | Q(Exists(Review.objects.filter(review_q, item=OuterRef("pk"))))


def review_search(*, user, filters: SearchFilters):
    """Items matching the filters, across years and departments the user may read.

    The keyword's words must each appear in some text of the item or of one of its reviews.
    Mark, level, stage and status filters ask for one review that meets them all; a mark or
    level alone counts filed reviews (submitted or confirmed).
    """
    items = with_display_title(
        GoalItem.objects.filter(sheets_visible_q(user, prefix="sheet__"))
    ).select_related("sheet__fiscal_year", "sheet__department", "category")
    for term in filters.terms:
        items = items.filter(_keyword_q(term))
    if filters.fiscal_year is not None:
        items = items.filter(sheet__fiscal_year=filters.fiscal_year)
    if filters.department is not None:
        items = items.filter(sheet__department=filters.department)
    if filters.category is not None:
        items = items.filter(category=filters.category)
    if filters.section is not None:
        section = filters.section
        items = items.filter(
            Q(Exists(GoalItemSection.objects.filter(item=OuterRef("pk"), section=section)))
            | Q(common_reviewer_section=section)
            | Q(Exists(Review.objects.filter(item=OuterRef("pk"), section=section)))
        )
    if filters.deadline:
        if filters.deadline.isdigit():
            items = items.filter(deadline_due__month=int(filters.deadline))
        elif filters.deadline == "none":
            items = items.filter(deadline="")
        else:
            items = items.filter(deadline_kind=filters.deadline)
    review_q = Q()
    if filters.stage:
        review_q &= Q(stage=filters.stage)
    if filters.progress_mark:
        review_q &= Q(stage=Stage.MID_YEAR, progress_mark__symbol=filters.progress_mark)
    if filters.achievement_level is not None:
        review_q &= Q(stage=Stage.YEAR_END, achievement_level=filters.achievement_level)
    if filters.status:
        review_q &= Q(status=filters.status)
    elif filters.progress_mark or filters.achievement_level is not None:
        review_q &= Q(status__in=FILED_STATUSES)
    if review_q:
        items = items.filter(Exists(Review.objects.filter(review_q, item=OuterRef("pk"))))
    return items.order_by(
        "-sheet__fiscal_year__year", "sheet__department__display_order", "position", "id"
    )


def search_page(items, *, number: int, per_page: int):
    """One page of results and the total.

    The matching rows are read once, narrowly: one query returns the page's ids with the total
    (a window count); a second loads those few items in full. A count and a page query would
    each scan every text.
    """
    number = min(max(1, number), 1_000_000)  # a typed page number never overflows OFFSET
    ids = items.annotate(result_total=Window(Count("pk"))).values_list("pk", "result_total")

    def page_ids(number):
        return list(ids[(number - 1) * per_page : number * per_page])

    found = page_ids(number)
    if not found and number > 1:  # past the last page: show the last one
        number = max(1, -(-items.count() // per_page))
        found = page_ids(number)
    total = found[0][1] if found else 0
    page = Paginator(range(total), per_page).page(number if found else 1)
    page.object_list = list(search_results_prefetch(items.filter(pk__in=[pk for pk, _ in found])))
    return page


def search_results_prefetch(items):
    """What a page of results shows besides the item: carriers and reviews (2 queries)."""
    return items.prefetch_related(
        Prefetch(
            "carriers",
            queryset=GoalItemSection.objects.select_related("section").order_by("position", "id"),
        ),
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related(
                "section", "progress_mark", "achievement_level"
            ).order_by("stage", "section__display_order", "id"),
        ),
    )


@dataclass
class Excerpt:
    label: str
    before: str
    match: str
    after: str


def search_excerpt(item: GoalItem, terms: list[str], *, width: int = 40) -> Excerpt | None:
    """Where the first word was found, with some text around it (item fields, then reviews)."""
    if not terms:
        return None
    spellings = sorted(_spellings(terms[0]), key=len, reverse=True)
    # The title is on the result already; an excerpt shows where else the word was found.
    texts = [
        (GoalItem._meta.get_field(name).verbose_name, getattr(item, name))
        for name in ITEM_TEXT_FIELDS
        if name != "title"
    ]
    for review in item.reviews.all():
        who = review.section.name if review.section_id else "部"
        texts += [
            (f"{who}・{Review._meta.get_field(name).verbose_name}", getattr(review, name))
            for name in REVIEW_TEXT_FIELDS
        ]
    for label, value in texts:
        lowered = (value or "").lower()
        for spelling in spellings:
            index = lowered.find(spelling.lower())
            if index >= 0:
                end = index + len(spelling)
                return Excerpt(
                    label=str(label).split("（")[0],
                    before=("…" if index > width else "") + value[max(0, index - width) : index],
                    match=value[index:end],
                    after=value[end : end + width] + ("…" if end + width < len(value) else ""),
                )
    return None


# Who has not filed: a reminder ---------------------------------------------------------------


@dataclass
class UnfiledReviewer:
    section: Section | None
    title: str  # 市民課長 or 市民部長
    names: list[str]
    facts: list[DueFact]


@dataclass
class UnfiledDepartment:
    department: Department
    reviewers: list[UnfiledReviewer]

    @property
    def count(self) -> int:
        return sum(len(reviewer.facts) for reviewer in self.reviewers)


def unfiled_reviews(*, fiscal_year: FiscalYear, stage: str) -> list[UnfiledDepartment]:
    """Due reviews of the stage not yet submitted, per department and reviewer, with the names
    of this year's chiefs and heads (a constant number of queries)."""
    facts, _ = due_facts(fiscal_year=fiscal_year)
    facts = [fact for fact in facts if fact.stage == stage and fact.status not in FILED_STATUSES]
    if not facts:
        return []
    departments = {
        department.pk: department
        for department in Department.objects.filter(pk__in={f.department_id for f in facts})
    }
    sections = {
        section.pk: section
        for section in Section.objects.filter(pk__in={f.section_id for f in facts if f.section_id})
    }
    titles, names = {}, defaultdict(list)
    for assignment in RoleAssignment.objects.filter(
        fiscal_year=fiscal_year.year,
        role__in=[Role.DEPARTMENT_HEAD, Role.SECTION_CHIEF],
        department__in=departments,
    ).select_related("user"):
        key = (
            ("section", assignment.section_id)
            if assignment.role == Role.SECTION_CHIEF
            else ("department", assignment.department_id)
        )
        titles.setdefault(key, assignment.title)
        full_name = f"{assignment.user.last_name} {assignment.user.first_name}".strip()
        names[key].append(full_name or assignment.user.get_username())
    grouped: dict[int, dict[int | None, list[DueFact]]] = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        grouped[fact.department_id][fact.section_id].append(fact)
    result = []
    for department_id, by_reviewer in grouped.items():
        department = departments[department_id]
        reviewers = []
        for section_id, reviewer_facts in by_reviewer.items():
            section = sections.get(section_id) if section_id else None
            if section is not None:
                key = ("section", section.pk)
                default_title = section.chief_title or f"{section.name}長"
            else:
                key = ("department", department.pk)
                default_title = department.head_title
            reviewers.append(
                UnfiledReviewer(
                    section=section,
                    title=titles.get(key) or default_title,
                    names=names.get(key, []),
                    facts=sorted(reviewer_facts, key=lambda fact: (fact.position, fact.item_id)),
                )
            )
        reviewers.sort(
            key=lambda reviewer: (
                reviewer.section is not None,
                reviewer.section.display_order if reviewer.section else 0,
                reviewer.title,
            )
        )
        result.append(UnfiledDepartment(department=department, reviewers=reviewers))
    result.sort(key=lambda entry: (entry.department.display_order, entry.department.name))
    return result


def _one_line(text: str, limit: int = 40) -> str:
    line = _SPACES.sub(" ", text or "").strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def status_label(status: str) -> str:
    return MISSING_LABEL if status == MISSING else ReviewStatus(status).label


def unfiled_reminder_text(
    *, fiscal_year: FiscalYear, stage: str, groups: list[UnfiledDepartment], today: datetime.date
) -> str:
    """The unfiled list as plain text, ready to paste into a reminder mail."""
    deadline = stage_deadline(fiscal_year, stage)
    lines = [f"{fiscal_year.label} {stage_label(stage)} 未提出の一覧（{wareki_date(today)}現在）"]
    if deadline is not None:
        late = "。期限を過ぎています" if today > deadline else ""
        lines.append(f"提出期限: {wareki_date(deadline)}{late}")
    if not groups:
        lines += ["", "未提出の確認はありません。"]
    for group in groups:
        lines += ["", f"■{group.department.name}（{group.count}件）"]
        for reviewer in group.reviewers:
            who = reviewer.title
            if reviewer.names:
                who += f" {'、'.join(reviewer.names)} 様"
            lines.append(f"・{who}（{len(reviewer.facts)}件）")
            lines += [
                f"　番号{fact.number} {_one_line(fact.title)}（{status_label(fact.status)}）"
                for fact in reviewer.facts
            ]
    return "\n".join(lines) + "\n"


# For the sheet page (branch sheet-editor): every section's reviews beside each item -----------


@dataclass(frozen=True)
class ReviewSummary:
    reviewer: str  # 市民課, or 部 for a 共通 item's department review
    stage: str
    stage_label: str
    status: str
    status_label: str
    mark: str  # ◎ ○ △ × (mid-year)
    level: str  # B, or ほぼ達成した (year-end)


def review_summaries_by_item(*, sheet: GoalSheet, user) -> dict[int, list[ReviewSummary]]:
    """The reviews of a sheet's items that the user may read, per item id (one query when the
    sheet's items are prefetched, as `goals.selectors.sheet_with_content` does).

    Shared items list one entry per section, in the sections' order; drafts are left out (they
    are their writer's until submitted).
    """
    reviews = (
        Review.objects.filter(item__sheet=sheet)
        .exclude(status=ReviewStatus.DRAFT)
        .select_related("section", "progress_mark", "achievement_level")
        .order_by("item_id", "stage", "section__display_order", "section__name")
    )
    # The sheet's items as already loaded (prefetched by sheet_with_content): no join per review.
    items = {item.pk: item for item in sheet.items.all()}
    summaries: dict[int, list[ReviewSummary]] = defaultdict(list)
    for review in reviews:
        item = items.get(review.item_id)
        if item is None:
            continue
        item.sheet = sheet
        if review_access(user, item=item, section=review.section) is Access.NONE:
            continue
        summaries[review.item_id].append(
            ReviewSummary(
                reviewer=review.section.name if review.section_id else "部",
                stage=review.stage,
                stage_label=review.get_stage_display(),
                status=review.status,
                status_label=review.get_status_display(),
                mark=review.progress_mark.symbol if review.progress_mark_id else "",
                level=review.achievement_level.short if review.achievement_level_id else "",
            )
        )
    return dict(summaries)


def item_review_rows(*, user, items) -> list[tuple]:
    """(item, review) pairs for a flat table such as `excel.xlsx.items_table_xlsx`.

    `items` is a queryset of items already narrowed to what the user may see (for instance
    `GoalItem.objects.filter(sheets_visible_q(user, "sheet__"))` plus the search's filters).
    Every review of an item the user may read comes in section order, mid-year before year-end;
    an item without one gives (item, None). Four queries, whatever the number of rows.
    """
    from django.db.models import Prefetch

    from departments.permissions import Access, review_access
    from goals.models import GoalItemSection

    items = items.select_related("sheet__fiscal_year", "sheet__department", "category")
    items = items.prefetch_related(
        Prefetch(
            "carriers",
            queryset=GoalItemSection.objects.select_related("section").order_by("position", "id"),
        ),
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related(
                "section", "progress_mark", "achievement_level"
            ).order_by("section__display_order", "section__name", "stage"),
        ),
    )
    rows = []
    for item in items:
        readable = [
            review
            for review in item.reviews.all()
            if review_access(user, item=item, section=review.section) is not Access.NONE
        ]
        rows += [(item, review) for review in readable] or [(item, None)]
    return rows


def reviews_of_sheet(*, sheet, stage: str) -> dict[tuple[int, int | None], Review]:
    """A sheet's reviews at one stage keyed by (item id, section id or None), in one query."""
    reviews = Review.objects.filter(item__sheet=sheet, stage=stage).select_related(
        "progress_mark", "achievement_level"
    )
    return {(review.item_id, review.section_id): review for review in reviews}
