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


def test_the_number_column_widens_for_three_digits():
    assert pdf.layout.number_width([1, 25, 99]) == 9
    assert pdf.layout.number_width([1, 150, 200]) > 9.5


def test_section_names_break_between_their_words():
    assert pdf.layout.name_chunks("市民生活部地域共生推進課") == ["市民生活部", "地域共生推進課"]
    assert pdf.layout.name_chunks("市民課") == ["市民課"]


def test_a_piece_too_wide_for_its_column_wraps_the_others_stay_whole():
    (line,) = pdf.layout.lines_in([["令和8年", "12月末までに第一段階を終え全面移行"]], 20)

    assert line.pieces == [("令和8年", True), ("12月末までに第一段階を終え全面移行", False)]
