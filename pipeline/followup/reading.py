"""Reading the follow-up workbook as people left it: its sheets found by their headers, its rows, the
columns and sheets people added, and the formulas in them."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree as ET
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import SheetTypeEnum

from pipeline import texts, xlsx
from pipeline.errors import OutputError, WorkbookError
from pipeline.followup.columns import (
    COLUMNS,
    KEY_COLUMN,
    RUN_PROPERTY,
    ExistingFile,
    Extra,
    FileSheet,
    Formula,
    Notes,
    Row,
    cell_text,
    header_index,
    made_anew,
    source_lookup,
    typed_cell_value,
)
from pipeline.round import schema
from pipeline.round.opening import OpenWorkbook, open_workbook
from pipeline.round.values import fold_word


def read_existing(path: Path, notes: Notes) -> ExistingFile:
    """The follow-up workbook as people left it: its data sheets by header (any order, sorted, filtered,
    extra columns), and any sheet they added. Raises OutputError when the file cannot be read."""
    try:
        book = open_workbook(path)
    except WorkbookError as exc:
        raise OutputError(
            f"{exc} The edits in it cannot be kept, so it is not replaced: repair it, or move it away (a "
            "copy from history/ will do), and run again."
        ) from exc
    try:
        properties = custom_properties(book.archive)
        token = properties.get(RUN_PROPERTY) or None
        sheets: dict[str, FileSheet] = {}
        others: list[tuple[str, list[list[object]]]] = []
        kinds = {m.name: m.typ for m in book.book.sheets_metadata}
        for title in book.book.sheet_names:
            if kinds.get(title) != SheetTypeEnum.WorkSheet:
                notes.warn(
                    "sheet-not-carried-over",
                    f"{path.name}: the sheet “{title}” is not a worksheet and is not carried over.",
                    path,
                )
                continue
            grid, totals = _grid(book, title)
            found = _find_header(grid)
            if found is not None and found[0] not in sheets:
                kind, header_row, mapping = found
                sheets[kind] = _read_sheet(title, kind, grid, totals, header_row, mapping, notes)
            elif schema.normalise_header(title) not in made_anew():
                others.append((title, grid))
        return ExistingFile(token, sheets, others, properties)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ET.ParseError) as exc:
        raise OutputError(
            f"{path}: cannot be read ({exc}); repair it or move it away and run again."
        ) from exc
    finally:
        book.close()


def custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    """The workbook's custom document properties (the run token, a manager's copy's owner), as text."""
    try:
        root = ET.fromstring(archive.read("docProps/custom.xml"))
    except KeyError:
        return {}
    return {str(p.get("name")): "".join(p.itertext()).strip() for p in root if p.get("name")}


def _grid(book: OpenWorkbook, title: str) -> tuple[list[list[object]], set[int]]:
    """A sheet's values from A1 (empty cells None), with formulas as `Formula` (calamine gives only
    the calculated value, and nothing for a formula nobody calculated); and the rows (from 0) holding
    a SUBTOTAL formula: a totals row someone switched on."""
    rows = book.book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    grid: list[list[object]] = [[None if v == "" else v for v in row] for row in rows]
    member = book.sheet_paths.get(title)
    totals = set()
    for (row, column), text in (_formulas(book.archive.read(member)) if member else {}).items():
        while len(grid) <= row:
            grid.append([])
        if len(grid[row]) <= column:
            grid[row].extend([None] * (column + 1 - len(grid[row])))
        grid[row][column] = Formula(text)
        if text.upper().startswith("=SUBTOTAL("):
            totals.add(row)
    return grid, totals


_FORMULA = re.compile(rb"<(?:\w+:)?f(\s[^>]*?)?(/>|>(.*?)</(?:\w+:)?f>)", re.S)


_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")


