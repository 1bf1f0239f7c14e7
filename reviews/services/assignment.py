"""Who files a 共通 item's review."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from departments.models import Section
from goals.models import FiscalYear, GoalItem
from goals.services import changelog_record
from reviews.models import (
    Review,
    ReviewStatus,
)
from reviews.rules import OPEN, stage_window

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
