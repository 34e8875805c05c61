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
import urllib.parse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress

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


def _address(person: Employee) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        # icalendar quotes the value and writes `"` as `^'` (RFC 6868), so any name survives.
        address.params["CN"] = person.name
    return address


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

    event = Event()
    event.add("uid", meeting_uid(settings.round_id, employee.id))
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", start.replace(tzinfo=zone))
    event.add("dtend", end.replace(tzinfo=zone))
    title = default_summary(interviewer, lang) if summary is None else summary
    if title:
        event.add("summary", title)
    location = meeting.location or settings.default_location
    if location:
        event.add("location", location)
    text = default_description(settings, meeting, lang) if description is None else description
    if text:
        event.add("description", text)
    if interviewer is not None and interviewer.email:
        event.add("organizer", _address(interviewer))
    if employee.email:
        attendee = _address(employee)
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER)
    alarm.add(
        "description",
        texts.get(lang, "calendar.reminder", summary=title or default_summary(interviewer, lang)),
    )
    event.add_component(alarm)

    # The calendar frame and its VTIMEZONE are the same for every invitation of a round: serialised once.
    return head + timezone + event.to_ical() + b"END:VCALENDAR\r\n"


@functools.lru_cache(maxsize=64)
def _calendar_frame(
    tzid: str, round_id: str, first_year: int, last_year: int, method: str
) -> tuple[bytes, bytes]:
    """The VCALENDAR header lines (with `method`) and the serialised VTIMEZONE covering the years."""
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
    return head + timezone + b"".join(_event(e, zone).to_ical() for e in events) + b"END:VCALENDAR\r\n"


def _event(facts: dict[str, object], zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", facts["uid"])
    event.add("sequence", int(facts["sequence"]))  # type: ignore[call-overload]
    event.add("dtstamp", _utc(dt.datetime.fromisoformat(str(facts["stamp"]))))
    for name in ("start", "end"):
        if facts.get(name):
            event.add(f"dt{name}", dt.datetime.fromisoformat(str(facts[name])).replace(tzinfo=zone))
    for name in ("summary", "location"):
        if facts.get(name):
            event.add(name, facts[name])
    for role in ("organizer", "attendee"):
        person = facts.get(role)
        if isinstance(person, list) and len(person) == 2 and person[1]:
            address = vCalAddress(f"mailto:{person[1]}")
            if person[0]:
                address.params["CN"] = person[0]
            if role == "attendee":
                address.params["ROLE"] = "REQ-PARTICIPANT"
            event.add(role, address)
    event.add("status", facts.get("status") or "CONFIRMED")
    event.add("transp", "OPAQUE" if facts.get("status") != "CANCELLED" else "TRANSPARENT")
    return event
