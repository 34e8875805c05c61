"""Checks of the Schedule sheet: who meets whom, when, and whether anyone or any room is booked twice."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

import holidays

from pipeline.model import ERROR, WARNING, Employee, Meeting, phrase
from pipeline.round.checks.context import Context, describe

# Places where two meetings at once are no clash: video calls, phone, the manager's own office.
VIRTUAL_LOCATION = re.compile(r"teams|zoom|meet|video|online|digital|telefon|phone|http|skype|webex", re.I)


def room_of(location: str, default_location: str) -> str | None:
    """The room a meeting books, as the overlap check compares rooms (and `schedule` books them): its
    place, else the round's default place, folded for case and spaces; None for a video or phone
    meeting, or one with no place."""
    place = location or default_location
    if not place or VIRTUAL_LOCATION.search(place):
        return None
    return " ".join(place.casefold().split())


def unknown_interviewer(ctx: Context, kind: str, field_name: str, row: int, interviewer_id: str) -> None:
    """`unknown-interviewer`: an interviewer ID (on the Schedule or Availability sheet) not in Employees."""
    hint, said = ctx.suggest(interviewer_id)
    sheet = ctx.sheet_name("employees")
    ctx.add(
        ERROR,
        kind,
        field_name,
        row,
        "unknown-interviewer",
        f"Interviewer ID {interviewer_id} is not in {sheet}{hint}",
        phrase("unknown-interviewer", id=interviewer_id, sheet=sheet, hint=said),
    )


def inactive_interviewer(
    ctx: Context,
    severity: str,
    kind: str,
    field_name: str,
    row: int,
    interviewer: Employee,
    interviewer_id: str,
) -> None:
    """`interviewer-not-active`: an interviewer on leave or who has left."""
    who = describe(interviewer, interviewer_id)
    ctx.add(
        severity,
        kind,
        field_name,
        row,
        "interviewer-not-active",
        f"Interviewer {who} is not active ({interviewer.status}); name another interviewer.",
        phrase(
            "interviewer-not-active",
            who=who,
            status=phrase(f"statuses.{interviewer.status}")
            if interviewer.status in ("on_leave", "left")
            else interviewer.status,
        ),
    )


def check_meeting_people(ctx: Context) -> None:
    """Each meeting for a known, active employee, once; with a known, active interviewer."""
    seen: dict[str, Meeting] = {}
    for meeting in ctx.round.meetings:
        if not meeting.employee_id:
            continue
        employee = ctx.by_id.get(meeting.employee_id)
        if employee is None:
            hint, said = ctx.suggest(meeting.employee_id)
            sheet = ctx.sheet_name("employees")
            ctx.add(
                ERROR,
                "schedule",
                "employee_id",
                meeting.row,
                "unknown-employee",
                f"Employee ID {meeting.employee_id} is not in {sheet}{hint}",
                phrase("unknown-employee", id=meeting.employee_id, sheet=sheet, hint=said),
            )
            continue
        if meeting.employee_id in seen:
            ctx.add(
                ERROR,
                "schedule",
                "employee_id",
                meeting.row,
                "duplicate-meeting",
                f"{describe(employee, employee.id)} already has a meeting on row "
                f"{seen[meeting.employee_id].row}; delete one of them.",
                phrase(
                    "duplicate-meeting",
                    who=describe(employee, employee.id),
                    row=seen[meeting.employee_id].row,
                ),
            )
            continue
        seen[meeting.employee_id] = meeting
        if not employee.active:
            if employee.status not in ("on_leave", "left"):
                continue  # an unreadable status is reported as invalid-status, not as "has left"
            leave = employee.status == "on_leave"
            status = "is on leave" if leave else "has left"
            ctx.add(
                WARNING,
                "schedule",
                "employee_id",
                meeting.row,
                "inactive-employee",
                f"{describe(employee, employee.id)} {status}; no documents are made for this meeting.",
                phrase(
                    "inactive-employee",
                    who=describe(employee, employee.id),
                    status=phrase("parts.on-leave" if leave else "parts.has-left"),
                ),
            )
            continue
        _check_interviewer(ctx, meeting, employee)
    for employee in ctx.round.employees:
        if employee.id and employee.active and employee.id not in seen:
            no_manager = "" if employee.manager_id else " and has no manager"
            ctx.add(
                WARNING,
                "employees",
                "id",
                employee.row,
                "no-meeting",
                f"{describe(employee, employee.id)} has no meeting in {ctx.sheet_name('schedule')}"
                f"{no_manager}; they get no invitation until one is added.",
                phrase(
                    "no-meeting-no-manager" if no_manager else "no-meeting",
                    who=describe(employee, employee.id),
                    sheet=ctx.sheet_name("schedule"),
                ),
            )


def _check_interviewer(ctx: Context, meeting: Meeting, employee: Employee) -> None:
    """The meeting's interviewer (named, or the employee's manager): there, known, not the employee, active."""
    interviewer_id = ctx.interviewer_of(meeting)
    if not interviewer_id:
        ctx.add(
            ERROR,
            "employees",
            "manager_id",
            employee.row,
            "no-manager",
            f"{describe(employee, employee.id)} has no manager, and their meeting "
            f"({ctx.sheet_name('schedule')} row {meeting.row}) names no interviewer; fill in one of them.",
            phrase(
                "no-manager",
                who=describe(employee, employee.id),
                sheet=ctx.sheet_name("schedule"),
                row=meeting.row,
            ),
        )
        return
    field_name = "interviewer_id" if meeting.interviewer_id else "employee_id"
    interviewer = ctx.by_id.get(interviewer_id)
    if interviewer is None:
        if meeting.interviewer_id:  # an unknown manager is already reported on the Employees sheet
            unknown_interviewer(ctx, "schedule", field_name, meeting.row, interviewer_id)
    elif interviewer_id == employee.id:
        ctx.add(
            ERROR,
            "schedule",
            field_name,
            meeting.row,
            "self-interview",
            f"{describe(employee, employee.id)} cannot hold their own conversation; name another "
            "interviewer.",
            phrase("self-interview", who=describe(employee, employee.id)),
        )
    elif not interviewer.active and meeting.interviewer_id:
        inactive_interviewer(ctx, ERROR, "schedule", field_name, meeting.row, interviewer, interviewer_id)


def check_meeting_times(ctx: Context) -> None:
    """Within the period, on a working day, within working hours, with enough notice."""
    settings = ctx.round.settings
    years = {m.date.year for m in ctx.round.meetings if m.date}
    public = holidays.country_holidays("NO", years=sorted(years), include_sundays=False) if years else {}
    # the holidays' Norwegian names, for the report in bokmål (the message keeps the library's default)
    public_nb = (
        holidays.country_holidays("NO", years=sorted(years), include_sundays=False, language="no")
        if years
        else {}
    )
    invited = settings.invitation_date or ctx.today
    for meeting in ctx.round.meetings:
        if meeting.date is None:
            continue
        employee = ctx.by_id.get(meeting.employee_id)
        if employee is not None and not employee.active:
            continue
        day = meeting.date
        if (
            settings.period_start
            and settings.period_end
            and not settings.period_start <= day <= settings.period_end
        ):
            ctx.add(
                ERROR,
                "schedule",
                "date",
                meeting.row,
                "outside-period",
                f"{day:%d.%m.%Y} is outside the round's period {settings.period_start:%d.%m.%Y}–"
                f"{settings.period_end:%d.%m.%Y}; move the meeting or change the period.",
                phrase("outside-period", day=day, start=settings.period_start, end=settings.period_end),
            )
        if day.weekday() >= 5:
            weekday = "a Saturday" if day.weekday() == 5 else "a Sunday"
            ctx.add(
                ERROR,
                "schedule",
                "date",
                meeting.row,
                "weekend",
                f"{day:%d.%m.%Y} is {weekday}; pick a weekday.",
                phrase(
                    "weekend",
                    day=day,
                    weekday=phrase("parts.saturday" if day.weekday() == 5 else "parts.sunday"),
                ),
            )
        elif day in public:
            ctx.add(
                ERROR,
                "schedule",
                "date",
                meeting.row,
                "public-holiday",
                f"{day:%d.%m.%Y} is a public holiday in Norway ({public.get(day)}); pick another day.",
                phrase(  # the holiday's name by language, from the library: not a label table
                    "public-holiday", day=day, holiday={"en": public.get(day), "nb": public_nb.get(day)}
                ),
            )
        _check_hours_and_notice(ctx, meeting, invited)


def _check_hours_and_notice(ctx: Context, meeting: Meeting, invited: dt.date) -> None:
    """Within working hours, and enough days after the invitations go out."""
    settings = ctx.round.settings
    day_start, day_end = settings.working_hours
    day = meeting.date
    assert day is not None
    if meeting.start is not None:
        start, end = meeting.starts_at, meeting.ends_at
        assert start is not None and end is not None
        if meeting.start < day_start or end.date() != day or end.time() > day_end:
            ctx.add(
                ERROR,
                "schedule",
                "start",
                meeting.row,
                "outside-working-hours",
                f"{start:%H:%M}–{end:%H:%M} is outside working hours {day_start:%H:%M}–{day_end:%H:%M}; "
                "move the meeting or change working_hours.",
                phrase("outside-working-hours", start=start, end=end, day_start=day_start, day_end=day_end),
            )
    if (day - invited).days < settings.notice_days:
        ctx.add(
            WARNING,
            "schedule",
            "date",
            meeting.row,
            "short-notice",
            f"{day:%d.%m.%Y} is only {(day - invited).days} days after the invitation date "
            f"{invited:%d.%m.%Y}; the round asks for {settings.notice_days} days' notice.",
            phrase(
                "short-notice",
                day=day,
                days=(day - invited).days,
                invited=invited,
                notice=settings.notice_days,
            ),
        )


def check_overlaps(ctx: Context) -> None:
    """No interviewer, no room and no person in two meetings at once."""
    by_interviewer: dict[str, list[Meeting]] = defaultdict(list)
    own_meeting: dict[str, Meeting] = {}
    by_room: dict[str, list[Meeting]] = defaultdict(list)
    default_location = ctx.round.settings.default_location
    seen_employee: set[str] = set()
    for meeting in ctx.round.meetings:
        employee = ctx.by_id.get(meeting.employee_id)
        if meeting.starts_at is None or employee is None or not employee.active:
            continue
        if meeting.employee_id in seen_employee:
            continue  # the second meeting of one employee is reported as duplicate-meeting
        seen_employee.add(meeting.employee_id)
        own_meeting[meeting.employee_id] = meeting
        interviewer = ctx.interviewer_of(meeting)
        if interviewer:
            by_interviewer[interviewer].append(meeting)
        room = room_of(meeting.location, default_location)
        if room:
            by_room[room].append(meeting)
    _check_interviewer_overlaps(ctx, by_interviewer)
    _check_person_overlaps(ctx, by_interviewer, own_meeting)
    _check_room_overlaps(ctx, by_room)


def _check_interviewer_overlaps(ctx: Context, by_interviewer: dict[str, list[Meeting]]) -> None:
    """An interviewer holding two meetings at once."""
    for interviewer, meetings in by_interviewer.items():
        who = describe(ctx.by_id.get(interviewer), interviewer)
        for earlier, later in _overlapping(meetings):
            ctx.add(
                ERROR,
                "schedule",
                "start",
                later.row,
                "interviewer-overlap",
                f"Interviewer {who} already has a meeting {earlier.starts_at:%H:%M}–{earlier.ends_at:%H:%M} "
                f"that day (row {earlier.row}); move one of them.",
                phrase(
                    "interviewer-overlap",
                    who=who,
                    start=earlier.starts_at,
                    end=earlier.ends_at,
                    row=earlier.row,
                ),
            )


def _check_person_overlaps(
    ctx: Context, by_interviewer: dict[str, list[Meeting]], own_meeting: dict[str, Meeting]
) -> None:
    """Someone in their own meeting while holding another."""
    reported: set[tuple[int, int]] = set()
    for person, held in by_interviewer.items():
        own = own_meeting.get(person)
        if own is None:
            continue
        who = describe(ctx.by_id.get(person), person)
        for earlier, later in _overlapping([*(m for m in held if m is not own), own]):
            if own not in (earlier, later):
                continue  # two meetings this person holds: reported as interviewer-overlap
            other = earlier if later is own else later
            if (earlier.row, later.row) in reported:
                continue
            reported.add((earlier.row, later.row))
            ctx.add(
                ERROR,
                "schedule",
                "start",
                later.row,
                "person-overlap",
                f"{who} is in their own meeting (row {own.row}) and holds another (row {other.row}) "
                "at the same time; move one of them.",
                phrase("person-overlap", who=who, own=own.row, other=other.row),
            )


def _check_room_overlaps(ctx: Context, by_room: dict[str, list[Meeting]]) -> None:
    """A room (by its name; a blank location is the default room) booked for two meetings at once."""
    default_location = ctx.round.settings.default_location
    for meetings in by_room.values():
        for earlier, later in _overlapping(meetings):
            place = later.location or default_location
            ctx.add(
                ERROR,
                "schedule",
                "location" if later.location else "start",
                later.row,
                "room-overlap",
                f"{place} is already booked {earlier.starts_at:%H:%M}–{earlier.ends_at:%H:%M} that day "
                f"(row {earlier.row}); pick another room or time.",
                phrase(
                    "room-overlap", place=place, start=earlier.starts_at, end=earlier.ends_at, row=earlier.row
                ),
            )


def _overlapping(meetings: list[Meeting]) -> Iterable[tuple[Meeting, Meeting]]:
    """Pairs (earlier, later) where the later meeting starts before the latest-ending earlier one ends."""
    ordered = sorted(meetings, key=lambda m: (m.starts_at, m.row))
    latest: Meeting | None = None
    for meeting in ordered:
        if latest is not None and meeting.starts_at < latest.ends_at:
            yield latest, meeting
        if latest is None or meeting.ends_at > latest.ends_at:
            latest = meeting
