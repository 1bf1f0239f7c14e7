"""Property-based tests (hypothesis) of the normalisers every form and import goes through."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from core.deadlines import DeadlineKind, deadline_parse
from core.text import BULLET_MARKERS, split_bullets, to_halfwidth_digits
from core.wareki import fiscal_year_label, fiscal_year_of, parse_date, wareki_date

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.dates(min_value=datetime.date(1868, 10, 23), max_value=datetime.date(2200, 12, 31)))
def test_wareki_dates_read_back_to_the_same_day(day):
    text = wareki_date(day)
    assert parse_date(text) == day
    assert parse_date(text.translate(FULLWIDTH)) == day


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2200, 12, 31)))
def test_every_day_belongs_to_a_fiscal_year_that_contains_it(day):
    year = fiscal_year_of(day)
    assert datetime.date(year, 4, 1) <= day <= datetime.date(year + 1, 3, 31)
    assert fiscal_year_label(year).endswith("年度")


@given(st.text(max_size=200), st.integers(min_value=1990, max_value=2200))
def test_any_typed_deadline_is_either_understood_or_refused_in_japanese(typed, year):
    try:
        deadline = deadline_parse(typed, fiscal_year=year)
    except ValueError as error:
        assert "月" in str(error) or "日付" in str(error)
        return
    assert deadline.text == deadline.text.strip()
    assert not any(ch in deadline.text for ch in "０１２３４５６７８９")
    if deadline.due is not None:
        assert deadline.kind in {
            DeadlineKind.MONTH,
            DeadlineKind.FISCAL_YEAR_END,
            DeadlineKind.DATE,
        }


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1990, max_value=2200))
def test_fullwidth_and_halfwidth_months_are_the_same_deadline(month, year):
    half = deadline_parse(f"{month}月", fiscal_year=year)
    full = deadline_parse(f"{month}月".translate(FULLWIDTH), fiscal_year=year)
    assert half == full
    assert datetime.date(year, 4, 1) <= half.due <= datetime.date(year + 1, 3, 31)


@given(st.lists(st.text(min_size=1, max_size=50).filter(lambda s: s.strip()), max_size=10))
def test_bullets_never_keep_markers_or_blank_lines(lines):
    bullets = split_bullets("\n".join(lines))
    for bullet in bullets:
        assert bullet == bullet.strip()
        assert bullet
        assert "\n" not in bullet
    # Splitting what we store gives back the same bullets: storage is a fixed point.
    assert split_bullets("\n".join(bullets)) == bullets


@given(st.text(alphabet=BULLET_MARKERS + " 　", max_size=20), st.text(min_size=1, max_size=30))
def test_a_marker_prefix_is_stripped_whatever_it_is(prefix, body):
    """A marker followed by a space and text is always a marker (without the space, 〇 and a
    dash may begin a word or a number: see test_text)."""
    body = body.strip().replace("\n", " ").replace("\r", " ")
    if not body or body[0] in BULLET_MARKERS:
        return
    assert split_bullets(prefix[:1] + " " + body) == split_bullets(body)


@given(st.text(max_size=100))
def test_halfwidth_digits_only_touch_digits(text):
    converted = to_halfwidth_digits(text)
    assert len(converted) == len(text)
    assert all(a == b or a in "０１２３４５６７８９" for a, b in zip(text, converted, strict=True))
