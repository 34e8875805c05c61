"""Calendar invitations (.ics, RFC 5545) for the appraisal conversations (step 1).

One calendar per employee: METHOD:REQUEST, a VTIMEZONE for the round's zone and one VEVENT whose
organiser is the interviewer and whose attendee is the employee. The UID is stable per round and
employee, and the caller raises SEQUENCE whenever `meeting_fingerprint` changes, so a re-sent
invitation moves the meeting in the reader's calendar instead of adding a second one.

Everything here is pure: the same inputs give the same bytes (the caller passes DTSTAMP), which lets
the ledger see that an unchanged meeting needs no new file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import urllib.parse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import texts
from pipeline.errors import AppraisalError
from pipeline.model import Employee, Meeting, Settings

PRODID = "-//appraisal//appraisal round//EN"
UID_DOMAIN = "appraisal"
REMINDER = dt.timedelta(minutes=15)


def ics_filename(lang: str) -> str:
    """The invitation's file name in the employee's folder: `invitasjon.ics` / `invitation.ics`."""
    return texts.get(lang, "kinds.calendar.file") + ".ics"


def _uid_part(text: str) -> str:
    # Percent-encode everything but letters, digits and `-_~`, and `.` too, so `.` and `@` can only be
    # our separators: the mapping (round, employee, organisation) -> UID is one-to-one.
    return urllib.parse.quote(text, safe="").replace(".", "%2E")


def meeting_uid(round_id: str, employee_id: str, organisation: str = "") -> str:
    """The VEVENT UID of an employee's conversation in a round, e.g. `2027-H1.1004@appraisal`.

    Stable between runs and different for every (round, employee) pair, whatever the IDs contain.
    Pass `organisation` only if its spelling never changes during the round: a changed UID makes
    calendars add a second meeting instead of updating the first.
    """
    domain = UID_DOMAIN if not organisation else f"{UID_DOMAIN}.{_uid_part(organisation)}"
    return f"{_uid_part(round_id)}.{_uid_part(employee_id)}@{domain}"


def meeting_fingerprint(meeting: Meeting, interviewer_id: str, location: str) -> str:
    """A short hash of what, when changed, needs a re-sent invitation (a raised SEQUENCE).

    That is the date, start, duration, the effective location and the interviewer; the note and other
    wording are left out, so editing them does not move the meeting in anyone's calendar.
    """
    facts = [
        meeting.date.isoformat() if meeting.date else "",
        meeting.start.isoformat() if meeting.start else "",
        meeting.duration_minutes,
        location,
        interviewer_id,
    ]
    payload = json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:16]


def default_summary(interviewer: Employee | None, lang: str) -> str:
    """`Medarbeidersamtale med Kari Nordmann` / `Appraisal conversation with Kari Nordmann`."""
    if interviewer is None or not interviewer.name:
        return texts.get(lang, "calendar.summary")
    return texts.get(lang, "calendar.summary_with", name=interviewer.name)


def default_description(settings: Settings, meeting: Meeting, lang: str) -> str:
    """The event's text: the round, the note if any, where the agenda is, and the HR contact."""
    lines = []
    if settings.title:
        lines.append(texts.get(lang, "calendar.round", title=settings.title))
    if meeting.note:
        lines.append(texts.get(lang, "calendar.note", note=meeting.note))
    lines.append(texts.get(lang, "calendar.letter"))
    name, email = settings.hr_contact_name, settings.hr_contact_email
    contact = f"{name} ({email})" if name and email else name or email
    if contact:
        lines.append(texts.get(lang, "calendar.contact", contact=contact))
    return "\n".join(lines)


def _zone(settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise AppraisalError(
            f"Unknown time zone {settings.timezone!r} for round {settings.round_id}"
        ) from exc


def _utc(stamp: dt.datetime) -> dt.datetime:
    # A naive stamp is taken as UTC; iCalendar has no sub-second precision.
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).replace(microsecond=0)


