"""Reads of reviews."""

from collections import defaultdict

from reviews.models import Review, ReviewStatus, Stage


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


def item_review_rows(*, user, items) -> list[tuple]:
    """(item, review) pairs for a flat table such as `goals.xlsx.items_table_xlsx`.

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
