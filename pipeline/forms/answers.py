"""What people type into a form's fields, read as values: statuses, dates, yes/no and scores.

Forms are filled in by people, not programs: `ferdig ✓`, `Pågår (ca. 50 %)`, `21.1`, `uke 12`,
`Q2 2027`. Each reader returns what it understood and how sure it is; what it cannot read it leaves as
text for the caller to keep (never guessed). The rules are in docs/forms.md ("Values").

Dates are read against anchors, because a date without a year only makes sense next to the meeting:

* `nearest` (the date a meeting was held): the such date nearest the planned meeting;
* `after` (due dates, the next follow-up): the first such date on or after the meeting.

A week means the Friday of that ISO week; a month, a quarter, a half-year or a year means its last
day. Such a reading is approximate, and says so (`TypedDate.exact` is False).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from pipeline.round.values import MONTHS, parse_loose_date

# -- statuses -----------------------------------------------------------------------------------------

STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "not_started": (
        "ikke startet", "ikke starta", "ikke påbegynt", "ikke begynt", "ikke igangsatt", "ikkje starta",
        "ikkje starta opp", "ikkje påbyrja", "ikkje byrja", "ikkje begynt", "ny", "nytt", "planlagt",
        "not started", "not begun", "not yet started", "new", "to do", "todo", "planned",
    ),
    "in_progress": (
        "pågår", "pågående", "påbegynt", "påbyrja", "i gang", "igang", "er i gang", "i arbeid",
        "under arbeid", "startet", "starta", "begynt", "delvis", "delvis fullført", "delvis ferdig",
        "held på", "in progress", "ongoing", "on going", "started", "underway", "under way", "partly done",
        "partially done", "wip", "work in progress",
    ),
    "done": (
        "fullført", "ferdig", "ferdigstilt", "utført", "gjennomført", "oppnådd", "nådd", "levert",
        "fullført og levert", "done", "completed", "complete", "finished", "achieved", "delivered",
    ),
    "cancelled": (
        "avbrutt", "avbrote", "avbroten", "kansellert", "utgår", "utgått", "avlyst", "droppet", "stoppet",
        "ikke aktuelt", "ikkje aktuelt", "ikke relevant", "ikkje relevant", "cancelled", "canceled",
        "dropped", "abandoned", "stopped", "not relevant", "no longer relevant",
    ),
}  # fmt: skip
_STATUS_BY_WORDS = sorted(
    ((words, status) for status, phrases in STATUS_WORDS.items() for words in phrases),
    key=lambda pair: -len(pair[0]),
)
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*(?:%|prosent|percent|per cent)")


@dataclass(frozen=True)
class TypedStatus:
    """A status as typed: what it means, a progress when one was given, and whether words other than
    the status itself were typed (then the minutes show the text as typed)."""

    status: str | None  # not_started | in_progress | done | cancelled; None when not understood
    progress: int | None = None
    extra: bool = False


def _fold(text: str) -> str:
    """Lower case, decorations (✓, !, emoji, punctuation) as spaces, single spaces; letters of every
    language kept (æ, ø, å)."""
    kept = []
    for char in text.casefold().replace("_", " "):
        category = unicodedata.category(char)
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def read_status(text: str) -> TypedStatus:
    """A status as people type it: in nb, nn or en, any case, with decorations and a progress
    (`ferdig ✓`, `Fullført!`, `done`, `Pågår (ca. 50 %)` → in progress, 50)."""
    progress = None
    match = _PERCENT.search(text)
    if match:
        value = round(float(match[1].replace(",", ".")))
        if 0 <= value <= 100:
            progress = value
    folded = " ".join(w for w in _fold(_PERCENT.sub(" ", text)).split() if w not in _APPROX_WORDS)
    if not folded:
        if progress is None:
            return TypedStatus(None)
        # only a percentage: it says how far it has come
        status = "done" if progress == 100 else "not_started" if progress == 0 else "in_progress"
        return TypedStatus(status, progress)
    for words, status in _STATUS_BY_WORDS:
        if folded == words or folded.startswith(words + " "):
            rest = folded[len(words) :].split()
            if status == "done" and progress is None:
                progress = 100
            return TypedStatus(status, progress, extra=bool(rest))
    return TypedStatus(None, progress)


# -- yes / no and scores ------------------------------------------------------------------------------

YES = ("ja", "j", "yes", "y", "godkjent", "approved", "ok", "okay", "x", "✓", "✔", "samtykker", "i agree")
NO = ("nei", "n", "no", "ikke godkjent", "ikkje godkjent", "not approved", "samtykker ikke")


def read_yes_no(text: str) -> bool | None:
    """`ja`, `Ja!`, `yes ✓` → True; `nei`, `no` → False; anything else (or nothing) → None."""
    if text.strip() in ("✓", "✔", "☑", "☒", "x", "X"):
        return True
    folded = _fold(text)
    if not folded:
        return None
    for words in sorted(NO, key=len, reverse=True):
        if folded == words or folded.startswith(words + " "):
            return False
    for words in sorted(YES, key=len, reverse=True):
        if folded == words or folded.startswith(words + " "):
            return True
    return None


_SCORE_WORDS = {"en": 1, "ein": 1, "one": 1, "to": 2, "two": 2, "tre": 3, "three": 3, "fire": 4, "four": 4,
                "fem": 5, "five": 5}  # fmt: skip
_SCORE = re.compile(r"^([1-5])(?:\s*(?:/|av|of|out of)\s*5)?$")


def read_score(text: str) -> int | None:
    """A score from 1 to 5: `4`, `4/5`, `4 av 5`, `fire`; None when it is not one."""
    cleaned = " ".join(text.casefold().strip().rstrip(".!").split())
    match = _SCORE.match(cleaned)
    if match:
        return int(match[1])
    return _SCORE_WORDS.get(_fold(cleaned))


# -- dates ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypedDate:
    """A date as typed: the day it means (None when it means none for sure), whether it is a day or
    only a week, month, quarter or year (then the last day of it), and what was typed."""

    text: str
    date: dt.date | None
    exact: bool = True
    problem: str = ""  # why no date was read, for the person who typed it


_APPROX_WORDS = (
    "ca",
    "cirka",
    "omtrent",
    "rundt",
    "around",
    "about",
    "approx",
    "approximately",
    "tentatively",
)
_BY_WORDS = (
    "innen",
    "senest",
    "seinast",
    "by",
    "before end of",
    "due",
    "frist",
    "til",
    "until",
    "før utgangen av",
)
_END_WORDS = ("slutten av", "slutt", "utgangen av", "ultimo", "end of", "the end of", "late", "i løpet av",
              "in", "during", "within")  # fmt: skip
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{1,2})\.?$")
_DAY_MONTH_NAME = re.compile(r"^(?:[^\W\d_]+,?\s+)?(\d{1,2})\.?\s*([^\W\d_]+)\.?$")
_MONTH_NAME_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_WEEK = re.compile(r"^(?:uke|veke|week|wk|w|v|u|kw)\.?\s*(\d{1,2})(?:\s*(?:[/-]|,|i|in)?\s*(\d{4}|\d{2}))?$")
_ISO_WEEK = re.compile(r"^(\d{4})-?w(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^([^\W\d_]+)\.?\s*(\d{4}|\d{2})?$")
_NUMERIC_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[./-]\s*(\d{4})$")
_QUARTER = re.compile(
    r"^(?:q|k)\s*([1-4])(?:\s*[/-]?\s*(\d{4}|\d{2}))?$|^([1-4])\.?\s*(?:kvartal|quarter|q)\s*(\d{4}|\d{2})?$"
)
_HALF = re.compile(
    r"^(?:h)\s*([12])(?:\s*[/-]?\s*(\d{4}|\d{2}))?$|^([12])\.?\s*(?:halvår|halvar|half)\s*(\d{4}|\d{2})?$"
)
_YEAR = re.compile(r"^(\d{4})$")


def _strip_words(text: str, words: tuple[str, ...]) -> tuple[str, bool]:
    for word in sorted(words, key=len, reverse=True):
        if text == word:
            return "", True
        if text.startswith(word + " ") or text.startswith(word + "."):
            return text[len(word) :].lstrip(" .").strip(), True
    return text, False


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _pick_year(month: int, day: int | None, anchor: dt.date, mode: str) -> dt.date | None:
    """The date (day and month, or the month's last day) nearest the anchor or the first on/after it."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        last = calendar.monthrange(year, month)[1]
        if day is not None and day > last:
            continue
        candidates.append(dt.date(year, month, day if day is not None else last))
    if not candidates:
        return None
    if mode == "after":
        later = [c for c in candidates if c >= anchor]
        return min(later) if later else None
    return min(candidates, key=lambda c: (abs((c - anchor).days), c))


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.casefold().rstrip("."))


