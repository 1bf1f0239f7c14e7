import datetime

import pytest

from core.deadlines import DeadlineKind, deadline_parse


@pytest.mark.parametrize(
    ("typed", "text", "kind", "due"),
    [
        ("12月", "12月", DeadlineKind.MONTH, datetime.date(2026, 12, 31)),
        ("１２月", "12月", DeadlineKind.MONTH, datetime.date(2026, 12, 31)),
        ("1月", "1月", DeadlineKind.MONTH, datetime.date(2027, 1, 31)),
        ("２月", "2月", DeadlineKind.MONTH, datetime.date(2027, 2, 28)),
        ("4月", "4月", DeadlineKind.MONTH, datetime.date(2026, 4, 30)),
        (" 3月末 ", "3月末", DeadlineKind.MONTH, datetime.date(2027, 3, 31)),
        ("年度末", "年度末", DeadlineKind.FISCAL_YEAR_END, datetime.date(2027, 3, 31)),
        ("随時", "随時", DeadlineKind.AS_NEEDED, None),
        ("早急", "早急", DeadlineKind.ASAP, None),
        ("令和8年12月25日", "令和8年12月25日", DeadlineKind.DATE, datetime.date(2026, 12, 25)),
        ("令和９年１月", "令和9年1月", DeadlineKind.MONTH, datetime.date(2027, 1, 31)),
        ("2026/10/1", "2026/10/1", DeadlineKind.DATE, datetime.date(2026, 10, 1)),
        ("上半期中", "上半期中", DeadlineKind.MONTH, datetime.date(2026, 9, 30)),
        ("下期中", "下期中", DeadlineKind.TEXT, None),
        ("", "", DeadlineKind.NONE, None),
    ],
)
def test_deadline_is_stored_normalised_and_printed_as_typed(typed, text, kind, due):
    deadline = deadline_parse(typed, fiscal_year=2026)
    assert (deadline.text, deadline.kind, deadline.due) == (text, kind, due)


@pytest.mark.parametrize("typed", ["13月", "０月", "令和8年2月30日"])
def test_impossible_deadlines_are_refused_in_japanese(typed):
    with pytest.raises(ValueError, match=r"月|日付"):
        deadline_parse(typed, fiscal_year=2026)


@pytest.mark.parametrize(
    ("typed", "kind", "due"),
    [
        ("R8.12", "month", datetime.date(2026, 12, 31)),
        ("Ｒ８．１２", "month", datetime.date(2026, 12, 31)),
        ("令和8年12月", "month", datetime.date(2026, 12, 31)),
        ("令和8年12月末", "month", datetime.date(2026, 12, 31)),
        ("上半期", "month", datetime.date(2026, 9, 30)),
        ("下半期", "month", datetime.date(2027, 3, 31)),
        ("第1四半期", "month", datetime.date(2026, 6, 30)),
        ("第3四半期", "month", datetime.date(2026, 12, 31)),
        ("第４四半期末", "month", datetime.date(2027, 3, 31)),
        ("年度内", "fiscal_year_end", datetime.date(2027, 3, 31)),
    ],
)
def test_months_periods_and_abbreviated_eras_get_their_due_date(typed, kind, due):
    parsed = deadline_parse(typed, fiscal_year=2026)
    assert (parsed.kind, parsed.due) == (kind, due)
