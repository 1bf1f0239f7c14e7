"""Writes to reviews."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from departments.models import Section
from goals import text
from goals.models import ChangeLog, FiscalYear, GoalItem, GoalSheet
from goals.services import SheetImportError, changelog_record
from goals.wareki import wareki_date
from reviews import events
from reviews.models import (
    AchievementLevel,
    AchievementScale,
    ProgressMark,
    ProgressScale,
    Review,
    ReviewStatus,
    Stage,
)
from reviews.selectors import BEFORE, OPEN, review_returnable, stage_window


def _comparable(phrase: str) -> str:
    return (
        text.unify_tildes(text.to_halfwidth_digits(phrase)).replace(" ", "").replace("\u3000", "")
    )


def achievement_level_lookup(scale: AchievementScale, typed: str) -> AchievementLevel | None:
    """The level a typed phrase means: its code (B), its label, or `B: label`; ～ and ~ alike."""
    wanted = _comparable(typed)
    if not wanted:
        return None
    for level in scale.levels.all():
        candidates = {_comparable(level.label), _comparable(str(level))}
        if level.code:
            candidates.add(_comparable(level.code))
        if wanted in candidates:
            return level
    return None


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


# Filing, confirming, returning and reopening reviews ---------------------------------------

MID_YEAR_FIELDS = ("progress_mark", "first_half_status", "second_half_plan")
YEAR_END_FIELDS = (
    "summary",
    "actual_value",
    "achievement_level",
    "evaluation_reason",
    "issues_and_actions",
)
_CHOICE_FIELDS = {"progress_mark", "achievement_level"}
_REQUIRED_TO_SUBMIT = {
    Stage.MID_YEAR: {
        "progress_mark": "進捗状況を選んでください。",
        "first_half_status": "上半期の状況や評価を入力してください。",
        "second_half_plan": "下半期の予定を入力してください。",
    },
    Stage.YEAR_END: {
        "summary": "1年間の総括を入力してください。",
        "achievement_level": "達成状況を選んでください。",
    },
}


def review_fields(stage: str) -> tuple[str, ...]:
    return MID_YEAR_FIELDS if stage == Stage.MID_YEAR else YEAR_END_FIELDS


def _label(name: str) -> str:
    return str(Review._meta.get_field(name).verbose_name)


def _shown(value) -> str:
    """A field's value as a person reads it in the history and in a conflict."""
    return "" if value is None else str(value)


@dataclass
class FieldChange:
    label: str
    saved: str


class ReviewConflict(Exception):
    """Someone saved the review after the user opened it: nothing was written.

    `changes` lists the fields whose saved value differs from what the user typed; `version` is
    the saved version, with which a second save deliberately overwrites.
    """

    def __init__(self, *, review: Review, changes: list[FieldChange], by: str, at):
        super().__init__("この確認は、画面を開いた後にほかの人が保存しています。")
        self.review = review
        self.version = review.version
        self.changes = changes
        self.by = by
        self.at = at


def _normalised(name: str, value):
    return value if name in _CHOICE_FIELDS else text.normalize_multiline(value or "")


def _conflict(review: Review, values: dict[str, Any]) -> ReviewConflict:
    values = {name: _normalised(name, values.get(name)) for name in review_fields(review.stage)}
    changes = [
        FieldChange(label=_label(name), saved=_shown(getattr(review, name)))
        for name in review_fields(review.stage)
        if _shown(getattr(review, name)) != _shown(values.get(name))
    ]
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        changes.insert(0, FieldChange(label="状態", saved=review.get_status_display()))
    last = (
        ChangeLog.objects.filter(
            target_type__app_label="reviews", target_type__model="review", target_id=review.pk
        )
        .select_related("user")
        .first()
    )
    by = "ほかの人"
    if last is not None and last.user is not None:
        by = f"{last.user.last_name} {last.user.first_name}".strip() or last.user.get_username()
    return ReviewConflict(
        review=review, changes=changes, by=by, at=last.at if last else review.updated_at
    )


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


def _locked(**lookup) -> Review | None:
    # No ordering: the default one joins the nullable section, which PostgreSQL cannot lock.
    return Review.objects.select_for_update(of=("self",)).filter(**lookup).order_by().first()


