"""Which documents each person gets, and the context each template is rendered with (steps 1-3).

Contexts are plain dicts of strings and lists, built by pure functions: every value is already
formatted for the reader's language, and an empty cell is the empty string (never None). The variables
are documented in docs/templates.md; `CONTEXT_EXAMPLES` holds one example per template kind, which
`appraisal templates check` renders to find unknown variables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline import clock, texts
from pipeline.documents.deadlines import notes_due
from pipeline.forms import fields
from pipeline.model import Employee, Goal, Meeting, Round, Settings
from pipeline.render import locale


def document_language(employee: Employee | None, settings: Settings) -> str:
    """The reader's language: their own, else the round's."""
    if employee is not None and employee.language:
        return employee.language
    return settings.language or "nb"


def round_context(settings: Settings, lang: str) -> dict[str, str]:
    """The round's facts, formatted for `lang`."""
    return {
        "id": settings.round_id,
        "title": settings.title,
        "organisation": settings.organisation,
        "period_start": locale.medium_date(settings.period_start, lang),
        "period_end": locale.medium_date(settings.period_end, lang),
        "follow_up_date": locale.medium_date(settings.follow_up_date, lang),
        "hr_contact_name": settings.hr_contact_name,
        "hr_contact_email": settings.hr_contact_email,
    }


def person_context(employee: Employee | None) -> dict[str, str]:
    """A person's facts (all empty when unknown)."""
    if employee is None:
        return dict.fromkeys(
            ("id", "first_name", "last_name", "name", "email", "department", "job_title"), ""
        )
    return {
        "id": employee.id,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "name": employee.name,
        "email": employee.email,
        "department": employee.department,
        "job_title": employee.job_title,
    }


def meeting_context(meeting: Meeting, settings: Settings, lang: str) -> dict[str, str]:
    """A meeting's time and place, formatted for `lang`."""
    end = meeting.ends_at
    return {
        "date": locale.long_date(meeting.date, lang),
        "date_short": locale.short_date(meeting.date, lang),
        "weekday": locale.weekday(meeting.date, lang),
        "start": locale.clock(meeting.start, lang),
        "end": locale.clock(end.time() if end else None, lang),
        "when": locale.date_and_time(meeting.date, meeting.start, lang),
        "duration": locale.duration(meeting.duration_minutes, lang),
        "duration_minutes": str(meeting.duration_minutes),
        "location": meeting.location or settings.default_location,
        "note": meeting.note,
    }


def _conversation_context(
    round_: Round, employee: Employee, meeting: Meeting, interviewer: Employee | None, lang: str
) -> dict[str, object]:
    """What every document about one conversation shares: the round, both people, the meeting."""
    settings = round_.settings
    return {
        "language": lang,
        "letter_date": locale.medium_date(settings.invitation_date or clock.today(), lang),
        "round": round_context(settings, lang),
        "employee": person_context(employee),
        "interviewer": person_context(interviewer),
        "meeting": meeting_context(meeting, settings, lang),
    }


def invitation_context(
    round_: Round, employee: Employee, meeting: Meeting, interviewer: Employee | None, lang: str
) -> dict[str, object]:
    """Everything the invitation letter template may use."""
    return {
        **_conversation_context(round_, employee, meeting, interviewer, lang),
        "agenda": list(texts.words(lang, "invitation.agenda")),
        "preparation": list(texts.words(lang, "invitation.preparation")),
    }


def overview_context(
    round_: Round, interviewer: Employee, meetings: list[tuple[Employee, Meeting]], lang: str
) -> dict[str, object]:
    """Everything the interviewer's schedule overview may use; meetings in time order."""
    settings = round_.settings
    rows = []
    days: list[dict[str, object]] = []
    for employee, meeting in sorted(
        meetings, key=lambda pair: (pair[1].starts_at or dt.datetime.max, pair[0].id)
    ):
        row = {
            **meeting_context(meeting, settings, lang),
            "employee": person_context(employee),
            "notes_due": locale.short_date(notes_due(meeting.date, settings), lang),
        }
        rows.append(row)
        if not days or days[-1]["date"] != row["date"]:
            days.append({"date": row["date"], "date_short": row["date_short"], "meetings": []})
        days[-1]["meetings"].append(row)
    return {
        "language": lang,
        "letter_date": locale.medium_date(settings.invitation_date or clock.today(), lang),
        "round": round_context(settings, lang),
        "interviewer": person_context(interviewer),
        "meetings": rows,
        "days": days,
        "meeting_count": str(len(rows)),
    }


