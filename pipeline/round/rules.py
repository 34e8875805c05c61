"""The validation rules of SPEC §3, run over a `Round` that `round.reader.read_round` produced.

Each rule is a check `check(ctx) -> None` that adds problems, and the codes it may report: `RULES`
lists them in the order their problems are reported, and a rule reporting a code it does not declare
is refused. Value-level problems (dates, times, allowed values, missing columns) are found while
reading; these rules look across rows and sheets. The checks live in `round.checks`, by what they
look at: people, meetings, goals, the Round sheet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pipeline import clock
from pipeline.model import Problem, Report, Round
from pipeline.round.checks.availability import check_availability
from pipeline.round.checks.context import Context
from pipeline.round.checks.goals import check_goals
from pipeline.round.checks.meetings import check_meeting_people, check_meeting_times, check_overlaps
from pipeline.round.checks.people import check_emails, check_employee_ids, check_managers
from pipeline.round.checks.round_sheet import check_settings
from pipeline.round.reader import read_round

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """One check over a round and the problem codes it may report."""

    check: Callable[[Context], None]
    codes: frozenset[str]


def _rule(check: Callable[[Context], None], *codes: str) -> Rule:
    return Rule(check, frozenset(codes))


RULES: tuple[Rule, ...] = (
    _rule(check_settings, "missing-setting"),
    _rule(check_employee_ids, "duplicate-id", "id-collision"),
    _rule(check_emails, "invalid-email", "duplicate-email"),
    _rule(check_managers, "self-manager", "unknown-manager", "manager-not-active", "manager-cycle"),
    _rule(
        check_meeting_people,
        "unknown-employee",
        "duplicate-meeting",
        "inactive-employee",
        "no-meeting",
        "no-manager",
        "unknown-interviewer",
        "self-interview",
        "interviewer-not-active",
    ),
    _rule(
        check_meeting_times,
        "outside-period",
        "weekend",
        "public-holiday",
        "outside-working-hours",
        "short-notice",
    ),
    _rule(check_overlaps, "interviewer-overlap", "person-overlap", "room-overlap"),
    _rule(check_goals, "duplicate-id", "id-collision", "unknown-employee", "invalid-progress"),
    _rule(check_availability, "unknown-interviewer", "interviewer-not-active", "availability-order"),
)


def validate_round(round_: Round, report: Report | None = None, today: dt.date | None = None) -> Report:
    """Run every rule over a round; problems are added to `report` (a new one when None) and returned."""
    report = report if report is not None else Report()
    # the checks read the records in the rows' order, as a person reads the sheets: of two rows with the
    # same e-mail address, or two meetings at once, the later row is the one named, whatever the IDs
    # (the reader gives the records in their IDs' order, for what is made from them)
    in_rows = dataclasses.replace(
        round_,
        employees=_by_row(round_.employees),
        meetings=_by_row(round_.meetings),
        goals=_by_row(round_.goals),
    )
    ctx = Context.of(in_rows, report, today or clock.today())
    for rule in RULES:
        ctx.codes = rule.codes
        rule.check(ctx)
    sort_issues(round_, report)
    return report


def _by_row(records: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(sorted(records, key=lambda record: record.row))  # type: ignore[attr-defined]


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
