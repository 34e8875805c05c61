"""What the follow-up step remembers between runs, and the file handling its workbooks share: the
record of each run in the state database, file hashes and stamps, the open-file check and dated
backups. Used by HR's workbook (`step.py`) and by the managers' copies (`managers.py`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import texts
from pipeline.errors import OutputError
from pipeline.followup.columns import Notes, Row
from pipeline.store.files import atomic_write
from pipeline.store.ledger import input_digest
from pipeline.store.state import DATABASE, STATE_DIR, State

COPY_NAMES = frozenset(texts.every("book.manager_file"))


@dataclass
class CopiesResult:
    """What `write_copies` did: files written, copies left as they were (unchanged), and those not
    rewritten (open, or edited but not merged). An edited copy replaced is in its folder's history/."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    seconds: float = 0.0  # the time the copies took (for `make bench`)
    kept: list[Path] = field(default_factory=list)
    stamps: dict[str, list[int] | None] = field(default_factory=dict)  # each copy written: its stamp then
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (from, to): a manager's name corrected


FOLLOW_UP_FILE = "follow-up.xlsx"
HISTORY_DIR = "history"
STATE_FILE = "follow-up-state"  # the state database's record of the follow-up workbook's runs


def read_state(root: Path, notes: Notes | None) -> dict:
    """The record of the last runs (`{"runs": [...]}`) of a round's follow-up workbook; an empty
    record, with a warning, when it cannot be read."""
    try:
        state = State(root.parent)
        data = state.document(root.name, STATE_FILE)
        if data is None:
            return {"version": 1, "runs": []}
        if not isinstance(data.get("runs"), list):
            raise ValueError("no list of runs")
        return data
    except (OSError, ValueError, AttributeError, OutputError) as exc:
        if notes is not None:
            notes.warn(
                "follow-up-state-damaged",
                f"{root.parent / STATE_DIR / DATABASE}: the record of the last run cannot be read ({exc}); every value in an editable "
                "column that differs from the sources is treated as a person's edit.",
            )
        return {"version": 1, "runs": []}


def write_state(root: Path, state: dict) -> None:
    """Keep the record of the runs (one transaction)."""
    State(root.parent).put_document(root.name, STATE_FILE, state)


def baseline(state: dict, token: str | None) -> dict:
    """The run the existing file was written by (by its token), else the latest run, else nothing."""
    runs = state.get("runs", [])
    for run in runs:
        if token and run.get("token") == token:
            return run
    return runs[-1] if runs else {}


def sha(path: Path) -> str | None:
    """The file's SHA-256, or None when it is not there."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def file_stamp(path: Path) -> list[int] | None:
    """Size and modification time (ns), or None when the file is not there."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def lock_file(path: Path) -> Path | None:
    """The lock file Excel (`~$name`, or `~$` + the name without its first two characters on some
    versions) or LibreOffice (`.~lock.name#`) keeps beside an open workbook, or None."""
    for lock in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        if (path.parent / lock).exists():
            return path.parent / lock
    return None


def refuse_if_open(path: Path) -> None:
    """Replacing an open workbook would lose the edits being made in it, so refuse."""
    lock = lock_file(path)
    if lock is not None:
        raise OutputError(
            f"{path}: the file is open ({lock} exists). Close it in Excel or LibreOffice "
            "and run again (if it is not open anywhere, delete that lock file)."
        )


def backup(path: Path, folder: Path) -> Path:
    """Copy the workbook about to be replaced to `<folder>/history/<name>-<timestamp>.xlsx`."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / HISTORY_DIR / f"{path.stem}-{stamp}{path.suffix}"
    n = 2
    while target.exists():
        target = folder / HISTORY_DIR / f"{path.stem}-{stamp}-{n}{path.suffix}"
        n += 1
    atomic_write(target, lambda temporary: shutil.copyfile(path, temporary))
    return target


def content_digest(
    lang: str,
    today: dt.date,
    rows: dict[str, list[Row]],
    extra_headers: dict[str, list[str]],
    others: list,
) -> str:
    """A hash of everything a follow-up workbook (HR's, or a manager's copy) will show: its rows, the
    columns and sheets people added, the language and the day."""
    shown = [
        [(r.key, r.source, r.values, {h: e.value for h, e in r.extras.items()}) for r in rows[k]]
        for k in rows
    ]
    return input_digest(lang, today, shown, extra_headers, others)


def runs_kept(runs: list[dict], run: dict, on_disk: str | None, keep: int) -> list[dict]:
    """A workbook's runs remembered once `run` is added: the last `keep`, and always the one that wrote
    the file there now (`on_disk`, its token), whose baseline the next run compares the file with. Runs
    killed before they wrote the file each add a record, and would otherwise push it out (HR's
    follow-up and the managers' copies alike: tests/test_kills.py)."""
    earlier = [r for r in runs if r.get("token") != run.get("token")]
    kept = earlier[-(keep - 1) :]
    if on_disk and all(r.get("token") != on_disk for r in kept):
        kept = [r for r in earlier if r.get("token") == on_disk][-1:] + kept
    return [*kept, run]
