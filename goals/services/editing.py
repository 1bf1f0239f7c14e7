"""The optimistic-edit kit of the sheet services: versions, row locks, what changed."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError

from core import editing
from core.wareki import wareki_date
from goals.history import changes_since
from goals.models import (
    GoalSheet,
)

# Editing a sheet in the browser --------------------------------------------------------------
#
# Every service below locks what it changes, refuses an edit made against an older version
# (EditConflict, carrying what the other person changed), validates with full_clean() and
# records before → after with changelog_record. Versions: GoalSheet.version counts changes to
# the header (作成日) and the status; GoalItem.version counts changes to one item's content
# (moving an item changes its version only when its 番号 changes).


NOT_EDITABLE = (
    "この整理表は{status}のため編集できません。"
    "承認済みの整理表を直すときは「見直し」を押してください。"
)


def ensure_editable(sheet: GoalSheet) -> None:
    if not sheet.is_editable:
        raise ValidationError(NOT_EDITABLE.format(status=sheet.get_status_display()))


def check_version(target, version: int | None) -> None:
    """The shared kit's check (core.editing), with what others changed read from the history."""
    editing.check_version(
        target, version, changes=lambda: changes_since(target=target, version=version)
    )


def locked_sheet(sheet: GoalSheet) -> GoalSheet:
    """The sheet re-read under a row lock (PostgreSQL), so that concurrent edits queue up."""
    return (
        GoalSheet.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "department")
        .get(pk=sheet.pk)
    )


def shown(value) -> Any:
    """A field's value as the history shows it (JSON: strings, numbers, lists)."""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return wareki_date(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {
        label: [before.get(label, ""), value]
        for label, value in after.items()
        if before.get(label, "") != value
    }


def bump(obj, *fields: str) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])