def read_date(text: str, anchor: dt.date | None, mode: str = "after") -> TypedDate:
    """A date as people type it in a form. Full dates as `values.parse_loose_date` reads them; a day
    and month without a year (`21.1`, `21/1`, `21. jan`) placed by the anchor; a week (`uke 12`), month
    (`juni 2027`), quarter (`Q2 2027`), half-year (`H1 2027`) or year, as approximate readings.
    `mode` is `nearest` or `after` (see the module). Without an anchor, a date needs its year."""
    typed = " ".join(text.split())
    if not typed:
        return TypedDate(text, None, problem="empty")
    try:
        return TypedDate(typed, parse_loose_date(typed))
    except ValueError as exc:
        full_problem = str(exc)
    cleaned = typed.casefold().rstrip(".!").strip()
    cleaned, approximate = _strip_words(cleaned, _APPROX_WORDS)
    cleaned, _by = _strip_words(cleaned, _BY_WORDS)
    again, more_approximate = _strip_words(cleaned, _APPROX_WORDS)
    cleaned, approximate = again, approximate or more_approximate
    if cleaned != typed.casefold().rstrip(".!").strip():
        try:
            return TypedDate(typed, parse_loose_date(cleaned), exact=not approximate)
        except ValueError:
            pass
    end_of, _ = _strip_words(cleaned, _END_WORDS)
    # a day and a month, no year
    day = month = None
    match = _DAY_MONTH.match(cleaned)
    if match:
        day, month = int(match[1]), int(match[2])
    else:
        match = _DAY_MONTH_NAME.match(cleaned)
        if match:
            month = _month_number(match[2])
            day = int(match[1]) if month else None
        else:
            match = _MONTH_NAME_DAY_YEAR.match(cleaned)
            if match and _month_number(match[1]):
                try:
                    return TypedDate(typed, dt.date(int(match[3]), _month_number(match[1]), int(match[2])))
                except ValueError:
                    return TypedDate(typed, None, problem="not a real date (check day and month)")
    if day is not None and month is not None:
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return TypedDate(typed, None, problem="not a real date (check day and month)")
        if anchor is None:
            return TypedDate(typed, None, problem="a date without a year; write the year too")
        found = _pick_year(month, day, anchor, mode)
        if found is None:
            return TypedDate(typed, None, problem="not a real date (check day and month)")
        return TypedDate(typed, found, exact=not approximate)
    return _read_period(typed, end_of, approximate, anchor, mode, full_problem)


