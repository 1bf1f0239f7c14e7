"""The change log: every service records who changed what (before → after); the history page
and the edit-conflict messages read it back."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from departments.permissions import Access, can_read_all_reviews, review_access
from goals.models import ChangeLog, GoalItem, GoalSheet


def changelog_record(
    *,
    sheet: GoalSheet | None,
    target,
    action: str,
    user=None,
    changes: dict[str, Any] | None = None,
) -> ChangeLog:
    """Record one change: `changes` maps a field's label to [before, after] (or a note)."""
    return ChangeLog.objects.create(
        sheet=sheet,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        target_repr=str(target)[:200],
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        changes=changes or {},
    )


# Reading the history -----------------------------------------------------------------

# Labels of the actions the services record, as the history shows them.
CHANGE_ACTIONS = {
    "sheet.imported": "取り込み",
    "sheet.created": "整理表を作成",
    "sheet.started_from_previous": "前年度から作成",
    "sheet.header_updated": "作成日を変更",
    "sheet.submitted": "提出",
    "sheet.returned": "差し戻し",
    "sheet.accepted": "承認",
    "sheet.revised": "見直しを開始",
    "signer.added": "署名者を追加",
    "signer.updated": "署名者を変更",
    "signer.removed": "署名者を削除",
    "signer.moved": "署名者の順番を変更",
    "item.created": "項目を追加",
    "item.updated": "項目を変更",
    "item.deleted": "項目を削除",
    "item.moved": "項目を移動",
    "item.renumbered": "番号を変更",
    "review.imported": "確認の取り込み",
    "review.saved": "確認を一時保存",
    "review.submitted": "確認を提出",
    "review.confirmed": "確認を確認済みに",
    "review.returned": "確認を差し戻し",
    "review.reopened": "確認の受付を再開",
    "review.reviewer_changed": "確認の記入者を変更",
    "item.common_reviewer_assigned": "共通項目の記入課を指定",
    "reviews.achievements_imported": "達成状況の取り込み",
    "goalitem.imported": "項目の取り込み（管理画面）",
    "pdf.city_requested": "全庁版PDFの作成を依頼",
    "category.created": "分類を登録",
    "department.created": "部を登録",
    "section.created": "課を登録",
    "fiscal_year.created": "年度を作成",
    "fiscal_year.updated": "年度の段階・期限を変更",
    "publication.published": "公表",
    "publication.withdrawn": "公表を取り消し",
}


def action_label(action: str) -> str:
    """An action as people read it; an action without a label shows its code."""
    return CHANGE_ACTIONS.get(action, action)


@dataclass
class FieldChange:
    label: str
    before: object = None
    after: object = None
    note: object = None

    @property
    def is_change(self) -> bool:
        return self.note is None

    @property
    def is_short(self) -> bool:
        """Both sides fit on one line (番号 3 → 4): shown inline rather than side by side."""

        def short(value) -> bool:
            return (
                not isinstance(value, list | tuple)
                and "\n" not in str(value)
                and (len(str(value)) <= 30)
            )

        return self.is_change and short(self.before) and short(self.after)


@dataclass
class HistoryEntry:
    at: object
    user: str
    action: str
    target: str
    changes: list[FieldChange]


def _field_changes(changes: dict) -> list[FieldChange]:
    """A ChangeLog's `changes`: label → [before, after], or label → a note. Keys starting with
    `_` are bookkeeping (the version a change was made against), not shown."""
    result = []
    for label, value in (changes or {}).items():
        if label.startswith("_"):
            continue
        if isinstance(value, list) and len(value) == 2:
            result.append(FieldChange(label, before=value[0], after=value[1]))
        else:
            result.append(FieldChange(label, note=value))
    return result


def _user_label(user) -> str:
    if user is None:
        return "（システム）"
    full = f"{user.last_name} {user.first_name}".strip()
    return full or user.get_username()


def history_entries(logs) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            at=log.at,
            user=_user_label(log.user),
            action=action_label(log.action),
            target=log.target_repr,
            changes=_field_changes(log.changes),
        )
        for log in logs
    ]


def sheet_history(*, sheet: GoalSheet, user):
    """Every recorded change of the sheet and of what is on it, newest first.

    Changes to reviews the user may not read (another section's, for a section chief) are left
    out: the history must not show what the review pages would refuse. The same holds for
    reviews that no longer exist (replaced by an import, say): whose they were cannot be asked
    any more, so only those who read every review of the sheet see them (two queries).
    """
    Review = GoalItem.reviews.rel.related_model  # reviews' model, without importing reviews
    logs = ChangeLog.objects.filter(sheet=sheet)
    if not can_read_all_reviews(user, sheet):
        readable = [
            review.pk
            for review in Review.objects.filter(item__sheet=sheet).select_related(
                "item__sheet__fiscal_year", "section"
            )
            if review_access(user, item=review.item, section=review.section) is not Access.NONE
        ]
        logs = logs.exclude(
            Q(target_type=ContentType.objects.get_for_model(Review)) & ~Q(target_id__in=readable)
        )
    return logs.select_related("user").order_by("-at", "-id")


def changes_since(*, target, version: int) -> list[HistoryEntry]:
    """What others saved on `target` after the version a form was opened at, oldest first.

    Services record the version each change was made against under `_version`
    ([before, after]); a form opened at version v missed every change made at v or later.
    """
    logs = (
        ChangeLog.objects.filter(
            target_type=ContentType.objects.get_for_model(type(target)), target_id=target.pk
        )
        .select_related("user")
        .order_by("at", "id")
    )
    missed = [
        log
        for log in logs
        if isinstance((log.changes or {}).get("_version"), list)
        and log.changes["_version"][0] >= version
    ]
    return history_entries(missed)
