"""Items: add, change, delete, move, renumber."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.once import once_done, once_record
from departments.models import Section
from goals.history import changelog_record
from goals.models import (
    ITEM_CONTENT_FIELDS,
    Category,
    GoalItem,
    GoalItemSection,
    GoalSheet,
)
from goals.services.editing import check_version, diff, ensure_editable, locked_sheet, shown

# Items --------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """What the item form gives: the item's content, sections as chosen (kept in the
    department's order)."""

    number: int
    title: str = ""
    continues_title: bool = False
    continues_achievement: bool = False
    category: Category | None = None
    achievement: str = ""
    achievement_as_prose: bool = False
    method: str = ""
    method_as_prose: bool = False
    deadline: str = ""
    is_common: bool = False
    sections: list[Section] = field(default_factory=list)
    common_reviewer_section: Section | None = None
    indicator: str = ""
    baseline: str = ""
    target: str = ""


_ITEM_CONTENT_FIELDS = ITEM_CONTENT_FIELDS
ITEM_FIELD_LABELS = {
    "number": "番号",
    "title": "実施項目",
    "continues_title": "実施項目を上の行から継続",
    "continues_achievement": "達成水準も上の行から継続",
    "category": "計画・方針等の分類",
    "achievement": "達成水準",
    "achievement_as_prose": "達成水準を文章で印刷",
    "method": "方法",
    "method_as_prose": "方法を文章で印刷",
    "deadline": "期限",
    "carriers": "共通/課名",
    "common_reviewer_section": "共通項目の確認を担当する課",
    "indicator": "指標",
    "baseline": "現状値",
    "target": "目標値",
}


def _carrier_names(is_common: bool, sections) -> str:
    return "共通" if is_common else "、".join(section.name for section in sections)


def _item_values(item: GoalItem, sections) -> dict[str, Any]:
    values = {
        ITEM_FIELD_LABELS[name]: shown(getattr(item, name))
        for name in _ITEM_CONTENT_FIELDS
        if name in ITEM_FIELD_LABELS  # 共通 is shown with the sections, as 共通/課名
    }
    values[ITEM_FIELD_LABELS["carriers"]] = _carrier_names(item.is_common, sections)
    return values


def _current_sections(item: GoalItem) -> list[Section]:
    return [c.section for c in item.carriers.select_related("section").order_by("position", "id")]


def _ordered_items(sheet: GoalSheet) -> list[GoalItem]:
    return list(GoalItem.objects.filter(sheet=sheet).order_by("position", "id"))


def _is_sequential(items: list[GoalItem]) -> bool:
    """Numbered 1, 2, 3 … in order: such a sheet is kept that way when items come and go."""
    return [item.number for item in items] == list(range(1, len(items) + 1))


def _numbered_in_runs(items: list[GoalItem]) -> list[int]:
    """1 … k in order, consecutive items sharing a 番号 (a group) sharing the new one."""
    numbers, previous, current = [], None, 0
    for item in items:
        if item.number != previous:
            current += 1
            previous = item.number
        numbers.append(current)
    return numbers


def _apply_numbers(
    sheet: GoalSheet, items: list[GoalItem], numbers: list[int], *, user, skip=None
) -> None:
    """Give items new numbers, one version and one history entry per item that changes."""
    changed = []
    for item, number in zip(items, numbers, strict=True):
        if item.number == number:
            continue
        before, version = item.number, item.version
        item.number = number
        item.version += 1
        changed.append(item)
        if item is not skip:
            changelog_record(
                sheet=sheet,
                target=item,
                action="item.renumbered",
                user=user,
                changes={"番号": [before, number], "_version": [version, item.version]},
            )
    GoalItem.objects.bulk_update(changed, ["number", "version"])


def _validate_item(
    *, sheet: GoalSheet, item: GoalItem, data: ItemInput, index: int, next_item
) -> dict[str, list[str]]:
    """Rules beyond the model's own: who carries the item, what may continue what."""
    errors: dict[str, list[str]] = {}

    def add(field_name, message):
        errors.setdefault(field_name, []).append(message)

    year = sheet.fiscal_year.year
    carried = set(item.carriers.values_list("section_id", flat=True)) if item.pk else set()
    if data.is_common and data.sections:
        add("sections", "「共通」と課名は同時に選べません。どちらかにしてください。")
    elif not data.is_common and not data.sections:
        add("sections", "「共通」か、担当する課を1つ以上選んでください。")
    for section in data.sections:
        if section.department_id != sheet.department_id:
            add("sections", f"{section.name}は{sheet.department.name}の課ではありません。")
        elif section.pk not in carried and not section.is_active_in(year):
            add("sections", f"{section.name}は{sheet.fiscal_year.label}にはありません。")
    reviewer = data.common_reviewer_section
    if reviewer is not None:
        if not data.is_common:
            add("common_reviewer_section", "確認を担当する課は「共通」の項目だけに指定します。")
        elif reviewer.department_id != sheet.department_id:
            add("common_reviewer_section", f"{reviewer.name}はこの部の課ではありません。")
    if (
        data.category is not None
        and not data.category.is_active
        and data.category.pk != item.category_id
    ):
        add("category", f"分類「{data.category.name}」は現在使われていません。")
    if data.continues_title and index == 0:
        add("continues_title", "先頭の項目は上の行から継続できません。")
    if (
        not item.pk
        and next_item is not None
        and next_item.continues_title
        and not data.continues_title
    ):
        add(
            "continues_title",
            "この位置に追加すると、下の行が継続する実施項目が変わります。"
            "継続している行のさらに下に追加するか、この項目も「上の行から継続」にしてください。",
        )
    if item.pk:
        removed = carried - {section.pk for section in data.sections}
        reviewed = (
            item.reviews.filter(section_id__in=removed)
            .select_related("section")
            .order_by("section__display_order")
        )
        for review in reviewed:
            add(
                "sections",
                f"{review.section.name}はこの項目の{review.get_stage_display()}を記入済みのため、"
                "課名から外せません。",
            )
        if (
            item.is_common
            and not data.is_common
            and item.reviews.filter(section__isnull=True).exists()
        ):
            add("sections", "部としての確認が記入済みのため、「共通」を外せません。")
    return errors