def build_invitation_ics(
    settings: Settings,
    employee: Employee,
    meeting: Meeting,
    interviewer: Employee | None,
    *,
    sequence: int,
    stamp: dt.datetime,
    lang: str,
    summary: str | None = None,
    description: str | None = None,
) -> bytes:
    """The employee's calendar invitation as .ics bytes (RFC 5545, METHOD:REQUEST, CRLF, folded lines).

    Times are local to `settings.timezone` and carry its VTIMEZONE (covering the meeting's year).
    `stamp` becomes DTSTAMP (in UTC) and nothing else in the output depends on the clock, so the same
    inputs always give the same bytes. `summary` and `description` default to a short text in `lang`;
    pass an empty string to leave the property out. Without an interviewer there is no ORGANIZER.
    """
    start = meeting.starts_at
    end = meeting.ends_at
    if start is None or end is None:
        raise AppraisalError(
            f"Employee {employee.id} has no meeting date and time in round {settings.round_id}"
        )
    zone = _zone(settings)

    head, timezone = _calendar_frame(settings.timezone, settings.round_id, start.year, end.year, "REQUEST")
    title = default_summary(interviewer, lang) if summary is None else summary
    text = default_description(settings, meeting, lang) if description is None else description
    facts = event_facts(
        settings,
        employee,
        meeting,
        interviewer,
        sequence=sequence,
        stamp=_utc(stamp).isoformat(),
        summary=title,
    )
    event = {**_event(facts), "description": text}
    reminder = texts.get(lang, "calendar.reminder", summary=title or default_summary(interviewer, lang))
    # The calendar frame and its VTIMEZONE are the same for every invitation of a round: serialised once.
    return head + timezone + _vevent(event, _tzid(zone), reminder, rsvp=True) + b"END:VCALENDAR\r\n"


@functools.lru_cache(maxsize=64)
def _calendar_frame(
    tzid: str, round_id: str, first_year: int, last_year: int, method: str
) -> tuple[bytes, bytes]:
    """The VCALENDAR header lines (with `method`) and the serialised VTIMEZONE covering the years."""
    from icalendar import Calendar, Timezone  # loaded when a calendar is written (issue 16)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    lines = calendar.to_ical()
    head = lines[: lines.index(b"END:VCALENDAR")]
    try:
        timezone = Timezone.from_tzid(
            tzid,
            first_date=dt.date(first_year, 1, 1),
            last_date=dt.date(last_year + 1, 1, 1),
        )
    except ValueError as exc:
        raise AppraisalError(f"Unknown time zone {tzid!r} for round {round_id}") from exc
    return head, timezone.to_ical()


# -- an interviewer's calendar, and cancellations -------------------------------------------------------
#
# Both are built from an event's facts: a plain dict (it is kept in the ledger, to cancel the meeting
# later even when its row is gone from the workbook): uid, sequence, stamp (ISO, UTC), start and end
# (ISO, local to the round's time zone), summary, location, status (CONFIRMED | CANCELLED), organizer and
# attendee ([name, e-mail] or None).


def event_facts(
    settings: Settings,
    employee: Employee,
    meeting: Meeting,
    interviewer: Employee | None,
    *,
    sequence: int,
    stamp: str,
    summary: str,
) -> dict[str, object]:
    """The facts of an employee's meeting, as its invitation has them (the same UID and SEQUENCE)."""
    start, end = meeting.starts_at, meeting.ends_at
    return {
        "uid": meeting_uid(settings.round_id, employee.id),
        "sequence": sequence,
        "stamp": stamp,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "summary": summary,
        "location": meeting.location or settings.default_location,
        "status": "CONFIRMED",
        "organizer": [interviewer.name, interviewer.email] if interviewer and interviewer.email else None,
        "attendee": [employee.name, employee.email] if employee.email else None,
    }


def build_calendar(settings: Settings, events: list[dict[str, object]], method: str) -> bytes:
    """A calendar of events from their facts (`event_facts`): `PUBLISH` for an interviewer's calendar of
    all their meetings, `CANCEL` for a cancelled invitation. The same facts give the same bytes."""
    zone = _zone(settings)
    years = [dt.datetime.fromisoformat(str(e["start"])).year for e in events if e.get("start")]
    if not years:
        years = [int(str(e["stamp"])[:4]) for e in events] or [dt.date.today().year]
    head, timezone = _calendar_frame(settings.timezone, settings.round_id, min(years), max(years), method)
    tzid = _tzid(zone)
    body = b"".join(_vevent(_event(e), tzid) for e in events)
    return head + timezone + body + b"END:VCALENDAR\r\n"


def _event(facts: dict[str, object]) -> dict[str, object]:
    """An event's facts (`event_facts`, as kept in the ledger) with its times as datetimes."""
    event = dict(facts)
    event["stamp"] = _utc(dt.datetime.fromisoformat(str(facts["stamp"])))
    for name in ("start", "end"):
        event[name] = dt.datetime.fromisoformat(str(facts[name])) if facts.get(name) else None
    event["status"] = facts.get("status") or "CONFIRMED"
    return event


# -- writing an event ------------------------------------------------------------------------------------
#
# An event is written line by line here rather than through icalendar's Event, which costs about 0.7 ms
# an event (most of it folding lines a character at a time): at 10,000 employees, with every event written
# twice (the invitation and the interviewer's calendar), that was a fifth of step 1. The bytes are
# icalendar's own, property for property (its order, TEXT escaping, RFC 6868 parameter quoting and
# folding), which `tests/test_calendar.py` checks against icalendar on random names and texts.


