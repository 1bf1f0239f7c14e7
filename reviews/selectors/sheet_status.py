"""The 達成状況 of a sheet's items, as printed."""

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
