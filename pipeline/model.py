"""The round as data: frozen records read from the workbook, and the problems found in it.

No I/O here. Every record remembers the row it came from; `SheetInfo` knows which column letter holds
which field, so any later message can point at the exact cell (`Ansatte!E14`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.codes import PROBLEM_CODES


class Severity(StrEnum):
    """How much a problem matters: an error blocks (the step, or the file), a warning is worth a look."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class Stage(StrEnum):
    """Where a conversation stands, in the order it goes through them (the follow-up's Stage column)."""

    UNSCHEDULED = "unscheduled"
    PLANNED = "planned"
    INVITED = "invited"
    PREPARED = "prepared"
    HELD = "held"
    MINUTES = "minutes"
    APPROVED = "approved"


@dataclass(frozen=True)
class Phrase:
    """A problem's message as a key of the texts catalogue (`problems.<key>`) and its arguments, so that
    the validation report can say it in the round's language. An argument is a value (text from the
    workbook goes in as it is, never read as a template) or another `Phrase`, said in the same language."""

    key: str
    args: tuple[tuple[str, object], ...] = ()


def phrase(key: str, /, **args: object) -> Phrase:
    """`phrase("unknown-manager", id="999", sheet="Ansatte", hint=phrase("parts.end"))`."""
    return Phrase(key, tuple(args.items()))


