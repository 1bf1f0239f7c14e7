import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.wareki import fiscal_year_label, fiscal_year_of, parse_date, wareki_date


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2026, "令和8年度"),
        (2025, "令和7年度"),
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1927, "昭和2年度"),
        (1926, "大正15年度"),
        (1913, "大正2年度"),
        (1912, "明治45年度"),
    ],
)
def test_fiscal_year_label(fiscal_year, label):
    assert fiscal_year_label(fiscal_year) == label


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 4, 1), "令和8年4月1日"),
        (datetime.date(2025, 7, 25), "令和7年7月25日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(2019, 4, 1), "平成31年4月1日"),
        (datetime.date(2020, 1, 1), "令和2年1月1日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
        (datetime.date(1926, 12, 25), "昭和元年12月25日"),
        (datetime.date(1926, 12, 24), "大正15年12月24日"),
        (datetime.date(1912, 7, 30), "大正元年7月30日"),
        (datetime.date(1912, 7, 29), "明治45年7月29日"),
    ],
)
def test_wareki_date_at_every_era_boundary(day, text):
    assert wareki_date(day) == text
    assert parse_date(text) == day


def test_dates_before_meiji_are_refused():
    with pytest.raises(ValueError, match="明治より前"):
        wareki_date(datetime.date(1868, 1, 1))


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (datetime.date(2026, 4, 1), 2026),
        (datetime.date(2027, 3, 31), 2026),
        (datetime.date(2027, 4, 1), 2027),
        (datetime.date(2026, 1, 15), 2025),
    ],
)
def test_fiscal_year_of(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("令和７年７月２５日", datetime.date(2025, 7, 25)),
        ("令和 7 年 7 月 25 日", datetime.date(2025, 7, 25)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("2025/7/25", datetime.date(2025, 7, 25)),
        ("2025年7月25日", datetime.date(2025, 7, 25)),
        ("２０２５-０７-２５", datetime.date(2025, 7, 25)),
        ("年度末", None),
        ("", None),
    ],
)
def test_parse_date_accepts_what_people_type(typed, day):
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed", ["令和7年2月30日", "令和元年4月30日", "平成32年1月1日"])
def test_parse_date_refuses_dates_that_do_not_exist(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


def test_template_filter_uses_japan_time_for_datetimes():

    moment = datetime.datetime(2026, 3, 31, 16, 0, tzinfo=datetime.UTC)  # 4月1日 01:00 in Tokyo
    with timezone.override("Asia/Tokyo"):
        rendered = Template("{% load wareki %}{{ moment|wareki }}").render(
            Context({"moment": moment})
        )
    assert rendered == "令和8年4月1日"


@pytest.mark.parametrize("typed", ["令和8年2月30日", "2026/13/1"])
def test_impossible_dates_are_refused_in_japanese(typed):
    with pytest.raises(ValueError, match="という日付はありません"):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("H31.4.1", datetime.date(2019, 4, 1)),
        ("R1.7.25", datetime.date(2019, 7, 25)),
        ("R元.5.1", datetime.date(2019, 5, 1)),
        ("Ｒ８．４．１", datetime.date(2026, 4, 1)),
        ("r8/4/1", datetime.date(2026, 4, 1)),
    ],
)
def test_abbreviated_eras_are_read(typed, day):
    assert parse_date(typed) == day


def test_an_abbreviated_date_outside_its_era_is_an_error():
    with pytest.raises(ValueError):
        parse_date("R1.4.1")  # 令和 began on May 1
