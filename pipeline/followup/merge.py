"""The follow-up workbook's columns, reading the copy people edited, and merging it with the sources.

Merge rules (the README says the same for users):

* Rows are matched by ID (Goal ID on Goals and actions, Employee ID on Conversations), never by
  position: sorting, filtering, hiding or moving rows and columns changes nothing. Columns are found by
  header, in Norwegian or English. The order people leave the rows in is kept (`as_placed`): a new row
  goes after the row it follows in the sources' order.
* The editable columns are due date, status, progress and comment (goals and actions) and approved
  date and follow-up held (conversations). A value there counts as a person's edit when it differs from what
  the sources gave at the run that wrote the file (recorded in the state database); an
  edit wins over the sources, now and on later runs, and when the sources change under an edit the
  edit is kept and a warning names both values. A value equal to the source's value follows the
  sources. Without that record (first run over a file from elsewhere), any non-empty value that
  differs from the sources counts as an edit.
* Everything typed is kept as typed: a status or date that is not understood stays as text (with a
  warning); a formula in an editable column is kept as its text, never calculated.
* A row whose source is gone (an employee no longer active, a goal deleted from the workbook) is kept
  with its values and marked "removed from source" in the Source column. Deleting such a row removes it.
* A row deleted by mistake (or the whole file) comes back from the sources, with the edits it had at
  the last run; anything typed in it after that run is only in `history/`.
* A row a person added with a new ID is kept as "added by hand" (and counted in the figures); rows
  without an ID or with an ID used twice are kept as they are, marked, and not merged.
* Columns a person added are kept to the right of the generated ones, their values following the
  row's ID (a formula moves with its row). Sheets a person added are carried over with their values
  and formulas, without formatting or charts. The Overview sheet is always made anew."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from openpyxl.utils import get_column_letter

from pipeline.followup.columns import (
    COLUMNS,
    EDITABLE,
    GENERATED_SOURCES,
    BookColumn,
    FileSheet,
    Notes,
    Row,
    cell_text,
    iso_date,
    record_values,
    sheet_name,
    show_value,
    typed_cell_value,
)
from pipeline.followup.history import HR, SOURCES, change
from pipeline.round import schema
from pipeline.round.values import fold_word


def settle_row(row: Row, kind: str, sheet: FileSheet, notes: Notes) -> None:
    """Type the generated columns of a row kept as the file has it (removed from source, added by hand,
    not merged): dates as dates, whole numbers as numbers, a type as its canonical value (goal, action)
    when it is one, anything else as (fitted) text."""
    for column in COLUMNS[kind]:
        if column.editable or column.key not in row.values:
            continue
        raw = row.values[column.key]
        if column.kind == "date":
            value = typed_cell_value(column, raw)[0]
        elif column.kind == "type":  # `tiltak`, `Goal`: canonical, as the sources' rows and a copy's new row
            text = cell_text(raw)
            value = schema.enum_lookup("goal_type").get(fold_word(text)) or text or None
        elif column.kind == "int" and isinstance(raw, int | float) and not isinstance(raw, bool):
            value = int(raw) if float(raw).is_integer() else raw
        else:
            value = cell_text(raw) or None
        if isinstance(value, str):
            where = f"{sheet.title}!{get_column_letter(sheet.positions[column.key] + 1)}{row.line}"
            value = notes.fit(value, where)
        row.values[column.key] = value


# The editable columns of runs that did not record theirs: before the due date was made editable.
LEGACY_EDITABLE = {
    "conversations": ("approved_on", "follow_up_held"),
    "goals": ("status", "progress", "comment"),
}


def editable_keys() -> dict[str, list[str]]:
    """Per sheet, the editable columns a run records baselines for (kept in its record)."""
    return {kind: [c.key for c in columns] for kind, columns in EDITABLE.items()}


def merge_rows(
    kind: str, generated: list[Row], existing: FileSheet | None, base: dict, today: dt.date, notes: Notes
) -> list[Row]:
    """The rows to write: generated rows with people's edits applied, then the rows only the file has
    (kept and marked). `base` is the run that wrote the existing file. See MERGE_RULES."""
    editable = list(EDITABLE[kind])
    title = existing.title if existing else sheet_name(kind, notes.lang)
    known: dict[str, dict] = base.get(kind, {})
    # the columns the run that wrote the file recorded baselines for (a run before a column was made
    # editable has none for it: that column's values then count as edits only where they differ)
    recorded = set(base.get("editable", {}).get(kind, LEGACY_EDITABLE[kind]))
    in_file, leftovers = _index_rows(existing, title, notes)
    present = existing.present if existing else set()
    for column in editable:
        if existing is not None and column.key not in present:
            notes.warn(
                "column-made-again",
                f"{title}: the column “{column.header(notes.lang)}” is missing; it is made again, with the "
                "values it had at the last run.",
            )
    restored: list[str] = []
    for row in generated:
        record = known.get(row.key)
        row.edited_on = iso_date(record.get("e")) if record else None
        found = in_file.pop(row.key, None)
        if found is not None:
            row.extras, row.line = found.extras, found.line
        elif record is not None:
            restored.append(row.key)
        else:
            notes.counts["new_rows"] += 1
        _apply_edits(kind, row, editable, recorded, found, present, record, title, today, notes)
    if restored and existing is not None:
        notes.counts["restored_rows"] += len(restored)
        shown = ", ".join(restored[:10]) + (" …" if len(restored) > 10 else "")
        notes.warn(
            "rows-made-again",
            f"{title}: {len(restored)} row(s) were missing and were made again from the sources, with the "
            f"edits they had at the last run ({shown}). Anything typed in them since is in history/.",
        )
    rows = list(generated)
    for row in [*in_file.values(), *leftovers]:
        settle_row(row, kind, existing, notes)
    for key, row in in_file.items():
        if key in known or row.source in (*GENERATED_SOURCES, "removed"):
            row.source = "removed"
            row.base = record_values(editable, known[key], "g") if key in known else None
            notes.counts["removed_rows"] += 1
        else:
            row.source = "hand"
            notes.counts["hand_rows"] += 1
        rows.append(row)
    if leftovers:
        notes.counts["unmatched_rows"] += len(leftovers)
        notes.warn(
            "rows-not-merged",
            f"{title}: {len(leftovers)} row(s) without an ID or with an ID used twice are kept as they are "
            "and marked in the last column; they are not merged.",
        )
    rows.extend(leftovers)
    return rows


def _apply_edits(
    kind: str,
    row: Row,
    editable: list[BookColumn],
    recorded: set[str],
    found: Row | None,
    present: set[str],
    record: dict | None,
    title: str,
    today: dt.date,
    notes: Notes,
) -> None:
    """Put into a generated row what people typed in its editable cells, by the merge rules; count the
    edits kept and warn where the sources changed under one."""
    last_generated = record_values(editable, record, "g")
    last_written = record_values(editable, record, "w")
    for column in editable:
        new = row.values.get(column.key)
        known = record is not None and column.key in recorded  # a baseline for this column
        if found is not None and column.key in present:
            typed = found.values.get(column.key)
            if known:
                edited = typed != last_generated[column.key]
                if typed != last_written[column.key]:
                    row.edited_on = today  # changed since the last run
                    row.edited.add(column.key)  # a person's change, even back to the sources' value
                    notes.changes.append(
                        change(HR, kind, row.key, column.key, last_written[column.key], typed)
                    )
            else:
                # No record of what was generated: anything typed that differs counts as an edit.
                edited = typed is not None and typed != new
        elif known:
            # The row or the column is gone from the file: what it held at the last run comes back.
            typed = last_written[column.key]
            edited = typed != last_generated[column.key]
        else:
            typed, edited = None, False
        if known and new != last_generated[column.key]:
            notes.changes.append(change(SOURCES, kind, row.key, column.key, last_generated[column.key], new))
        if not edited:
            continue
        row.values[column.key] = typed
        row.edited.add(column.key)
        notes.counts["edits_kept"] += 1
        if known and new != last_generated[column.key] and typed != new:
            notes.counts["conflicts"] += 1
            notes.warn(
                "edit-kept-against-source",
                f"{title} {row.key}, {column.header(notes.lang)}: kept “{show_value(column, typed, notes.lang)}”, "
                f"typed in the follow-up workbook; the sources now say “{show_value(column, new, notes.lang)}”. "
                "Change the cell if the new value is right.",
            )


def _index_rows(existing: FileSheet | None, title: str, notes: Notes) -> tuple[dict[str, Row], list[Row]]:
    """The file's rows by ID; rows without an ID, and second rows with one ID, apart."""
    by_key: dict[str, Row] = {}
    leftovers: list[Row] = []
    for row in existing.rows if existing else []:
        if not row.key:
            row.source = "no_id"
            leftovers.append(row)
        elif row.key in by_key:
            row.source = "duplicate"
            leftovers.append(row)
        else:
            by_key[row.key] = row
    return by_key, leftovers


def as_placed(rows: list[Row], place: Callable[[Row], int | None]) -> list[Row]:
    """`rows` (in the sources' order) in the order a person left them in their file: by `place`, a row's
    place there (None for a row not there). A row not there comes right after the row it follows in
    `rows` (a new goal after its employee's others), or first when none does; a file never sorted
    anew keeps the sources' order. Sorting the follow-up by due date is a person's choice the next run
    keeps, as it keeps their edits."""
    first: list[Row] = []
    after: dict[int, list[Row]] = defaultdict(list)
    placed: list[tuple[int, Row]] = []
    last: int | None = None
    for row in rows:
        where = place(row)
        if where is not None:
            placed.append((where, row))
            last = where
        elif last is None:
            first.append(row)
        else:
            after[last].append(row)
    ordered = first
    for where, row in sorted(placed, key=lambda found: found[0]):
        ordered.append(row)
        ordered.extend(after.pop(where, ()))
    return ordered


def line_in_file(row: Row) -> int | None:
    """The row's line in HR's follow-up workbook as read, or None (a row new this run, or made again)."""
    return row.line or None
