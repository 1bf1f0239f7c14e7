"""Server-rendered charts: 100% stacked bars drawn as SVG by `templates/reviews/_stacked_bars.html`.

Geometry is computed here; colours come from classes in `static/css/reviews.css` (no inline
styles under the Content Security Policy). Each segment carries its count as text, and the
later bands of a scale are hatched as well as coloured, so that a chart printed in black and
white (or read by someone who does not tell red from green) still tells the bands apart.
"""

import itertools
from dataclasses import dataclass, field

from reviews.models import AchievementLevel, ProgressMark

WIDTH = 640
LABEL_WIDTH = 130
TOTAL_WIDTH = 56
BAR_HEIGHT = 22
GAP = 10
TOP = 4
PALETTE_SIZE = 6
# Hatching by position in the scale: the bands whose colours turn to similar greys in print.
HATCHES = {3: "diagonal", 4: "cross", 5: "dots"}
_chart_ids = itertools.count(1)


@dataclass
class Segment:
    x: float
    width: float
    count: int
    share: float
    css: str
    label: str
    text: str
    hatch: str = ""

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class Bar:
    label: str
    y: float
    total: int
    segments: list[Segment]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT / 2 + 4


@dataclass
class LegendEntry:
    css: str
    label: str
    hatch: str = ""


@dataclass
class LegendGroup:
    title: str
    entries: list[LegendEntry]


@dataclass
class StackedBars:
    title: str
    bars: list[Bar]
    legend: list[LegendGroup]
    unit: str = "件"
    empty_text: str = "提出なし"
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH
    bar_width: int = WIDTH - LABEL_WIDTH - TOTAL_WIDTH
    bar_height: int = BAR_HEIGHT
    total_x: int = WIDTH - 4
    notes: list[str] = field(default_factory=list)
    # Unique per chart on a page: the ids of its hatching patterns.
    uid: str = field(default_factory=lambda: f"chart{next(_chart_ids)}")

    @property
    def height(self) -> int:
        return TOP * 2 + len(self.bars) * (BAR_HEIGHT + GAP)

    @property
    def description(self) -> str:
        """What a screen reader announces for the whole chart."""
        parts = []
        for bar in self.bars:
            counts = "、".join(f"{s.label} {s.count}{self.unit}" for s in bar.segments if s.count)
            parts.append(f"{bar.label}: {counts or self.empty_text}")
        return f"{self.title}。" + "。".join(parts)


@dataclass
class Category:
    """One band of a scale: a mark or a level, placed by its order in its scale."""

    key: object
    label: str
    short: str
    position: int
    palette: str

    @property
    def css(self) -> str:
        return f"chart-seg chart-seg--{self.palette}{min(self.position, PALETTE_SIZE - 1)}"

    @property
    def hatch(self) -> str:
        return HATCHES.get(min(self.position, PALETTE_SIZE - 1), "")


def mark_category(mark: ProgressMark, position: int) -> Category:
    return Category(
        key=mark.pk,
        label=f"{mark.symbol} {mark.meaning}",
        short=mark.symbol,
        position=position,
        palette="mark",
    )


def level_category(level: AchievementLevel, position: int) -> Category:
    return Category(
        key=level.pk, label=str(level), short=level.code, position=position, palette="level"
    )


def stacked_bars(
    *,
    title: str,
    rows: list[tuple[str, list[tuple[Category, int]]]],
    legend: list[LegendGroup],
) -> StackedBars:
    """Bars of shares (each row sums to 100%), labelled with counts where they fit."""
    chart = StackedBars(title=title, bars=[], legend=legend)
    for index, (label, counts) in enumerate(rows):
        total = sum(count for _, count in counts)
        y = TOP + index * (BAR_HEIGHT + GAP)
        x = float(chart.bar_x)
        segments = []
        for category, count in counts:
            if not count:
                continue
            share = count / total
            width = share * chart.bar_width
            if category.short and width >= 40:
                text = f"{category.short} {count}"
            elif width >= 18:
                text = str(count)
            else:
                text = ""
            segments.append(
                Segment(
                    x=round(x, 2),
                    width=round(width, 2),
                    count=count,
                    share=share,
                    css=category.css,
                    label=category.label,
                    text=text,
                    hatch=category.hatch,
                )
            )
            x += width
        chart.bars.append(Bar(label=label, y=y, total=total, segments=segments))
    return chart


def legend_of(title: str, categories: list[Category]) -> LegendGroup:
    return LegendGroup(
        title=title,
        entries=[
            LegendEntry(css=category.css, label=category.label, hatch=category.hatch)
            for category in categories
        ],
    )


def distribution_charts(dashboard) -> tuple[StackedBars, StackedBars]:
    """Marks and levels per department and city-wide for the dashboard's year."""
    marks = [mark_category(mark, position) for position, mark in enumerate(dashboard.marks)]
    levels = [level_category(level, position) for position, level in enumerate(dashboard.levels)]
    summaries = [("市全体", dashboard.city)] + [
        (summary.department.name, summary) for summary in dashboard.departments
    ]
    mark_chart = stacked_bars(
        title=f"{dashboard.fiscal_year.label} 中間確認の進捗状況",
        rows=[
            (label, [(category, summary.marks.get(category.key, 0)) for category in marks])
            for label, summary in summaries
        ],
        legend=[legend_of("", marks)],
    )
    level_chart = stacked_bars(
        title=f"{dashboard.fiscal_year.label} 年度末確認の達成状況",
        rows=[
            (label, [(category, summary.levels.get(category.key, 0)) for category in levels])
            for label, summary in summaries
        ],
        legend=[legend_of("", levels)],
    )
    return mark_chart, level_chart


def year_over_year_charts(department, years) -> tuple[StackedBars, StackedBars]:
    """One department's marks and levels, one bar per fiscal year (scales may differ by year)."""
    mark_rows, level_rows = [], []
    mark_legends: dict[int, LegendGroup] = {}
    level_legends: dict[int, LegendGroup] = {}
    for entry in years:
        scale = entry.fiscal_year.progress_scale
        marks = [(mark_category(mark, i), count) for i, (mark, count) in enumerate(entry.marks)]
        mark_rows.append((entry.fiscal_year.label, marks))
        mark_legends.setdefault(scale.pk, legend_of(scale.name, [c for c, _ in marks]))
        scale = entry.fiscal_year.achievement_scale
        levels = [(level_category(lv, i), count) for i, (lv, count) in enumerate(entry.levels)]
        level_rows.append((entry.fiscal_year.label, levels))
        level_legends.setdefault(scale.pk, legend_of(scale.name, [c for c, _ in levels]))
    marks_chart = stacked_bars(
        title=f"{department.name} 進捗状況の推移（中間確認）",
        rows=mark_rows,
        legend=list(mark_legends.values()),
    )
    levels_chart = stacked_bars(
        title=f"{department.name} 達成状況の推移（年度末確認）",
        rows=level_rows,
        legend=list(level_legends.values()),
    )
    if len(level_legends) > 1:
        levels_chart.notes.append(
            "年度によって達成状況の尺度が異なります。色は尺度の中の順番です。"
        )
    return marks_chart, levels_chart