@dataclass(frozen=True)
class Invitation:
    """One employee's invitation: who, when, with whom, in which language."""

    employee: Employee
    meeting: Meeting
    interviewer: Employee | None
    lang: str


def plan_invitations(round_: Round, only: set[str] | None = None) -> list[Invitation]:
    """Who gets an invitation: each active employee with a (first) meeting; `only` narrows to those IDs."""
    by_id = {e.id: e for e in round_.employees if e.id}
    seen: set[str] = set()
    planned = []
    for meeting in round_.meetings:
        employee = by_id.get(meeting.employee_id)
        if employee is None or not employee.active or employee.id in seen:
            continue
        seen.add(employee.id)
        if only is not None and employee.id not in only:
            continue
        lang = document_language(employee, round_.settings)
        planned.append(Invitation(employee, meeting, by_id.get(round_.interviewer_id(meeting)), lang))
    return planned


def status_labels(lang: str) -> Mapping[str, str]:
    """A goal's status as the forms and the minutes write it: `not_started` -> `ikke startet` / `not started`."""
    return texts.section(lang, "documents.status")


def type_labels(lang: str) -> Mapping[str, str]:
    """A goal's type as the forms and the minutes write it: `goal` -> `Mål` / `Goal`."""
    return texts.section(lang, "documents.type")


REVIEW_BOOKMARK_BASE = 1000  # the review row's bookmark IDs in the template (static fields use lower ones)


def goal_table_rows(goals: list[Goal], lang: str) -> list[dict[str, str]]:
    """An employee's goals and actions for the forms, each with the keys of its review fields."""
    labels = status_labels(lang)
    types = type_labels(lang)
    rows = []
    for row, goal in enumerate(goals, start=1):
        status_key, comment_key = fields.review_key(goal.id, "status"), fields.review_key(goal.id, "comment")
        status_field, comment_field = (
            fields.row_field("review", row, column, key)
            for column, key in zip(fields.REVIEW_COLUMNS, (status_key, comment_key), strict=True)
        )
        rows.append(
            {
                "id": goal.id,
                "type": types.get(goal.type, goal.type),
                "description": goal.description,
                "measure": goal.measure,
                "due": locale.short_date(goal.due, lang),
                "responsible": goal.responsible,
                "status": labels.get(goal.status, goal.status),
                "progress": "" if goal.progress is None else f"{goal.progress} %",
                "comment": goal.comment,
                "agreed_in_round": goal.agreed_in_round,
                "key_status": status_key,
                "key_comment": comment_key,
                "title_status": status_field.title(lang),
                "title_comment": comment_field.title(lang),
                "bookmark_status": fields.bookmark_name(status_key),
                "bookmark_comment": fields.bookmark_name(comment_key),
            }
        )
    return rows


def form_context(
    round_: Round,
    employee: Employee,
    meeting: Meeting,
    interviewer: Employee | None,
    goals: list[Goal],
    lang: str,
) -> dict[str, object]:
    """Everything the three forms (employee and manager preparation, meeting notes) may use."""
    settings = round_.settings
    return {
        **_conversation_context(round_, employee, meeting, interviewer, lang),
        "goals": goal_table_rows(goals, lang),
        "statuses": list(status_labels(lang).values()),
        "minutes_due": locale.medium_date(notes_due(meeting.date, settings), lang),
    }


def example_document_contexts(round_: Round) -> dict[str, dict[str, object]]:
    """One real context per template kind, from a round's invitations (for `templates check`); the forms'
    example is an employee with goals, so the goal rows are exercised."""
    invitations = plan_invitations(round_)
    if not invitations:
        raise ValueError("the round has no scheduled active employee to take example values from")
    first = invitations[0]
    interviewer = first.interviewer or first.employee
    own = [(i.employee, i.meeting) for i in invitations if i.interviewer == first.interviewer]
    goals: dict[str, list[Goal]] = {}
    for goal in round_.goals:
        goals.setdefault(goal.employee_id, []).append(goal)
    with_goals = next((i for i in invitations if goals.get(i.employee.id)), first)
    form = form_context(
        round_,
        with_goals.employee,
        with_goals.meeting,
        with_goals.interviewer,
        goals.get(with_goals.employee.id, []),
        with_goals.lang,
    )
    return {
        "invitation": invitation_context(
            round_, first.employee, first.meeting, first.interviewer, first.lang
        ),
        "overview": overview_context(round_, interviewer, own, first.lang),
        "employee_preparation": form,
        "manager_preparation": form,
        "meeting_notes": form,
    }