def _apply_item(item: GoalItem, data: ItemInput) -> None:
    for name in _ITEM_CONTENT_FIELDS:
        setattr(item, name, getattr(data, name))
    item.title = item.title or ""
    if not item.is_common:
        item.common_reviewer_section = None


def _full_clean_item(item: GoalItem, errors: dict[str, list[str]]) -> None:
    """The model's rules (bullets, deadline, continued fields) merged with ours, in one error."""
    try:
        item.full_clean(exclude=["sheet"], validate_unique=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            key = "__all__" if field_name == "__all__" else field_name
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _sections_in_order(sheet: GoalSheet, sections) -> list[Section]:
    return sorted(sections, key=lambda section: (section.display_order, section.name))


def _set_carriers(item: GoalItem, sections: list[Section]) -> None:
    item.carriers.all().delete()
    GoalItemSection.objects.bulk_create(
        GoalItemSection(item=item, section=section, position=position)
        for position, section in enumerate(sections)
    )


@transaction.atomic
def item_create(
    *,
    sheet: GoalSheet,
    data: ItemInput,
    user,
    after: GoalItem | None = None,
    once: str | None = None,
) -> GoalItem:
    """Add an item at the end, or right below `after`.

    On a sheet numbered 1, 2, 3 … an item inserted with the next number pushes the numbers
    below it down by one, so that the sheet stays numbered in order. `once` is the form's
    one-time token: the same form sent again returns the item it created the first time.
    """
    sheet = locked_sheet(sheet)
    if (created := once_done(once)) and (item := sheet.items.filter(pk=created).first()):
        return item
    ensure_editable(sheet)
    items = _ordered_items(sheet)
    index = len(items)
    if after is not None:
        index = next((i + 1 for i, each in enumerate(items) if each.pk == after.pk), len(items))
    next_item = items[index] if index < len(items) else None
    item = GoalItem(sheet=sheet)
    errors = _validate_item(sheet=sheet, item=item, data=data, index=index, next_item=next_item)
    _apply_item(item, data)
    _full_clean_item(item, errors)
    sequential = _is_sequential(items)
    for position, each in enumerate(items[index:], start=index + 1):
        each.position = position
    GoalItem.objects.bulk_update(items[index:], ["position"])
    item.position = index
    item.save()
    sections = _sections_in_order(sheet, data.sections)
    _set_carriers(item, sections)
    if sequential and item.number == index + 1:
        following = items[index:]
        _apply_numbers(sheet, following, [each.number + 1 for each in following], user=user)
    changelog_record(
        sheet=sheet,
        target=item,
        action="item.created",
        user=user,
        changes={
            label: ["", value]
            for label, value in _item_values(item, sections).items()
            if value not in ("", "いいえ")
        },
    )
    once_record(once, item)
    return item


@transaction.atomic
def item_update(*, item: GoalItem, data: ItemInput, version: int, user) -> GoalItem:
    sheet = locked_sheet(item.sheet)
    ensure_editable(sheet)
    item = _locked_item(item, sheet)
    check_version(item, version)
    items = _ordered_items(sheet)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    errors = _validate_item(sheet=sheet, item=item, data=data, index=index, next_item=None)
    before = _item_values(item, _current_sections(item))
    _apply_item(item, data)
    _full_clean_item(item, errors)
    sections = _sections_in_order(sheet, data.sections)
    after = _item_values(item, sections)
    changes = diff(before, after)
    if not changes:
        return item
    item.version += 1
    item.save()
    if ITEM_FIELD_LABELS["carriers"] in changes:
        _set_carriers(item, sections)
    changes["_version"] = [version, item.version]
    changelog_record(sheet=sheet, target=item, action="item.updated", user=user, changes=changes)
    return item


ITEM_GONE = (
    "この項目は、別のタブまたはほかの人が先に削除しました。整理表を開き直して確かめてください。"
)


def _locked_item(item: GoalItem, sheet: GoalSheet) -> GoalItem:
    """The item re-read under a row lock; deleted meanwhile is a Japanese refusal, not a 500."""
    try:
        locked = GoalItem.objects.select_for_update(of=("self",)).get(pk=item.pk, sheet=sheet)
    except GoalItem.DoesNotExist:
        raise ValidationError(ITEM_GONE) from None
    locked.sheet = sheet
    return locked


@transaction.atomic
def item_delete(*, item: GoalItem, version: int, user) -> None:
    """Delete an item. Refused when reviews were filed on it (they would go with it) or when the
    row below continues it (that row would silently continue another item)."""
    sheet = locked_sheet(item.sheet)
    ensure_editable(sheet)
    item = _locked_item(item, sheet)
    check_version(item, version)
    if item.reviews.exists():
        raise ValidationError(
            "この項目には中間確認・年度末確認が記入されているため削除できません。"
            "内容を直すか、企画・政策担当に相談してください。"
        )
    items = _ordered_items(sheet)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    following = items[index + 1 :]
    if following and following[0].continues_title:
        raise ValidationError(
            "下の行がこの項目の実施項目を継続しているため削除できません。"
            "先に下の行の「上の行から継続」を外すか、下の行から削除してください。"
        )
    sequential = _is_sequential(items)
    changelog_record(
        sheet=sheet,
        target=item,
        action="item.deleted",
        user=user,
        changes={
            label: [value, ""]
            for label, value in _item_values(item, _current_sections(item)).items()
            if value not in ("", "いいえ")
        },
    )
    item.delete()
    for position, each in enumerate(following, start=index):
        each.position = position
    GoalItem.objects.bulk_update(following, ["position"])
    if sequential:
        _apply_numbers(sheet, following, [each.number - 1 for each in following], user=user)


def _blocks(items: list[GoalItem]) -> list[list[GoalItem]]:
    """Items grouped as printed blocks: an item with the rows that continue it."""
    blocks: list[list[GoalItem]] = []
    for index, item in enumerate(items):
        if item.continues_title and index > 0:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    return blocks


@transaction.atomic
def item_move(*, item: GoalItem, direction: str, user) -> None:
    """Move an item one place up or down.

    An item moves together with the rows that continue it (they are one merged cell when
    printed); a continuing row moves only among the rows continuing the same item. A sheet
    numbered 1, 2, 3 … stays so; hand-set numbers (groups) stay with their items.
    """
    if direction not in ("up", "down"):
        raise ValidationError("移動の向きが正しくありません。")
    sheet = locked_sheet(item.sheet)
    ensure_editable(sheet)
    items = _ordered_items(sheet)
    if not any(each.pk == item.pk for each in items):
        raise ValidationError(ITEM_GONE)
    sequential = _is_sequential(items)
    blocks = _blocks(items)
    block_index = next(i for i, block in enumerate(blocks) if any(b.pk == item.pk for b in block))
    block = blocks[block_index]
    step = -1 if direction == "up" else 1
    if block[0].pk == item.pk:
        other = block_index + step
        if not 0 <= other < len(blocks):
            return
        blocks[block_index], blocks[other] = blocks[other], blocks[block_index]
    else:
        inner = next(i for i, each in enumerate(block) if each.pk == item.pk)
        other = inner + step
        if other == 0:
            raise ValidationError(
                "上の行から継続している行は、継続元の行より上には移動できません。"
            )
        if other >= len(block):
            raise ValidationError(
                "上の行から継続している行は、その項目のまとまりの外には移動できません。"
                "先に「上の行から継続」を外してください。"
            )
        block[inner], block[other] = block[other], block[inner]
    ordered = [each for block in blocks for each in block]
    moved = next(each for each in ordered if each.pk == item.pk)
    old_position = moved.position
    for position, each in enumerate(ordered):
        each.position = position
    GoalItem.objects.bulk_update(ordered, ["position"])
    old_number = moved.number
    if sequential:
        _apply_numbers(sheet, ordered, list(range(1, len(ordered) + 1)), user=user, skip=moved)
    changes: dict[str, Any] = {"順番": [old_position + 1, moved.position + 1]}
    if moved.number != old_number:
        changes["番号"] = [old_number, moved.number]
        changes["_version"] = [moved.version - 1, moved.version]
    changelog_record(sheet=sheet, target=moved, action="item.moved", user=user, changes=changes)


@transaction.atomic
def items_renumber(*, sheet: GoalSheet, user) -> int:
    """Number the items 1 … k in order; consecutive items sharing a 番号 stay one group.
    Returns how many items changed."""
    sheet = locked_sheet(sheet)
    ensure_editable(sheet)
    items = _ordered_items(sheet)
    numbers = _numbered_in_runs(items)
    changed = sum(1 for item, number in zip(items, numbers, strict=True) if item.number != number)
    _apply_numbers(sheet, items, numbers, user=user)
    return changed
