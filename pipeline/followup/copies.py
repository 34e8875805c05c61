"""Managers' copies coming back: each edited cell merged three ways into HR's follow-up (issue 12).

A copy is read when it changed since the tool wrote it: in the manager's folder (a shared drive), or
among the files HR put in the folder given to `status --collect DIR`. Each editable cell is compared
three ways: B, what the tool wrote into that copy (the run its token names, `managers.Copies`); H, HR's
value after HR's workbook and the sources were merged; and M, the copy's value now.

* M == B: the manager changed nothing; the copy is rewritten with H.
* H == B, or H == M: the manager's change is taken (and counts as a person's edit from then on).
* H != B only because the sources changed (no person edited it in HR's workbook): the manager's edit
  wins over the sources, with a warning, as an edit in HR's workbook does.
* Otherwise both sides changed it to different values: a conflict. HR's value stays; both are listed
  on the Conflicts sheet of HR's workbook and in `status`'s output.

A copy is checked as an untrusted file first (`round.opening`: size, zip and macro checks), and it
must say whose it is: its custom properties name the manager and the round. Rows for employees who
are not (or no longer) that manager's are not taken, with the reason. A copy whose run is no longer
remembered (older than the last `managers.KEPT_RUNS` runs) is not merged. A returned file already
merged (same hash) is skipped, so that `--collect DIR` may be given the same folder again.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline import texts
from pipeline.errors import OutputError
from pipeline.followup import history
from pipeline.followup.columns import (
    COLUMNS,
    EDITABLE,
    BookColumn,
    ExistingFile,
    FileSheet,
    Notes,
    Row,
    cell_text,
    from_json,
    sheet_name,
    show_value,
    to_json,
)
from pipeline.followup.history import CONFLICTS_RECORD, HISTORY_RECORD
from pipeline.followup.managers import (
    COPY_SOURCES,
    MANAGER_PROPERTY,
    ROUND_PROPERTY,
    Copies,
    Returned,
    Taken,
)
from pipeline.followup.reading import read_existing
from pipeline.followup.record import COPY_NAMES, lock_file
from pipeline.followup.sources import Sources
from pipeline.round import schema
from pipeline.round.values import fold_word

MAX_COPY_BYTES = 20 * 2**20  # a copy for 100 people is about 60 KB
MAX_COPY_UNPACKED = 200 * 2**20


@dataclass
class Merging:
    """What merging a copy needs: the sources, HR's rows by sheet and ID, the day, the warnings, and
    where the results go."""

    round_id: str
    sources: Sources
    index: dict[str, dict[str, Row]]
    today: dt.date
    notes: Notes
    taken: Taken
    merged: dict[str, list[Row]]


def take_copies(
    root: Path,
    sources: Sources,
    merged: dict[str, list[Row]],
    collect_dir: Path | None,
    today: dt.date,
    notes: Notes,
) -> Taken:
    """Merge every manager's copy that changed since it was written (in their folder, then the files
    in `collect_dir` in the order they were saved) into `merged`, HR's rows (see the module's
    docstring)."""
    try:
        taken = Taken(Copies.read(root))
    except OutputError as exc:
        notes.warn(
            "follow-up-state-damaged", f"{exc} The managers' copies are not merged or rewritten this time."
        )
        taken = Taken(Copies(root))
        taken.held.update(p.parent.name for p in _copies_in(root))
        return taken
    index = {
        kind: {row.key: row for row in merged[kind] if row.key and row.source in COPY_SOURCES}
        for kind in merged
    }
    merging = Merging(sources.round_.settings.round_id, sources, index, today, notes, taken, merged)
    for manager_id in sorted(taken.copies.entries):
        path = taken.copies.path(manager_id)
        if (
            path is None
            or not path.exists()
            or taken.sha_of(path) == taken.copies.last_run(manager_id).get("file")
        ):
            continue
        if (lock := lock_file(path)) is not None:
            taken.held.add(manager_id)
            notes.warn(
                "manager-copy-open",
                f"{path}: the copy is open ({lock.name} is beside it); it is merged and rewritten on a later run.",
                path,
            )
            continue
        _merge_file(path, manager_id, merging)
    for path in _returned_files(collect_dir, notes):
        _merge_returned(path, merging)
    return taken


def _copies_in(root: Path) -> list[Path]:
    return [p for p in (root / "managers").glob("*/*.xlsx") if p.name in COPY_NAMES]


def _returned_files(collect_dir: Path | None, notes: Notes) -> list[Path]:
    """The workbooks in the folder of returned copies, oldest first (so a newer copy is merged last);
    a file of another kind there (an .ods, an .xls, a CSV) is named in a warning."""
    if collect_dir is None:
        return []
    if not collect_dir.is_dir():
        raise OutputError(f"{collect_dir}: not a folder; give the folder the returned copies are in.")
    found = []
    for path in sorted(p for p in collect_dir.rglob("*") if p.is_file()):
        if path.name.startswith(("~$", ".~lock.", ".")):
            continue  # lock files and hidden files (.DS_Store)
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            found.append(path)
        else:
            notes.warn(
                "not-a-manager-copy",
                f"{path}: not an .xlsx workbook, so not a follow-up copy; if it is one, open it and save it "
                "as Excel (.xlsx), then run again.",
                path,
            )
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, str(p)))


def _merge_returned(path: Path, merging: Merging) -> None:
    """A copy HR collected: whose it is comes from its properties; a file already merged is skipped."""
    notes, taken = merging.notes, merging.taken
    existing = _read(path, notes)
    if existing is None:
        return
    manager_id = existing.properties.get(MANAGER_PROPERTY, "")
    if not manager_id:
        notes.warn(
            "not-a-manager-copy",
            f"{path}: not a manager's follow-up copy (it does not say whose it is); not merged.",
            path,
        )
        return
    entry = taken.copies.entries.get(manager_id, {})
    written = {run.get("file") for run in entry.get("runs", [])}
    merged = {*entry.get("merged", []), *(digest for whose, digest in taken.merged if whose == manager_id)}
    if taken.sha_of(path) in {*merged, *written}:
        return  # merged before (or in this run), or a copy as the tool wrote it (nothing to take)
    _merge_file(path, manager_id, merging, existing)


def _read(path: Path, notes: Notes) -> ExistingFile | None:
    """A copy read as an untrusted file (the workbook checks of `round.opening`, and no macros), its
    warnings naming the file; None, with a warning, when it cannot be taken."""
    if (reason := _untrusted(path)) is not None:
        notes.warn("manager-copy-refused", f"{path}: not merged: {reason}. The file is left as it is.", path)
        return None
    quiet = Notes(notes.lang)
    try:
        existing = read_existing(path, quiet)
    except OutputError as exc:
        notes.warn("manager-copy-unreadable", f"{exc} Not merged; the copy is left as it is.", path)
        return None
    for problem in quiet.problems:
        notes.warn(problem.code, f"{path}: {problem.message}", path)
    return existing


def _untrusted(path: Path) -> str | None:
    """Why a returned copy is not even opened: too large for a copy, or with macros; else None."""
    try:
        if path.stat().st_size > MAX_COPY_BYTES:
            return f"it is {path.stat().st_size // 2**20} MB, far more than a follow-up copy (limit {MAX_COPY_BYTES // 2**20} MB)"
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_COPY_UNPACKED:
                return (
                    f"it unpacks to more than {MAX_COPY_UNPACKED // 2**20} MB, far more than a follow-up copy"
                )
            if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
                return "it contains macros (a copy is an .xlsx without them)"
    except (OSError, zipfile.BadZipFile):
        return None  # read_existing says what is wrong with it
    return None


def _merge_file(path: Path, manager_id: str, merging: Merging, existing: ExistingFile | None = None) -> None:
    """Check that the copy is the manager's and this round's, then merge it cell by cell."""
    notes, taken, round_id = merging.notes, merging.taken, merging.round_id
    in_folder = existing is None
    existing = existing or _read(path, notes)
    if existing is None:
        if in_folder:  # edited, but unreadable: it is not replaced
            taken.held.add(manager_id)
        return
    claims = existing.properties.get(MANAGER_PROPERTY, "")
    problem = None
    if claims != manager_id:
        problem = f"it says it is the copy of {claims or 'no one'}, not of {manager_id}"
    elif existing.properties.get(ROUND_PROPERTY, round_id) != round_id:
        problem = f"it is the copy of round {existing.properties.get(ROUND_PROPERTY)}, not of {round_id}"
    base = taken.copies.run_of(manager_id, existing.token)
    if problem is None and base is None:
        problem = "it was written by a run no longer remembered (too old to merge safely); compare it by hand"
    if problem is not None:
        if in_folder:
            taken.held.add(manager_id)
        notes.warn("manager-copy-refused", f"{path}: not merged: {problem}. The copy is left as it is.", path)
        return
    label = merging.sources.interviewer_name_of(manager_id, notes.lang)
    for kind in ("conversations", "goals"):
        sheet = existing.sheets.get(kind)
        if sheet is not None:
            _merge_sheet(kind, sheet, base, (manager_id, label, path, sheet.title), merging)
    taken.returned[manager_id] = Returned.of(existing)
    taken.merged.append((manager_id, taken.sha_of(path)))  # recorded once HR's workbook holds it
    notes.counts["copies_merged"] += 1


def _merge_sheet(
    kind: str, sheet: FileSheet, base: dict, where: tuple[str, str, Path, str], merging: Merging
) -> None:
    """Each row of one sheet of a copy: only rows the tool wrote into it, for the manager's people."""
    manager_id, label, path, _ = where
    written = base.get(kind) or {}
    moved = set(base.get("moved", []))
    refused: list[str] = []
    for row in sheet.rows:
        if row.source == "moved" or row.key in moved:
            continue
        if kind == "goals" and (
            not row.key or (row.key not in written and row.key not in merging.index[kind])
        ):
            problem = _new_item(row, manager_id, path, merging)
            if problem:
                refused.append(f"{sheet.title} row {row.line}: {problem}")
            continue
        target = merging.index[kind].get(row.key)
        employee_id = (
            row.key
            if kind == "conversations"
            else str((target.values if target else row.values).get("employee_id") or "")
        )
        owner = merging.sources.interviewer_of.get(employee_id, "")
        if row.key not in written or target is None or owner != manager_id:
            if _changed_cells(kind, row, sheet, written.get(row.key)):
                refused.append(f"{row.key}: not a row this copy was given, or not {label}'s")
            continue
        for column in EDITABLE[kind]:
            if column.key in sheet.present:
                _merge_cell(kind, column, row, target, written[row.key], where, merging)
    if refused:
        notes = merging.notes
        shown = "; ".join(refused[:10]) + (" …" if len(refused) > 10 else "")
        notes.warn(
            "manager-copy-rows-refused",
            f"{path}, {sheet.title}: {len(refused)} row(s) not taken ({shown}).",
            path,
        )


