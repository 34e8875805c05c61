"""`appraisal purge`: a round's folder and state removed, and personnel copies past their retention.

What a round purge removes and keeps (README, "Retention"):
* removed: `output/<round>/` whole (the documents, the minutes' copies, the follow-up workbooks, the
  managers' copies, the reports, the history copies) and the round's rows in the state database (its
  ledger, register, events and records);
* kept: the personnel copies of the minutes (`output/personnel/`, which `purge --personnel` deletes on
  their own clock); the goals and actions still open, which the next round carries over (only those
  rows of the round's last snapshot); and when the round ended and who had left by then, which the
  personnel copies' clock needs;
* listed, never touched: the returned forms collect read, which are in HR's own folders.

Nothing is removed unless asked (`apply`); the plan is what the command lists first. A round's folder
is first renamed out of the way (one atomic step), then its state is forgotten (one transaction), then
the renamed folder is deleted: a purge killed at any moment leaves either the round as it was, or a
round whose remains the next purge finishes removing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import clock
from pipeline.collect.report import STATE_NAME as COLLECT_RECORD
from pipeline.errors import AppraisalError, OutputError
from pipeline.followup.carry import FINISHED, SNAPSHOT
from pipeline.followup.columns import iso_date
from pipeline.store import layout
from pipeline.store.folder import ROUND_RECORD, RoundOutput
from pipeline.store.ledger import LEDGER_DIR, output_lock
from pipeline.store.state import State

if TYPE_CHECKING:
    import pandas as pd

PURGING = ".purging-"  # a round folder being removed: renamed to `.purging-<round>-<pid>` first
DURATION = re.compile(r"^\s*(\d{1,4})\s*(y|years?|m|months?|w|weeks?|d|days?)\s*$", re.IGNORECASE)
_UNITS = {"y": "years", "m": "months", "w": "weeks", "d": "days"}


@dataclass
class RoundPurge:
    """What purging one round removes and keeps; `removed` once it is done."""

    round_id: str
    folder: Path
    ends_on: dt.date | None = None
    files: int = 0  # in the round's folder
    size: int = 0  # their bytes
    rows: dict[str, int] = field(default_factory=dict)  # the round's rows in the state, by table
    personnel_kept: int = 0  # personnel copies of this round's minutes, kept
    carried_kept: int = 0  # open goals and actions kept for the next round's carry-over
    returned_forms: list[Path] = field(default_factory=list)  # in HR's folders: listed, not touched
    open_files: list[Path] = field(default_factory=list)  # Office lock files: someone has a file open
    removed: bool = False

    @property
    def anything(self) -> bool:
        """Whether anything of the round is left to remove (beyond the records a purge keeps)."""
        return bool(self.files or any(self.rows.values()))


@dataclass(frozen=True)
class PersonnelCopy:
    """A personnel copy of a round's minutes, and when its retention ends (None: not known)."""

    path: Path
    employee_id: str
    round_id: str
    due: dt.date | None


def parse_duration(text: str) -> pd.DateOffset:
    """`5y`, `18 months`, `6w`, `400d` as an offset; AppraisalError otherwise."""
    import pandas as pd  # loaded only when it is used: the other commands never load it

    found = DURATION.match(text)
    if not found:
        raise AppraisalError(
            f"--older-than {text!r}: write a number and a unit, like 5y, 18m, 6w or 400d (years, months, weeks, days)."
        )
    return pd.DateOffset(**{_UNITS[found.group(2)[0].lower()]: int(found.group(1))})


def add_offset(day: dt.date, offset: pd.DateOffset, sign: int = 1) -> dt.date:
    """`day` plus (or, `sign` -1, minus) `offset`, in calendar terms (29 February + 1 year: 28 February)."""
    import pandas as pd  # loaded only when it is used: the other commands never load it

    stamp = pd.Timestamp(day)
    return (stamp + offset if sign > 0 else stamp - offset).date()


def round_records(output: Path) -> dict[str, dict]:
    """Each round's record of its end and leavers, by its folder name (scope)."""
    return {k: v for k, v in State(output).documents_named(ROUND_RECORD).items() if isinstance(v, dict)}


def ended_on(record: dict | None) -> dt.date | None:
    """The end a round record gives, or None."""
    return iso_date((record or {}).get("ends_on"))


def rounds_ended_before(output: Path, cutoff: dt.date) -> tuple[list[str], list[str]]:
    """The rounds in `output` that ended on or before `cutoff` and still have something to remove, and
    those whose end is not known (never run by a version that records it): (ended, unknown)."""
    records = round_records(output)
    names = {d.name for d in _round_folders(output)} | set(records)
    ended, unknown = [], []
    for name in sorted(names):
        end = ended_on(records.get(name))
        if end is None:
            if (output / name).is_dir():
                unknown.append(name)
        elif end <= cutoff and plan_round(output, str(records[name].get("round_id") or name)).anything:
            ended.append(str(records[name].get("round_id") or name))
    return ended, unknown


def _round_folders(output: Path) -> list[Path]:
    try:
        return [
            d
            for d in output.iterdir()
            if d.is_dir()
            and not d.name.startswith(".")
            and d.name != layout.PERSONNEL
            and (d / LEDGER_DIR).is_dir()
        ]
    except OSError:
        return []


