"""Items: add, edit, delete, move, renumber — with history, versions and the sheet's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from goals.models import ChangeLog, GoalItem, SheetStatus
from goals.services import (
    EditConflict,
    ItemInput,
    item_create,
    item_delete,
    item_move,
    item_update,
    items_renumber,
)
from reviews.models import Stage
from tests import factories

pytestmark = pytest.mark.django_db


def numbers(sheet):
    return list(sheet.items.order_by("position").values_list("number", flat=True))


def titles(sheet):
    return [item.title or "（継続）" for item in sheet.items.order_by("position")]


def test_create_appends_and_normalises(org, item_input):
    item = item_create(
        sheet=org.sheet_a,
        data=item_input(number=2, sections=[org.section_a2, org.section_a1]),
        user=org.head_a,
    )
    assert item.position == 1
    assert item.achievement == "待ち時間が短くなっている。\n手続きがオンラインでできる。"
    assert item.method_bullets == ["窓口の動線を見直す", "予約システムを導入する"]
    assert item.deadline == "12月"
    assert item.deadline_due == datetime.date(org.fiscal_year.year, 12, 31)
    # 共通/課名 in the department's order, whatever order they were ticked in
    assert [c.section.name for c in item.carriers.order_by("position")] == ["市民課", "経済課"]
    log = ChangeLog.objects.get(target_id=item.pk, action="item.created")
    assert log.user == org.head_a
    assert log.changes["実施項目"] == ["", "窓口業務の改善"]
    assert log.changes["共通/課名"] == ["", "市民課、経済課"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"is_common": True}, "sections", "同時に選べません"),
        ({"sections": []}, "sections", "1つ以上選んでください"),
        ({"title": ""}, "title", "実施項目を入力してください"),
        ({"deadline": "13月"}, "deadline", "月が正しくありません"),
        ({"continues_achievement": True}, "continues_achievement", "実施項目も継続"),
    ],
)
def test_create_refuses_bad_input_with_japanese_messages(org, item_input, changes, field, message):
    with pytest.raises(ValidationError) as raised:
        item_create(sheet=org.sheet_a, data=item_input(**changes), user=org.head_a)
    assert any(message in text for text in raised.value.message_dict[field])
    assert org.sheet_a.items.count() == 1


def test_a_continued_item_cannot_be_the_first(org, item_input):
    org.item_a.delete()
    with pytest.raises(ValidationError) as raised:
        item_create(sheet=org.sheet_a, data=item_input(continues_title=True), user=org.head_a)
    assert "先頭の項目は上の行から継続できません" in raised.value.message_dict["continues_title"][0]


def test_sections_of_another_department_or_year_are_refused(org, item_input):
    closed = factories.SectionFactory(
        department=org.dept_a, name="旧課", active_until=org.fiscal_year.year - 1
    )
    with pytest.raises(ValidationError) as raised:
        item_create(
            sheet=org.sheet_a, data=item_input(sections=[org.section_b1, closed]), user=None
        )
    messages = raised.value.message_dict["sections"]
    assert "生活福祉課は市民部の課ではありません。" in messages
    assert any("旧課は" in message and "にはありません" in message for message in messages)


def test_a_retired_category_is_refused_for_a_new_item(org, item_input):
    retired = factories.CategoryFactory(name="経営改革プラン", is_active=False)
    with pytest.raises(ValidationError) as raised:
        item_create(sheet=org.sheet_a, data=item_input(category=retired), user=None)
    assert "現在使われていません" in raised.value.message_dict["category"][0]


def test_insert_below_keeps_a_numbered_sheet_in_order(org, item_input, numbered_sheet):
    items = numbered_sheet(4)
    new = item_create(
        sheet=org.sheet_a, data=item_input(number=2, title="新しい項目"), after=items[0], user=None
    )
    assert titles(org.sheet_a) == [org.item_a.title, "新しい項目", "項目2", "項目3", "項目4"]
    assert numbers(org.sheet_a) == [1, 2, 3, 4, 5]
    assert new.position == 1
    renumbered = GoalItem.objects.get(pk=items[1].pk)
    assert renumbered.version == 2
    assert ChangeLog.objects.get(target_id=items[1].pk, action="item.renumbered").changes[
        "番号"
    ] == [2, 3]


def test_insert_with_the_number_above_joins_its_group(org, item_input, numbered_sheet):
    items = numbered_sheet(3)
    item_create(sheet=org.sheet_a, data=item_input(number=1), after=items[0], user=None)
    assert numbers(org.sheet_a) == [1, 1, 2, 3]


def test_insert_between_an_item_and_its_continuation_is_refused(org, item_input, numbered_sheet):
    items = numbered_sheet(3)
    GoalItem.objects.filter(pk=items[1].pk).update(continues_title=True, title="")
    with pytest.raises(ValidationError) as raised:
        item_create(sheet=org.sheet_a, data=item_input(), after=items[0], user=None)
    assert "継続する実施項目が変わります" in raised.value.message_dict["continues_title"][0]
    # continuing the same item is fine
    item_create(sheet=org.sheet_a, data=item_input(continues_title=True), after=items[0], user=None)


def test_items_of_a_submitted_sheet_are_frozen(org, item_input):
    org.sheet_a.status = SheetStatus.SUBMITTED
    org.sheet_a.save()
    with pytest.raises(ValidationError) as raised:
        item_create(sheet=org.sheet_a, data=item_input(), user=None)
    assert "提出済みのため編集できません" in raised.value.messages[0]


def test_update_records_before_and_after(org, item_input):
    item = item_update(
        item=org.item_a,
        data=item_input(title="窓口の改善", deadline="年度末", sections=[org.section_a2]),
        version=1,
        user=org.head_a,
    )
    assert item.version == 2
    assert item.title == "窓口の改善"
    log = ChangeLog.objects.get(target_id=item.pk, action="item.updated")
    assert log.changes["実施項目"] == [org.item_a.title, "窓口の改善"]
    assert log.changes["共通/課名"] == ["市民課", "経済課"]
    assert log.changes["_version"] == [1, 2]
    assert "期限" not in log.changes  # 年度末 → 年度末: unchanged fields are not listed


def test_update_without_changes_saves_nothing(org):
    item = org.item_a
    data = item_input_from(item, org)
    item_update(item=item, data=data, version=1, user=None)
    item.refresh_from_db()
    assert item.version == 1
    assert not ChangeLog.objects.filter(action="item.updated").exists()


def item_input_from(item, org):

    return ItemInput(
        number=item.number,
        title=item.title,
        category=item.category,
        achievement=item.achievement,
        method=item.method,
        deadline=item.deadline,
        sections=[org.section_a1],
    )


def test_a_save_against_an_older_version_is_refused_with_the_other_change(org, item_input):
    item_update(item=org.item_a, data=item_input(title="先に保存した題"), version=1, user=org.admin)
    with pytest.raises(EditConflict) as raised:
        item_update(item=org.item_a, data=item_input(title="後の題"), version=1, user=org.head_a)
    conflict = raised.value
    assert conflict.current_version == 2
    [entry] = conflict.changes
    assert entry.action == "項目を変更"
    change = next(change for change in entry.changes if change.label == "実施項目")
    assert (change.before, change.after) == (org.item_a.title, "先に保存した題")
    assert GoalItem.objects.get(pk=org.item_a.pk).title == "先に保存した題"


def test_a_section_that_filed_a_review_stays(org, item_input):
    factories.ReviewFactory(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)
    with pytest.raises(ValidationError) as raised:
        item_update(
            item=org.item_a, data=item_input(sections=[org.section_a2]), version=1, user=None
        )
    assert "市民課はこの項目の中間確認を記入済み" in raised.value.message_dict["sections"][0]


def test_delete_renumbers_a_numbered_sheet(org, numbered_sheet):
    items = numbered_sheet(4)
    item_delete(item=items[1], version=1, user=org.head_a)
    assert numbers(org.sheet_a) == [1, 2, 3]
    assert list(org.sheet_a.items.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
    ]
    log = ChangeLog.objects.get(action="item.deleted")
    assert log.changes["実施項目"] == ["項目2", ""]


def test_delete_keeps_hand_set_numbers(org, numbered_sheet):
    items = numbered_sheet(3)
    GoalItem.objects.filter(pk=items[1].pk).update(number=1)
    GoalItem.objects.filter(pk=items[2].pk).update(number=2)
    item_delete(item=items[0], version=1, user=None)
    assert numbers(org.sheet_a) == [1, 2]


def test_delete_is_refused_for_reviewed_or_continued_items(org, numbered_sheet):
    items = numbered_sheet(3)
    factories.ReviewFactory(item=items[2], section=org.section_a1)
    with pytest.raises(ValidationError, match="中間確認・年度末確認が記入されている"):
        item_delete(item=items[2], version=1, user=None)
    GoalItem.objects.filter(pk=items[1].pk).update(continues_title=True, title="")
    with pytest.raises(ValidationError, match="下の行がこの項目の実施項目を継続"):
        item_delete(item=items[0], version=1, user=None)
    assert org.sheet_a.items.count() == 3


def test_delete_against_an_older_version_is_refused(org, item_input):
    item_update(item=org.item_a, data=item_input(title="変更後"), version=1, user=None)
    with pytest.raises(EditConflict):
        item_delete(item=org.item_a, version=1, user=None)
    assert GoalItem.objects.filter(pk=org.item_a.pk).exists()


def test_move_keeps_a_numbered_sheet_in_order(org, numbered_sheet):
    items = numbered_sheet(4)
    item_move(item=items[2], direction="up", user=org.head_a)
    assert titles(org.sheet_a)[1:3] == ["項目3", "項目2"]
    assert numbers(org.sheet_a) == [1, 2, 3, 4]
    log = ChangeLog.objects.get(action="item.moved")
    assert log.changes["順番"] == [3, 2] and log.changes["番号"] == [3, 2]


def test_move_keeps_hand_set_group_numbers(org, numbered_sheet):
    items = numbered_sheet(4)
    for item, number in zip(items, [1, 1, 2, 2], strict=True):
        GoalItem.objects.filter(pk=item.pk).update(number=number)
    item_move(item=items[1], direction="up", user=None)
    assert numbers(org.sheet_a) == [1, 1, 2, 2]
    assert titles(org.sheet_a)[0] == "項目2"


def test_an_item_moves_with_the_rows_continuing_it(org, numbered_sheet):
    items = numbered_sheet(4)
    GoalItem.objects.filter(pk=items[2].pk).update(continues_title=True, title="")
    item_move(item=items[1], direction="up", user=None)
    assert titles(org.sheet_a) == ["項目2", "（継続）", org.item_a.title, "項目4"]
    item_move(item=items[3], direction="up", user=None)
    assert titles(org.sheet_a) == ["項目2", "（継続）", "項目4", org.item_a.title]


def test_a_continuing_row_stays_below_its_item(org, numbered_sheet):
    items = numbered_sheet(3)
    GoalItem.objects.filter(pk=items[2].pk).update(continues_title=True, title="")
    with pytest.raises(ValidationError, match="継続元の行より上には移動できません"):
        item_move(item=items[2], direction="up", user=None)
    with pytest.raises(ValidationError, match="まとまりの外には移動できません"):
        item_move(item=items[2], direction="down", user=None)


def test_moving_past_either_end_changes_nothing(org, numbered_sheet):
    items = numbered_sheet(2)
    item_move(item=items[0], direction="up", user=None)
    item_move(item=items[1], direction="down", user=None)
    assert titles(org.sheet_a)[1] == "項目2"
    assert not ChangeLog.objects.filter(action="item.moved").exists()


def test_renumber_keeps_groups(org, numbered_sheet):
    items = numbered_sheet(4)
    for item, number in zip(items, [3, 3, 7, 9], strict=True):
        GoalItem.objects.filter(pk=item.pk).update(number=number)
    assert items_renumber(sheet=org.sheet_a, user=org.head_a) == 4
    assert numbers(org.sheet_a) == [1, 1, 2, 3]
    assert ChangeLog.objects.filter(action="item.renumbered").count() == 4
    assert items_renumber(sheet=org.sheet_a, user=org.head_a) == 0


# Races with a delete (issue 16, point 5) ---------------------------------------------------------


@pytest.mark.parametrize("operation", ["update", "delete", "move"])
def test_an_item_deleted_meanwhile_is_a_japanese_refusal_not_a_500(org, item_input, operation):
    """The view loaded the item; someone deleted it before the service ran."""
    loaded = GoalItem.objects.get(pk=org.item_a.pk)
    GoalItem.objects.filter(pk=loaded.pk).delete()
    calls = {
        "update": lambda: item_update(
            item=loaded, data=item_input(title="遅れた保存"), version=1, user=org.head_a
        ),
        "delete": lambda: item_delete(item=loaded, version=1, user=org.head_a),
        "move": lambda: item_move(item=loaded, direction="up", user=org.head_a),
    }
    with pytest.raises(ValidationError) as error:
        calls[operation]()
    assert "先に削除しました" in error.value.messages[0]