def _new_item(row: Row, manager_id: str, path: Path, merging: Merging) -> str | None:
    """A row a manager added on Goals and actions becomes a new goal or action of one of their people,
    with a stable ID (`<round>-<employee>-F<n>`), kept in HR's workbook as added by hand. Returns why
    it is not taken, or None (taken, already taken from an earlier copy, or an empty row)."""
    values, sources = row.values, merging.sources
    description = cell_text(values.get("description"))
    typed = [v for k, v in values.items() if k not in ("source",) and v not in (None, "")]
    if not typed:
        return None
    people = {e for e, m in sources.interviewer_of.items() if m == manager_id}
    employee_id = cell_text(values.get("employee_id"))
    if not employee_id:
        name = fold_word(cell_text(values.get("name")))
        employee_id = next((e for e in sorted(people) if fold_word(sources.employee(e).name) == name), "")
    if employee_id not in people:
        return "give the Employee ID (or name) of one of your own people"
    if not description:
        return "a new goal or action needs a description"
    for other in merging.merged["goals"]:
        if (
            other.values.get("employee_id") == employee_id
            and cell_text(other.values.get("description")) == description
        ):
            return None  # the same row, already taken from this or an earlier copy
    kind = schema.enum_lookup("goal_type").get(fold_word(cell_text(values.get("type"))), "action")
    prefix = f"{merging.round_id}-{employee_id}-F"
    taken_numbers = [
        int(k[len(prefix) :])
        for k in merging.index["goals"]
        if k.startswith(prefix) and k[len(prefix) :].isdigit()
    ]
    goal_id = f"{prefix}{max(taken_numbers, default=0) + 1}"
    person = sources.employee(employee_id)
    notes = merging.notes
    where = f"{path.name} {goal_id}"
    new = Row(
        goal_id,
        {
            "goal_id": goal_id,
            "employee_id": employee_id,
            "name": person.name,
            "department": person.department,
            "type": kind,
            "description": notes.fit(description, where),
            "measure": notes.fit(cell_text(values.get("measure")), where) or None,
            "responsible": notes.fit(cell_text(values.get("responsible")), where) or None,
            "due": values.get("due"),
            "status": values.get("status") or "not_started",
            "progress": values.get("progress"),
            "comment": values.get("comment"),
            "agreed_in": merging.round_id,
            "last_updated": merging.today,
        },
        "hand",
        edited_on=merging.today,
    )
    merging.merged["goals"].append(new)
    merging.index["goals"][goal_id] = new
    notes.counts["copy_new_rows"] += 1
    merging.taken.changes.append(
        history.change(manager_id, "goals", goal_id, "created", None, description, path)
    )
    return None


