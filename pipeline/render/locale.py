"""Dates, times and durations written the way the reader's language writes them (Babel)."""

from __future__ import annotations

import datetime as dt
import functools

from babel.dates import format_date

LANGUAGES = ("nb", "nn", "en")


def babel_locale(lang: str) -> str:
    """The Babel locale for a document language (`en` is British English: 24-hour clock, day first)."""
    return {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}.get(lang, "nb_NO")


@functools.lru_cache(maxsize=4096)
def long_date(day: dt.date | None, lang: str) -> str:
    """`mandag 18. januar 2027` / `Monday 18 January 2027`; empty for no date."""
    if day is None:
        return ""
    pattern = "EEEE d MMMM y" if lang == "en" else "EEEE d. MMMM y"
    return format_date(day, pattern, locale=babel_locale(lang))


@functools.lru_cache(maxsize=4096)
def medium_date(day: dt.date | None, lang: str) -> str:
    """`18. januar 2027` / `18 January 2027`; empty for no date."""
    if day is None:
        return ""
    pattern = "d MMMM y" if lang == "en" else "d. MMMM y"
    return format_date(day, pattern, locale=babel_locale(lang))


def short_date(day: dt.date | None, lang: str) -> str:
    """`18.01.2027` / `18/01/2027`; empty for no date."""
    if day is None:
        return ""
    return day.strftime("%d/%m/%Y" if lang == "en" else "%d.%m.%Y")


def weekday(day: dt.date | None, lang: str) -> str:
    """`mandag` / `Monday`."""
    if day is None:
        return ""
    return format_date(day, "EEEE", locale=babel_locale(lang))


def clock(time: dt.time | None, lang: str) -> str:
    """`09.00` (Norwegian) / `09:00` (English); empty for no time."""
    if time is None:
        return ""
    return time.strftime("%H:%M" if lang == "en" else "%H.%M")


def date_and_time(day: dt.date | None, time: dt.time | None, lang: str) -> str:
    """`mandag 18. januar 2027 kl. 09.00` / `Monday 18 January 2027 at 09:00`."""
    if day is None:
        return ""
    if time is None:
        return long_date(day, lang)
    joiner = " at " if lang == "en" else " kl. "
    return f"{long_date(day, lang)}{joiner}{clock(time, lang)}"


def duration(minutes: int, lang: str) -> str:
    """`60 minutter` / `60 minutt` (nn) / `60 minutes`, or `1 time og 30 minutter` / `1 hour 30 minutes`."""
    hours, rest = divmod(minutes, 60)
    if lang == "en":
        unit_h = "hour" if hours == 1 else "hours"
        unit_m = "minute" if rest == 1 else "minutes"
        if hours and rest and minutes > 60:
            return f"{hours} {unit_h} {rest} {unit_m}"
        return f"{minutes} {'minute' if minutes == 1 else 'minutes'}"
    if lang == "nn":  # nynorsk: "time/timar", and "minutt" in the plural too
        unit_h = "time" if hours == 1 else "timar"
        if hours and rest and minutes > 60:
            return f"{hours} {unit_h} og {rest} minutt"
        return f"{minutes} minutt"
    unit_h = "time" if hours == 1 else "timer"
    unit_m = "minutt" if rest == 1 else "minutter"
    if hours and rest and minutes > 60:
        return f"{hours} {unit_h} og {rest} {unit_m}"
    return f"{minutes} {'minutt' if minutes == 1 else 'minutter'}"
