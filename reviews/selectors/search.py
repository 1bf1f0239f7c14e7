"""Search across years and departments."""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Window,
)

from core.text import to_halfwidth_digits, width_variants
from departments.models import Department, Section
from departments.permissions import (
    sheets_visible_q,
)
from goals.models import FiscalYear, GoalItem, GoalItemSection
from reviews.models import REVIEW_TEXT_FIELDS, AchievementLevel, Review, ReviewStatus, Stage
from reviews.rules import FILED_STATUSES
from reviews.selectors.slots import with_display_title

# Search across years and departments --------------------------------------------------------

ITEM_TEXT_FIELDS = ("title", "achievement", "method", "deadline", "indicator", "baseline", "target")
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
    """１２月 and 12月, ＬＩＮＥ and line, ﾏｲﾅﾝﾊﾞｰ and マイナンバー are the same word: search
    for every spelling (core.text.width_variants), on SQLite and PostgreSQL alike."""
    half = to_halfwidth_digits(term)
    return width_variants(term) | {half, half.translate(_FULLWIDTH)}


def _keyword_q(term: str) -> Q:
    item_q, review_q = Q(), Q()
    for spelling in _spellings(term):
        # Kana and kanji have no case: a plain LIKE spares PostgreSQL an UPPER() of every text.
        lookup = "icontains" if spelling.lower() != spelling.upper() else "contains"
        for name in ITEM_TEXT_FIELDS:
            item_q |= Q(**{f"{name}__{lookup}": spelling})
        for name in REVIEW_TEXT_FIELDS:
            review_q |= Q(**{f"{name}__{lookup}": spelling})
    # A draft's text is its writers' until submitted (departments.permissions.
    # can_read_review_text): the search, for planning staff, never matches it.
    filed = Review.objects.filter(review_q, item=OuterRef("pk")).exclude(status=ReviewStatus.DRAFT)
    return item_q | Q(Exists(filed))


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
        if review.status == ReviewStatus.DRAFT:
            continue  # a draft's text is its writers' until submitted
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
