"""Placing the meetings nobody has planned yet (`appraisal schedule`, SPEC §7; issue 14).

Every active employee without a row on the Schedule sheet gets a meeting with their manager:
* of the round's default length, on a weekday of the round's period that is no Norwegian public
  holiday and is at least `notice_days` after the invitation date;
* within working hours, and at a start on the quarter hour;
* where neither the manager nor the employee has another meeting (the employee may hold meetings of
  their own) or, with `--busy`, is busy in their own calendar, with `schedule_buffer_minutes` kept free
  around the manager's meetings;
* when the optional Availability sheet gives the manager's free times, only within them, in the place
  each gives;
* else (or where a free time names no place) in the manager's usual room (the one most of the meetings
  they hold are in), else the round's default place; never while that room is booked (video and phone
  meetings book no room);
* at most `schedule_max_per_day` meetings a day for one manager, counting those already planned.

What it optimises: each manager's meetings as early in the period as that allows, a day filled before
the next is begun, so each manager finishes as early as possible on the fewest days; within a day, the
start nearest `schedule_preferred_time` first. Managers are taken in ID order and their employees in ID
order, so the same workbook always gives the same plan. When that greedy way leaves someone out (a
period too full, rooms shared), OR-Tools CP-SAT looks for the plan that places the most people, and the
earliest, nearest the preferred time, among those (`solver.py`); its plan is taken when it places more.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import holidays

from pipeline.model import Employee, Round
from pipeline.round.checks.meetings import room_of

STEP = 15  # minutes between the starts tried
BusyTimes = dict[str, list[tuple[dt.date, int, int]]]  # person -> (day, from, to in minutes of the day)


@dataclass(frozen=True)
class Placed:
    """A meeting the plan proposes (times local to the round)."""

    employee_id: str
    interviewer_id: str
    day: dt.date
    start: dt.time
    minutes: int
    location: str  # "" when the round's default place applies


@dataclass(frozen=True)
class Unplaced:
    """An employee the plan could not place, and why (a sentence for HR)."""

    employee_id: str
    reason: str


@dataclass
class Plan:
    """What `place_meetings` proposes: the meetings, who could not be placed, and on what basis."""

    invitation_date: dt.date
    invitation_date_given: bool  # False: today was used, since the Round sheet gives none
    first_day: dt.date | None
    placed: list[Placed] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The weekdays from `first` to `last` that are no public holiday in Norway."""
    if last < first:
        return []
    public = holidays.country_holidays("NO", years=range(first.year, last.year + 1), include_sundays=False)
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in public]


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


class Calendar:
    """Who and which room is busy when, in minutes of each day."""

    def __init__(self) -> None:
        self.busy: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)

    def book(self, who: str, day: dt.date, start: int, end: int) -> None:
        self.busy[(who, day)].append((start, end))

    def free(self, who: str, day: dt.date, start: int, end: int) -> bool:
        return all(end <= s or e <= start for s, e in self.busy.get((who, day), ()))


def room_key(location: str, default_location: str) -> str | None:
    """The room a meeting books in the calendar (`room_of`, as validation compares rooms), or None."""
    room = room_of(location, default_location)
    return None if room is None else "room:" + room


