"""Goals carry over to the next round (issue 12, SPEC §6): each conversation starts from last year's plan.

Every `status` run that writes the follow-up keeps a snapshot of the round's goals and actions as they
then stand (after HR's and the managers' edits) in the state database (`follow-up-goals`). When a new
round is read, the goals and actions still open in the previous round's snapshot (not done, not
cancelled) join its goals, with their IDs: they appear in the preparation and meeting-notes forms'
review rows, are recognised when the forms come back, and the new round's follow-up continues them.

The previous round is the Round sheet's `previous_round`, else the latest round before this one (by
name) in the same output folder that has a snapshot. A goal whose ID is already on the new workbook's
Goals sheet (HR copied it) is that goal, never a second one: the Goals sheet's row wins. A goal of an
employee who is not in the new round's Employees sheet is not carried.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.followup.columns import COUNTED_GOAL_SOURCES, Row, cell_text, iso_date, to_json
from pipeline.model import NOT_IN_WORKBOOK, Goal, Round
from pipeline.round.values import in_id_order
from pipeline.store import layout
from pipeline.store.state import State

SNAPSHOT = "follow-up-goals"
FINISHED = ("done", "cancelled")
KEPT = ("goal_id", "employee_id", "type", "description", "measure", "responsible", "due", "status")


def snapshot_goals(root: Path, round_id: str, goals: list[Row]) -> None:
    """Keep the round's goals and actions as they stand now (the rows the figures count)."""
    items = []
    for row in goals:
        if row.source not in COUNTED_GOAL_SOURCES or not row.key:
            continue
        item = {key: to_json(row.values.get(key)) for key in KEPT}
        item["goal_id"] = row.key
        item["progress"] = row.values.get("progress") if isinstance(row.values.get("progress"), int) else None
        item["comment"] = cell_text(row.values.get("comment"))
        item["agreed_in"] = cell_text(row.values.get("agreed_in")) or round_id
        items.append(item)
    State(root.parent).put_document(root.name, SNAPSHOT, {"version": 1, "round_id": round_id, "goals": items})


@dataclass(frozen=True)
class CarryOver:
    """What was carried: from which round, how many goals and actions, and those left out because the
    Goals sheet already has them."""

    previous: str | None = None
    carried: int = 0
    already_in_workbook: int = 0
    message: str = ""


def carry_over(round_: Round, output: Path) -> tuple[Round, CarryOver]:
    """The round with the previous round's open goals and actions added to its goals (see the module's
    docstring). The round is returned as it is when there is no previous round or nothing is open."""
    try:
        found = _previous_snapshot(round_, output)
    except OutputError as exc:
        return round_, CarryOver(message=f"{exc} No goals are carried over from an earlier round.")
    if found is None:
        wanted = round_.settings.previous_round
        message = (
            f"Round sheet, previous_round: no round “{wanted}” in {output}; no goals carried over."
            if wanted
            else ""
        )
        return round_, CarryOver(message=message)
    previous, snapshot = found
    on_sheet = {g.id for g in round_.goals}
    employees = {e.id for e in round_.employees}
    carried: list[Goal] = []
    already = 0
    for item in snapshot.get("goals", []):
        if not isinstance(item, dict) or item.get("status") in FINISHED:
            continue
        goal_id, employee_id = str(item.get("goal_id") or ""), str(item.get("employee_id") or "")
        if not goal_id or employee_id not in employees:
            continue
        if goal_id in on_sheet:
            already += 1
            continue
        on_sheet.add(goal_id)
        carried.append(_goal(item, previous))
    if not carried:
        return round_, CarryOver(previous, 0, already)
    goals = in_id_order((*round_.goals, *carried), lambda g: g.id)  # as the reader orders them
    return dataclasses.replace(round_, goals=goals), CarryOver(previous, len(carried), already)


def _previous_snapshot(round_: Round, output: Path) -> tuple[str, dict] | None:
    """The previous round's ID and snapshot, or None."""
    if not output.is_dir():
        return None
    this = layout.round_folder(output, round_.settings.round_id).name
    wanted = round_.settings.previous_round
    scope = layout.round_folder(output, wanted).name if wanted else ""
    # only an earlier round's is decoded, not this round's own (20,000 goals at 10,000 employees)
    snapshots = State(output).documents_named(SNAPSHOT, lambda s: s == scope if wanted else s < this)
    if wanted:
        return (
            (wanted, snapshots[scope]) if scope != this and isinstance(snapshots.get(scope), dict) else None
        )
    earlier = sorted(scope for scope, value in snapshots.items() if scope < this and isinstance(value, dict))
    if not earlier:
        return None
    snapshot = snapshots[earlier[-1]]
    return str(snapshot.get("round_id") or earlier[-1]), snapshot


def _goal(item: dict, previous: str) -> Goal:
    progress = item.get("progress")
    return Goal(
        row=NOT_IN_WORKBOOK,
        id=str(item["goal_id"]),
        employee_id=str(item["employee_id"]),
        type=item.get("type") if item.get("type") in ("goal", "action") else "goal",
        description=cell_text(item.get("description")),
        measure=cell_text(item.get("measure")),
        due=iso_date(item.get("due")),
        responsible=cell_text(item.get("responsible")),
        status=item["status"] if item.get("status") in ("not_started", "in_progress") else "not_started",
        progress=progress if isinstance(progress, int) else None,
        comment=cell_text(item.get("comment")),
        agreed_in_round=cell_text(item.get("agreed_in")) or previous,
    )
