"""Dates, times and durations written the way the reader's language writes them (Babel).

The patterns and words are the language's `locale.*` texts (`pipeline/texts`): nynorsk has its own
Babel locale and duration words, and reads the bokmål patterns.
"""

from __future__ import annotations

import datetime as dt
import functools

from pipeline import texts

LANGUAGES = ("nb", "nn", "en")


def babel_locale(lang: str) -> str:
    """The Babel locale for a document language (`en` is British English: 24-hour clock, day first)."""
    return texts.get(lang, "locale.babel")


@functools.lru_cache(maxsize=4096)
def long_date(day: dt.date | None, lang: str) -> str:
    """`mandag 18. januar 2027` / `Monday 18 January 2027`; empty for no date."""
    if day is None:
        return ""
    return _format_date(day, texts.get(lang, "locale.long_date"), lang)


@functools.lru_cache(maxsize=4096)
def medium_date(day: dt.date | None, lang: str) -> str:
    """`18. januar 2027` / `18 January 2027`; empty for no date."""
    if day is None:
        return ""
    return _format_date(day, texts.get(lang, "locale.medium_date"), lang)


def short_date(day: dt.date | None, lang: str) -> str:
    """`18.01.2027` / `18/01/2027`; empty for no date."""
    if day is None:
        return ""
    return day.strftime(texts.get(lang, "locale.short_date"))


def weekday(day: dt.date | None, lang: str) -> str:
    """`mandag` / `Monday`."""
    if day is None:
        return ""
    return _format_date(day, "EEEE", lang)


def clock(time: dt.time | None, lang: str) -> str:
    """`09.00` (Norwegian) / `09:00` (English); empty for no time."""
    if time is None:
        return ""
    return time.strftime(texts.get(lang, "locale.clock"))


def date_and_time(day: dt.date | None, time: dt.time | None, lang: str) -> str:
    """`mandag 18. januar 2027 kl. 09.00` / `Monday 18 January 2027 at 09:00`."""
    if day is None:
        return ""
    if time is None:
        return long_date(day, lang)
    return texts.get(lang, "locale.date_and_time", date=long_date(day, lang), time=clock(time, lang))


def duration(minutes: int, lang: str) -> str:
    """`60 minutter` / `60 minutt` (nn) / `60 minutes`, or `1 time og 30 minutter` / `1 hour 30 minutes`:
    hours and minutes only past the first hour, and only when the minutes do not come out even."""
    words = texts.section(lang, "locale")
    hours, rest = divmod(minutes, 60)
    if hours and rest and minutes > 60:
        return words["hours_and_minutes"].format(
            hours=hours,
            hour=words["hour"] if hours == 1 else words["hours"],
            minutes=rest,
            minute=words["minute"] if rest == 1 else words["minutes"],
        )
    return f"{minutes} {words['minute'] if minutes == 1 else words['minutes']}"


@functools.lru_cache(maxsize=4096)  # a round's meetings fall on a few dozen days: babel once for each
def _format_date(day: dt.date, pattern: str, lang: str) -> str:
    from babel.dates import format_date  # loaded when a date is written (issue 16)

    return format_date(day, pattern, locale=babel_locale(lang))