def _formulas(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, column) (0-based) -> `=formula` for every formula cell of a sheet's XML; shared formulas
    (Excel's filled-down ones) are moved to each cell from the cell that holds their text."""
    found: dict[tuple[int, int], str] = {}
    shared: dict[bytes, tuple[str, str]] = {}  # si -> (formula, where it is written)
    for match in _FORMULA.finditer(xml):
        start = max(xml.rfind(b"<c ", 0, match.start()), xml.rfind(b":c ", 0, match.start()))
        ref = _CELL_REF.search(xml, start, match.start()) if start >= 0 else None
        if ref is None:
            continue
        coordinate = (ref[1] + ref[2]).decode()
        attributes = match[1] or b""
        text = html.unescape((match[3] or b"").decode("utf-8", "replace"))
        index = re.search(rb'\bsi="(\d+)"', attributes)
        if index and b'"shared"' in attributes:
            if text:
                shared[index[1]] = (f"={text}", coordinate)
            elif index[1] in shared:
                formula, origin = shared[index[1]]
                try:
                    text = Translator(formula, origin=origin).translate_formula(coordinate)[1:]
                except Exception:
                    text = formula[1:]
        if text:
            found[(int(ref[2]) - 1, column_index_from_string(ref[1].decode()) - 1)] = f"={text}"
    return found


def _find_header(grid: list[list[object]]) -> tuple[str, int, dict[int, str]] | None:
    """The data sheet kind, the header row (0-based) and column index -> key, from the first rows."""
    best: tuple[int, str, int, dict[int, str]] | None = None
    for number, row in enumerate(grid[:6]):
        for kind, index in header_index().items():
            mapping: dict[int, str] = {}
            for position, value in enumerate(row):
                if isinstance(value, str) and not isinstance(value, Formula):
                    key = index.get(schema.normalise_header(value))
                    if key and key not in mapping.values():
                        mapping[position] = key
            keys = set(mapping.values())
            if KEY_COLUMN[kind] not in keys or (kind == "conversations" and "goal_id" in keys):
                continue
            if kind == "conversations" and not keys & {"stage", "approved_on", "follow_up_held"}:
                continue
            if len(keys) >= 3 and (best is None or len(keys) > best[0]):
                best = (len(keys), kind, number, mapping)
    return None if best is None else best[1:]


def _read_sheet(
    title: str,
    kind: str,
    grid: list[list[object]],
    totals: set[int],
    header_row: int,
    mapping: dict[int, str],
    notes: Notes,
) -> FileSheet:
    """A data sheet's rows, but the totals rows (`_grid`) (30,000 at 10,000 employees: each cell is
    looked at once, and what each column needs is worked out before the first row)."""
    columns = {c.key: c for c in COLUMNS[kind]}
    key_position = next(p for p, k in mapping.items() if k == KEY_COLUMN[kind])
    width = max((len(r) for r in grid), default=0)
    header = grid[header_row] + [None] * (width - len(grid[header_row]))
    extra_positions = [
        p
        for p in range(width)
        if p not in mapping and any(p < len(r) and r[p] is not None for r in grid[header_row:])
    ]
    extra_headers = xlsx.unique_headers(
        [cell_text(header[p]) for p in extra_positions], texts.get(notes.lang, "book.extra_column")
    )
    sheet = FileSheet(title, {key: position for position, key in mapping.items()}, extra_headers, [])
    # per mapped column: its key, where it is, its letter, and the column when it is editable
    plan = [
        (key, position, get_column_letter(position + 1), columns[key] if columns[key].editable else None)
        for position, key in mapping.items()
    ]
    for number, cells in enumerate(grid[header_row + 1 :], start=header_row + 2):
        if cells.count(None) == len(cells) or number - 1 in totals:
            continue  # empty; or a totals row someone switched on (the new table can have its own)
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        values: dict[str, object] = {}
        for key, position, letter, column in plan:
            raw = cells[position]
            if column is None or raw is None:
                values[key] = raw  # not editable: made typed only if the row is kept as it is (`settle_row`)
                continue
            value, problem = typed_cell_value(column, raw)
            if problem:
                where = f"{title}!{letter}{number}"
                notes.warn("value-not-understood", f"{where} ({column.header(notes.lang)}): {problem}.")
            if isinstance(value, str):
                value = notes.fit(value, f"{title}!{letter}{number}")
            values[key] = value
        extras = {
            header: Extra(cells[position], number)
            for position, header in zip(extra_positions, extra_headers, strict=True)
            if position < len(cells) and cells[position] is not None
        }
        source = source_lookup().get(fold_word(cell_text(values.pop("source", None))), "")
        key = cell_text(cells[key_position] if key_position < len(cells) else None)
        sheet.rows.append(Row(key, values, source, extras, line=number))
    return sheet