def _write_review(
    *,
    item: GoalItem,
    section: Section | None,
    stage: str,
    values: dict[str, Any],
    version: int,
    user,
    submit: bool,
) -> Review:
    fiscal_year = item.sheet.fiscal_year
    review = _locked(item=item, section=section, stage=stage)
    if review is not None and review.version != version:
        raise _conflict(review, values)
    reason = review_unwritable_reason(fiscal_year=fiscal_year, stage=stage, review=review)
    if reason:
        raise ValidationError(reason)
    if review is None:
        review = Review(item=item, section=section, stage=stage, version=0)
    before = {name: _shown(getattr(review, name)) for name in review_fields(stage)}
    status_before = review.get_status_display() if review.pk else ""
    for name in review_fields(stage):
        setattr(review, name, _normalised(name, values.get(name)))
    if submit:
        required = dict(_REQUIRED_TO_SUBMIT[stage])
        if stage == Stage.YEAR_END and item.target.strip():
            required["actual_value"] = (
                "目標値に対する実績値を入力してください（この項目には目標値があります）。"
            )
        missing = {
            name: message
            for name, message in required.items()
            if not _shown(getattr(review, name)).strip()
        }
        if missing:
            raise ValidationError(missing)
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = timezone.now()
        review.submitted_by = user
    review.full_clean()
    review.version += 1
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Someone created the same review a moment ago.
        raise _conflict(
            Review.objects.get(item=item, section=section, stage=stage), values
        ) from None
    changes: dict[str, Any] = {
        _label(name): [before[name], _shown(getattr(review, name))]
        for name in review_fields(stage)
        if before[name] != _shown(getattr(review, name))
    }
    if review.get_status_display() != status_before:
        changes["状態"] = [status_before, review.get_status_display()]
    changes["_version"] = [review.version - 1, review.version]
    changelog_record(
        sheet=item.sheet,
        target=review,
        action="review.submitted" if submit else "review.saved",
        user=user,
        changes=changes,
    )
    if submit:
        transaction.on_commit(
            lambda: events.review_submitted.send(Review, review=review, user=user)
        )
    return review


@transaction.atomic
def review_save_draft(
    *,
    item: GoalItem,
    section: Section | None,
    stage: str,
    values: dict[str, Any],
    version: int,
    user,
) -> Review:
    """Save what the writer typed, without submitting (any field may still be blank).

    `version` is the review's version when the writer opened it (0 for a new one); a newer
    saved version raises ReviewConflict and nothing is written. Outside the stage's phase (unless
    planning staff reopened the review) and once submitted, a ValidationError says why.
    """
    return _write_review(
        item=item,
        section=section,
        stage=stage,
        values=values,
        version=version,
        user=user,
        submit=False,
    )


@transaction.atomic
def review_submit(
    *,
    item: GoalItem,
    section: Section | None,
    stage: str,
    values: dict[str, Any],
    version: int,
    user,
) -> Review:
    """Save and submit for the head's confirmation: the stage's required fields must be filled.

    Nothing is saved when a required field is missing (the form keeps the text).
    """
    return _write_review(
        item=item,
        section=section,
        stage=stage,
        values=values,
        version=version,
        user=user,
        submit=True,
    )


def _check_version(review: Review, version: int) -> None:
    if review.version != version:
        raise ValidationError(
            "この確認は、画面を開いた後に更新されています。読み込み直して内容を確かめてください。"
        )


@transaction.atomic
def review_confirm(*, review: Review, version: int, user) -> Review:
    """The head confirms a submitted review. A confirmed year-end level becomes 達成状況."""
    review = _locked(pk=review.pk)
    _check_version(review, version)
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError(
            f"提出済みの確認だけを確認できます（この確認は「{review.get_status_display()}」です）。"
        )
    review.status = ReviewStatus.CONFIRMED
    review.confirmed_at = timezone.now()
    review.confirmed_by = user
    review.reopened_at = None
    review.version += 1
    review.save(
        update_fields=[
            "status",
            "confirmed_at",
            "confirmed_by",
            "reopened_at",
            "version",
            "updated_at",
        ]
    )
    changelog_record(
        sheet=review.item.sheet,
        target=review,
        action="review.confirmed",
        user=user,
        changes={"状態": ["提出済み", "確認済み"], "_version": [version, review.version]},
    )
    transaction.on_commit(lambda: events.review_confirmed.send(Review, review=review, user=user))
    return review


