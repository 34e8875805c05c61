"""Where an employee's minutes are filed, and moving them when that place changes.

The minutes are filed under the employee's name (`minutes/<id>-<name>.docx`, and in their own folder);
the personnel copy under their ID only. When HR corrects a name, `invite` and `prepare` move that
employee's documents (`store/moved.py`), but minutes are written only when a form is collected: so
each `collect` moves the minutes collected before to where they now belong, as they are (a rename,
keeping the file's name, which says the language they were written in), unless a person changed them
since they were written.
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict

from pipeline.documents.kinds import KINDS
from pipeline.model import Employee, Round
from pipeline.register import Register
from pipeline.store import layout
from pipeline.store.ledger import Entry, Ledger, digest
from pipeline.store.moved import Moved, as_written, remove_empty_folders

MINUTES_FOLDER = "minutes/"
PLACES_STEP = "collect-places"  # the ledger's note of the workbook whose names the minutes were last filed by


def minutes_paths(round_: Round, employee: Employee, lang: str) -> tuple[str, str, str]:
    """Where the minutes go: the round's minutes folder, the employee's folder, the personnel folder
    (the last relative to the output folder, the first two to the round's folder)."""
    folder = layout.person_folder(employee)
    return (
        f"{MINUTES_FOLDER}{folder}.docx",
        f"{layout.EMPLOYEES}/{folder}/{KINDS['minutes'].file_name(lang, '.docx')}",
        f"{layout.PERSONNEL}/{layout.safe_name(employee.id)}/{layout.personnel_copy(round_.settings.round_id)}",
    )


def move_minutes(round_: Round, ledger: Ledger, register: Register) -> list[Moved]:
    """Move the round's minutes whose place changed since they were written (the round's ledger,
    `ledger`, says where each is), before this collect writes any: the register then says where they
    are, and is saved, then the ledger. Looked at only when the workbook read is not the one last
    looked at (the names come from it): working out 10,000 folders' names takes 15 ms, and most
    collects come with the same workbook."""
    seen = round_.workbook_content
    if seen and ledger.steps.get(PLACES_STEP, {}).get("fingerprint") == seen:
        return []
    filed: dict[str, list[str]] = defaultdict(list)
    for path, entry in ledger.entries.items():
        if entry.kind == "minutes":
            filed[entry.employee_id].append(path)
    moved: list[Moved] = []
    for employee in round_.employees:
        paths = filed.get(employee.id)
        if not paths:
            continue
        folder = layout.person_folder(employee)
        for old in paths:
            # the file's name stays: minutes are not made again, and their name says their language
            name = old.rsplit("/", 1)[-1]
            new = (
                f"{MINUTES_FOLDER}{folder}.docx"
                if old.startswith(MINUTES_FOLDER)
                else f"{layout.EMPLOYEES}/{folder}/{name}"
            )
            if old != new and (done := _move(ledger, ledger.entries[old], new)) is not None:
                moved.append(done)
                if done.removed:
                    _note_in_register(register, employee.id, old, new)
    if moved:  # in this order, each step taken again by a collect after a kill in between (`_move`)
        register.save()
        ledger.save()
        ledger.forget([m.old for m in moved if m.removed])
    if seen:
        ledger.steps[PLACES_STEP] = {"fingerprint": seen}  # saved with the ledger at the collect's end
    return moved


def _move(ledger: Ledger, entry: Entry, new: str) -> Moved | None:
    """One copy of the minutes to its new place (a rename), when it is as it was written and nothing
    is there; None when it is gone (removed by someone: it stays where the register says), unless
    it is in its new place already (a collect killed after it moved it)."""
    old_path, new_path = ledger.root / entry.path, ledger.root / new
    state = as_written(old_path, entry)
    if state is None:
        if new_path.exists() and digest(new_path.read_bytes()) == entry.output_hash:
            ledger.entries.setdefault(new, dataclasses.replace(entry, path=new))
            return Moved(entry.path, new, removed=True)
        return None
    if not state or new_path.exists():
        return Moved(entry.path, new, removed=False)
    new_path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(old_path, new_path)  # a rename keeps the size and time the ledger holds
    ledger.entries[new] = dataclasses.replace(entry, path=new)
    remove_empty_folders(old_path.parent, ledger.root)
    return Moved(entry.path, new, removed=True)


def _note_in_register(register: Register, employee_id: str, old: str, new: str) -> None:
    conversation = register.conversations.get(employee_id)
    if conversation is not None and old in conversation.minutes:
        minutes = [new if path == old else path for path in conversation.minutes]
        register.conversations[employee_id] = dataclasses.replace(conversation, minutes=minutes)
