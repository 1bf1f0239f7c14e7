"""A sheet's reviews: the department's overview, and the years."""

from dataclasses import dataclass

from departments.permissions import (
    Access,
    current_fiscal_year,
)
from goals.models import FiscalYear, GoalItem, GoalSheet
from reviews.models import Review, ReviewStatus
from reviews.rules import FILED_STATUSES
from reviews.selectors.slots import ReviewSlot, items_for_reviews, review_slots

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