@transaction.atomic
def review_return(*, review: Review, comment: str, version: int, user) -> Review:
    """The head returns a submitted (or confirmed) review to its writer with a comment.

    While the stage is open, or after planning staff reopened the review; after the close
    returning would leave the writer unable to fix it.
    """

    comment = text.normalize_multiline(comment or "")
    if not comment.strip():
        raise ValidationError({"comment": "差し戻しの理由を入力してください。"})
    review = _locked(pk=review.pk)
    _check_version(review, version)
    if review.status not in (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED):
        raise ValidationError(
            "提出済みまたは確認済みの確認だけを差し戻せます"
            f"（この確認は「{review.get_status_display()}」です）。"
        )
    fiscal_year = review.item.sheet.fiscal_year
    if not review_returnable(review, stage_window(fiscal_year, review.stage)):
        raise ValidationError(
            f"{fiscal_year.label}の{review.get_stage_display()}の受付は終了しているため、"
            "差し戻せません。企画・政策担当が再開すると、記入者が直せるようになります。"
        )
    status_before = review.get_status_display()
    review.status = ReviewStatus.RETURNED
    review.return_comment = comment
    review.confirmed_at = None
    review.confirmed_by = None
    review.version += 1
    review.full_clean()
    review.save(
        update_fields=[
            "status",
            "return_comment",
            "confirmed_at",
            "confirmed_by",
            "version",
            "updated_at",
        ]
    )
    changelog_record(
        sheet=review.item.sheet,
        target=review,
        action="review.returned",
        user=user,
        changes={
            "状態": [status_before, "差し戻し"],
            "差し戻しの理由": comment,
            "_version": [version, review.version],
        },
    )
    transaction.on_commit(lambda: events.review_returned.send(Review, review=review, user=user))
    return review


@transaction.atomic
def review_reopen(
    *, item: GoalItem, section: Section | None, stage: str, user, comment: str = ""
) -> Review:
    """Planning staff let a review be filed after its stage closed (a late or corrected review).

    A filed review goes back to its writer as returned; one never started is created empty.
    Confirming it ends the exception.
    """

    fiscal_year = item.sheet.fiscal_year
    window = stage_window(fiscal_year, stage)
    what = f"{fiscal_year.label}の{Stage(stage).label}"
    if window == OPEN:
        raise ValidationError(f"{what}は受付期間中です。直すときは部長が差し戻せます。")
    if window == BEFORE:
        raise ValidationError(f"{what}の受付はまだ始まっていません。")
    review = _locked(item=item, section=section, stage=stage)
    if review is None:
        review = Review(item=item, section=section, stage=stage, version=0)
    elif review.reopened_at is not None and review.status != ReviewStatus.CONFIRMED:
        raise ValidationError("この確認は既に再開しています。")
    status_before = review.get_status_display() if review.pk else "未記入"
    if review.status in (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED):
        review.status = ReviewStatus.RETURNED
        review.confirmed_at = None
        review.confirmed_by = None
    comment = text.normalize_multiline(comment or "")
    if comment:
        review.return_comment = comment
    review.reopened_at = timezone.now()
    review.reopened_by = user
    review.full_clean()
    review.version += 1
    review.save()
    changes: dict[str, Any] = {
        "状態": [status_before, review.get_status_display()],
        "_version": [review.version - 1, review.version],
    }
    if comment:
        changes["理由"] = comment
    changelog_record(
        sheet=item.sheet, target=review, action="review.reopened", user=user, changes=changes
    )
    transaction.on_commit(lambda: events.review_reopened.send(Review, review=review, user=user))
    return review


# Who files a 共通 item's review -------------------------------------------------------------


@transaction.atomic
def common_reviewer_assign(*, item: GoalItem, section: Section | None, user) -> GoalItem:
    """The head names the section that files a 共通 item's reviews (None: the head files them).

    Reviews the previous reviewer started but has not submitted move to the new one, text and
    all. A review already submitted in the open stage must be returned first; filed reviews of
    a stage that has closed stay with whoever wrote them.
    """

    if not item.is_common:
        raise ValidationError("確認の担当課を指定できるのは共通の項目だけです。")
    sheet = item.sheet
    fiscal_year = sheet.fiscal_year
    if fiscal_year.phase == FiscalYear.Phase.CLOSED:
        raise ValidationError(f"{fiscal_year.label}は終了しているため、担当を変更できません。")
    if section is not None and (
        section.department_id != sheet.department_id or not section.is_active_in(fiscal_year.year)
    ):
        raise ValidationError(
            {"section": f"{fiscal_year.label}の{sheet.department.name}の課を選んでください。"}
        )
    item = GoalItem.objects.select_for_update(of=("self",)).order_by().get(pk=item.pk)
    previous = item.common_reviewer_section
    if previous == section:
        return item
    previous_label = previous.name if previous else "部長"
    moving = []
    locked = Review.objects.select_for_update(of=("self",)).order_by()
    for review in locked.filter(item=item, section=previous):
        if review.status in (ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED):
            if stage_window(fiscal_year, review.stage) == OPEN:
                raise ValidationError(
                    f"{previous_label}の{review.get_stage_display()}は"
                    f"{review.get_status_display()}のため、担当を変更できません。"
                    "差し戻してから変更してください。"
                )
            continue
        if Review.objects.filter(item=item, section=section, stage=review.stage).exists():
            raise ValidationError(
                f"変更先には既にこの項目の{review.get_stage_display()}があります。"
            )
        moving.append(review)
    item.common_reviewer_section = section
    item.full_clean(validate_unique=False, validate_constraints=False)
    item.save(update_fields=["common_reviewer_section", "updated_at"])
    for review in moving:
        review.section = section
        review.version += 1
        review.full_clean()
        review.save(update_fields=["section", "version", "updated_at"])
        changelog_record(
            sheet=sheet,
            target=review,
            action="review.reviewer_changed",
            user=user,
            changes={
                "記入する課": [previous_label, section.name if section else "部長"],
                "_version": [review.version - 1, review.version],
            },
        )
    changes: dict[str, Any] = {
        _item_label("common_reviewer_section"): [
            previous_label,
            section.name if section else "部長",
        ]
    }
    if moving:
        changes["移した記入中の確認"] = len(moving)
    changelog_record(
        sheet=sheet, target=item, action="item.common_reviewer_assigned", user=user, changes=changes
    )
    return item


