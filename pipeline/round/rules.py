"""The validation rules of SPEC §3, run over a `Round` that `workbook.read_round` produced.

Each rule is a small function `rule(ctx) -> None` that adds Issues; `RULES` lists them in the order
their problems are reported. Value-level problems (dates, times, allowed values, missing columns) are
found while reading; these rules look across rows and sheets.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import holidays
from email_validator import EmailNotValidError, validate_email

from pipeline import clock
from pipeline.model import ERROR, WARNING, Employee, Meeting, Problem, Report, Round
from pipeline.round.reader import read_round
from pipeline.round.values import id_key

# Places where two meetings at once are no clash: video calls, phone, the manager's own office.
VIRTUAL_LOCATION = re.compile(r"teams|zoom|meet|video|online|digital|telefon|phone|http|skype|webex", re.I)
MAX_SUGGESTIONS = 200  # "did you mean" look-ups per run; beyond that, hints are left out (fast on huge files)


@dataclass
class Context:
    """A round being checked, with the look-ups the rules share."""

    round: Round
    report: Report
    today: dt.date
    by_id: dict[str, Employee] = field(default_factory=dict)
    by_key: dict[str, list[Employee]] = field(default_factory=dict)
    meetings_by_employee: dict[str, list[Meeting]] = field(default_factory=dict)
    suggestions_left: int = MAX_SUGGESTIONS

    def add(
        self, severity: str, kind: str, field_name: str | None, row: int | None, code: str, message: str
    ) -> None:
        """Record a problem at a field of a row of a sheet kind (`employees`, `schedule`, `goals`)."""
        info = self.round.sheets.get(kind)
        sheet = info.name if info else kind
        cell = info.cell(field_name, row) if info and field_name and row else None
        column = info.headers.get(field_name) if info and field_name else None
        self.report.add(Problem(severity, sheet, cell, column, code, message))

    def suggest(self, identifier: str) -> str:
        """`; did you mean 1024?` for an unknown ID, or a full stop."""
        if not identifier or self.suggestions_left <= 0:
            return "."
        self.suggestions_left -= 1
        same = self.by_key.get(id_key(identifier))
        if same:
            return f"; did you mean {same[0].id}?"
        candidates = [i for i in self.by_id if len(i) == len(identifier)] or list(self.by_id)
        close = difflib.get_close_matches(identifier, candidates[:5000], n=1, cutoff=0.6)
        return f"; did you mean {close[0]}?" if close else "."

    def sheet_name(self, kind: str) -> str:
        """The sheet's name as written in the file."""
        info = self.round.sheets.get(kind)
        return info.name if info else kind

    def interviewer_of(self, meeting: Meeting) -> str:
        """The meeting's interviewer: the one named, else the employee's manager."""
        return self.round.interviewer_id(meeting)


def _describe(employee: Employee | None, identifier: str) -> str:
    return f"{identifier} ({employee.name})" if employee and employee.name else identifier


# -- Employees ---------------------------------------------------------------------------------------


def check_employee_ids(ctx: Context) -> None:
    """Duplicate IDs, and IDs that differ only by leading zeros (`00123` vs `123`)."""
    first_by_key: dict[str, Employee] = {}
    for employee in ctx.round.employees:
        if not employee.id:
            continue
        key = id_key(employee.id)
        first = first_by_key.get(key)
        if first is None:
            first_by_key[key] = employee
        elif first.id == employee.id:
            ctx.add(
                ERROR,
                "employees",
                "id",
                employee.row,
                "duplicate-id",
                f"Employee ID {employee.id} is used again (first on row {first.row}); each person needs "
                "their own ID.",
            )
        else:
            ctx.add(
                ERROR,
                "employees",
                "id",
                employee.row,
                "id-collision",
                f"Employee ID {employee.id} and {first.id} (row {first.row}) differ only by leading zeros; "
                "IDs are text, so make them the same person's ID or clearly different.",
            )


_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63})"
)
_SPECIAL_USE_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test"}


