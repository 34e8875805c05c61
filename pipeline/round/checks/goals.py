"""Checks of the Goals sheet: goal IDs, the employees the goals are for, progress."""

from __future__ import annotations

from pipeline.model import ERROR, phrase
from pipeline.round.checks.context import Context
from pipeline.round.values import id_key


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
                    phrase("duplicate-goal-id", id=goal.id, row=first_by_key[key])
                    if code == "duplicate-id"
                    else phrase("goal-id-collision", id=goal.id, row=first_by_key[key], other=first_id[key]),
                )
            else:
                first_by_key[key] = goal.row
                first_id[key] = goal.id
        if goal.employee_id and goal.employee_id not in ctx.by_id:
            hint, said = ctx.suggest(goal.employee_id)
            sheet = ctx.sheet_name("employees")
            ctx.add(
                ERROR,
                "goals",
                "employee_id",
                goal.row,
                "unknown-employee",
                f"Employee ID {goal.employee_id} is not in {sheet}{hint}",
                phrase("unknown-employee", id=goal.employee_id, sheet=sheet, hint=said),
            )
        if goal.progress is not None and not 0 <= goal.progress <= 100:
            ctx.add(
                ERROR,
                "goals",
                "progress",
                goal.row,
                "invalid-progress",
                f"Progress {goal.progress} % is outside 0–100.",
                phrase("progress-outside-range", progress=goal.progress),
            )