def _item_label(name: str) -> str:
    return str(GoalItem._meta.get_field(name).verbose_name)


# The fiscal year's phase and deadlines -------------------------------------------------------

_DEADLINE_FIELDS = ("sheet_deadline", "mid_year_deadline", "year_end_deadline")


@transaction.atomic
def fiscal_year_update(
    *,
    fiscal_year: FiscalYear,
    phase: str,
    sheet_deadline: datetime.date | None,
    mid_year_deadline: datetime.date | None,
    year_end_deadline: datetime.date | None,
    user,
) -> FiscalYear:
    """Planning staff set the year's phase (which opens and closes filing) and its deadlines.

    Moving the phase back reopens a stage for everyone; deadlines must follow one another and
    fall near the year (a mistyped year is caught).
    """
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    values = {
        "phase": phase,
        "sheet_deadline": sheet_deadline,
        "mid_year_deadline": mid_year_deadline,
        "year_end_deadline": year_end_deadline,
    }
    errors: dict[str, str] = {}
    if phase not in FiscalYear.Phase.values:
        errors["phase"] = "段階を選んでください。"
    earliest = datetime.date(fiscal_year.year - 1, 10, 1)
    latest = datetime.date(fiscal_year.year + 1, 9, 30)
    for name in _DEADLINE_FIELDS:
        day = values[name]
        if day is not None and not earliest <= day <= latest:
            errors[name] = (
                f"{fiscal_year.label}の期限は{wareki_date(earliest)}から"
                f"{wareki_date(latest)}までの日付にしてください。"
            )
    if (
        "mid_year_deadline" not in errors
        and sheet_deadline
        and mid_year_deadline
        and mid_year_deadline <= sheet_deadline
    ):
        errors["mid_year_deadline"] = "中間確認の期限は整理表の提出期限より後にしてください。"
    if (
        "year_end_deadline" not in errors
        and mid_year_deadline
        and year_end_deadline
        and year_end_deadline <= mid_year_deadline
    ):
        errors["year_end_deadline"] = "年度末確認の期限は中間確認の期限より後にしてください。"
    if errors:
        raise ValidationError(errors)

    def shown(name):
        value = getattr(fiscal_year, name)
        if name == "phase":
            return fiscal_year.get_phase_display()
        return wareki_date(value) if value else ""

    before = {name: shown(name) for name in values}
    for name, value in values.items():
        setattr(fiscal_year, name, value)
    fiscal_year.full_clean()
    changes = {
        str(FiscalYear._meta.get_field(name).verbose_name): [before[name], shown(name)]
        for name in values
        if before[name] != shown(name)
    }
    if not changes:
        return fiscal_year
    fiscal_year.save(update_fields=list(values))
    changelog_record(
        sheet=None, target=fiscal_year, action="fiscal_year.updated", user=user, changes=changes
    )
    return fiscal_year


@transaction.atomic
def reviews_import_achievement_lines(
    *, sheet: GoalSheet, achievements: dict[int, list[tuple[str, str]]], user=None
) -> list[Review]:
    """The 達成状況 column of an imported sheet as confirmed year-end reviews, in bulk.

    `achievements` maps an item's position to its lines: ("", phrase) gives the level to every
    section carrying the item (the department's review for a 共通 item), (section name, phrase)
    to that section only, ("部", phrase) to the department's review.
    """
    # Imported here so that this appended function leaves the module's header untouched.
    from django.core.exceptions import ValidationError

    from reviews.models import AchievementScale

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
                    [f"{position + 1}行目: 達成状況「{phrase}」は尺度（{scale}）にありません。"]
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