def plainly_valid_email(address: str) -> bool:
    """True for the everyday address (`ola.nordmann@firma.no`) that email-validator would accept too: a
    fast path, so 10,000 addresses are not each parsed in full. Anything unusual goes to email-validator."""
    match = _PLAIN_EMAIL.fullmatch(address)
    return bool(
        match
        and len(address) <= 254
        and address.index("@") <= 64
        and "--" not in address.partition("@")[2]
        and match[1].casefold() not in _SPECIAL_USE_TLDS
    )


def check_emails(ctx: Context) -> None:
    """Each e-mail valid and used by one person only."""
    seen: dict[str, Employee] = {}
    for employee in ctx.round.employees:
        if not employee.email:
            continue
        try:
            if not plainly_valid_email(employee.email):
                validate_email(employee.email, check_deliverability=False)
        except EmailNotValidError as exc:
            ctx.add(
                ERROR,
                "employees",
                "email",
                employee.row,
                "invalid-email",
                f'"{employee.email}" is not a valid e-mail address: {exc}',
            )
            continue
        key = employee.email.casefold()
        if key in seen:
            ctx.add(
                ERROR,
                "employees",
                "email",
                employee.row,
                "duplicate-email",
                f"{employee.email} is also the e-mail of {_describe(seen[key], seen[key].id)} "
                f"(row {seen[key].row}); each person needs their own address.",
            )
        else:
            seen[key] = employee
    hr_email = ctx.round.settings.hr_contact_email
    if hr_email:
        try:
            validate_email(hr_email, check_deliverability=False)
        except EmailNotValidError as exc:
            row = ctx.round.settings.rows.get("hr_contact_email")
            ctx.report.add(
                Problem(
                    ERROR,
                    ctx.sheet_name("round"),
                    f"B{row}" if row else None,
                    "hr_contact_email",
                    "invalid-email",
                    f'"{hr_email}" is not a valid e-mail address: {exc}',
                )
            )


def check_managers(ctx: Context) -> None:
    """Each manager exists, is not the employee, is active; no chain loops back on itself."""
    for employee in ctx.round.employees:
        manager_id = employee.manager_id
        if not manager_id or not employee.id:
            continue
        if manager_id == employee.id:
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "self-manager",
                f"{_describe(employee, employee.id)} is set as their own manager; enter the manager's ID.",
            )
            continue
        manager = ctx.by_id.get(manager_id)
        if manager is None:
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "unknown-manager",
                f"Manager ID {manager_id} is not in {ctx.sheet_name('employees')}{ctx.suggest(manager_id)}",
            )
        elif employee.active and manager.status == "left":
            ctx.add(
                ERROR,
                "employees",
                "manager_id",
                employee.row,
                "manager-not-active",
                f"Manager {_describe(manager, manager_id)} has left; enter the new manager's ID.",
            )
        elif employee.active and manager.status == "on_leave":
            ctx.add(
                WARNING,
                "employees",
                "manager_id",
                employee.row,
                "manager-not-active",
                f"Manager {_describe(manager, manager_id)} is on leave; name another interviewer in "
                f"{ctx.sheet_name('schedule')} if the meeting is to go ahead.",
            )
    _check_manager_cycles(ctx)


def _check_manager_cycles(ctx: Context) -> None:
    manager_of = {e.id: e.manager_id for e in ctx.round.employees if e.id and e.manager_id in ctx.by_id}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in manager_of:
        if state.get(start):
            continue
        path: list[str] = []
        node = start
        while node in manager_of and not state.get(node):
            state[node] = 1
            path.append(node)
            node = manager_of[node]
        if state.get(node) == 1 and node in path:
            cycle = path[path.index(node) :]
            chain = " → ".join([*cycle, node])
            for member in cycle:
                if manager_of[member] == member:
                    continue  # reported as self-manager
                employee = ctx.by_id[member]
                ctx.add(
                    ERROR,
                    "employees",
                    "manager_id",
                    employee.row,
                    "manager-cycle",
                    f"The manager chain loops: {chain}; someone in it must report to a person outside it.",
                )
        for member in path:
            state[member] = 2


# -- Schedule ----------------------------------------------------------------------------------------


