"""The optimistic-edit kit shared by sheets, items and reviews.

Every editable object carries a `version`. A form remembers the version it was opened at and the
values it showed (`base`, a hidden field). A save against an older version is refused with an
`EditConflict`; the form then comes back *merged*: the fields the user did not change show what
is saved now, the fields the user changed keep the user's input, and a field both changed shows
both values (a `Clash`) so that the user chooses before saving again. So a second save never
writes back the old value of a field somebody else changed in between — whether that somebody
is a colleague or the same person in another tab.
"""

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CONFLICT_MESSAGE = (
    "別のタブまたはほかの人が、この画面を開いた後に保存しました。あなたが変えていない欄は"
    "いま保存されている内容に、あなたが変えた欄はあなたの入力にしてあります。"
    "内容を確かめて、もう一度保存してください。"
)
CLASH_MESSAGE = (
    "同じ欄をあなたとほかの人の両方が変えています。下の「保存されている内容」と見比べて、"
    "残す内容にしてから保存してください。"
)


class EditConflict(Exception):
    """Someone saved first: nothing was written.

    `version` is the version the form was opened at, `current_version` the saved one; `changes`
    describes what was saved in between (for the page), `by` and `at` who saved last and when.
    """

    def __init__(
        self,
        *,
        target,
        version: int | None,
        current_version: int,
        changes: Iterable = (),
        by: str = "ほかの人",
        at=None,
    ):
        super().__init__(CONFLICT_MESSAGE)
        self.target = target
        self.version = version
        self.current_version = current_version
        self.changes = list(changes)
        self.by = by
        self.at = at


def check_version(
    target, version: int | None, *, changes: Callable[[], Iterable] = tuple, **details
) -> None:
    """Refuse a save made against an older version (None: the caller does not check)."""
    if version is not None and target.version != version:
        raise EditConflict(
            target=target,
            version=version,
            current_version=target.version,
            changes=changes(),
            **details,
        )


def comparable(value) -> Any:
    """A value in a form that two versions can be compared by: objects by primary key, lists in
    order, text with its line ends and outer spaces normalised, nothing as ""."""
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, Iterable):
        return [comparable(each) for each in value]
    return str(value)


def encode_base(values: Mapping[str, Any]) -> str:
    """The values a form was opened with, for its hidden `base` field."""
    return json.dumps({name: comparable(value) for name, value in values.items()})


def decode_base(raw: str | None) -> dict[str, Any] | None:
    """The `base` a form sent back; None when it is missing or not ours (nothing is trusted:
    it only decides which fields the user changed, for their own form)."""
    try:
        base = json.loads(raw or "")
    except ValueError:
        return None
    return base if isinstance(base, dict) else None


def shown(value) -> str:
    """A value as a person reads it beside a clash."""
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str | int | float) or hasattr(value, "pk"):
        return str(value)
    if isinstance(value, Iterable):
        return "、".join(str(each) for each in value) or "（空欄）"
    return str(value)


@dataclass
class Clash:
    name: str
    label: str
    mine: str
    theirs: str


@dataclass
class Merge:
    """What the form shows after a conflict: `initial` values, and the fields both changed."""

    initial: dict[str, Any]
    clashes: list[Clash] = field(default_factory=list)
    kept_mine: list[str] = field(default_factory=list)


def merge_after_conflict(
    *,
    base: Mapping[str, Any] | None,
    typed: Mapping[str, Any],
    saved: Mapping[str, Any],
    labels: Mapping[str, str],
    display: Callable[[str, Any], str] | None = None,
) -> Merge:
    """Three-way merge of one form: `base` (what the form was opened with), `typed` (what the
    user sent) and `saved` (what is in the database now), field by field.

    A field the user left as it was takes the saved value; a field only the user changed keeps
    the input; a field both changed keeps the input and is listed as a clash. Without a base
    (an old form), every field where the input differs from the saved value is a clash.
    """
    display = display or (lambda name, value: shown(value))
    merge = Merge(initial={})
    for name, saved_value in saved.items():
        if name not in typed:
            merge.initial[name] = saved_value
            continue
        mine, theirs = comparable(typed[name]), comparable(saved_value)
        opened_with = base.get(name) if base is not None else None
        if base is not None and mine == opened_with:
            merge.initial[name] = saved_value
        elif mine == theirs or (base is not None and theirs == opened_with):
            merge.initial[name] = typed[name]
            if mine != theirs:
                merge.kept_mine.append(name)
        else:
            merge.initial[name] = typed[name]
            merge.kept_mine.append(name)
            merge.clashes.append(
                Clash(
                    name=name,
                    label=labels.get(name, name),
                    mine=display(name, typed[name]),
                    theirs=display(name, saved_value),
                )
            )
    return merge
