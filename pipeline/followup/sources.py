"""What the sources say, row by row: the round workbook, the round's events and its register turned into
the generated rows of the follow-up workbook, and the columns derived after the merge (stage, deadlines,
days overdue, overdue flags) and the facts the figures count.

Sources: employees, schedule and goals from the workbook; the round's events (`store.state`: `invited`
when the invitation was written, `prepared` when the meeting-notes form was) give those stages; the register (`register.py`, written by `collect`) gives
held, minutes received, the latest review of each earlier goal, new goals and actions, and approvals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import texts
from pipeline.documents import deadlines
from pipeline.errors import OutputError
from pipeline.followup.columns import (
    CONVERSATION_COLUMNS,
    COUNTED_GOAL_SOURCES,
    GENERATED_SOURCES,
    GOAL_SHEET_COLUMNS,
    BookColumn,
    Notes,
    Row,
    cell_text,
    iso_date,
    sheet_name,
)
from pipeline.followup.figures import ConversationFact, GoalFact
from pipeline.model import Employee, Meeting, Round, Stage
from pipeline.register import Approval, Conversation, Register, Review
from pipeline.store.state import State

REMINDER_RECORD = "reminders"  # `remind --email`: "<to>/<what>:<about>" -> the day it was queued
REFUSED = "failed"  # a delivery `send` recorded as refused for good by the server (mail.send.FAILED)


def local_date(stamp: object, zone: dt.tzinfo) -> dt.date | None:
    """The day of an ISO time stamp (UTC in the register) in the round's time zone."""
    if not isinstance(stamp, str) or not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.date()


def round_zone(round_: Round) -> dt.tzinfo:
    """The round's time zone (Europe/Oslo when the setting is not a known zone)."""
    try:
        return ZoneInfo(round_.settings.timezone or "Europe/Oslo")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Oslo")


def read_register(root: Path) -> dict[str, Conversation]:
    """The round's collected conversations (the register), by employee ID; empty when none yet."""
    return Register(root).conversations


def ledger_stages(root: Path, notes: Notes) -> tuple[set[str], set[str]]:
    """Employees invited, and those whose forms were prepared: the round's events in the state."""
    try:
        events = Register(root).events()
    except OutputError as exc:
        notes.warn("ledger-damaged", f"{exc} Invited and prepared are not shown until it is repaired.")
        return set(), set()
    return events.get("invited", set()), events.get("prepared", set())


@dataclass
class Sources:
    """Everything the rows are made from."""

    round_: Round
    register: dict[str, Conversation]
    invited: set[str]
    prepared: set[str]
    zone: dt.tzinfo
    meetings: dict[str, Meeting] = field(default_factory=dict)
    interviewer_of: dict[str, str] = field(default_factory=dict)
    reminded: dict[str, dt.date] = field(default_factory=dict)  # employee -> last reminder queued about them
    refused: dict[str, str] = field(
        default_factory=dict
    )  # employee -> the server's words refusing their address

    def __post_init__(self) -> None:
        for meeting in self.round_.meetings:
            self.meetings.setdefault(meeting.employee_id, meeting)
        for employee in self.round_.employees:
            meeting = self.meetings.get(employee.id)
            interviewer = self.round_.interviewer_id(meeting) if meeting else employee.manager_id
            self.interviewer_of.setdefault(employee.id, interviewer)

    def employee(self, employee_id: str) -> Employee | None:
        """The employee with that ID, or None."""
        return self.round_.employee(employee_id)

    def interviewer_name(self, employee_id: str, lang: str) -> str:
        """The name of the employee's interviewer."""
        return self.interviewer_name_of(self.interviewer_of.get(employee_id, ""), lang)

    def interviewer_name_of(self, interviewer_id: str, lang: str) -> str:
        """An interviewer's name (their ID when not in the workbook, "(none)" for no one)."""
        person = self.employee(interviewer_id) if interviewer_id else None
        return person.name if person else interviewer_id or texts.get(lang, "book.none")


def mail_facts(root: Path, round_: Round) -> tuple[dict[str, dt.date], dict[str, str]]:
    """Per employee: the last day a reminder about their conversation was queued (to them or to their
    interviewer, `remind --email`), and the server's words when it refused their address (`send`)."""
    state = State(root.parent)
    record = state.document(root.name, REMINDER_RECORD)
    reminded: dict[str, dt.date] = {}
    for key, day in record.items() if isinstance(record, dict) else ():
        what, _, about = key.partition("/")[2].partition(":")
        when = iso_date(day)
        if what in ("preparation", "minutes", "approval") and when is not None:
            reminded[about] = max(reminded.get(about, when), when)
    by_address = {e.email.lower(): e.id for e in round_.employees if e.email}
    refused = {
        by_address[recipient.lower()]: detail
        for (_, recipient), (status, _, detail) in sorted(state.deliveries(round_.settings.round_id).items())
        if status == REFUSED and recipient.lower() in by_address
    }
    return reminded, refused