def _changed_cells(kind: str, row: Row, sheet: FileSheet, written: dict | None) -> bool:
    """Whether a row holds anything in its editable cells other than what was written there."""
    written = written or {}
    return any(
        row.values.get(c.key) != from_json(c, written.get(c.key))
        for c in EDITABLE[kind]
        if c.key in sheet.present
    )


def _merge_cell(
    kind: str,
    column: BookColumn,
    row: Row,
    target: Row,
    written: dict,
    where: tuple[str, str, Path, str],
    merging: Merging,
) -> None:
    """One editable cell, three ways (the rules are in the module's docstring)."""
    manager_id, label, path, title = where
    notes, taken, today = merging.notes, merging.taken, merging.today
    mine, was = row.values.get(column.key), from_json(column, written.get(column.key))
    if mine == was:
        return
    hr = target.values.get(column.key)
    if hr == mine:
        return
    header = column.header(notes.lang)
    # a row added by hand has no sources: any change to it in HR's workbook is a person's
    if hr != was and (column.key in target.edited or target.source == "hand"):
        conflict = {
            "on": today.isoformat(),
            "manager_id": manager_id,
            "sheet": kind,
            "id": target.key,
            "column": column.key,
            "hr": to_json(hr),
            "manager": to_json(mine),
            "file": str(path),
        }
        taken.conflicts.append(conflict)
        notes.warn(
            "follow-up-conflict",
            f"{title} {target.key}, {header}: changed both in HR's follow-up (“{show_value(column, hr, notes.lang)}”, kept) "
            f"and in {label}'s copy (“{show_value(column, mine, notes.lang)}”, {path}); both are on the Conflicts sheet.",
            path,
        )
        return
    if hr != was:
        notes.warn(
            "edit-kept-against-source",
            f"{title} {target.key}, {header}: kept “{show_value(column, mine, notes.lang)}”, typed in {label}'s copy; "
            f"the sources now say “{show_value(column, hr, notes.lang)}”. Change the cell if the new value is right.",
            path,
        )
    target.values[column.key] = mine
    target.edited.add(column.key)
    target.edited_on = today
    notes.counts["copy_edits"] += 1
    taken.changes.append(history.change(manager_id, kind, target.key, column.key, hr, mine, path))


