"""The dashboard: what is due, filed and confirmed in a year; a department over the years."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)

from departments.models import Department
from goals.models import FiscalYear, GoalItem, GoalItemSection, GoalSheet
from reviews.models import AchievementLevel, ProgressMark, Review, Stage
from reviews.rules import (
    BEFORE,
    FILED_STATUSES,
    MISSING,
    STAGES,
    reviewers_due,
    stage_deadline,
    stage_window,
)
from reviews.selectors.overview import StageCounts
from reviews.selectors.slots import with_display_title

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
