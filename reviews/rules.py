"""The rules of reviews: when a stage is open, who files what, when a review may be returned,
and why one cannot be written now. Selectors, services, views and prints all ask here."""

import datetime
from collections.abc import Iterable

from goals.models import FiscalYear
from reviews.models import Review, ReviewStatus, Stage

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


# Why a review cannot be written now ---------------------------------------------------------


def stage_closed_reason(fiscal_year: FiscalYear, stage: str) -> str | None:
    """Why the stage cannot be filed now, in Japanese; None while its phase is open."""

    window = stage_window(fiscal_year, stage)
    if window == OPEN:
        return None
    what = f"{fiscal_year.label}の{Stage(stage).label}"
    if window == BEFORE:
        return (
            f"{what}の受付はまだ始まっていません"
            f"（現在は「{fiscal_year.get_phase_display()}」の段階です）。"
        )
    return f"{what}の受付は終了しました。記入が必要なときは企画・政策担当に再開を依頼してください。"


def review_unwritable_reason(
    *, fiscal_year: FiscalYear, stage: str, review: Review | None
) -> str | None:
    """Why the writer cannot change the review now; None when they can."""
    if review is not None:
        if review.status == ReviewStatus.SUBMITTED:
            return "この確認は提出済みです。直す必要があるときは部長に差し戻しを依頼してください。"
        if review.status == ReviewStatus.CONFIRMED:
            return "この確認は部長が確認済みです。"
        if review.reopened_at is not None:
            return None
    return stage_closed_reason(fiscal_year, stage)
