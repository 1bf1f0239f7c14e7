"""draft → submitted → returned/accepted; accepted → revised → accepted with a revision date."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.wareki import wareki_date
from goals.models import ChangeLog, GoalItem, SheetRevision, SheetSnapshot, SheetStatus
from goals.selectors import sheet_date_line, snapshot_rows
from goals.services import (
    EditConflict,
    sheet_accept,
    sheet_return,
    sheet_revise,
    sheet_submit,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(org):
    """Department A's sheet, ready to submit (it has a signer)."""
    factories.SheetSignerFactory(sheet=org.sheet_a, title="市民部長", name="市民 太郎")
    return org.sheet_a


def test_submit_then_accept_keeps_the_accepted_version(org, ready):
    sheet = sheet_submit(sheet=ready, version=1, user=org.head_a)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.submitted_at and sheet.version == 2
    snapshot = sheet_accept(sheet=sheet, version=2, user=org.planner)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.ACCEPTED and sheet.accepted_at
    assert snapshot.number == 1 and snapshot.accepted_by == org.planner
    assert snapshot.data["signers"] == [{"title": "市民部長", "name": "市民 太郎"}]
    assert snapshot.data["items"][0]["title"] == org.item_a.title
    assert snapshot.data["items"][0]["sections"] == ["市民課"]
    assert not SheetRevision.objects.filter(sheet=sheet).exists()  # first acceptance


def test_return_needs_a_comment_and_resubmitting_clears_it(org, ready):
    sheet_submit(sheet=ready, version=1, user=org.head_a)
    with pytest.raises(ValidationError) as raised:
        sheet_return(sheet=ready, comment="　\n", version=2, user=org.planner)
    assert raised.value.message_dict["comment"] == ["差し戻しの理由を入力してください。"]
    sheet = sheet_return(sheet=ready, comment="番号1の期限を具体的に。", version=2, user=None)
    assert (
        sheet.status == SheetStatus.RETURNED and sheet.return_comment == "番号1の期限を具体的に。"
    )
    assert sheet.is_editable
    log = ChangeLog.objects.get(action="sheet.returned")
    assert log.changes["差し戻しの理由"] == "番号1の期限を具体的に。"
    sheet = sheet_submit(sheet=sheet, version=3, user=org.head_a)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.return_comment == ""


def test_revise_and_accept_again_adds_todays_revision_date(org, ready):
    sheet_submit(sheet=ready, version=1, user=None)
    sheet_accept(sheet=ready, version=2, user=org.planner)
    sheet = sheet_revise(sheet=ready, version=3, user=org.head_a)
    assert sheet.status == SheetStatus.DRAFT
    GoalItem.objects.filter(pk=org.item_a.pk).update(title="見直した題")
    sheet_submit(sheet=sheet, version=4, user=None)
    snapshot = sheet_accept(sheet=sheet, version=5, user=org.planner)
    today = timezone.localdate()
    assert list(sheet.revisions.values_list("revised_on", flat=True)) == [today]
    assert snapshot.number == 2
    assert (
        snapshot.data["date_line"] == f"{wareki_date(sheet.created_on)} {wareki_date(today)}見直し"
    )
    assert sheet_date_line(sheet) == snapshot.data["date_line"]
    first = SheetSnapshot.objects.get(sheet=sheet, number=1)
    assert first.data["items"][0]["title"] == org.item_a.title  # the earlier version is kept
    assert snapshot_rows(first.data)[0].title == org.item_a.title


def test_revising_an_imported_accepted_sheet_keeps_it_as_version_one(org, ready):
    ready.status = SheetStatus.ACCEPTED
    ready.save()
    sheet_revise(sheet=ready, version=1, user=org.head_a)
    [snapshot] = SheetSnapshot.objects.filter(sheet=ready)
    assert snapshot.number == 1 and snapshot.accepted_by is None
    ready.refresh_from_db()
    assert ready.accepted_at == snapshot.accepted_at


def test_submit_lists_what_is_missing(org):
    GoalItem.objects.filter(pk=org.item_a.pk).update(continues_title=True, title="")
    org.item_a.carriers.all().delete()
    with pytest.raises(ValidationError) as raised:
        sheet_submit(sheet=org.sheet_a, version=1, user=None)
    assert raised.value.messages == [
        "先頭の項目が「上の行から継続」になっています。",
        "番号1の項目に「共通」も課名もありません。",
        "署名者（職名・氏名）がありません。",
    ]
    org.sheet_a.refresh_from_db()
    assert org.sheet_a.status == SheetStatus.DRAFT


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (SheetStatus.ACCEPTED, sheet_submit, "提出できません"),
        (SheetStatus.DRAFT, sheet_accept, "承認できるのは提出済み"),
        (SheetStatus.SUBMITTED, sheet_revise, "見直しできるのは承認済み"),
    ],
)
def test_steps_out_of_order_are_refused(org, ready, status, action, message):
    ready.status = status
    ready.save()
    with pytest.raises(ValidationError, match=message):
        action(sheet=ready, version=1, user=None)


def test_accepting_a_sheet_that_changed_meanwhile_is_refused(org, ready):
    sheet_submit(sheet=ready, version=1, user=org.head_a)
    sheet_return(sheet=ready, comment="直してください", version=2, user=org.planner)
    sheet_submit(sheet=ready, version=3, user=org.head_a)
    with pytest.raises(EditConflict) as raised:
        sheet_accept(sheet=ready, version=2, user=org.admin)
    assert [entry.action for entry in raised.value.changes] == ["差し戻し", "提出"]
