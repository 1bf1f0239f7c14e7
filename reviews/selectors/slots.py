"""Review slots: one due review of an item (who, which stage, its state), and My reviews."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    When,
)
from django.utils import timezone

from departments.models import Section
from departments.permissions import (
    Access,
    departments_headed,
    review_access,
    sections_chiefed,
)
from goals.models import FiscalYear, GoalItem, GoalItemSection, GoalSheet
from reviews.models import Review, ReviewStatus, Stage
from reviews.rules import (
    BEFORE,
    FILED_STATUSES,
    MISSING,
    MISSING_LABEL,
    OPEN,
    STAGES,
    review_returnable,
    reviewers_due,
    stage_deadline,
    stage_label,
    stage_window,
)


# Review slots: one due review of an item, and the items a page lists ---------------------
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
    year = fiscal_year.year
    section_ids = sections_chiefed(user, year)
    head_ids = departments_headed(user, year)
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
    year = item.sheet.fiscal_year.year
    rows = _my_rows(
        item,
        user=user,
        section_ids=sections_chiefed(user, year),
        head_ids=departments_headed(user, year),
    )
    wanted = section.pk if section is not None else None
    return next((row for row in rows if row.reviewer_id == wanted), rows[0] if rows else None)
