"""`appraisal remind`: what is due or overdue in the round, and for whom, from the round's state and with
the deadlines everything else uses (`documents.deadlines`).

* the preparation form: to the employee, from `reminder_days_before` days before the meeting until it
  is held (collected);
* the meeting-notes form not returned by its deadline (`minutes_due_days` after the meeting): to the
  interviewer;
* the approval of the minutes not returned by its deadline (`approval_due_days`): to the employee;
* a goal or action past its due date and neither done nor cancelled, as the last `status` left it: to
  the employee's interviewer (the goal's "responsible" is free text, not an address).

`--email` queues one message per person with everything due for them, never reminding of the same
thing twice within `reminder_interval_days` (what was reminded, and when, is kept in the state).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pipeline.documents.contexts import plan_invitations
from pipeline.documents.deadlines import approval_due, notes_due
from pipeline.followup.carry import FINISHED, SNAPSHOT
from pipeline.followup.columns import iso_date
from pipeline.followup.sources import REMINDER_RECORD
from pipeline.model import Employee, Round, Settings
from pipeline.register import Conversation, Register
from pipeline.store import layout
from pipeline.store.state import State

PREPARATION, MINUTES, APPROVAL, GOAL = "preparation", "minutes", "approval", "goal"
WHAT = (PREPARATION, MINUTES, APPROVAL, GOAL)  # in the order a reminder lists them


@dataclass(frozen=True)
class Reminder:
    """One thing due or overdue: whom to remind, of what, about whom, by when."""

    to: Employee
    what: str
    about: Employee
    due: dt.date
    key: str  # what it is about, for "not twice within the interval": `minutes:1004`, `goal:2027-H1-1004-G1`
    goal: str = ""  # the goal's or action's text

    def days_overdue(self, today: dt.date) -> int:
        """Days past the due date (0 when not yet due)."""
        return max(0, (today - self.due).days)

    @property
    def record_key(self) -> str:
        """Its key in the state's record of what was reminded (`<to>/<what>:<about>`), which the
        follow-up reads (`followup.sources.mail_facts`)."""
        return f"{self.to.id}/{self.key}"


def approval_due_of(
    conversation: Conversation, planned: dt.date | None, settings: Settings
) -> dt.date | None:
    """When a collected conversation's approval is due: from the day it was held (else the planned day)
    and the day its minutes were made (`documents.deadlines.approval_due`)."""
    held = iso_date(conversation.held_on) or planned
    return approval_due(held, iso_date(conversation.minutes_made_on), settings)


def find_reminders(round_: Round, output: Path, today: dt.date) -> list[Reminder]:
    """Everything due or overdue on `today`, in order of person and then what."""
    settings = round_.settings
    root = layout.round_folder(output, settings.round_id)
    collected = Register(root).conversations
    found: list[Reminder] = []
    interviewer_of: dict[str, Employee] = {}
    for invitation in plan_invitations(round_):
        employee, meeting, interviewer = invitation.employee, invitation.meeting, invitation.interviewer
        if interviewer is not None:
            interviewer_of[employee.id] = interviewer
        conversation = collected.get(employee.id)
        day = meeting.date
        if conversation is None and day is not None:
            if 0 <= (day - today).days <= settings.reminder_days_before:
                found.append(Reminder(employee, PREPARATION, employee, day, f"{PREPARATION}:{employee.id}"))
            due = notes_due(day, settings)
            if interviewer is not None and due is not None and due < today:
                found.append(Reminder(interviewer, MINUTES, employee, due, f"{MINUTES}:{employee.id}"))
        if conversation is not None and conversation.minutes_made_on:
            approved = conversation.approval is not None and conversation.approval.approved is not None
            due = approval_due_of(conversation, day, settings)
            if not approved and due is not None and due < today:
                found.append(Reminder(employee, APPROVAL, employee, due, f"{APPROVAL}:{employee.id}"))
    found += _goals(round_, State(output).document(root.name, SNAPSHOT), interviewer_of, today)
    return sorted(found, key=lambda r: (r.to.name, r.to.id, WHAT.index(r.what), r.about.name, r.due, r.key))


def _goals(
    round_: Round, snapshot: object, interviewer_of: dict[str, Employee], today: dt.date
) -> list[Reminder]:
    """The goals and actions past due, as the last `status` left them, to the employee's interviewer."""
    found = []
    goals = snapshot.get("goals", []) if isinstance(snapshot, dict) else []
    for item in goals:
        if not isinstance(item, dict) or item.get("status") in FINISHED:
            continue
        due = iso_date(item.get("due"))
        employee = round_.employee(str(item.get("employee_id") or ""))
        interviewer = interviewer_of.get(employee.id) if employee else None
        if due is None or due >= today or employee is None or interviewer is None:
            continue
        text = str(item.get("description") or "")
        found.append(Reminder(interviewer, GOAL, employee, due, f"{GOAL}:{item.get('goal_id')}", text))
    return found


def not_reminded_lately(
    reminders: list[Reminder], output: Path, round_: Round, today: dt.date
) -> list[Reminder]:
    """Those not reminded of within the round's `reminder_interval_days`."""
    record = State(output).document(
        layout.round_folder(output, round_.settings.round_id).name, REMINDER_RECORD
    )
    last = record if isinstance(record, dict) else {}
    interval = dt.timedelta(days=round_.settings.reminder_interval_days)
    return [r for r in reminders if (iso_date(last.get(r.record_key)) or dt.date.min) + interval <= today]


def remember_reminded(reminders: list[Reminder], output: Path, round_: Round, today: dt.date) -> None:
    """Note that these were reminded of today."""
    state = State(output)
    scope = layout.round_folder(output, round_.settings.round_id).name
    record = state.document(scope, REMINDER_RECORD)
    last = dict(record) if isinstance(record, dict) else {}
    last.update({r.record_key: today.isoformat() for r in reminders})
    state.put_document(scope, REMINDER_RECORD, last)
