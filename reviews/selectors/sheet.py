"""For the sheet page: every section's reviews beside each item."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Prefetch,
)

from departments.permissions import (
    Access,
    can_read_review_text,
    review_access,
)
from goals.models import GoalItemSection, GoalSheet
from reviews.models import REVIEW_TEXT_FIELDS, Review, ReviewStatus

# For the sheet page: every section's reviews beside each item -----------


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
            _without_private_text(user, item, review)
            for review in item.reviews.all()
            if review_access(user, item=item, section=review.section) is not Access.NONE
        ]
        rows += [(item, review) for review in readable] or [(item, None)]
    return rows


def _without_private_text(user, item, review):
    """The review as this user may read it: a draft shows its status but not its texts to
    anyone but its writers (the instance is only read here, never saved)."""
    if not can_read_review_text(user, item=item, section=review.section, status=review.status):
        for name in REVIEW_TEXT_FIELDS:
            setattr(review, name, "")
    return review


def reviews_of_sheet(*, sheet, stage: str) -> dict[tuple[int, int | None], Review]:
    """A sheet's reviews at one stage keyed by (item id, section id or None), in one query."""
    reviews = Review.objects.filter(item__sheet=sheet, stage=stage).select_related(
        "progress_mark", "achievement_level"
    )
    return {(review.item_id, review.section_id): review for review in reviews}