@dataclass(frozen=True)
class Problem:
    """One problem, in any stage: the workbook, a returned form, the follow-up workbook, a template.

    Where it is: a workbook's `sheet`, `cell` (like `E14`, or None for a whole sheet or column) and
    `column`; or a `file` (a returned form, the follow-up workbook), a form's `field` key and the
    `employee_id` the file is about. `code` is stable, kebab-case and declared in `PROBLEM_CODES`.
    `message` is English (the terminal and `--json`); `phrase`, where set, says it in other languages
    (the validation report) and is no part of the problem's identity or its JSON."""

    severity: Severity
    sheet: str | None
    cell: str | None
    column: str | None
    code: str
    message: str
    file: str | None = None
    field: str | None = None
    employee_id: str | None = None
    phrase: Phrase | None = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"problem code {self.code!r} is not declared in PROBLEM_CODES")

    def to_dict(self) -> dict[str, str | None]:
        """The problem as the JSON output writes it: always `severity`, `sheet`, `cell`, `column`, `code`
        and `message` (exactly these for the workbook), then `file`, `field` and `employee_id` where set."""
        out: dict[str, str | None] = {
            "severity": str(self.severity),
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }
        for name in ("file", "field", "employee_id"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @property
    def where(self) -> str:
        """`Sheet!E14`, `Sheet` or the empty string."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""


@functools.cache
def field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (looked up once per type: records are many)."""
    return tuple(f.name for f in dataclasses.fields(kind))


def problem(
    severity: Severity,
    code: str,
    message: str,
    *,
    file: object = None,
    field: str | None = None,
    employee_id: str | None = None,
) -> Problem:
    """A problem outside the workbook: in a file (a returned form, the follow-up workbook, a template)."""
    return Problem(
        severity,
        None,
        None,
        None,
        code,
        message,
        str(file) if file is not None else None,
        field,
        employee_id or None,
    )


@dataclass
class Report:
    """All the problems found in one workbook, in the order they were found."""

    issues: list[Problem] = field(default_factory=list)

    def add(self, issue: Problem) -> None:
        """Record one problem."""
        self.issues.append(issue)

    @property
    def errors(self) -> list[Problem]:
        """The problems that block generation."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth a look that do not block anything."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks generation."""
        return not self.errors

    def to_list(self) -> list[dict[str, str | None]]:
        """The report as the JSON output writes it."""
        return [i.to_dict() for i in self.issues]


@dataclass(frozen=True)
class SheetInfo:
    """Where a sheet's data sits in the file: its name there and the column letter of each field."""

    kind: str
    name: str
    letters: dict[str, str]  # field -> column letter
    headers: dict[str, str]  # field -> header as written in the file
    header_row: int

    def cell(self, field: str, row: int) -> str | None:
        """The cell reference (`E14`) of a field on a row, or None when the column is missing."""
        letter = self.letters.get(field)
        return f"{letter}{row}" if letter else None


@dataclass(frozen=True)
class Settings:
    """The Round sheet, typed and with defaults applied."""

    round_id: str
    title: str = ""
    organisation: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    invitation_date: dt.date | None = None
    notice_days: int = 14
    minutes_due_days: int = 7
    approval_due_days: int = 14
    follow_up_date: dt.date | None = None
    default_duration_minutes: int = 60
    default_location: str = ""
    language: str = "nb"
    hr_contact_name: str = ""
    hr_contact_email: str = ""
    working_hours: tuple[dt.time, dt.time] = (dt.time(8, 0), dt.time(16, 0))
    timezone: str = "Europe/Oslo"
    min_group_size: int = 5
    previous_round: str = ""  # the round whose open goals carry over (default: the one before, by name)
    reminder_days_before: int = 3  # `remind`: the preparation form, from this many days before the meeting
    reminder_interval_days: int = 7  # `remind --email`: never the same reminder again within this many days
    schedule_buffer_minutes: int = 15  # `schedule`: free time kept after each meeting it places
    schedule_max_per_day: int = (
        6  # `schedule`: the most meetings it gives one interviewer a day (0: no limit)
    )
    schedule_preferred_time: dt.time = dt.time(9, 0)  # `schedule`: the start it tries first each day
    rows: dict[str, int] = field(default_factory=dict, compare=False)  # key -> row on the Round sheet


@dataclass(frozen=True)
class Employee:
    """One row of the Employees sheet."""

    row: int
    id: str
    first_name: str
    last_name: str
    email: str
    department: str
    job_title: str = ""
    manager_id: str = ""
    language: str = ""
    employment_start: dt.date | None = None
    status: str = "active"

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def active(self) -> bool:
        """In scope for this round's conversations."""
        return self.status == "active"


@dataclass(frozen=True)
class Meeting:
    """One row of the Schedule sheet; `interviewer_id` already defaults to the employee's manager."""

    row: int
    employee_id: str
    date: dt.date | None
    start: dt.time | None
    duration_minutes: int
    location: str = ""
    interviewer_id: str = ""
    note: str = ""

    @functools.cached_property
    def starts_at(self) -> dt.datetime | None:
        """Naive local start (the round's time zone applies)."""
        if self.date is None or self.start is None:
            return None
        return dt.datetime.combine(self.date, self.start)

    @functools.cached_property
    def ends_at(self) -> dt.datetime | None:
        """Naive local end."""
        start = self.starts_at
        return None if start is None else start + dt.timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class Availability:
    """One row of the optional Availability sheet: when an interviewer is free to hold conversations."""

    row: int
    interviewer_id: str
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None
    location: str = ""


NOT_IN_WORKBOOK = 0  # the row of a goal the round has from elsewhere: carried over from the round before


@dataclass(frozen=True)
class Goal:
    """One goal or action from an earlier round (Goals sheet)."""

    row: int
    id: str
    employee_id: str
    type: str
    description: str
    measure: str = ""
    due: dt.date | None = None
    responsible: str = ""
    status: str = "not_started"
    progress: int | None = None
    comment: str = ""
    agreed_in_round: str = ""


@dataclass(frozen=True)
class Round:
    """Everything read from one round workbook."""

    path: str
    settings: Settings
    employees: tuple[Employee, ...]
    meetings: tuple[Meeting, ...]
    goals: tuple[Goal, ...]
    sheets: dict[str, SheetInfo]  # kind -> where it sits; missing sheets are absent
    availability: tuple[Availability, ...] = ()  # the optional Availability sheet
    # a hash of all of the above but the path, as read (`round.reader`; goals carried over since are not
    # in it): what is made from the workbook is the same when this is (a workbook saved again as it
    # was, a column of HR's own edited); "" for a round not read from a workbook
    workbook_content: str = dataclasses.field(default="", compare=False, repr=False)

    def employee(self, employee_id: str) -> Employee | None:
        """The employee with that ID, or None."""
        return self._employees_by_id.get(employee_id)

    def languages(self) -> list[str]:
        """The languages the round's people read (each one's own, else the round's), and the round's."""
        default = self.settings.language
        return sorted({e.language or default for e in self.employees} | {default})

    def carried_goals(self) -> list[Goal]:
        """The goals not read from the workbook: the previous round's open ones, carried over
        (`followup/carry.py`). What is made from the round depends on them as on the workbook."""
        return [goal for goal in self.goals if goal.row == NOT_IN_WORKBOOK]

    def interviewer_id(self, meeting: Meeting) -> str:
        """Who holds a meeting: the interviewer it names, else the employee's manager."""
        if meeting.interviewer_id:
            return meeting.interviewer_id
        employee = self.employee(meeting.employee_id)
        return employee.manager_id if employee else ""

    @property
    def _employees_by_id(self) -> dict[str, Employee]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {}
            for employee in self.employees:
                cached.setdefault(employee.id, employee)
            object.__setattr__(self, "_by_id", cached)
        return cached