class Placer:
    """The state of one plan being made: the calendar so far and each manager's meetings a day."""

    def __init__(self, round_: Round, days: list[dt.date], busy: BusyTimes | None = None):
        settings = round_.settings
        self.round, self.days = round_, days
        self.length = settings.default_duration_minutes
        self.buffer = settings.schedule_buffer_minutes
        self.most = settings.schedule_max_per_day
        opens, closes = self.opens, self.closes = tuple(_minutes(t) for t in settings.working_hours)
        preferred = _minutes(settings.schedule_preferred_time)
        starts = range(opens + (-opens) % STEP, closes - self.length + 1, STEP)
        self.starts = sorted(starts, key=lambda s: (abs(s - preferred), s))  # the order they are tried in
        self.in_order = sorted(starts)
        self.calendar = Calendar()
        self.held: Counter[tuple[str, dt.date]] = Counter()
        rooms: dict[str, Counter[str]] = defaultdict(Counter)
        for meeting in round_.meetings:
            if meeting.starts_at is None or meeting.ends_at is None:
                continue
            day, start = meeting.starts_at.date(), _minutes(meeting.starts_at.time())
            end = start + meeting.duration_minutes
            interviewer = round_.interviewer_id(meeting)
            self.calendar.book(meeting.employee_id, day, start, end)
            if interviewer:
                self.calendar.book(interviewer, day, start, end)
                self.held[(interviewer, day)] += 1
                if meeting.location:
                    rooms[interviewer][meeting.location] += 1
            room = room_key(meeting.location, settings.default_location)
            if room:
                self.calendar.book(room, day, start, end)
        for person, times in (busy or {}).items():  # what their own calendars say (`busy.py`)
            for day, start, end in times:
                self.calendar.book(person, day, start, end)
        # the room each manager usually holds their meetings in: the most used, then the first by name
        self.rooms = {who: min(used, key=lambda r: (-used[r], r)) for who, used in rooms.items()}
        # the free times the Availability sheet gives (an interviewer it names is free only then)
        self.windows: dict[str, dict[dt.date, list[tuple[int, int, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for free in round_.availability:
            if free.interviewer_id and free.date and free.start and free.end and free.start < free.end:
                window = (_minutes(free.start), _minutes(free.end), free.location)
                self.windows[free.interviewer_id][free.date].append(window)
        for by_day in self.windows.values():
            for windows in by_day.values():
                windows.sort()
        self.windows = dict(self.windows)

    def openings(self, interviewer: str) -> Iterator[tuple[dt.date, int, int, str]]:
        """When and where the manager may hold meetings: each working day in working hours, or, when the
        Availability sheet gives their free times, those within working days and hours; (day, from, to,
        place), the place "" for their usual one."""
        windows = self.windows.get(interviewer)
        for day in self.days:
            if windows is None:
                yield day, self.opens, self.closes, ""
                continue
            for start, end, location in windows.get(day, ()):
                if max(start, self.opens) < min(end, self.closes):
                    yield day, max(start, self.opens), min(end, self.closes), location

    def candidates(self, employee_id: str, interviewer: str, starts: list[int]) -> Iterator[Placed]:
        """Every free time for the employee's meeting, day by day, each day's in the order of `starts`:
        the manager free (with the buffer), the employee free, the room free, the day not yet full."""
        for day, opens, closes, location in self.openings(interviewer):
            if self.most and self.held[(interviewer, day)] >= self.most:
                continue
            location = location or self.rooms.get(interviewer, "")
            room = room_key(location, self.round.settings.default_location)
            for start in starts:
                end = start + self.length
                if (
                    opens <= start
                    and end <= closes
                    and self.calendar.free(interviewer, day, start - self.buffer, end + self.buffer)
                    and self.calendar.free(employee_id, day, start, end)
                    and (room is None or self.calendar.free(room, day, start, end))
                ):
                    yield Placed(
                        employee_id, interviewer, day, dt.time(start // 60, start % 60), self.length, location
                    )

    def place(self, employee: Employee, interviewer: str) -> Placed | None:
        """The first free time for one meeting (the preferred start first), booked; None when there is none."""
        meeting = next(self.candidates(employee.id, interviewer, self.starts), None)
        if meeting is not None:
            self.book(meeting)
        return meeting

    def book(self, meeting: Placed) -> None:
        """Take a placed meeting's time in the manager's, the employee's and the room's calendars."""
        start = meeting.start.hour * 60 + meeting.start.minute
        end = start + meeting.minutes
        self.calendar.book(meeting.interviewer_id, meeting.day, start, end)
        self.calendar.book(meeting.employee_id, meeting.day, start, end)
        room = room_key(meeting.location, self.round.settings.default_location)
        if room:
            self.calendar.book(room, meeting.day, start, end)
        self.held[(meeting.interviewer_id, meeting.day)] += 1

    def capacity(self, interviewer: str) -> int:
        """How many more meetings the manager could hold in the period, by their own calendar alone."""
        taken: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
        for day, opens, closes, _ in self.openings(interviewer):
            most = self.most - self.held[(interviewer, day)] if self.most else len(self.starts)
            for start in self.in_order:
                end = start + self.length
                if len(taken[day]) >= most or not (opens <= start and end <= closes):
                    continue
                if self.calendar.free(interviewer, day, start - self.buffer, end + self.buffer) and all(
                    end + self.buffer <= s or e + self.buffer <= start for s, e in taken[day]
                ):
                    taken[day].append((start, end))
        return sum(len(times) for times in taken.values())


def place_meetings(round_: Round, today: dt.date, busy: BusyTimes | None = None, solve: bool = True) -> Plan:
    """Propose a meeting for every active employee with no row on the Schedule sheet (see the module's
    docstring); `today` is the invitation date when the Round sheet gives none; `busy`: more busy times
    by person, from their calendars (`busy.read_busy`). When the greedy way leaves someone out, the
    solver (`solver.py`, unless `solve` is False) looks for a plan that places more."""
    settings = round_.settings
    invited = settings.invitation_date or today
    plan = Plan(invited, settings.invitation_date is not None, None)
    if settings.period_start is None or settings.period_end is None:
        raise ScheduleError("the Round sheet needs period_start and period_end to place meetings in")
    first = max(settings.period_start, invited + dt.timedelta(days=settings.notice_days))
    days = working_days(first, settings.period_end)
    plan.first_day = days[0] if days else None
    planned = {meeting.employee_id for meeting in round_.meetings}
    waiting: dict[str, list[Employee]] = defaultdict(list)
    for employee in sorted(round_.employees, key=lambda e: e.id):
        if not employee.active or employee.id in planned:
            continue
        reason = _no_manager(round_, employee)
        if reason:
            plan.unplaced.append(Unplaced(employee.id, reason))
        else:
            waiting[employee.manager_id].append(employee)
    placer = Placer(round_, days, busy)
    placed = {e.id: placer.place(e, i) for i in sorted(waiting) for e in waiting[i]}
    if solve and None in placed.values():
        from pipeline.schedule.solver import place_most  # OR-Tools, loaded only for an over-full round

        better = place_most(round_, days, busy, waiting, placed)
        if better is not None:
            placed, placer = better, Placer(round_, days, busy)
            for meeting in placed.values():
                if meeting is not None:
                    placer.book(meeting)
    for interviewer in sorted(waiting):
        left = [e for e in waiting[interviewer] if placed[e.id] is None]
        plan.placed += [p for e in waiting[interviewer] if (p := placed[e.id]) is not None]
        # the slots the manager had: those taken, and those still free by their own calendar
        capacity = len(waiting[interviewer]) - len(left) + placer.capacity(interviewer) if left else 0
        for employee in left:
            plan.unplaced.append(
                Unplaced(
                    employee.id,
                    _why(round_, employee, interviewer, capacity, len(waiting[interviewer]), days, first),
                )
            )
    plan.unplaced.sort(key=lambda u: u.employee_id)
    return plan


class ScheduleError(ValueError):
    """The round cannot be planned at all (no period)."""


def who_is(round_: Round, person_id: str) -> str:
    """`Kari Nordmann (1042)`, or the ID alone for someone not on the Employees sheet."""
    person = round_.employee(person_id)
    return f"{person.name} ({person_id})" if person and person.name else person_id


def _no_manager(round_: Round, employee: Employee) -> str | None:
    """Why the employee has nobody to hold the meeting, or None."""
    who = who_is(round_, employee.id)
    if not employee.manager_id:
        return f"{who}: no manager to hold the meeting; add a Manager ID, or a Schedule row naming the interviewer."
    manager = round_.employee(employee.manager_id)
    if manager is None:
        return f"{who}: the manager {employee.manager_id} is not on the Employees sheet."
    if not manager.active:
        return f"{who}: the manager {who_is(round_, manager.id)} is not active ({manager.status})."
    return None


def _why(
    round_: Round,
    employee: Employee,
    interviewer: str,
    capacity: int,
    needed: int,
    days: list[dt.date],
    first: dt.date,
) -> str:
    """Why an employee was left without a meeting."""
    who, manager = who_is(round_, employee.id), who_is(round_, interviewer)
    settings = round_.settings
    if not days:
        return (
            f"{who}: no working day from {first:%d.%m.%Y} (the invitation date and {settings.notice_days} days' "
            f"notice) to the end of the period {settings.period_end:%d.%m.%Y}."
        )
    if capacity < needed:
        slots = f"{capacity} free slot{'' if capacity == 1 else 's'}"
        return f"{who}: the manager {manager} has {slots} for {needed} employees in the period."
    return f"{who}: no time in the period when both they and the manager {manager} are free, in a free room."
