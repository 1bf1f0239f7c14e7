"""Reviews from files: scale look-ups by code or label, a review as read, the 達成状況 column."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import text
from goals.models import GoalItem, GoalSheet
from goals.services import SheetImportError, changelog_record
from reviews.models import (
    AchievementLevel,
    AchievementScale,
    ProgressMark,
    ProgressScale,
    Review,
    ReviewStatus,
    Stage,
)


def _comparable(phrase: str) -> str:
    """A phrase as compared: any width (Ｃ, （）), any case, no spaces; ～ and ~ alike."""
    normal = unicodedata.normalize("NFKC", phrase or "")
    return re.sub(r"\s+", "", text.unify_tildes(normal)).casefold()


# `C：目標水準を達成した`, `(C) …`, `C.`: a code in front of whatever follows.
_CODE_PREFIX = re.compile(r"^[(\[]?([a-z0-9]{1,3})[)\]]?(?:[:.、]|$|(?=[^a-z0-9]))")


def achievement_level_lookup(scale: AchievementScale, typed: str) -> AchievementLevel | None:
    """The level a typed phrase means: its code (B, Ｂ, b), its label, `B: label` or `B：…`,
    in any width and spacing; ～ and ~ alike."""
    wanted = _comparable(typed)
    if not wanted:
        return None
    levels = list(scale.levels.all())
    for level in levels:
        candidates = {_comparable(level.label), _comparable(str(level))}
        if level.code:
            candidates.add(_comparable(level.code))
        if wanted in candidates:
            return level
    if match := _CODE_PREFIX.match(wanted):
        for level in levels:
            if level.code and _comparable(level.code) == match[1]:
                return level
    return None


def achievement_level_choices(scale: AchievementScale) -> str:
    """The codes and labels accepted, for a message: `A（達成した）、B（ほぼ達成した）…`."""
    return "、".join(
        f"{level.code}（{level.label}）" if level.code else level.label
        for level in scale.levels.all()
    )


def progress_mark_lookup(scale: ProgressScale, typed: str) -> ProgressMark | None:
    typed = (typed or "").strip().replace("〇", "○")
    return scale.marks.filter(symbol=typed).first() if typed else None


@dataclass
class ReviewData:
    stage: str
    section: str = ""  # empty: the department's review of a 共通 item
    status: str = ReviewStatus.DRAFT
    progress_mark: str = ""
    first_half_status: str = ""
    second_half_plan: str = ""
    summary: str = ""
    actual_value: str = ""
    achievement_level: str = ""
    evaluation_reason: str = ""
    issues_and_actions: str = ""


@transaction.atomic
def review_import(*, item: GoalItem, data: ReviewData, user=None) -> Review:
    """Create or replace one review from data read elsewhere (demo data, a city's Excel)."""
    fiscal_year = item.sheet.fiscal_year
    section = None
    if data.section:
        section = item.sheet.department.sections.filter(name=data.section).first()
        if section is None:
            raise SheetImportError([f"課「{data.section}」が見つかりません。"])
    mark = progress_mark_lookup(fiscal_year.progress_scale, data.progress_mark)
    if data.progress_mark and mark is None:
        raise SheetImportError([f"進捗状況「{data.progress_mark}」はこの年度の尺度にありません。"])
    level = achievement_level_lookup(fiscal_year.achievement_scale, data.achievement_level)
    if data.achievement_level and level is None:
        raise SheetImportError(
            [
                f"達成状況「{data.achievement_level}」はこの年度の尺度（{fiscal_year.achievement_scale}）にありません。"
            ]
        )
    review = Review.objects.filter(item=item, section=section, stage=data.stage).first() or Review(
        item=item, section=section, stage=data.stage
    )
    review.status = data.status
    review.progress_mark = mark
    review.first_half_status = text.normalize_multiline(data.first_half_status)
    review.second_half_plan = text.normalize_multiline(data.second_half_plan)
    review.summary = text.normalize_multiline(data.summary)
    review.actual_value = text.normalize_multiline(data.actual_value)
    review.achievement_level = level
    review.evaluation_reason = text.normalize_multiline(data.evaluation_reason)
    review.issues_and_actions = text.normalize_multiline(data.issues_and_actions)
    now = timezone.now()
    if data.status in (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED):
        review.submitted_at = review.submitted_at or now
    if data.status == ReviewStatus.CONFIRMED:
        review.confirmed_at = review.confirmed_at or now
    review.full_clean()
    review.save()
    changelog_record(
        sheet=item.sheet,
        target=review,
        action="review.imported",
        user=user,
        changes={"状態": review.get_status_display()},
    )
    return review


def reviews_import_achievements(
    *, sheet: GoalSheet, achievements: dict[int, str], user=None
) -> list[Review]:
    """Turn the 達成状況 column of a year-end sheet into confirmed year-end reviews.

    `achievements` maps an item's position to the phrase printed for it. Every section carrying
    the item gets the level; a 共通 item gets the department's review.
    """
    items = {
        item.position: item
        for item in sheet.items.prefetch_related("carriers__section").select_related(
            "sheet__fiscal_year__achievement_scale", "sheet__department"
        )
    }
    reviews = []
    for position, phrase in achievements.items():
        if not phrase.strip():
            continue
        item = items[position]
        carriers = [carrier.section.name for carrier in item.carriers.all()]
        for section_name in carriers or [""]:
            reviews.append(
                review_import(
                    item=item,
                    data=ReviewData(
                        stage=Stage.YEAR_END,
                        section=section_name,
                        status=ReviewStatus.CONFIRMED,
                        achievement_level=phrase,
                    ),
                    user=user,
                )
            )
    return reviews


@transaction.atomic
def reviews_import_achievement_lines(
    *, sheet: GoalSheet, achievements: dict[int, list[tuple[str, str]]], user=None
) -> list[Review]:
    """The 達成状況 column of an imported sheet as confirmed year-end reviews, in bulk.

    `achievements` maps an item's position to its lines: ("", phrase) gives the level to every
    section carrying the item (the department's review for a 共通 item), (section name, phrase)
    to that section only, ("部", phrase) to the department's review.
    """
    scale = AchievementScale.objects.prefetch_related("levels").get(
        pk=sheet.fiscal_year.achievement_scale_id
    )
    items = {
        item.position: item
        for item in sheet.items.filter(position__in=list(achievements)).prefetch_related(
            "carriers__section"
        )
    }
    wanted: dict[tuple[int, int | None], tuple[GoalItem, object, AchievementLevel]] = {}
    for position, lines in achievements.items():
        item = items.get(position)
        if item is None:
            raise SheetImportError(
                [f"{position + 1}行目: 達成状況に対応する実施項目がありません。"]
            )
        item.sheet = sheet
        carriers = [carrier.section for carrier in item.carriers.all()]
        for section_name, phrase in lines:
            level = achievement_level_lookup(scale, phrase)
            if level is None:
                raise SheetImportError(
                    [
                        f"{position + 1}行目: 達成状況「{phrase}」は尺度（{scale}）にありません"
                        f"（使えるのは {achievement_level_choices(scale)}）。"
                    ]
                )
            if section_name == "部":
                targets = [None]
            elif section_name:
                targets = [section for section in carriers if section.name == section_name]
                if not targets:
                    raise SheetImportError(
                        [f"{position + 1}行目: 課「{section_name}」はこの項目を担当していません。"]
                    )
            else:
                targets = carriers or [None]
            for section in targets:
                wanted[(item.pk, section.pk if section else None)] = (item, section, level)
    existing = {
        (review.item_id, review.section_id): review
        for review in Review.objects.filter(item__sheet=sheet, stage=Stage.YEAR_END)
    }
    now = timezone.now()
    confirmer = user if user is not None and user.is_authenticated else None
    created, updated = [], []
    for key, (item, section, level) in wanted.items():
        review = existing.get(key) or Review(item=item, section=section, stage=Stage.YEAR_END)
        review.item = item
        review.status = ReviewStatus.CONFIRMED
        review.achievement_level = level
        review.submitted_at = review.submitted_at or now
        review.confirmed_at = review.confirmed_at or now
        review.confirmed_by = review.confirmed_by or confirmer
        try:
            # The related rows were just read; the model's own rules (clean) still apply.
            review.full_clean(
                exclude=["item", "section", "achievement_level", "confirmed_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise SheetImportError(
                [f"{item.position + 1}行目: {message}" for message in error.messages]
            ) from error
        (updated if review.pk else created).append(review)
    Review.objects.bulk_create(created)
    Review.objects.bulk_update(
        updated,
        ["status", "achievement_level", "submitted_at", "confirmed_at", "confirmed_by"],
    )
    if created or updated:
        changelog_record(
            sheet=sheet,
            target=sheet,
            action="reviews.achievements_imported",
            user=user,
            changes={"年度末確認（達成状況）": len(created) + len(updated)},
        )
    return created + updated
