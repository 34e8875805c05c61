"""A data sheet's rows as the round's records: `Employee`, `Meeting` and `Goal`, every value typed.

Each reader goes through the rows of a `DataSheet` and takes each field as text, parsed or as one of
the allowed values; what cannot be used is reported at its cell by the sheet, and the record gets an
empty value in its place, so that one bad cell never hides the rest of the row.
"""

from __future__ import annotations

from pipeline.model import ERROR, Availability, Employee, Goal, Meeting, phrase
from pipeline.round.sheets import DataSheet
from pipeline.round.values import parse_date, parse_minutes, parse_percent, parse_time


def read_employees(sheet: DataSheet) -> list[Employee]:
    """The Employees sheet's people; a row without a Status is active."""
    employees = []
    for row, record in sheet.rows():
        employees.append(
            Employee(
                row=row,
                id=sheet.text(record, "id", row, required=True),
                first_name=sheet.text(record, "first_name", row, required=True),
                last_name=sheet.text(record, "last_name", row, required=True),
                email=sheet.text(record, "email", row, required=True),
                department=sheet.text(record, "department", row, required=True),
                job_title=sheet.text(record, "job_title", row),
                manager_id=sheet.text(record, "manager_id", row),
                language=sheet.choice(record, "language", row, "language", "invalid-language") or "",
                employment_start=sheet.typed(
                    record, "employment_start", row, parse_date, "invalid-date", ignored=True
                ),
                status=sheet.choice(record, "status", row, "employee_status", "invalid-status")
                or ("active" if "status" not in record else ""),
            )
        )
    return employees


def read_meetings(sheet: DataSheet, default_duration: int) -> list[Meeting]:
    """The Schedule sheet's meetings; one without a duration lasts `default_duration` minutes."""
    meetings = []
    for row, record in sheet.rows():
        employee_id = sheet.text(record, "employee_id", row, required=True)
        if "date" in sheet.positions and "date" not in record:
            sheet.issue(
                ERROR,
                "date",
                row,
                "required-value",
                "The meeting date is required; fill it in.",
                phrase("required-date"),
            )
        if "start" in sheet.positions and "start" not in record:
            sheet.issue(
                ERROR,
                "start",
                row,
                "required-value",
                "The start time is required; fill it in.",
                phrase("required-start"),
            )
        duration = sheet.typed(record, "duration", row, parse_minutes, "invalid-duration")
        if duration is not None and not 5 <= duration <= 8 * 60:
            sheet.issue(
                ERROR,
                "duration",
                row,
                "invalid-duration",
                f"{duration} minutes is not a plausible meeting length; use 5 to 480.",
                phrase("implausible-duration", minutes=duration),
            )
            duration = None
        meetings.append(
            Meeting(
                row=row,
                employee_id=employee_id,
                date=sheet.typed(record, "date", row, parse_date, "invalid-date"),
                start=sheet.typed(record, "start", row, parse_time, "invalid-time"),
                duration_minutes=duration or default_duration,
                location=sheet.text(record, "location", row),
                interviewer_id=sheet.text(record, "interviewer_id", row),
                note=sheet.text(record, "note", row),
            )
        )
    return meetings


def read_goals(sheet: DataSheet) -> list[Goal]:
    """The Goals sheet's goals and actions; without a type a goal, without a status not started."""
    goals = []
    for row, record in sheet.rows():
        progress = sheet.typed(record, "progress", row, parse_percent, "invalid-progress")
        goals.append(
            Goal(
                row=row,
                id=sheet.text(record, "id", row, required=True),
                employee_id=sheet.text(record, "employee_id", row, required=True),
                type=sheet.choice(record, "type", row, "goal_type", "invalid-type") or "goal",
                description=sheet.text(record, "description", row, required=True),
                measure=sheet.text(record, "measure", row),
                due=sheet.typed(record, "due", row, parse_date, "invalid-date"),
                responsible=sheet.text(record, "responsible", row),
                status=sheet.choice(record, "status", row, "goal_status", "invalid-status") or "not_started",
                progress=progress,
                comment=sheet.text(record, "comment", row),
                agreed_in_round=sheet.text(record, "agreed_in_round", row),
            )
        )
    return goals


def read_availability(sheet: DataSheet) -> list[Availability]:
    """The optional Availability sheet's free times of interviewers (`appraisal schedule`)."""
    return [
        Availability(
            row=row,
            interviewer_id=sheet.text(record, "interviewer_id", row, required=True),
            date=sheet.typed(record, "date", row, parse_date, "invalid-date"),
            start=sheet.typed(record, "start", row, parse_time, "invalid-time"),
            end=sheet.typed(record, "end", row, parse_time, "invalid-time"),
            location=sheet.text(record, "location", row),
        )
        for row, record in sheet.rows()
    ]
