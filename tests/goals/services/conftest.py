"""Fixtures for the sheet editor's services: an item input builder and a sheet with items."""

import pytest

from goals.services import ItemInput
from tests import factories


@pytest.fixture
def item_input(org):
    """item_input(**changes) is a valid ItemInput for department A (市民課 carries it)."""

    def build(**changes):
        values = {
            "number": 1,
            "title": "窓口業務の改善",
            "category": factories.CategoryFactory(name="施政方針"),
            "achievement": "・待ち時間が短くなっている。\n・手続きがオンラインでできる。",
            "method": "- 窓口の動線を見直す\n- 予約システムを導入する",
            "deadline": "１２月",
            "sections": [org.section_a1],
        }
        values.update(changes)
        return ItemInput(**values)

    return build


@pytest.fixture
def numbered_sheet(org):
    """Department A's sheet with items numbered 1 … 4 (org.item_a is the first)."""

    def build(count=4):
        items = [org.item_a]
        for position in range(1, count):
            items.append(
                factories.GoalItemFactory(
                    sheet=org.sheet_a,
                    position=position,
                    number=position + 1,
                    title=f"項目{position + 1}",
                    sections=[org.section_a1],
                )
            )
        return items

    return build