def _vevent(event: dict[str, object], tzid: str, reminder: str | None = None, rsvp: bool = False) -> bytes:
    """A VEVENT from an event's facts (times as datetimes; `reminder`: a VALARM's text, or none)."""
    lines = ["BEGIN:VEVENT"]  # icalendar's order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then A-Z
    if event.get("summary"):
        lines.append("SUMMARY:" + _text(str(event["summary"])))
    zone, utc = (";TZID=" + _parameter(tzid), "") if tzid != "UTC" else ("", "Z")
    for name, key in (("DTSTART", "start"), ("DTEND", "end")):
        if event.get(key):
            lines.append(f"{name}{zone}:{_datetime(event[key])}{utc}")  # type: ignore[arg-type]
    lines.append(f"DTSTAMP:{_datetime(event['stamp'])}Z")  # type: ignore[arg-type]
    lines.append("UID:" + _text(str(event["uid"])))
    lines.append(f"SEQUENCE:{int(event['sequence'])}")  # type: ignore[call-overload]
    attendee = _address(event.get("attendee"), "ROLE=REQ-PARTICIPANT", rsvp)
    if attendee:
        lines.append("ATTENDEE" + attendee)
    if event.get("description"):
        lines.append("DESCRIPTION:" + _text(str(event["description"])))
    if event.get("location"):
        lines.append("LOCATION:" + _text(str(event["location"])))
    organizer = _address(event.get("organizer"))
    if organizer:
        lines.append("ORGANIZER" + organizer)
    cancelled = event.get("status") == "CANCELLED"
    lines += ["STATUS:" + _text(str(event["status"])), "TRANSP:" + ("TRANSPARENT" if cancelled else "OPAQUE")]
    if reminder is not None:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:" + _text(reminder),
            "TRIGGER:-PT15M",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _address(person: object, role: str = "", rsvp: bool = False) -> str:
    """`;CN=...;...:mailto:...` for an organiser or attendee ([name, e-mail]); '' for none. An
    attendee's parameters in icalendar's order (A-Z): CN, PARTSTAT, ROLE, RSVP."""
    if not (isinstance(person, list) and len(person) == 2 and person[1]):
        return ""
    name, email = person
    parameters = [f"CN={_parameter(str(name), quote_also=True)}"] if name else []
    if rsvp:
        parameters.append("PARTSTAT=NEEDS-ACTION")
    if role:
        parameters.append(role)
    if rsvp:
        parameters.append("RSVP=TRUE")
    return "".join(";" + p for p in parameters) + f":mailto:{email}"


def _text(value: str) -> str:
    """A TEXT value, escaped as icalendar escapes it (RFC 5545 3.3.11; line ends as `\\n`)."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


_QUOTABLE = re.compile("[,;:’]")
_RFC_6868 = re.compile(r'\^|\r\n|\r|\n|"')
_RFC_6868_AS = {"^": "^^", "\n": "^n", "\r": "^n", "\r\n": "^n", '"': "^'"}


def _parameter(value: str, quote_also: bool = False) -> str:
    """A parameter's value as icalendar writes it: RFC 6868 escapes, in double quotes when it holds
    `,;:’` (and, for a name, a space or an apostrophe)."""
    quote = quote_also and any(c in value for c in " '")  # asked of the value as given
    value = _RFC_6868.sub(lambda m: _RFC_6868_AS[m.group(0)], value).replace('"', "'")
    return f'"{value}"' if quote or _QUOTABLE.search(value) else value


def _datetime(moment: dt.datetime) -> str:
    return f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


def _tzid(zone: ZoneInfo) -> str:
    """The zone's TZID as icalendar names it ("UTC" for any zone equivalent to it)."""
    from icalendar.timezone.tzid import tzid_from_dt

    return tzid_from_dt(dt.datetime(2000, 1, 1, tzinfo=zone)) or str(zone.key)


LINE_OCTETS = 75  # RFC 5545: a content line is folded before it reaches 75 octets


def _fold(line: str) -> str:
    """A content line folded as icalendar folds it: before a character that would bring a line to
    `LINE_OCTETS` octets, never right after a backslash or caret (an escape stays whole).

    Cut in the UTF-8 bytes, a piece at a time (a character at a time was a tenth of writing the
    invitations): at most `LINE_OCTETS - 1` octets, the cut moved back to the start of a character, and
    back once more when the piece would end in a backslash or caret (one byte each in UTF-8)."""
    if len(line) < LINE_OCTETS and (line.isascii() or len(line.encode("utf-8")) < LINE_OCTETS):
        return line  # most lines: nothing to fold
    data = line.encode("utf-8")
    pieces: list[str] = []
    start, most = 0, LINE_OCTETS - 1
    while len(data) - start > most:
        end = start + most
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)
