"""Filing, confirming, returning and reopening reviews."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import text
from core.editing import EditConflict
from departments.models import Section
from goals.models import ChangeLog, GoalItem
from goals.services import changelog_record
from reviews import events
from reviews.models import (
    Review,
    ReviewStatus,
    Stage,
)
from reviews.rules import BEFORE, OPEN, review_returnable, review_unwritable_reason, stage_window

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


class ReviewConflict(EditConflict):
    """Someone saved the review after the user opened it: nothing was written (the shared
    optimistic-edit kit, core.editing). `changes` lists the fields whose saved value differs
    from what the user typed; `current_version` is the saved version."""

    def __init__(self, *, review: Review, version: int | None, changes: list[FieldChange], by, at):
        super().__init__(
            target=review,
            version=version,
            current_version=review.version,
            changes=changes,
            by=by,
            at=at,
        )
        self.review = review


def _normalised(name: str, value):
    return value if name in _CHOICE_FIELDS else text.normalize_multiline(value or "")


def _conflict(review: Review, values: dict[str, Any], version: int | None) -> ReviewConflict:
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
        review=review,
        version=version,
        changes=changes,
        by=by,
        at=last.at if last else review.updated_at,
    )


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
        raise _conflict(review, values, version)
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
            Review.objects.get(item=item, section=section, stage=stage), values, version
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
