"""A manager's follow-up copy moving with the manager's folder (issue 12): their folder's name follows
their name, and the file's their language. The copy is merged from where it is, written in its new
place, and then taken from the old one with its history (`managers.write_copies`); a run killed in
between leaves the record's `earlier`, and the next run finishes the move (`finish_moves`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.followup.record import HISTORY_DIR, backup
from pipeline.store.moved import remove_empty_folders

if TYPE_CHECKING:
    from pipeline.followup.managers import Copies, Taken


def place_of(copies: Copies, manager_id: str, wanted: Path) -> tuple[Path, Path | None]:
    """Where the manager's copy goes, and where it is now when that is another place: their folder's
    name follows their name, the file's their language, so a copy written before either changed
    moves (and is merged from its old place first, like any copy)."""
    now = copies.path(manager_id)
    if now is None or now == wanted or not now.exists():
        return wanted, None
    return wanted, now


def leave(earlier: Path, path: Path, root: Path) -> None:
    """A copy's old place, once it is in its new one: its history goes along, and the folder is
    removed when nothing else is left in it (a manager's own files keep it)."""
    history = earlier.parent / HISTORY_DIR
    if earlier.parent != path.parent and history.is_dir():
        target = path.parent / HISTORY_DIR
        target.mkdir(parents=True, exist_ok=True)
        for old in history.iterdir():
            if old.is_file() and not (target / old.name).exists():
                os.replace(old, target / old.name)
    earlier.unlink(missing_ok=True)
    remove_empty_folders(history, root)
    remove_empty_folders(earlier.parent, root)


def finish_moves(taken: Taken, root: Path) -> None:
    """Copies a killed run moved but did not take from their old place: taken now (an old copy edited
    since was merged from there, `Copies.path`, and is kept in the history first)."""
    for manager_id, entry in taken.copies.entries.items():
        earlier, path = entry.get("earlier"), taken.copies.path(manager_id)
        if not earlier or path is None or path == root / earlier:
            continue
        old, written = root / earlier, taken.copies.last_run(manager_id).get("file")
        if old.exists() and taken.sha_of(old) != written:
            backup(old, path.parent)
        leave(old, path, root)
        entry.pop("earlier", None)
