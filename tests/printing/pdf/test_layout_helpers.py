"""The small layout rules of goals/pdf.py: unbreakable pieces, column widths, free text."""

import pytest

from printing import pdf


@pytest.mark.parametrize(
    ("text", "chunks"),
    [
        ("年度末", ["年度末"]),
        ("12月", ["12月"]),
        ("随時", ["随時"]),
        ("令和8年12月25日", ["令和8年", "12月25日"]),
        ("令和8年度末", ["令和8年度末"]),
        ("ほとんど未達成だった(達成率80～50%)", ["ほとんど未達成だった", "(達成率80～50%)"]),
        ("障害福祉課: ほぼ達成した", ["障害福祉課: ほぼ達成した"]),
        ("", []),
    ],
)
def test_unbreakable_chunks(text, chunks):
    assert pdf.unbreakable_chunks(text) == chunks


def test_widths_fit_the_longest_value_within_bounds():
    assert pdf.width_for([], low=13, high=22) == 13
    narrow = pdf.width_for(["施政方針"], low=10, high=40)
    wide = pdf.width_for(["経営改革プラン"], low=10, high=40)
    assert narrow < wide
    assert pdf.width_for(["とても長い分類の名前がここに入ります"], low=16, high=27) == 27
    # Half-width characters take about half the room of Japanese ones.
    assert pdf.text_em("12月") == pytest.approx(2.1)


def test_paragraphs_hang_lines_that_start_with_a_marker():
    found = pdf.paragraphs("・一つ目\r\n続きの文\n\n①二つ目\n(1)三つ目\n（２）四つ目")

    assert [(p.text, p.hanging) for p in found] == [
        ("・一つ目", True),
        ("続きの文", False),
        ("①二つ目", True),
        ("(1)三つ目", True),
        ("（２）四つ目", True),
    ]