def plan_round(output: Path, round_id: str) -> RoundPurge:
    """What purging `round_id` would remove and keep (nothing is changed)."""
    folder = layout.round_folder(output, round_id)
    state = State(output)
    plan = RoundPurge(round_id, folder, ended_on(state.document(folder.name, ROUND_RECORD)))
    for directory, folders, names in os.walk(folder):
        if directory == os.fspath(folder) and LEDGER_DIR in folders:
            folders.remove(LEDGER_DIR)  # the lock and the run's status: not the round's content
        for name in names:
            path = os.path.join(directory, name)
            plan.files += 1
            plan.size += _size(path)
            if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
                plan.open_files.append(Path(path))
    plan.rows = state.round_counts(folder.name, round_id)
    kept = (state.document(folder.name, n) is not None for n in (ROUND_RECORD, SNAPSHOT))
    plan.rows["records"] -= sum(kept)  # those stay
    plan.personnel_kept = len(
        list((output / layout.PERSONNEL).glob(f"*/{layout.personnel_copy(round_id, '.*')}"))
    )
    plan.carried_kept = len(_open_goals(state.document(folder.name, SNAPSHOT)))
    record = state.document(folder.name, COLLECT_RECORD)
    files = record.get("files") if isinstance(record, dict) else None
    plan.returned_forms = sorted(
        Path(p) for p in (files or {}) if Path(p).is_file() and not _inside(Path(p), output)
    )
    return plan


def _size(path: str) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


def _open_goals(snapshot: object) -> list[dict]:
    if not isinstance(snapshot, dict):
        return []
    return [g for g in snapshot.get("goals", []) if isinstance(g, dict) and g.get("status") not in FINISHED]


def purge_round(output: Path, round_id: str, *, apply: bool) -> RoundPurge:
    """Plan the purge of `round_id` and, with `apply`, do it: under the round's lock and the output
    folder's (no step of any round runs meanwhile). Refuses while a file of the round is open."""
    folder = layout.round_folder(output, round_id)
    if (
        folder.name == layout.PERSONNEL
        or folder.name.startswith(".")
        or (folder.is_dir() and not (folder / LEDGER_DIR).is_dir())
    ):  # `--round personnel` must never remove every personnel copy; nor a folder the tool did not make
        raise OutputError(
            f"{folder}: not a round's folder made by appraisal (it has no {LEDGER_DIR}/); nothing was removed."
        )
    # the round's lock lives in its folder: with no folder (only state left), the output folder's lock
    hold = RoundOutput(output, round_id).hold(personnel=True) if folder.is_dir() else output_lock(output)
    with hold:
        remove_interrupted_purges(output)
        plan = plan_round(output, round_id)
        if not apply or not plan.anything:
            return plan
        if plan.open_files:
            shown = ", ".join(str(p) for p in plan.open_files[:3])
            raise OutputError(
                f"{folder}: a file of the round is open ({shown}). Close it in Word, Excel or LibreOffice "
                "and purge again (if nothing is open, delete the lock file); nothing was removed."
            )
        state = State(output)
        keep: dict[str, object] = {}
        record = state.document(folder.name, ROUND_RECORD)
        if isinstance(record, dict):
            keep[ROUND_RECORD] = {**record, "purged_on": clock.today().isoformat()}
        snapshot = state.document(folder.name, SNAPSHOT)
        if isinstance(snapshot, dict):
            keep[SNAPSHOT] = {**snapshot, "goals": _open_goals(snapshot)}
        away = output / f"{PURGING}{folder.name}-{os.getpid()}"
        if folder.exists():
            os.rename(folder, away)  # one step: the round's folder is whole or gone
        state.forget_round(folder.name, round_id, keep)
        shutil.rmtree(away, ignore_errors=True)
        plan.removed = True
    return plan


def remove_interrupted_purges(output: Path) -> None:
    """Delete what a purge killed after renaming a round's folder left (`.purging-*`)."""
    for leftover in output.glob(f"{PURGING}*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def personnel_copies(output: Path, years: int) -> list[PersonnelCopy]:
    """Every personnel copy of minutes in `output/personnel/`, with the day its retention of `years`
    ends: that long after its round ended, or after the end of the round in which the employee is
    first marked as left, when that is later. A copy whose round's end is not recorded has no due day."""
    import pandas as pd  # loaded only when it is used: the other commands never load it

    records = round_records(output)
    left_at: dict[str, dt.date] = {}
    for record in records.values():
        end = ended_on(record)
        for employee_id in record.get("left") or []:
            if end is not None and (employee_id not in left_at or end < left_at[employee_id]):
                left_at[str(employee_id)] = end
    offset = pd.DateOffset(years=years)
    copies = []
    for path in sorted((output / layout.PERSONNEL).glob(f"*/*{layout.PERSONNEL_COPY}.*")):
        scope = path.name.split(f"{layout.PERSONNEL_COPY}.")[0]
        employee_id = path.parent.name
        record = records.get(scope)
        end = ended_on(record)
        if end is not None and employee_id in left_at:
            end = max(end, left_at[employee_id])
        round_id = str((record or {}).get("round_id") or scope)
        copies.append(PersonnelCopy(path, employee_id, round_id, add_offset(end, offset) if end else None))
    return copies


def purge_personnel(output: Path, years: int, today: dt.date, *, apply: bool) -> list[PersonnelCopy]:
    """The personnel copies past their retention on `today` (and, with `apply`, deleted, with their
    ledger rows, and their employee's folder when it is left empty), under the output folder's lock."""
    with output_lock(output, written_in=output / layout.PERSONNEL):
        due = [c for c in personnel_copies(output, years) if c.due is not None and c.due <= today]
        if apply and due:
            for copy in due:
                copy.path.unlink(missing_ok=True)
                if not any(copy.path.parent.iterdir()):
                    copy.path.parent.rmdir()
            State(output).forget_files("", [c.path.relative_to(output).as_posix() for c in due])
    return due
