"""The minutes of a conversation: their template context, where they are filed, and writing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pipeline import clock, texts
from pipeline.collect.approvals import APPROVAL_BOOKMARK_BASE, APPROVAL_FIELDS
from pipeline.collect.notes import Reading
from pipeline.collect.results import FileResult
from pipeline.documents.contexts import (
    person_context,
    round_context,
    status_labels,
    type_labels,
)
from pipeline.documents.deadlines import approval_due
from pipeline.errors import AppraisalError
from pipeline.forms import fields
from pipeline.model import Employee, Goal, Meeting, Round
from pipeline.register import AgreedItem, Review, Wellbeing
from pipeline.render import locale
from pipeline.render.engine import CompiledTemplate
from pipeline.store.batch import code_digest
from pipeline.store.ledger import (
    Ledger,
    Outcome,
    input_digest,
    publish,
)

# the free-text answers the minutes show, in the order of the conversation: the form's, then its summary
MINUTES_SECTIONS = (*(f.key for f in fields.NOTES_CONVERSATION), "summary")


def _return_to(round_: Round, interviewer: Employee | None, lang: str) -> str:
    """To whom the employee returns the approved minutes: HR's contact, else the interviewer."""
    settings = round_.settings
    for name, email in (
        (settings.hr_contact_name, settings.hr_contact_email),
        (interviewer.name if interviewer else "", interviewer.email if interviewer else ""),
    ):
        if name and email:
            return f"{name} ({email})"
        if name or email:
            return name or email
    return texts.get(lang, "documents.return_to")


def _status_text(review: Review, statuses: Mapping[str, str]) -> str:
    """A reviewed goal's new status for the minutes: the status (with its progress), or what was typed
    when that says more or is not a status."""
    if review.status_text:
        return review.status_text
    status = statuses.get(review.status, "")
    if status and review.status == "in_progress" and isinstance(review.progress, int):
        return f"{status} ({review.progress} %)"
    return status


def minutes_context(
    round_: Round,
    employee: Employee,
    interviewer: Employee | None,
    reading: Reading,
    goals: dict[str, Goal],
    lang: str,
    meeting: Meeting | None = None,
    made_on: dt.date | None = None,
) -> dict[str, object]:
    """Everything the minutes template may use. `made_on` is the day the minutes are made (today)."""
    statuses = status_labels(lang)
    types = type_labels(lang)
    answers_ = reading.answers

    def date_text(iso: str | None) -> str:
        return locale.medium_date(dt.date.fromisoformat(iso), lang) if iso else ""

    reviews = []
    for review in reading.reviews:
        goal = goals.get(review.goal_id)
        reviews.append(
            {
                "id": review.goal_id,
                "description": goal.description if goal else review.goal_id,
                "type": types.get(goal.type, "") if goal else "",
                "old_status": statuses.get(goal.status, "") if goal else "",
                "status": _status_text(review, statuses),
                "comment": review.comment,
            }
        )
    items = []
    for item in reading.goals:
        # an exact date as the language writes it; otherwise exactly what was typed
        if item.due and item.due_exact:
            due = locale.short_date(dt.date.fromisoformat(item.due), lang)
        else:
            due = item.due_text
        items.append({**item.to_json(), "due": due, "type": types[item.type]})
    held_on = dt.date.fromisoformat(reading.held_on) if reading.held_on else None
    meeting_day = held_on or (meeting.date if meeting is not None else None)
    deadline = approval_due(meeting_day, made_on or clock.today(), round_.settings)
    score = reading.wellbeing.score if reading.wellbeing else None
    return {
        "language": lang,
        "round": round_context(round_.settings, lang),
        "employee": person_context(employee),
        "interviewer": person_context(interviewer),
        "interviewer_name": answers_.get("interviewer_name", ""),
        "held_on": date_text(reading.held_on),
        **{key: answers_.get(key, "") for key in MINUTES_SECTIONS},
        "wellbeing_score": "" if score is None else str(score),
        "follow_up_date": reading.follow_up_text or date_text(reading.follow_up_date),
        "reviews": reviews,
        "new_goals": [i for i in items if i["id"].rsplit("-", 1)[-1].startswith("G")],
        "new_actions": [i for i in items if i["id"].rsplit("-", 1)[-1].startswith("A")],
        "approval_due": locale.medium_date(deadline, lang),
        "approval_return_to": _return_to(round_, interviewer, lang),
        "approval_fields": [
            {
                "key": f.key,
                "label": f.label(lang),
                "placeholder": f.placeholder(lang),
                "bookmark": fields.bookmark_name(f.key),
                "bookmark_id": str(APPROVAL_BOOKMARK_BASE + i),
            }
            for i, f in enumerate(APPROVAL_FIELDS)
        ],
    }


