"""Writes to reviews.

The package re-exports its modules' public names."""

from reviews.rules import review_unwritable_reason, stage_closed_reason
from reviews.services.assignment import (
    common_reviewer_assign,
)
from reviews.services.filing import (
    MID_YEAR_FIELDS,
    YEAR_END_FIELDS,
    FieldChange,
    ReviewConflict,
    review_confirm,
    review_fields,
    review_reopen,
    review_return,
    review_save_draft,
    review_submit,
)
from reviews.services.imports import (
    ReviewData,
    achievement_level_choices,
    achievement_level_lookup,
    progress_mark_lookup,
    review_import,
    reviews_import_achievement_lines,
    reviews_import_achievements,
)

__all__ = [
    "MID_YEAR_FIELDS",
    "YEAR_END_FIELDS",
    "FieldChange",
    "ReviewConflict",
    "ReviewData",
    "achievement_level_choices",
    "achievement_level_lookup",
    "common_reviewer_assign",
    "progress_mark_lookup",
    "review_confirm",
    "review_fields",
    "review_import",
    "review_reopen",
    "review_return",
    "review_save_draft",
    "review_submit",
    "review_unwritable_reason",
    "reviews_import_achievement_lines",
    "reviews_import_achievements",
    "stage_closed_reason",
]