def check_meeting_people(ctx: Context) -> None:
    """Each meeting for a known, active employee, once; with a known, active interviewer."""
    seen: dict[str, Meeting] = {}
    for meeting in ctx.round.meetings:
        if not meeting.employee_id:
            continue
        employee = ctx.by_id.get(meeting.employee_id)
        if employee is None:
            ctx.add(
                ERROR,
                "schedule",
                "employee_id",
                meeting.row,
                "unknown-employee",
                f"Employee ID {meeting.employee_id} is not in {ctx.sheet_name('employees')}"
                f"{ctx.suggest(meeting.employee_id)}",
            )
            continue
        if meeting.employee_id in seen:
            ctx.add(
                ERROR,
                "schedule",
                "employee_id",
                meeting.row,
                "duplicate-meeting",
                f"{_describe(employee, employee.id)} already has a meeting on row "
                f"{seen[meeting.employee_id].row}; delete one of them.",
            )
            continue
        seen[meeting.employee_id] = meeting
        if not employee.active:
            if employee.status not in ("on_leave", "left"):
                continue  # an unreadable status is reported as invalid-status, not as "has left"
            status = "is on leave" if employee.status == "on_leave" else "has left"
            ctx.add(
                WARNING,
                "schedule",
                "employee_id",
                meeting.row,
                "inactive-employee",
                f"{_describe(employee, employee.id)} {status}; no documents are made for this meeting.",
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
                f"{_describe(employee, employee.id)} has no meeting in {ctx.sheet_name('schedule')}"
                f"{no_manager}; they get no invitation until one is added.",
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
            f"{_describe(employee, employee.id)} has no manager, and their meeting "
            f"({ctx.sheet_name('schedule')} row {meeting.row}) names no interviewer; fill in one of them.",
        )
        return
    field_name = "interviewer_id" if meeting.interviewer_id else "employee_id"
    interviewer = ctx.by_id.get(interviewer_id)
    if interviewer is None:
        if meeting.interviewer_id:  # an unknown manager is already reported on the Employees sheet
            ctx.add(
                ERROR,
                "schedule",
                field_name,
                meeting.row,
                "unknown-interviewer",
                f"Interviewer ID {interviewer_id} is not in {ctx.sheet_name('employees')}"
                f"{ctx.suggest(interviewer_id)}",
            )
    elif interviewer_id == employee.id:
        ctx.add(
            ERROR,
            "schedule",
            field_name,
            meeting.row,
            "self-interview",
            f"{_describe(employee, employee.id)} cannot hold their own conversation; name another "
            "interviewer.",
        )
    elif not interviewer.active and meeting.interviewer_id:
        ctx.add(
            ERROR,
            "schedule",
            field_name,
            meeting.row,
            "interviewer-not-active",
            f"Interviewer {_describe(interviewer, interviewer_id)} is not active "
            f"({interviewer.status}); name another interviewer.",
        )


def check_meeting_times(ctx: Context) -> None:
    """Within the period, on a working day, within working hours, with enough notice."""
    settings = ctx.round.settings
    day_start, day_end = settings.working_hours
    years = {m.date.year for m in ctx.round.meetings if m.date}
    public = holidays.country_holidays("NO", years=sorted(years), include_sundays=False) if years else {}
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
            )
        elif day in public:
            ctx.add(
                ERROR,
                "schedule",
                "date",
                meeting.row,
                "public-holiday",
                f"{day:%d.%m.%Y} is a public holiday in Norway ({public.get(day)}); pick another day.",
            )
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
        location = meeting.location or default_location
        if location and not VIRTUAL_LOCATION.search(location):
            by_room[" ".join(location.casefold().split())].append(meeting)
    for interviewer, meetings in by_interviewer.items():
        who = _describe(ctx.by_id.get(interviewer), interviewer)
        for earlier, later in _overlapping(meetings):
            ctx.add(
                ERROR,
                "schedule",
                "start",
                later.row,
                "interviewer-overlap",
                f"Interviewer {who} already has a meeting {earlier.starts_at:%H:%M}–{earlier.ends_at:%H:%M} "
                f"that day (row {earlier.row}); move one of them.",
            )
    reported: set[tuple[int, int]] = set()
    for person, held in by_interviewer.items():
        own = own_meeting.get(person)
        if own is None:
            continue
        who = _describe(ctx.by_id.get(person), person)
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
            )
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


