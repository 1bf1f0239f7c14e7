"""Japanese era (和暦) dates and fiscal-year (年度) labels.

A fiscal year is named by the calendar year it starts in: fiscal 2026 runs from 2026-04-01 to
2027-03-31 and is 令和8年度. The first year of an era is 元年.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from core.text import to_halfwidth_digits


@dataclass(frozen=True)
class Era:
    name: str
    start: datetime.date


# Newest first. Dates before 明治 are outside what a city hall sheet needs.
ERAS = (
    Era("令和", datetime.date(2019, 5, 1)),
    Era("平成", datetime.date(1989, 1, 8)),
    Era("昭和", datetime.date(1926, 12, 25)),
    Era("大正", datetime.date(1912, 7, 30)),
    Era("明治", datetime.date(1868, 10, 23)),
)
ERA_BY_NAME = {era.name: era for era in ERAS}


def era_of(day: datetime.date) -> tuple[Era, int]:
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} は明治より前の日付です。")


def era_year_label(era: Era, year: int) -> str:
    return f"{era.name}{'元' if year == 1 else year}年"


def wareki_date(day: datetime.date) -> str:
    """2026-04-01 → 令和8年4月1日; 2019-04-01 → 平成31年4月1日; 2019-05-01 → 令和元年5月1日."""
    era, year = era_of(day)
    return f"{era_year_label(era, year)}{day.month}月{day.day}日"


def fiscal_year_label(fiscal_year: int) -> str:
    """2026 → 令和8年度; 2019 → 令和元年度; 1988 → 昭和63年度.

    A fiscal year takes the era in force on May 1 of its first calendar year: fiscal 2019 is
    令和元年度 although it began under 平成, while fiscal 1988 stays 昭和63年度 and fiscal 1926
    大正15年度, the eras changing late in those years. That reproduces the labels in official use.
    """
    era, year = era_of(datetime.date(fiscal_year, 5, 1))
    return f"{era_year_label(era, year)}度"


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year a day belongs to: 2027-03-31 → 2026, 2027-04-01 → 2027."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


_ERA_NAMES = "|".join(ERA_BY_NAME)
_WAREKI_DATE = re.compile(
    rf"^\s*(?P<era>{_ERA_NAMES})\s*(?P<year>元|\d{{1,3}})\s*年\s*(?P<month>\d{{1,2}})\s*月"
    rf"\s*(?P<day>\d{{1,2}})\s*日\s*$"
)
_WESTERN_DATE = re.compile(
    r"^\s*(?P<year>\d{4})\s*(?:年|/|-|\.)\s*(?P<month>\d{1,2})\s*(?:月|/|-|\.)"
    r"\s*(?P<day>\d{1,2})\s*日?\s*$"
)


# The era's initial, as typed in short dates: R8.4.1, H31.4.1, R元.5.1.
ERA_INITIALS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}
_ABBREVIATED_DATE = re.compile(
    r"^\s*(?P<era>[RHSTM])\s*\.?\s*(?P<year>元|\d{1,2})\s*[./\-年]\s*(?P<month>\d{1,2})\s*"
    r"[./\-月]\s*(?P<day>\d{1,2})\s*日?\s*$",
    re.IGNORECASE,
)


def expand_era_initial(text: str) -> str:
    """R8.4.1 → 令和8年4月1日 (full-width letters and digits too); other text unchanged."""
    normal = unicodedata.normalize("NFKC", text or "")
    if match := _ABBREVIATED_DATE.match(normal):
        era = ERA_INITIALS[match["era"].upper()]
        return f"{era}{match['year']}年{match['month']}月{match['day']}日"
    return text


def parse_date(text: str) -> datetime.date | None:
    """Read a date typed as 和暦 (令和7年7月25日, 令和元年5月1日, R7.7.25, H31.4.1) or western
    (2025/7/25).

    Full-width digits are accepted. Returns None when the text is not a date; raises ValueError
    when it looks like one but does not exist (令和7年2月30日) or predates its era.
    """
    text = to_halfwidth_digits(expand_era_initial(text or ""))
    if match := _WAREKI_DATE.match(text):
        era = ERA_BY_NAME[match["era"]]
        era_year = 1 if match["year"] == "元" else int(match["year"])
        day = _date_or_error(
            era.start.year + era_year - 1, int(match["month"]), int(match["day"]), text
        )
        if day < era.start or era_of(day)[0] is not era:
            raise ValueError(f"{text.strip()} はその元号の期間にない日付です。")
        return day
    if match := _WESTERN_DATE.match(text):
        return _date_or_error(int(match["year"]), int(match["month"]), int(match["day"]), text)
    return None


def _date_or_error(year: int, month: int, day: int, typed: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{typed.strip()} という日付はありません。") from None