def conversation_rows(sources: Sources, notes: Notes) -> list[Row]:
    """One generated row per active employee, in their IDs' order (`round.values.in_id_order`)."""
    rows: list[Row] = []
    seen: set[str] = set()
    lang = notes.lang
    sheet = sheet_name("conversations", lang)
    for employee in sources.round_.employees:
        if not employee.active or not employee.id or employee.id in seen:
            continue
        seen.add(employee.id)
        meeting = sources.meetings.get(employee.id)
        conversation = sources.register.get(employee.id) or Conversation(employee.id)
        approval = conversation.approval or Approval()
        approved_on = None
        remark = ""
        if approval.approved is True:
            approved_on = iso_date(approval.date) or local_date(approval.recorded_at, sources.zone)
        elif approval.approved is False:
            when = iso_date(approval.date)
            remark = texts.get(lang, "book.not_approved", date=f" ({when.isoformat()})" if when else "")
        minutes_received = _minutes_made_on(conversation, sources) if conversation.minutes else None
        where = f"{sheet} {employee.id}"
        values: dict[str, object] = {
            "employee_id": employee.id,
            "name": notes.fit(employee.name, where),
            "department": notes.fit(employee.department, where),
            "interviewer": notes.fit(sources.interviewer_name(employee.id, lang), where),
            "meeting_date": meeting.date if meeting else None,
            "held_on": iso_date(conversation.held_on),
            "minutes_received": minutes_received,
            "next_follow_up": iso_date(conversation.follow_up_date) or sources.round_.settings.follow_up_date,
            "remark": remark,
            "last_reminded": sources.reminded.get(employee.id),
            "email_refused": notes.fit(sources.refused.get(employee.id, ""), where),
            "approved_on": approved_on,
            "follow_up_held": None,
        }
        generated = {c.key: values[c.key] for c in CONVERSATION_COLUMNS if c.editable}
        rows.append(
            Row(
                employee.id,
                values,
                "workbook",
                generated=generated,
                facts={
                    "held": bool(conversation.held_on),
                    "minutes": bool(conversation.minutes),
                    "interviewer_id": sources.interviewer_of.get(employee.id, ""),
                },
            )
        )
    return rows


def _minutes_made_on(conversation: Conversation, sources: Sources) -> dt.date | None:
    """The day a conversation's minutes were made (collect's day: `APPRAISAL_TODAY` when it is set, as
    the deadlines count from it), else, for a register written before that was kept, the day it was
    collected: the day its goals and reviews were last updated from the sources."""
    return iso_date(conversation.minutes_made_on) or local_date(conversation.collected_at, sources.zone)


def goal_rows(sources: Sources, notes: Notes) -> list[Row]:
    """One generated row per goal/action: the workbook's Goals sheet (with the latest review from the
    register applied), then the new goals and actions from collected minutes."""
    lang = notes.lang
    sheet = sheet_name("goals", lang)
    # goal ID -> (collected_at, review, the conversation it was made in)
    reviews: dict[str, tuple[str, Review, Conversation]] = {}
    for conversation in sources.register.values():
        stamp = conversation.collected_at or ""
        for review in conversation.reviews:
            goal_id = str(review.goal_id or "")
            if goal_id and (goal_id not in reviews or stamp >= reviews[goal_id][0]):
                reviews[goal_id] = (stamp, review, conversation)
    rows: list[Row] = []
    seen: set[str] = set()
    for goal in sources.round_.goals:
        if not goal.id or goal.id in seen:
            continue
        seen.add(goal.id)
        where = f"{sheet} {goal.id}"
        status, comment, progress, updated = goal.status, goal.comment, goal.progress, None
        if goal.id in reviews:
            _, review, reviewed_in = reviews[goal.id]
            status = review.status or status
            comment = review.comment or comment
            updated = _minutes_made_on(reviewed_in, sources)
            if isinstance(review.progress, int):
                progress = review.progress  # typed with the status: `pågår (ca. 50 %)`
            elif review.status == "done":
                progress = 100  # the review says done: the percentage follows
        values = _goal_values(sources, notes, where, goal.id, goal.employee_id, goal.type, goal.description)
        values.update(
            measure=notes.fit(goal.measure, where),
            responsible=notes.fit(goal.responsible, where),
            due=goal.due,
            status=status or None,
            progress=progress,
            comment=notes.fit(cell_text(comment), where) or None,
            agreed_in=goal.agreed_in_round,
            last_updated=updated,
        )
        rows.append(Row(goal.id, values, "workbook", generated=_editable(GOAL_SHEET_COLUMNS, values)))
    for employee_id, conversation in sources.register.items():
        stamp = _minutes_made_on(conversation, sources)
        for item in conversation.goals:
            goal_id = str(item.id or "")
            if not goal_id:
                continue
            if goal_id in seen:
                notes.warn(
                    "goal-in-workbook-and-minutes",
                    f"{sheet} {goal_id}: in the workbook and in the minutes; the workbook's row is used.",
                )
                continue
            seen.add(goal_id)
            where = f"{sheet} {goal_id}"
            kind = item.type if item.type in ("goal", "action") else "goal"
            values = _goal_values(sources, notes, where, goal_id, employee_id, kind, str(item.description))
            # The date column holds dates only: a due date typed as a week, a month or a quarter is its
            # last day, marked in the comment; one that is no date at all ("snart") stays in the
            # comment as typed (collect warned about it once).
            due = iso_date(item.due)
            typed = cell_text(item.due_text)
            comment = None
            if typed:
                note = "due_approximate" if due else "due_not_a_date"
                comment = notes.fit(texts.get(lang, f"book.{note}", text=typed), where)
            values.update(
                measure=notes.fit(cell_text(item.measure), where),
                responsible=notes.fit(cell_text(item.responsible), where),
                due=due,
                status="not_started",
                progress=None,
                comment=comment,
                agreed_in=sources.round_.settings.round_id,
                last_updated=stamp,
            )
            rows.append(Row(goal_id, values, "minutes", generated=_editable(GOAL_SHEET_COLUMNS, values)))
    return rows


