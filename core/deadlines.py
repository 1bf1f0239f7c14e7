"""期限 (deadline): typed freely, stored as typed (digits made half-width) plus what it means.

`12月` and `１２月` are the same deadline, the last day of December of the fiscal year; `1月` falls
in the next calendar year; `年度末` is March 31; `随時` (as needed) and `早急` (at once) have
no date;
`令和7年7月25日` or `2025/7/25` is a date; anything else is kept as free text.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from core.text import clean_line, to_halfwidth_digits
from core.wareki import parse_date


class DeadlineKind:
    NONE = ""
    MONTH = "month"
    FISCAL_YEAR_END = "fiscal_year_end"
    AS_NEEDED = "as_needed"
    ASAP = "asap"
    DATE = "date"
    TEXT = "text"

    CHOICES = [
        (NONE, "未設定"),
        (MONTH, "月"),
        (FISCAL_YEAR_END, "年度末"),
        (AS_NEEDED, "随時"),
        (ASAP, "早急"),
        (DATE, "日付"),
        (TEXT, "その他"),
    ]


# Offered as suggestions where a deadline is typed.
DEADLINE_SUGGESTIONS = [f"{month}月" for month in (*range(4, 13), 1, 2, 3)] + [
    "年度末",
    "随時",
    "早急",
]

_MONTH = re.compile(r"^(?P<month>\d{1,2})\s*月\s*(?:末|中|中旬|下旬|上旬|頃|まで)?$")
_YEAR_MONTH = re.compile(
    r"^(?:(?P<era>令和|平成)\s*(?P<era_year>元|\d{1,2})|(?P<year>\d{4}))\s*年\s*"
    r"(?P<month>\d{1,2})\s*月\s*(?:末|中)?$"
)
# R8.12, 令和8年12月, 2026年12月末: a month of a given year.
_ABBREVIATED_MONTH = re.compile(
    r"^(?P<era>[RH])\s*\.?\s*(?P<era_year>元|\d{1,2})\s*[./年]\s*(?P<month>\d{1,2})\s*月?\s*"
    r"(?:末|中)?$",
    re.IGNORECASE,
)
# Parts of the fiscal year: 上半期 ends on September 30, 第3四半期 on December 31.
_PERIOD = re.compile(r"^(?:(?P<half>上|下)半期|第\s*(?P<quarter>[1-4])\s*四半期)\s*(?:末|中|内)?$")
_FISCAL_YEAR_END = {"年度末", "年度内", "年度中", "今年度内", "今年度中", "3月末(年度末)"}
_AS_NEEDED = {"随時", "通年", "常時", "継続"}
_ASAP = {"早急", "至急", "早期"}


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str
    due: datetime.date | None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def month_in_fiscal_year(fiscal_year: int, month: int) -> datetime.date:
    """The last day of `month` within the fiscal year (January to March fall in the next year)."""
    return _month_end(fiscal_year if month >= 4 else fiscal_year + 1, month)


def deadline_parse(text: str, *, fiscal_year: int) -> Deadline:
    """Normalise a typed deadline. Raises ValueError for a month or date that cannot exist."""
    normal = clean_line(to_halfwidth_digits(text or ""))
    if not normal:
        return Deadline("", DeadlineKind.NONE, None)
    if normal in _FISCAL_YEAR_END:
        return Deadline(normal, DeadlineKind.FISCAL_YEAR_END, datetime.date(fiscal_year + 1, 3, 31))
    if normal in _AS_NEEDED:
        return Deadline(normal, DeadlineKind.AS_NEEDED, None)
    if normal in _ASAP:
        return Deadline(normal, DeadlineKind.ASAP, None)
    if match := _PERIOD.match(normal):
        if match["half"]:
            month = 9 if match["half"] == "上" else 3
        else:
            month = {1: 6, 2: 9, 3: 12, 4: 3}[int(match["quarter"])]
        return Deadline(normal, DeadlineKind.MONTH, month_in_fiscal_year(fiscal_year, month))
    if match := _ABBREVIATED_MONTH.match(unicodedata.normalize("NFKC", normal)):
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"「{normal}」の月が正しくありません。1月から12月で入力してください。")
        era_start = {"R": 2019, "H": 1989}[match["era"].upper()]
        year = era_start + (1 if match["era_year"] == "元" else int(match["era_year"])) - 1
        return Deadline(normal, DeadlineKind.MONTH, _month_end(year, month))
    if match := _MONTH.match(normal):
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"「{normal}」の月が正しくありません。1月から12月で入力してください。")
        return Deadline(normal, DeadlineKind.MONTH, month_in_fiscal_year(fiscal_year, month))
    if match := _YEAR_MONTH.match(normal):
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"「{normal}」の月が正しくありません。1月から12月で入力してください。")
        if match["year"]:
            year = int(match["year"])
        else:
            era_start = {"令和": 2019, "平成": 1989}[match["era"]]
            year = era_start + (1 if match["era_year"] == "元" else int(match["era_year"])) - 1
        return Deadline(normal, DeadlineKind.MONTH, _month_end(year, month))
    try:
        day = parse_date(normal)
    except ValueError as error:
        raise ValueError(f"「{normal}」は存在しない日付です。") from error
    if day is not None:
        return Deadline(normal, DeadlineKind.DATE, day)
    return Deadline(normal, DeadlineKind.TEXT, None)