def remember(root: Path, taken: Taken, changes: list[dict]) -> None:
    """Add this run's conflicts, and its changes (HR's and the sources' in `changes`, then the
    copies'), to the round's records."""
    history.append(root, CONFLICTS_RECORD, taken.conflicts)
    history.append(root, HISTORY_RECORD, [*changes, *taken.changes])


def recorded_conflicts(root: Path) -> list[dict]:
    """Every conflict recorded in the round, oldest first."""
    return history.recorded(root, CONFLICTS_RECORD)


def conflicts_sheet(
    conflicts: list[dict], sources: Sources, lang: str
) -> tuple[str, list[list[object]]] | None:
    """The Conflicts sheet of HR's workbook: every conflict of the round, newest first (None when
    there has been none)."""
    if not conflicts:
        return None
    names = texts.section(lang, "book.conflict_columns")
    grid: list[list[object]] = [
        [names[k] for k in ("on", "sheet", "id", "column", "hr", "manager", "who", "file")]
    ]
    for item in reversed(conflicts):
        kind = item.get("sheet") if item.get("sheet") in COLUMNS else "goals"
        column = next((c for c in EDITABLE[kind] if c.key == item.get("column")), None)
        if column is None:
            continue
        grid.append(
            [
                from_json(BookColumn("", "date"), item.get("on")),
                sheet_name(kind, lang),
                str(item.get("id", "")),
                column.header(lang),
                show_value(column, from_json(column, item.get("hr")), lang),
                show_value(column, from_json(column, item.get("manager")), lang),
                sources.interviewer_name_of(str(item.get("manager_id", "")), lang),
                Path(str(item.get("file", ""))).name,
            ]
        )
    return sheet_name("conflicts", lang), grid
