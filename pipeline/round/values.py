"""Lenient parsing of what people type in Excel: IDs, dates, times, whole numbers and allowed values.

Each parser takes a raw cell value (as openpyxl gives it) and returns the typed value, or raises
`ValueError` with a message a person understands (an `Unreadable`, which also carries the message as
a catalogue phrase for the validation report). Empty cells are the caller's business.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from pipeline.model import Phrase, phrase

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_NORDIC_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?::(\d{2}))?$", re.IGNORECASE)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_DIGITS = re.compile(r"(\d+)")
T = TypeVar("T")


class Unreadable(ValueError):
    """A value that cannot be used: the English sentence, and the same as the phrase
    `problems.values.<key>` with its arguments."""

    def __init__(self, message: str, key: str, /, **args: object):
        super().__init__(message)
        self.phrase: Phrase = phrase(f"values.{key}", **args)


def clean_text(value: object) -> str:
    """A cell as trimmed text: numbers without a spurious `.0`, None as the empty string."""
    if isinstance(value, str):  # by far the most common case: first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "#NUM!"  # what Excel shows for a number it cannot hold
        if abs(value) >= 1e15:
            return f"{value:.15g}"  # as Excel shows it: 15 significant digits, not 300 of them
        if value.is_integer():
            return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def id_key(identifier: str) -> str:
    """The form under which two IDs collide: `00123` and `123` share the key `123`."""
    stripped = identifier.strip().lstrip("0")
    return (stripped or "0").casefold()


def id_order(identifier: str) -> tuple:
    """A key that orders IDs as a person counts them: `1002` before `10010`, `G2` before `G10`. IDs that
    collide (`id_key`) have the same key, so that a stable sort keeps them in their rows' order. Numbers
    are compared by their digits, not made into ints (an ID of thousands of digits would be refused)."""
    key = id_key(identifier)
    if key.isdigit():  # most employee IDs: no leading zeros left to strip
        return ((0, len(key), key),)
    parts = _DIGITS.split(key)
    return tuple(
        (0, len(p.lstrip("0")), p.lstrip("0")) if i % 2 else (1, 0, p) for i, p in enumerate(parts) if p
    )


def in_id_order(records: Iterable[T], key: Callable[[T], str]) -> tuple[T, ...]:
    """`records` ordered by the ID `key` gives (`id_order`), records of the same ID in their order: what
    is made from the workbook then follows the IDs, not how its rows happen to be sorted (HR sorting the
    Goals sheet by due date rewrote the forms, the follow-up and every manager's copy)."""
    return tuple(sorted(records, key=lambda record: id_order(key(record))))


def parse_date(value: object) -> dt.date:
    """A date from an Excel date, an Excel serial number, `2027-01-18` or `18.01.2027` text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise Unreadable(f"{value!s} is not a date", "not-a-date", value=str(value))
    if isinstance(value, int | float):
        if not 1 <= value <= _EXCEL_MAX_SERIAL:
            raise Unreadable(
                f"{clean_text(value)} is not a date; type it as 18.01.2027 or 2027-01-18",
                "number-not-a-date",
                value=clean_text(value),
            )
        from openpyxl.utils.datetime import from_excel  # loaded when a serial number is read (issue 16)

        result = from_excel(value)
        return result.date() if isinstance(result, dt.datetime) else result
    if isinstance(value, dt.time):
        raise Unreadable(f"{value.strftime('%H:%M')} is a time, not a date", "time-not-date", time=value)
    text = clean_text(value)
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    elif match := _NORDIC_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
    elif wordy := _wordy_date(text):
        day, month, year = wordy
    elif (dated := _after_weekday(text)) is not None:  # `mandag 18.01.2027`
        return parse_date(dated)
    else:
        raise Unreadable(
            f'"{text}" is not a date; type it as 18.01.2027 or 2027-01-18', "text-not-a-date", text=text
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Unreadable(
            f'"{text}" is not a real date (check day and month)', "not-a-real-date", text=text
        ) from None


def parse_time(value: object) -> dt.time:
    """A time of day from an Excel time, a fraction of a day, or `09:30` / `9.30` text."""
    if isinstance(value, dt.datetime):
        excel_epoch_days = (dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1))
        if value.date() not in excel_epoch_days and value.time() == dt.time(0):
            raise Unreadable(
                f"{value.date().isoformat()} is a date, not a time",
                "date-not-time",
                date=value.date().isoformat(),
            )
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        if not 0 <= seconds < 86400:
            raise Unreadable(f"{value} is not a time of day", "not-a-time-of-day", value=str(value))
        return dt.time(seconds // 3600, seconds % 3600 // 60)
    if isinstance(value, bool):
        raise Unreadable(f"{value!s} is not a time", "not-a-time", value=str(value))
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and value >= 1):
        return parse_time(str(int(value)))  # 9 typed in a number cell: 09:00 (`0900`: 900)
    if isinstance(value, int | float):
        if not 0 <= value < 1:
            raise Unreadable(
                f"{clean_text(value)} is not a time; type it as 09:30",
                "number-not-a-time",
                value=clean_text(value),
            )
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = clean_text(value)
    found = _typed_time(text)
    if found is None:
        raise Unreadable(f'"{text}" is not a time; type it as 09:30', "text-not-a-time", text=text)
    hour, minute, second = found
    if hour > 23 or minute > 59 or second > 59:
        raise Unreadable(f'"{text}" is not a real time of day', "not-a-real-time", text=text)
    return dt.time(hour, minute, second)


_HOUR = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})$", re.IGNORECASE)  # `9`, `kl 14`
_HHMM = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(\d{2})$", re.IGNORECASE)  # `0900`, `930`, `1430`
_AM_PM = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$", re.IGNORECASE)  # `9 am`, `2:30 p.m.`


def _typed_time(text: str) -> tuple[int, int, int] | None:
    """Hour, minute and second of a time as people type it: `09:30`, `9.30`, `kl. 09.30`, `9`, `kl 14`,
    `0900`, `2:30 pm`; None for anything else. Not checked against the clock."""
    if match := _TIME.match(text):
        return int(match[1]), int(match[2]), int(match[3] or 0)
    if match := _HOUR.match(text):
        return int(match[1]), 0, 0
    if match := _HHMM.match(text):
        return int(match[1]), int(match[2]), 0
    if match := _AM_PM.match(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if match[3].lower() == "p" else 0), minute, 0
    return None


def parse_minutes(value: object) -> int:
    """A length in minutes as people type it: `45`, `45 min`, `1 t`, `1,5 timer`, `2 h`, `1:30`, `1 t 30
    min`, `1h30`; a whole number of minutes."""
    if not isinstance(value, str):
        return parse_int(value)
    text = clean_text(value)
    match = _LENGTH.match(text.casefold())
    if match is None:
        return parse_int(value)
    hours, clock_minutes, minutes = match[1] or match[2], match[3], match[4]
    if clock_minutes and int(clock_minutes) >= 60:
        raise Unreadable(f'"{text}" is not a length; type it as 1:30 or 90 min', "not-a-length", text=text)
    total = float(hours.replace(",", ".")) * 60 if hours else 0.0
    total += int(clock_minutes or 0) + int(minutes or 0)  # `1:30 og 15 min` is 105
    if not total.is_integer():
        raise Unreadable(f'"{text}" is not a whole number', "text-not-whole", text=text)
    return int(total)


# `1 t`, `1,5 timer`, `2 h`, `1 hour`; `1:30`; either followed by minutes: `1 t 30 min`, `1h30`
_LENGTH = re.compile(
    r"^(?:(\d+(?:[.,]\d+)?)\s*(?:t|timer?|h|hrs?|hours?)\.?|(\d+):(\d{2}))"
    r"(?:\s*(?:og\s+|and\s+)?(\d+)\s*(?:m|min(?:utter|utes?|\.)?)?)?$"
)


def parse_int(value: object) -> int:
    """A whole number from a number cell or text like `60`, `60 min` or `50 %`."""
    if isinstance(value, bool):
        raise Unreadable(f"{value!s} is not a number", "not-a-number", value=str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Unreadable(f"{value:g} is not a whole number", "not-whole", value=f"{value:g}")
    text = clean_text(value)
    match = re.match(r"^(-?\d+)(?:[.,]0+)?\s*(?:min(?:utter|utes|\.)?|%)?$", text, re.IGNORECASE)
    if not match:
        raise Unreadable(f'"{text}" is not a whole number', "text-not-whole", text=text)
    return int(match[1])


def parse_percent(value: object) -> int:
    """Progress in percent: `50`, `50 %`, or a fraction such as 0.5 from a cell formatted as %."""
    if isinstance(value, float) and 0 < value < 1 and not value.is_integer():
        return round(value * 100)
    if isinstance(value, float):
        return round(value)
    return parse_int(value)


def parse_hours(value: object) -> tuple[dt.time, dt.time]:
    """Working hours such as `08:00-16:00`."""
    text = clean_text(value)
    parts = re.split(r"\s*[-–—]\s*", text)
    if len(parts) != 2:
        raise Unreadable(f'"{text}" is not a time range; type it as 08:00-16:00', "not-a-range", text=text)
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if end <= start:
        raise Unreadable(f'"{text}" ends before it starts', "range-reversed", text=text)
    return start, end


def fold_word(value: object) -> str:
    """A typed word folded for matching allowed values: case, `_`, and extra spaces ignored."""
    return " ".join(clean_text(value).casefold().replace("_", " ").split())


MONTHS = {
    **{
        name: n
        for n, name in enumerate(
            (
                "januar",
                "februar",
                "mars",
                "april",
                "mai",
                "juni",
                "juli",
                "august",
                "september",
                "oktober",
                "november",
                "desember",
            ),
            1,
        )
    },
    **{
        name: n
        for n, name in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            1,
        )
    },
    **{
        name: n
        for n, name in enumerate(
            ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"), 1
        )
    },
    "may": 5,
    "oct": 10,
    "dec": 12,
    "sept": 9,
}
# `18. januar 2027`, `mandag 18. jan. 27`; `January 18, 2027`, `Monday, Jan 18 2027`
_WORDY_DATE = re.compile(r"^(?:[^\d\s,]+,?\s+)?(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{2}|\d{4})$")
_MONTH_FIRST_DATE = re.compile(
    r"^(?:[^\d\s,]+,?\s+)?([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{2}|\d{4})$"
)


WEEKDAYS = frozenset(
    [
        "mandag",
        "måndag",
        "tirsdag",
        "tysdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lørdag",
        "laurdag",
        "søndag",
        "sundag",
        "man",
        "tir",
        "tirs",
        "ons",
        "tor",
        "tors",
        "fre",
        "lør",
        "søn",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ]
)


def _after_weekday(text: str) -> str | None:
    """`18.01.2027` of `mandag 18.01.2027` or `Mon, 18/01/2027`: what follows a weekday's name, or None."""
    first, _, rest = text.partition(" ")
    if first.rstrip(".,").casefold() in WEEKDAYS and rest.strip()[:1].isdigit():
        return rest.strip()
    return None


def _wordy_date(text: str) -> tuple[int, int, int] | None:
    """Day, month and year of a date written with its month's name (Norwegian or English, in full or
    short, with or without the weekday), or None."""
    cleaned = " ".join(text.strip().rstrip(".").casefold().split())
    match = _WORDY_DATE.match(cleaned)
    if match:
        day, name, year = match.groups()
    elif match := _MONTH_FIRST_DATE.match(cleaned):
        name, day, year = match.groups()
    else:
        return None
    month = MONTHS.get(name)
    if month is None:
        return None
    return int(day), month, int(year) + (2000 if len(year) == 2 else 0)


def parse_loose_date(text: str) -> dt.date:
    """A date as people type it in a form: `18.01.2027`, `18.1.27`, `2027-01-18`, `18. januar 2027`,
    `mandag 18. januar 2027`, `18 January 2027` (what `parse_date` reads, a final full stop allowed)."""
    return parse_date(" ".join(text.strip().rstrip(".").split()))
