"""Documents a step now writes somewhere else: the earlier file is taken away, unless a person changed it.

A document's place follows the workbook: the employee's name is in their folder's name, the
interviewer's in their folder's, the language in the file's name. When HR corrects a name, gives a
meeting to another interviewer or changes a language, the step writes the document in its new place;
the one it wrote before (the same kind of document, for the same person) would stay behind in the old
place, a second letter or form that is out of date, and in another manager's folder when the meeting
moved to another interviewer (SPEC §7: a manager's folder holds only their own people). So once the new
file is written, the old one is removed, with its PDF, and its folder when nothing else is left in it.
A file a person changed since it was written is never removed: it stays, and the step says where the
current version is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.store.ledger import FAILED, Entry, Ledger, Outcome, digest


@dataclass(frozen=True)
class Moved:
    """A document written before at `old` and now at `new` (both relative to the round's folder)."""

    old: str
    new: str
    removed: bool  # False: kept where it was, because a person changed it


def clear_moved(root: Path, ledger: Ledger, outcomes: list[Outcome]) -> list[Moved]:
    """Remove the files the ledger knows under another path than this run's for the same kind and
    person (`outcomes`: what the step did this run), and forget them; report each, removed or kept."""
    written = {o.path for o in outcomes}
    stale = [path for path in ledger.entries if path not in written]  # most runs: none (20 ms saved)
    if not stale:
        return []
    now = {(o.kind, o.employee_id): o.path for o in outcomes if o.status != FAILED}
    moved: list[Moved] = []
    gone: list[str] = []
    earlier = [
        (path, entry, new)
        for path in stale
        if (new := now.get(((entry := ledger.entries[path]).kind, entry.employee_id))) is not None
    ]
    for path, entry, new in sorted(earlier, key=lambda item: item[0]):
        old = root / path
        state = as_written(old, entry)
        if state is None:
            gone.append(path)  # removed before (or by a run killed since): only its record is left
            continue
        if not state:
            moved.append(Moved(path, new, removed=False))
            continue
        old.unlink(missing_ok=True)
        if old.suffix == ".docx":
            old.with_suffix(".pdf").unlink(missing_ok=True)  # `--pdf` made it beside the document
        remove_empty_folders(old.parent, root)
        gone.append(path)
        moved.append(Moved(path, new, removed=True))
    ledger.forget(gone)  # after the files: a run killed in between finds them gone, and forgets them
    return moved


def as_written(path: Path, entry: Entry) -> bool | None:
    """Whether the file is as the ledger's `entry` says it was written (by its size and time, else its
    bytes); None when it is not there."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    if (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime_ns):
        return True
    return digest(path.read_bytes()) == entry.output_hash


def remove_empty_folders(folder: Path, root: Path) -> None:
    """`folder` and the folders above it, up to the round's own (`employees/`, `managers/` stay), while
    each is empty."""
    while folder.parent != root and folder != root and root in folder.parents:
        try:
            os.rmdir(folder)
        except OSError:  # not empty (a person's own file, another document), or gone
            return
        folder = folder.parent
