"""Workflow: draft → submitted → accepted (or returned → submitted again); accepted → revised."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import text
from goals import events
from goals.history import changelog_record
from goals.models import (
    GoalSheet,
    SheetRevision,
    SheetSnapshot,
    SheetStatus,
)
from goals.selectors import sheet_snapshot_data
from goals.services.editing import bump, check_version, locked_sheet, shown

# Workflow: draft → submitted → accepted (or returned → submitted again); accepted → revised ---


def sheet_problems(sheet: GoalSheet) -> list[str]:
    """What keeps a sheet from being submitted, one message per problem."""
    items = list(
        sheet.items.order_by("position", "id")
        .prefetch_related("carriers")
        .only("pk", "number", "is_common", "continues_title", "title", "sheet_id")
    )
    problems = []
    if not items:
        problems.append("実施項目が1つもありません。")
    elif items[0].continues_title:
        problems.append("先頭の項目が「上の行から継続」になっています。")
    for item in items:
        if not item.is_common and not item.carriers.all():
            problems.append(f"番号{item.number}の項目に「共通」も課名もありません。")
        if not item.continues_title and not item.title:
            problems.append(f"番号{item.number}の項目に実施項目がありません。")
    if not sheet.signers.exists():
        problems.append("署名者（職名・氏名）がありません。")
    return problems


def _status_change(sheet: GoalSheet, new_status: str) -> list[str]:
    before = sheet.get_status_display()
    sheet.status = new_status
    return [before, sheet.get_status_display()]


@transaction.atomic
def sheet_submit(*, sheet: GoalSheet, version: int, user) -> GoalSheet:
    sheet = locked_sheet(sheet)
    check_version(sheet, version)
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.RETURNED):
        raise ValidationError(f"この整理表は{sheet.get_status_display()}のため提出できません。")
    problems = sheet_problems(sheet)
    if problems:
        raise ValidationError(problems)
    status = _status_change(sheet, SheetStatus.SUBMITTED)
    sheet.submitted_at = timezone.now()
    sheet.return_comment = ""
    bump(sheet, "status", "submitted_at", "return_comment")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.submitted",
        user=user,
        changes={"状態": status, "_version": [version, sheet.version]},
    )
    transaction.on_commit(lambda: events.sheet_submitted.send(GoalSheet, sheet=sheet, user=user))
    return sheet


@transaction.atomic
def sheet_return(*, sheet: GoalSheet, comment: str, version: int, user) -> GoalSheet:
    sheet = locked_sheet(sheet)
    check_version(sheet, version)
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError("差し戻せるのは提出済みの整理表だけです。")
    comment = text.normalize_multiline(comment or "")
    if not comment:
        raise ValidationError({"comment": "差し戻しの理由を入力してください。"})
    status = _status_change(sheet, SheetStatus.RETURNED)
    sheet.return_comment = comment
    try:
        sheet.full_clean(exclude=["fiscal_year", "department"], validate_unique=False)
    except ValidationError as error:
        messages = error.message_dict.get("return_comment", error.messages)
        raise ValidationError({"comment": messages}) from None
    bump(sheet, "status", "return_comment")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.returned",
        user=user,
        changes={"状態": status, "差し戻しの理由": comment, "_version": [version, sheet.version]},
    )
    transaction.on_commit(lambda: events.sheet_returned.send(GoalSheet, sheet=sheet, user=user))
    return sheet


def _snapshot_take(sheet: GoalSheet, *, accepted_at, accepted_by) -> SheetSnapshot:
    last = sheet.snapshots.aggregate(last=Max("number"))["last"] or 0
    snapshot = SheetSnapshot(
        sheet=sheet,
        number=last + 1,
        accepted_at=accepted_at,
        accepted_by=accepted_by
        if accepted_by is not None and accepted_by.is_authenticated
        else None,
        data=sheet_snapshot_data(sheet),
    )
    snapshot.full_clean()
    snapshot.save()
    return snapshot


@transaction.atomic
def sheet_accept(*, sheet: GoalSheet, version: int, user) -> SheetSnapshot:
    """Accept a submitted sheet and keep it as it is now (a SheetSnapshot). Accepting it again
    after a revision adds the day's revision date to the header (令和8年7月25日見直し)."""
    sheet = locked_sheet(sheet)
    check_version(sheet, version)
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError("承認できるのは提出済みの整理表だけです。")
    changes: dict[str, Any] = {"状態": _status_change(sheet, SheetStatus.ACCEPTED)}
    if sheet.snapshots.exists():
        today = timezone.localdate()
        _, added = SheetRevision.objects.get_or_create(sheet=sheet, revised_on=today)
        if added:
            changes["見直し日"] = ["", shown(today)]
    sheet.accepted_at = timezone.now()
    bump(sheet, "status", "accepted_at")
    snapshot = _snapshot_take(sheet, accepted_at=sheet.accepted_at, accepted_by=user)
    changes["承認版"] = f"第{snapshot.number}版"
    changes["_version"] = [version, sheet.version]
    changelog_record(sheet=sheet, target=sheet, action="sheet.accepted", user=user, changes=changes)
    transaction.on_commit(lambda: events.sheet_accepted.send(GoalSheet, sheet=sheet, user=user))
    return snapshot


@transaction.atomic
def sheet_revise(*, sheet: GoalSheet, version: int, user) -> GoalSheet:
    """見直し: reopen an accepted sheet for editing. The accepted version stays viewable (a sheet
    accepted before snapshots existed, e.g. imported, is kept as its first version now)."""
    sheet = locked_sheet(sheet)
    check_version(sheet, version)
    if sheet.status != SheetStatus.ACCEPTED:
        raise ValidationError("見直しできるのは承認済みの整理表だけです。")
    if not sheet.snapshots.exists():
        # Accepted outside this application (imported): its acceptance time is not known, the
        # last update stands in for it.
        sheet.accepted_at = sheet.accepted_at or sheet.updated_at
        _snapshot_take(sheet, accepted_at=sheet.accepted_at, accepted_by=None)
    status = _status_change(sheet, SheetStatus.DRAFT)
    bump(sheet, "status", "accepted_at")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.revised",
        user=user,
        changes={"状態": status, "_version": [version, sheet.version]},
    )
    transaction.on_commit(
        lambda: events.sheet_revision_started.send(GoalSheet, sheet=sheet, user=user)
    )
    return sheet
