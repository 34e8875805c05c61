"""Busy times from calendars people export (`appraisal schedule --busy DIR`; issue 14).

A folder of `.ics` files, one per interviewer, as Outlook ("Save calendar") and Google ("Export") write
them. Each file is matched to an interviewer by its name first (`1042.ics`, `1042 Kari Nordmann.ics`:
the Employee ID, then anything not a letter or digit), else by the e-mail address that is the ORGANIZER
or an ATTENDEE of most of its events. What it says is busy:
* every VEVENT, recurring ones (RRULE, RDATE, EXDATE, moved occurrences) expanded over the round's period
  by `recurring-ical-events`, except those marked free (TRANSP:TRANSPARENT) or cancelled; an all-day
  event is the whole day; an event across midnight is busy on each day it touches;
* every VFREEBUSY period that is not FBTYPE=FREE.
Times in any zone (a TZID with the file's VTIMEZONE, Windows zone names such as "W. Europe Standard
Time", UTC) are taken into the round's time zone; a time with no zone is the round's.

The files come from outside: one over 5 MB is not read (icalendar reads about a megabyte a second), one
whose repeating events could make more than 20,000 occurrences in the period (a rule every second for
ever) is refused before any is expanded, and one that cannot be read is reported by name and left out,
never stopping the others.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from pipeline.model import Round

MAX_FILE_BYTES = 5 * 1024 * 1024  # a year of a busy calendar is 1-2 MB; icalendar reads about 1 MB a second
MAX_EVENTS = 20_000  # occurrences in the period: a year of a full calendar is a few thousand
_MAILTO = re.compile(r"^mailto:", re.I)


@dataclass
class Busy:
    """What the calendars say: busy times by person (day, from, to in minutes of the round's local day),
    which file went to whom, and the files that could not be used (with why)."""

    times: dict[str, list[tuple[dt.date, int, int]]] = field(default_factory=dict)
    matched: dict[Path, str] = field(default_factory=dict)
    skipped: dict[Path, str] = field(default_factory=dict)


def read_busy(folder: Path, round_: Round) -> Busy:
    """Every `.ics` file in `folder` (and below), read into busy times of the round's interviewers."""
    settings = round_.settings
    zone = ZoneInfo(settings.timezone)
    start = dt.datetime.combine(settings.period_start, dt.time(0), zone)
    end = dt.datetime.combine(settings.period_end + dt.timedelta(days=1), dt.time(0), zone)
    busy = Busy()
    by_email = {e.email.casefold(): e.id for e in round_.employees if e.email}
    ids = sorted((e.id for e in round_.employees if e.id), key=len, reverse=True)
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".ics":
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            owner = _by_name(path, ids) or _by_email(calendar, by_email)
            if owner is None:
                raise ValueError("no Employee ID in its name, and no employee's e-mail in most of its events")
            times = _events(calendar, start, end, zone) + _free_busy(calendar, start, end, zone)
            busy.times.setdefault(owner, []).extend(times)
            busy.matched[path] = owner
        except Exception as exc:  # one unusable file is reported and left out; the others are read
            busy.skipped[path] = str(exc) or type(exc).__name__
    return busy


def _by_name(path: Path, ids: list[str]) -> str | None:
    for identifier in ids:  # the longest first: `1042` before `104`
        if path.name.startswith(identifier) and not path.name[len(identifier)].isalnum():
            return identifier
    return None


def _by_email(calendar: icalendar.Calendar, by_email: dict[str, str]) -> str | None:
    counts: Counter[str] = Counter()
    events = list(calendar.walk("VEVENT"))
    for event in events:
        people = [event.get("ORGANIZER")]
        attendees = event.get("ATTENDEE")
        people += attendees if isinstance(attendees, list) else [attendees]
        found = {by_email.get(_MAILTO.sub("", str(p)).strip().casefold()) for p in people if p}
        counts.update(person for person in found if person)
    if not counts:
        return None
    person, count = counts.most_common(1)[0]
    return person if count * 2 > len(events) else None


def _local(value: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # a date: an all-day event starts at its midnight
        return dt.datetime.combine(value, dt.time(0))
    if value.tzinfo is None:  # floating time: the round's
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def _split(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, int, int]]:
    """A busy time as (day, from, to) pieces, one per day it touches."""
    pieces = []
    while start < end:
        midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(0))
        stop = min(end, midnight)
        minutes = (stop - dt.datetime.combine(start.date(), dt.time(0))).seconds // 60 or 24 * 60
        pieces.append((start.date(), start.hour * 60 + start.minute, minutes))
        start = stop
    return pieces


# How far apart a rule's occurrences are, at the least, by its FREQ
_FREQUENCY = {
    "SECONDLY": dt.timedelta(seconds=1),
    "MINUTELY": dt.timedelta(minutes=1),
    "HOURLY": dt.timedelta(hours=1),
    "DAILY": dt.timedelta(days=1),
    "WEEKLY": dt.timedelta(days=7),
    "MONTHLY": dt.timedelta(days=28),
    "YEARLY": dt.timedelta(days=365),
}


def _most_occurrences(calendar, start: dt.datetime, end: dt.datetime) -> int:
    """At most how many occurrences the file's repeating events have in the period: what its rules allow
    (how often, every how many, each BY- list multiplying, COUNT capping), before any is expanded."""
    total = 0
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            step = _FREQUENCY.get(str((rule.get("FREQ") or ["DAILY"])[0]).upper(), dt.timedelta(seconds=1))
            interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
            most = (end - start) // (step * interval) + 1
            for name, values in rule.items():
                if name.startswith("BY") and name != "BYSETPOS":
                    most *= max(1, len(values))
            if rule.get("COUNT"):
                most = min(most, int(rule["COUNT"][0]))
            total += most
        dates = event.get("RDATE")
        for listed in dates if isinstance(dates, list) else [dates] if dates is not None else []:
            total += len(listed.dts)
        total += 1
    return total


def _events(calendar, start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> list[tuple[dt.date, int, int]]:
    """The busy events' times in the period. A file whose rules could repeat more than MAX_EVENTS times
    in it (every second, for ever) is refused before anything is expanded."""
    if _most_occurrences(calendar, start, end) > MAX_EVENTS:
        raise ValueError(f"its repeating events could make more than {MAX_EVENTS:,} in the round's period")
    times = []
    for event in recurring_ical_events.of(calendar, components=["VEVENT"]).between(start, end):
        status, transparency = (str(event.get(name, "")).upper() for name in ("STATUS", "TRANSP"))
        if transparency == "TRANSPARENT" or status == "CANCELLED" or event.get("DTSTART") is None:
            continue
        first = event.get("DTSTART").dt
        finishes = event.get("DTEND")
        if finishes is not None:
            last = finishes.dt
        elif event.get("DURATION") is not None:
            last = first + event.get("DURATION").dt
        else:  # RFC 5545: a date lasts the day, a date-time no time at all
            last = first + dt.timedelta(days=1) if not isinstance(first, dt.datetime) else first
        times += _split(_local(first, zone), _local(last, zone))
    return times


def _free_busy(
    calendar, start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> list[tuple[dt.date, int, int]]:
    times = []
    for component in calendar.walk("VFREEBUSY"):
        periods = component.get("FREEBUSY")  # one vPeriod per period, each with its line's FBTYPE
        for period in periods if isinstance(periods, list) else [periods] if periods is not None else []:
            if str(period.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            if period.end <= start or period.start >= end:
                continue
            times += _split(_local(period.start, zone), _local(period.end, zone))
    return times
