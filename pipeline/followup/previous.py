"""The round before this one, for the leadership summary: its figures, and the status now of the goals
and actions agreed in it."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import OutputError
from pipeline.followup.columns import COUNTED_GOAL_SOURCES, Notes, Row
from pipeline.followup.figures import Figures, PreviousRound
from pipeline.followup.reading import read_existing
from pipeline.followup.record import FOLLOW_UP_FILE, read_state, sha
from pipeline.followup.sources import read_register
from pipeline.store.state import State


def find_previous_round(
    output: Path, root: Path, current_goals: list[Row], notes: Notes
) -> PreviousRound | None:
    """The latest round before this one (by folder name) that has a register, with its figures and the
    status now of the goals and actions agreed in it."""
    try:
        with_register = set(State(output).rounds())
        candidates = sorted(
            d
            for d in output.iterdir()
            if d.is_dir() and d.name != root.name and d.name < root.name and d.name in with_register
        )
    except (OSError, OutputError):
        return None
    if not candidates:
        return None
    folder = candidates[-1]
    try:
        register = read_register(folder)
    except OutputError as exc:
        notes.warn(
            "previous-round-unreadable", f"{exc} The previous round is left out of the leadership summary."
        )
        return None
    runs = read_state(folder, None).get("runs", [])
    last = runs[-1] if runs else {}
    round_id = str(last.get("round_id") or folder.name)
    figures = Figures.from_dict(last["figures"]) if isinstance(last.get("figures"), dict) else None
    agreed_ids = [str(g.id) for c in register.values() for g in c.goals if g.id]
    ids = dict.fromkeys(agreed_ids)
    for row in current_goals:
        if row.values.get("agreed_in") == round_id and row.source in COUNTED_GOAL_SOURCES:
            ids.setdefault(row.key)
    now = {row.key: row.values.get("status") for row in current_goals if row.source in COUNTED_GOAL_SOURCES}
    then = _previous_statuses(folder, last, notes)
    counts: dict[str, int] = {}
    for goal_id in ids:
        status = now[goal_id] if goal_id in now else then.get(goal_id, "not_started")
        status = status if status in ("not_started", "in_progress", "done", "cancelled") else ""
        counts[status] = counts.get(status, 0) + 1
    return PreviousRound(
        round_id=round_id,
        figures=figures,
        held=sum(1 for c in register.values() if c.held_on),
        approved=sum(1 for c in register.values() if c.approval is not None and c.approval.approved is True),
        agreed=len(agreed_ids),
        goal_status=counts,
    )


def _previous_statuses(folder: Path, last_run: dict, notes: Notes) -> dict[str, object]:
    """The previous round's goal statuses: its follow-up workbook as people left it (read only when it
    changed since its last run wrote it), else what that run wrote."""
    statuses: dict[str, object] = {}
    for key, record in (last_run.get("goals") or {}).items():
        statuses[key] = (record.get("w") or {}).get("status", (record.get("g") or {}).get("status"))
    path = folder / FOLLOW_UP_FILE
    if path.exists() and sha(path) != last_run.get("file"):
        quiet = Notes(notes.lang)
        try:
            sheet = read_existing(path, quiet).sheets.get("goals")
        except OutputError as exc:
            notes.warn(
                "previous-round-unreadable",
                f"{exc} The previous round's goals are counted from its last run.",
            )
            sheet = None
        for row in sheet.rows if sheet else []:
            if row.key and "status" in sheet.present:
                statuses[row.key] = row.values.get("status")
    return statuses