def _goal_values(
    sources: Sources, notes: Notes, where: str, goal_id: str, employee_id: str, kind: str, description: str
) -> dict[str, object]:
    employee = sources.employee(employee_id)
    return {
        "goal_id": goal_id,
        "employee_id": employee_id,
        "name": notes.fit(employee.name, where) if employee else "",
        "department": notes.fit(employee.department, where) if employee else "",
        "type": kind,
        "description": notes.fit(cell_text(description), where),
    }


def _editable(columns: tuple[BookColumn, ...], values: dict[str, object]) -> dict[str, object]:
    return {c.key: values.get(c.key) for c in columns if c.editable}


def derive_conversation(row: Row, sources: Sources, today: dt.date) -> None:
    """Stage, deadlines and days overdue, from the merged values (so a typed approval date counts)."""
    values = row.values
    settings = sources.round_.settings
    meeting_day = values.get("held_on") or values.get("meeting_date")
    received = values.get("minutes_received")
    approved = values.get("approved_on") not in (None, "")
    if approved:
        stage = Stage.APPROVED
    elif row.facts.get("minutes"):
        stage = Stage.MINUTES
    elif row.facts.get("held"):
        stage = Stage.HELD
    elif row.key in sources.prepared:
        stage = Stage.PREPARED
    elif row.key in sources.invited:
        stage = Stage.INVITED
    elif values.get("meeting_date"):
        stage = Stage.PLANNED
    else:
        stage = Stage.UNSCHEDULED
    values["stage"] = stage.value
    meeting_day = meeting_day if isinstance(meeting_day, dt.date) else None
    minutes_due = deadlines.notes_due(meeting_day, settings)
    approval_due = deadlines.approval_due(
        meeting_day, received if isinstance(received, dt.date) else None, settings
    )
    values["minutes_due"] = minutes_due
    values["approval_due"] = approval_due
    values["minutes_overdue"] = (
        (today - minutes_due).days if minutes_due and not received and today > minutes_due else None
    )
    values["approval_overdue"] = (
        (today - approval_due).days if approval_due and not approved and today > approval_due else None
    )


def goal_overdue(values: dict[str, object], today: dt.date) -> bool:
    """Past its due date and neither done nor cancelled (a status not understood counts as not done)."""
    due = values.get("due")
    return isinstance(due, dt.date) and due < today and values.get("status") not in ("done", "cancelled")


def figure_facts(
    merged: dict[str, list[Row]], sources: Sources, lang: str
) -> tuple[list[ConversationFact], list[GoalFact]]:
    """What the figures count: employees in scope, and goals/actions still followed up."""
    none = texts.get(lang, "book.none")
    conversations = [
        ConversationFact(
            department=str(row.values.get("department") or none),
            interviewer_id=str(row.facts.get("interviewer_id", "")),
            stage=str(row.values.get("stage")),
            overdue=bool(row.values.get("minutes_overdue") or row.values.get("approval_overdue")),
            wellbeing=_consented_score(sources, row.key),
        )
        for row in merged["conversations"]
        if row.source in GENERATED_SOURCES
    ]
    goals = []
    for row in merged["goals"]:
        if row.source not in COUNTED_GOAL_SOURCES:
            continue
        employee_id = str(row.values.get("employee_id") or "")
        employee = sources.employee(employee_id)
        status = row.values.get("status")
        goals.append(
            GoalFact(
                department=employee.department if employee else str(row.values.get("department") or none),
                interviewer_id=sources.interviewer_of.get(employee_id, ""),
                new=row.source == "minutes",
                status=status if status in ("not_started", "in_progress", "done", "cancelled") else "",
                overdue=bool(row.values.get("overdue")),
            )
        )
    return conversations, goals


def _consented_score(sources: Sources, employee_id: str) -> int | None:
    """The employee's well-being score, which the register keeps only with their consent."""
    held = sources.register.get(employee_id)
    score = held.wellbeing.score if held is not None and held.wellbeing is not None else None
    return score if isinstance(score, int) and 1 <= score <= 5 else None