# -- Goals -------------------------------------------------------------------------------------------


def check_goals(ctx: Context) -> None:
    """Goal IDs unique, for known employees, with progress 0–100."""
    first_by_key: dict[str, int] = {}
    first_id: dict[str, str] = {}
    for goal in ctx.round.goals:
        if goal.id:
            key = id_key(goal.id)
            if key in first_by_key:
                code = "duplicate-id" if first_id[key] == goal.id else "id-collision"
                ctx.add(
                    ERROR,
                    "goals",
                    "id",
                    goal.row,
                    code,
                    f"Goal ID {goal.id} is used again (row {first_by_key[key]}"
                    f"{'' if code == 'duplicate-id' else ', as ' + first_id[key]}); give each goal its own ID.",
                )
            else:
                first_by_key[key] = goal.row
                first_id[key] = goal.id
        if goal.employee_id and goal.employee_id not in ctx.by_id:
            ctx.add(
                ERROR,
                "goals",
                "employee_id",
                goal.row,
                "unknown-employee",
                f"Employee ID {goal.employee_id} is not in {ctx.sheet_name('employees')}"
                f"{ctx.suggest(goal.employee_id)}",
            )
        if goal.progress is not None and not 0 <= goal.progress <= 100:
            ctx.add(
                ERROR,
                "goals",
                "progress",
                goal.row,
                "invalid-progress",
                f"Progress {goal.progress} % is outside 0–100.",
            )


def check_settings(ctx: Context) -> None:
    """Settings the later steps need: the round's period."""
    settings = ctx.round.settings
    if "round" not in ctx.round.sheets:
        return
    for key in ("period_start", "period_end"):
        if getattr(settings, key) is None and key not in settings.rows:
            ctx.report.add(
                Problem(
                    WARNING,
                    ctx.sheet_name("round"),
                    None,
                    key,
                    "missing-setting",
                    f"{key} is not set, so meetings are not checked against the round's period.",
                )
            )


RULES: tuple[Callable[[Context], None], ...] = (
    check_settings,
    check_employee_ids,
    check_emails,
    check_managers,
    check_meeting_people,
    check_meeting_times,
    check_overlaps,
    check_goals,
)


def validate_round(round_: Round, report: Report | None = None, today: dt.date | None = None) -> Report:
    """Run every rule over a round; problems are added to `report` (a new one when None) and returned."""
    report = report if report is not None else Report()
    ctx = Context(round_, report, today or clock.today())
    for employee in round_.employees:
        if employee.id:
            ctx.by_id.setdefault(employee.id, employee)
            ctx.by_key.setdefault(id_key(employee.id), []).append(employee)
    for rule in RULES:
        rule(ctx)
    sort_issues(round_, report)
    return report


def check_workbook(path: Path | str, today: dt.date | None = None) -> tuple[Round, Report]:
    """Read and validate a round workbook: the round and every problem found, reading and checking."""
    round_, report = read_round(path)
    validate_round(round_, report, today)
    return round_, report


def sort_issues(round_: Round, report: Report) -> None:
    """Order the report as a person reads the workbook: sheet by sheet, row by row, column by column."""
    order = {kind: i for i, kind in enumerate(("round", "employees", "schedule", "goals"))}
    position = {info.name: order.get(kind, 9) for kind, info in round_.sheets.items()}

    def key(indexed: tuple[int, Problem]) -> tuple:
        index, issue = indexed
        match = re.match(r"([A-Z]+)(\d+)$", issue.cell or "")
        row = int(match[2]) if match else 0
        column = (len(match[1]), match[1]) if match else (0, "")
        return (position.get(issue.sheet or "", 8), issue.sheet or "", row, column, index)

    report.issues[:] = [issue for _, issue in sorted(enumerate(report.issues), key=key)]
