import pytest

from reviews.charts import Category, LegendGroup, stacked_bars

pytestmark = pytest.mark.django_db


def category(position, short=""):
    return Category(
        key=position, label=f"段階{position}", short=short, position=position, palette="mark"
    )


def test_bars_are_shares_that_fill_the_width_with_counts_where_they_fit():
    chart = stacked_bars(
        title="分布",
        rows=[("市全体", [(category(0, "◎"), 30), (category(1, "○"), 10), (category(2), 0)])],
        legend=[LegendGroup(title="", entries=[])],
    )
    (bar,) = chart.bars
    first, second = bar.segments  # a zero count draws nothing
    assert first.x == chart.bar_x
    assert first.width == pytest.approx(chart.bar_width * 0.75)
    assert second.x + second.width == pytest.approx(chart.bar_x + chart.bar_width)
    assert first.text == "◎ 30" and second.text == "○ 10" and bar.total == 40
    assert first.css == "chart-seg chart-seg--mark0"
    assert "市全体: 段階0 30件、段階1 10件" in chart.description


def test_an_empty_row_has_no_segments_and_small_segments_no_text():
    chart = stacked_bars(
        title="分布",
        rows=[("福祉部", [(category(0), 0)]), ("市民部", [(category(0), 1), (category(1), 99)])],
        legend=[],
    )
    assert chart.bars[0].segments == [] and chart.bars[0].total == 0
    assert chart.bars[1].segments[0].text == ""
    assert chart.height > chart.bars[1].y + chart.bar_height


def test_later_bands_are_hatched_for_black_and_white_print():
    chart = stacked_bars(
        title="分布", rows=[("市全体", [(category(2), 1), (category(3), 1)])], legend=[]
    )
    assert [segment.hatch for segment in chart.bars[0].segments] == ["", "diagonal"]
    other = stacked_bars(title="分布", rows=[], legend=[])
    assert chart.uid != other.uid  # pattern ids stay unique on a page with several charts