def _read_period(
    typed: str, end_of: str, approximate: bool, anchor: dt.date | None, mode: str, full_problem: str
) -> TypedDate:
    """A week, quarter, half-year, month or year (`end_of`: the text without "end of"), read as the
    day it ends on; else why the text is not a date."""
    # a week
    match = _WEEK.match(end_of) or _ISO_WEEK.match(end_of)
    if match:
        if match.re is _ISO_WEEK:
            year, week = int(match[1]), int(match[2])
        else:
            week, year = int(match[1]), _year(match[2])
        return _week_date(typed, week, year, anchor, mode)
    # a quarter, a half-year
    for pattern, months in ((_QUARTER, 3), (_HALF, 6)):
        match = pattern.match(end_of)
        if match:
            number = int(match[1] or match[3])
            year = _year(match[2] or match[4])
            return _period_end(typed, number * months, year, anchor, mode)
    # a month (with or without its year), a month as 6/2027
    match = _NUMERIC_MONTH_YEAR.match(end_of)
    if match and 1 <= int(match[1]) <= 12:
        return _period_end(typed, int(match[1]), int(match[2]), anchor, mode)
    match = _MONTH_YEAR.match(end_of)
    if match and _month_number(match[1]):
        month, year = _month_number(match[1]), _year(match[2])
        if (
            match[2]
            and len(match[2]) == 2
            and anchor is not None
            and abs(year - anchor.year) > 5
            and 1 <= int(match[2]) <= 31
        ):
            # `March 21` far from any year of the round: the day of the month, as English writes it
            found = _pick_year(month, int(match[2]), anchor, mode)
            if found is not None:
                return TypedDate(typed, found, exact=not approximate)
        return _period_end(typed, month, year, anchor, mode)
    match = _YEAR.match(end_of)
    if match and 2000 <= int(match[1]) <= 2100:
        return TypedDate(typed, dt.date(int(match[1]), 12, 31), exact=False)
    if "real date" in full_problem:
        return TypedDate(typed, None, problem="not a real date (check day and month)")
    return TypedDate(typed, None, problem="not a date")


def _week_date(typed: str, week: int, year: int | None, anchor: dt.date | None, mode: str) -> TypedDate:
    def friday(y: int) -> dt.date | None:
        try:
            return dt.date.fromisocalendar(y, week, 5)
        except ValueError:
            return None

    if year is not None:
        found = friday(year)
    elif anchor is None:
        return TypedDate(typed, None, problem="a week without a year; write the year too")
    else:
        options = [d for d in (friday(y) for y in (anchor.year - 1, anchor.year, anchor.year + 1)) if d]
        if mode == "after":
            later = [d for d in options if d >= anchor]
            found = min(later) if later else None
        else:
            found = min(options, key=lambda d: abs((d - anchor).days)) if options else None
    if found is None:
        return TypedDate(typed, None, problem=f"there is no week {week}")
    return TypedDate(typed, found, exact=False)


def _period_end(typed: str, month: int, year: int | None, anchor: dt.date | None, mode: str) -> TypedDate:
    if year is not None:
        return TypedDate(typed, dt.date(year, month, calendar.monthrange(year, month)[1]), exact=False)
    if anchor is None:
        return TypedDate(typed, None, problem="no year; write the year too")
    found = _pick_year(month, None, anchor, mode)
    if found is None:
        return TypedDate(typed, None, problem="not a date")
    return TypedDate(typed, found, exact=False)