@dataclass
class MinutesJob:
    """Minutes to write for one accepted reading: where, from what, and what to record afterwards."""

    employee: Employee
    interviewer: Employee | None
    outcome: FileResult
    reading: Reading
    previous: dict | None
    template: CompiledTemplate
    context: Callable[[], dict[str, object]]  # made where the minutes are written (a worker process)
    properties: dict[str, str]
    title: str
    targets: list[tuple[int, str]]  # (0: the round's ledger, 1: the output folder's), relative path
    made_on: dt.date  # the day the minutes are made: their approval deadline counts from it


def write_minutes(item: MinutesJob, ledgers: tuple[Ledger, Ledger]) -> list[Outcome] | str:
    """Render one employee's minutes once and bring its three copies up to date."""
    try:
        context = item.context()
        digest = input_digest(code_digest(), item.template.digest, item.reading.content, context)
        data = item.template.render(context, item.properties, item.title)
        return [
            publish(
                ledgers[which].root,
                relative,
                "minutes",
                item.employee.id,
                digest,
                lambda: data,
                ledgers[which].entries.get(relative),
            )
            for which, relative in item.targets
        ]
    except (AppraisalError, OSError) as exc:
        return f"the minutes could not be written: {exc}"


def example_minutes_context(round_: Round) -> dict[str, object]:
    """A minutes context with every part filled (for `templates check`), from a round's first employee
    with goals."""
    from pipeline.documents.contexts import plan_invitations

    invitations = plan_invitations(round_)
    if not invitations:
        raise ValueError("the round has no scheduled active employee to take example values from")
    goals = {g.id: g for g in round_.goals}
    own = {g.employee_id for g in round_.goals}
    invitation = next((i for i in invitations if i.employee.id in own), invitations[0])
    employee = invitation.employee
    goal_ids = [g.id for g in round_.goals if g.employee_id == employee.id]
    reading = Reading(
        employee_id=employee.id,
        interviewer_id=invitation.interviewer.id if invitation.interviewer else "",
        sha256="",
        source="",
        found_by={},
        problems=[],
        missing_required=[],
        answers={
            "interviewer_name": invitation.interviewer.name if invitation.interviewer else "",
            **dict.fromkeys(MINUTES_SECTIONS, "…"),
        },
        held_on=invitation.meeting.date.isoformat() if invitation.meeting.date else None,
        follow_up_date=round_.settings.follow_up_date.isoformat() if round_.settings.follow_up_date else None,
        follow_up_text="",
        reviews=[Review(g, "done", 100, "", "…") for g in goal_ids],
        goals=[
            AgreedItem(
                id=f"{round_.settings.round_id}-{employee.id}-{letter}1",
                type=kind,
                description="…",
                measure="…" if kind == "goal" else "",
                responsible="…" if kind == "action" else "",
                due="",
                due_text="…",
                due_exact=False,
            )
            for kind, letter in (("goal", "G"), ("action", "A"))
        ],
        wellbeing=Wellbeing(4),
    )
    return minutes_context(
        round_, employee, invitation.interviewer, reading, goals, invitation.lang, invitation.meeting
    )
