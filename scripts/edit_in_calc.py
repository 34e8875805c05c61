"""Edit a workbook in real LibreOffice Calc, as a manager edits their follow-up copy, and save it in place.

A re-save through `soffice --convert-to` changes nothing a person changes; this drives Calc's own sorting,
column insertion, row deletion and cell entry through UNO, so it runs with the Python that has
LibreOffice's `uno` module (Debian: python3-uno), not the project's venv, and needs nothing of the
project:

    /usr/bin/python3 scripts/edit_in_calc.py BOOK.xlsx PLAN.json

PLAN.json is a list of steps, done in order on the sheet each names. Rows are found by the value in
the sheet's first column (the row's ID), columns by their header, in the row `header` (1-based):

    [{"sheet": "Mål og tiltak", "header": 2, "do": "sort", "by": "Frist", "descending": true},
     {"sheet": "Mål og tiltak", "header": 2, "do": "set", "id": "G-1", "column": "Status", "value": "fullført"},
     {"sheet": "Mål og tiltak", "header": 2, "do": "insert-column", "before": "Status", "title": "Mine notater",
      "values": {"G-1": "ring Per"}},
     {"sheet": "Mål og tiltak", "header": 2, "do": "delete-row", "id": "G-2"},
     {"sheet": "Ansatte", "do": "type", "at": "A2", "rows": [["1001", "Kari", "18.01.2027"]]}]

A `value` that is a number is entered as a number; text is entered as text (`String`), as typing it into
a cell formatted as text does. `type` enters each text of `rows` from the cell `at` on as a person types it
(see `_type`): as it is in a cell formatted as text, else read by Calc by the cell's format and the
locale, a number in General as a number, `10 %` as a percentage, `18.01.2027` in a date cell as a date;
an empty text leaves the cell.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import uno  # type: ignore[import-not-found]
from type_in_libreoffice import _property, office  # type: ignore[import-not-found]


def _used(sheet) -> tuple[int, int]:
    """The last used row and column (0-based)."""
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    return cursor.RangeAddress.EndRow, cursor.RangeAddress.EndColumn


def _headers(sheet, header: int) -> list[str]:
    _, last_column = _used(sheet)
    return [sheet.getCellByPosition(c, header - 1).String for c in range(last_column + 1)]


def _row_of(sheet, header: int, key: str) -> int:
    last_row, _ = _used(sheet)
    for row in range(header, last_row + 1):
        if sheet.getCellByPosition(0, row).String == key:
            return row
    raise LookupError(f"no row {key!r} in {sheet.Name}")


def _sort(sheet, header: int, step: dict) -> None:
    from com.sun.star.table import TableSortField  # type: ignore[import-not-found]

    last_row, last_column = _used(sheet)
    data = sheet.getCellRangeByPosition(0, header, last_column, last_row)
    field = TableSortField()
    field.Field = _headers(sheet, header).index(step["by"])
    field.IsAscending = not step.get("descending", False)
    descriptor = data.createSortDescriptor()
    for prop in descriptor:
        if prop.Name == "SortFields":
            prop.Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
        elif prop.Name == "ContainsHeader":
            prop.Value = False
    data.sort(descriptor)


def _put(cell, value: object) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.Value = value
    else:
        cell.String = str(value)


def edit(path: Path, plan: list[dict]) -> None:
    """Open `path` in Calc, do the plan's steps, store it in its own format."""
    with office() as (_, desktop):
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(path.resolve())), "_blank", 0, (_property("Hidden", True),)
        )
        if document is None:
            raise RuntimeError(f"LibreOffice could not open {path}")
        for step in plan:
            _do(document, document.Sheets.getByName(step["sheet"]), step.get("header", 1), step)
        document.store()  # in place, in the format it was opened in (.xlsx), as Save with "Keep format"
        document.close(True)


def _type(document, sheet, step: dict) -> None:
    """Enter each text as Calc's input line does when a person types it: in a cell formatted as text, the
    text as it is; in any other, read by Calc by the cell's format and the locale (`setFormula`: a number
    in General as a number, `10 %` as a percentage, `18.01.2027` in a date cell as a date). `setFormula`
    alone would make `1002` a number in a cell formatted as text, where typing keeps it text; and
    Calc's own input through the dispatcher (EnterString) left LibreOffice crashing after some fifty cells."""
    from com.sun.star.util.NumberFormat import TEXT  # type: ignore[import-not-found]

    formats = document.NumberFormats
    start = sheet.getCellRangeByName(step["at"]).CellAddress
    for r, row in enumerate(step["rows"]):
        for c, typed in enumerate(row):
            if typed == "":
                continue
            cell = sheet.getCellByPosition(start.Column + c, start.Row + r)
            if formats.getByKey(cell.NumberFormat).Type & TEXT:
                cell.setString(str(typed))
            else:
                cell.setFormula(str(typed))


def _do(document, sheet, header: int, step: dict) -> None:
    """One step of the plan on one sheet."""
    if step["do"] == "sort":
        _sort(sheet, header, step)
    elif step["do"] == "set":
        column = _headers(sheet, header).index(step["column"])
        _put(sheet.getCellByPosition(column, _row_of(sheet, header, step["id"])), step["value"])
    elif step["do"] == "insert-column":
        column = _headers(sheet, header).index(step["before"])
        sheet.Columns.insertByIndex(column, 1)
        sheet.getCellByPosition(column, header - 1).String = step["title"]
        for key, value in step.get("values", {}).items():
            _put(sheet.getCellByPosition(column, _row_of(sheet, header, key)), value)
    elif step["do"] == "delete-row":
        sheet.Rows.removeByIndex(_row_of(sheet, header, step["id"]), 1)
    elif step["do"] == "type":
        _type(document, sheet, step)
    else:
        raise ValueError(f"unknown step {step['do']!r}")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    edit(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
