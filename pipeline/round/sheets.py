"""The round's sheets: find them by name, find each data sheet's header row, and read its cells.

A sheet is found by its English or Norwegian name and its header row among the first rows, by the
headers it holds (`schema.py`). A `DataSheet` gives its rows as raw values by field and each field
typed, adding a `Problem` naming the cell for every value it cannot use, so that reading goes on and
every problem is reported at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from python_calamine import SheetTypeEnum, SheetVisibleEnum

from pipeline import texts
from pipeline.errors import WorkbookError
from pipeline.model import ERROR, INFO, WARNING, Phrase, Problem, Report, SheetInfo, phrase
from pipeline.round import schema
from pipeline.round.opening import OpenWorkbook, cells_without_value, impossible_dates
from pipeline.round.values import Unreadable, clean_text, fold_word

HEADER_SEARCH_ROWS = 10
MAX_HEADER_COLUMNS = 200
KNOWN_EXTRA_SHEETS = {
    schema.normalise_header(n)
    for n in (
        *texts.every("workbook.sheets.instructions"),
        *texts.every("workbook.sheets.issues"),
        "Lists",
        "Lister",
    )
}


@dataclass
class SheetTable:
    """One sheet's cell values from A1 (text trimmed, empty cells None) and what the values do not show."""

    name: str
    rows: list[list[object]]
    # ((first row, first col), (last row, last col)), 0-based
    merged: list = dataclasses.field(default_factory=list)
    # cells (`C7`) holding a formula with no calculated value
    uncalculated: list[str] = dataclasses.field(default_factory=list)
    # cells holding an Excel error value (`#REF!`), which calamine reads as empty: cell -> the error
    errors: dict[str, str] = dataclasses.field(default_factory=dict)


def trim_cells(rows: list[list[object]]) -> list[list[object]]:
    """Trim every text cell in place, an empty text becoming None; returns `rows`."""
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                value = value.strip()
                row[index] = value or None
    return rows


# -- finding the sheets ------------------------------------------------------------------------------


def locate_sheets(workbook: OpenWorkbook, report: Report) -> dict[str, SheetTable]:
    """The visible sheets the tool reads, by kind (`round`, `employees`, `schedule`, `goals`).

    Other sheets are reported as `unknown-sheet` (unless they are ones the tool writes) and a second
    sheet of one kind as `duplicate-sheet`; neither is read.
    """
    found: dict[str, SheetTable] = {}
    kinds = {kind: schema.sheet_names(kind) for kind in ("round", *(s.kind for s in schema.DATA_SHEETS))}
    for meta in workbook.book.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue
        title = meta.name
        key = schema.normalise_header(title)
        kind = next((k for k, names in kinds.items() if key in names), None)
        if kind is None:
            if key not in KNOWN_EXTRA_SHEETS:
                report.add(
                    Problem(
                        INFO,
                        title,
                        None,
                        None,
                        "unknown-sheet",
                        f'Sheet "{title}" is not one the tool reads; it is ignored.',
                        phrase=phrase("unknown-sheet", title=title),
                    )
                )
            continue
        if kind in found:
            report.add(
                Problem(
                    ERROR,
                    title,
                    None,
                    None,
                    "duplicate-sheet",
                    f'Sheet "{title}" is a second {kind} sheet besides "{found[kind].name}"; keep one of them.',
                    phrase=phrase(
                        "duplicate-sheet", title=title, kind=phrase(f"kinds.{kind}"), first=found[kind].name
                    ),
                )
            )
            continue
        found[kind] = _read_sheet(workbook, title, data=kind != "round")
    return found


def merged_problem(sheet: str, merged: tuple, column: str | None) -> Problem:
    """Merged cells where each row needs its own value, reported at their first cell."""
    (r1, c1), (r2, c2) = merged
    first = f"{get_column_letter(c1 + 1)}{r1 + 1}"
    span = f"{first}:{get_column_letter(c2 + 1)}{r2 + 1}"
    return Problem(
        ERROR,
        sheet,
        first,
        column,
        "merged-cells",
        f"Cells {span} are merged; unmerge them so each row has its own value.",
        phrase=phrase("merged-cells", span=span),
    )


def unreadable_cells(table: SheetTable) -> list[tuple[str, str, str, Phrase]]:
    """The cells calamine reads as empty although they are not, each as (cell, code, message, phrase):
    an Excel error value, or a formula never calculated."""
    return [
        (ref, "excel-error", f"The cell shows the Excel error {error}, not a value; type the value itself.",
         phrase("excel-error", error=error))
        for ref, error in table.errors.items()
    ] + [
        (ref, "formula-without-value", "This cell holds a formula that was never calculated; open the "
         "workbook in Excel and save it, or type the value.", phrase("formula-without-value"))
        for ref in table.uncalculated
    ]  # fmt: skip


def _read_sheet(workbook: OpenWorkbook, title: str, data: bool) -> SheetTable:
    """A sheet's rows from A1, its merged ranges, and its cells with an uncalculated formula or an
    Excel error value."""
    impossible = impossible_dates(workbook, title)
    if impossible:
        raise WorkbookError(_impossible_message(workbook, title, impossible))
    try:
        sheet = workbook.book.get_sheet_by_name(title)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise WorkbookError(f'{workbook.path}: sheet "{title}" cannot be read ({exc}).') from exc
    except (
        BaseException
    ) as exc:  # calamine's Rust code panics (PanicException is no Exception) on some values
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise WorkbookError(f'{workbook.path}: sheet "{title}" cannot be read ({exc}).') from exc
    try:
        merged = list(sheet.merged_cell_ranges or [])
    except Exception:  # merges are advisory; a reader that cannot list them still reads the values
        merged = []
    uncalculated, errors = cells_without_value(workbook, title)  # the Round sheet's values too
    return SheetTable(title, trim_cells(rows), merged, uncalculated, errors)


def _impossible_message(workbook: OpenWorkbook, title: str, cells: list[tuple[str, str]]) -> str:
    shown = ", ".join(f"{ref} ({value})" for ref, value in cells[:5])
    return (
        f'{workbook.path}: sheet "{title}" cannot be read: {shown} holds a number far before any date in a '
        "cell formatted as a date; type the date, or clear the cell."
    )


def sheet_language(name: str, kind: str) -> str:
    """The language whose name for the sheet it has (bokmål when several give it that name)."""
    folded = schema.normalise_header(name)
    return next(
        (
            lang
            for lang in texts.LANGUAGES
            if schema.normalise_header(schema.sheet_name(kind, lang)) == folded
        ),
        "nb",
    )


def _find_header(rows: list[tuple], index: dict[str, str]) -> tuple[int, dict[str, int], dict[int, str]]:
    """Pick the row (of the first few) that matches most known headers.

    Returns the 1-based row offset, field -> 0-based column, and unknown header columns.
    """
    best = (0, 0)
    for offset, row in enumerate(rows):
        hits = sum(1 for value in row if value is not None and schema.normalise_header(value) in index)
        if hits > best[1]:
            best = (offset, hits)
    if best[1] == 0:
        return 0, {}, {}
    fields: dict[str, int] = {}
    extra: dict[int, str] = {}
    for position, value in enumerate(rows[best[0]]):
        if value is None or clean_text(value) == "":
            continue
        field = index.get(schema.normalise_header(value))
        if field is None or field in fields:
            extra[position] = clean_text(value)
        else:
            fields[field] = position
    return best[0] + 1, fields, extra


# -- a data sheet ------------------------------------------------------------------------------------


class DataSheet:
    """One data sheet read into typed rows, adding a Problem for every value it cannot use."""

    def __init__(self, table: SheetTable, spec: schema.SheetSpec, report: Report):
        self.spec = spec
        self.report = report
        self.name = table.name
        self.all_rows = table.rows
        self.lang = sheet_language(table.name, spec.kind)
        top = [row[:MAX_HEADER_COLUMNS] for row in self.all_rows[:HEADER_SEARCH_ROWS]]
        header_row, self.positions, extra = _find_header(top, schema.header_index(spec))
        self.header_row = header_row or 1
        header_values = top[header_row - 1] if header_row else ()
        self.info = SheetInfo(
            kind=spec.kind,
            name=self.name,
            letters={f: get_column_letter(p + 1) for f, p in self.positions.items()},
            headers={f: clean_text(header_values[p]).rstrip("*").strip() for f, p in self.positions.items()},
            header_row=self.header_row,
        )
        self._check_columns(extra)
        self.uncalculated: set[str] = set()  # formula cells without a value: reported once, as such
        self._check_structure(table)

    def _check_columns(self, extra: dict[int, str]) -> None:
        for column in self.spec.columns:
            if column.field not in self.positions and column.required:
                header = column.header(self.lang).rstrip("*")
                self.report.add(
                    Problem(
                        ERROR,
                        self.name,
                        None,
                        header,
                        "missing-column",
                        f'Column "{header}" is missing; add it to the header row (row {self.header_row}).',
                        phrase=phrase("missing-column", header=header, row=self.header_row),
                    )
                )
        for position, header in extra.items():
            self.report.add(
                Problem(
                    INFO,
                    self.name,
                    None,
                    header,
                    "unknown-column",
                    f'Column "{header}" ({get_column_letter(position + 1)}) is not one the tool reads; '
                    "it is ignored.",
                    phrase=phrase("unknown-column", header=header, letter=get_column_letter(position + 1)),
                )
            )

    def _check_structure(self, table: SheetTable) -> None:
        data_columns = set(self.positions.values())
        for (r1, c1), (r2, c2) in table.merged:
            if r2 + 1 <= self.header_row or not any(c1 <= p <= c2 for p in data_columns):
                continue
            self.report.add(merged_problem(self.name, ((r1, c1), (r2, c2)), self._header_at(c1)))
        for ref, code, message, said in unreadable_cells(table):
            column, row = _split_ref(ref)
            if row <= self.header_row or column - 1 not in data_columns:
                continue
            self.uncalculated.add(ref)
            self.report.add(
                Problem(ERROR, self.name, ref, self._header_at(column - 1), code, message, phrase=said)
            )

    def _header_at(self, position: int) -> str | None:
        for field, p in self.positions.items():
            if p == position:
                return self.info.headers[field]
        return None

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """Each non-blank data row as (row number, field -> raw value)."""
        items = tuple(self.positions.items())
        if not items:
            return
        for row_number, values in enumerate(self.all_rows[self.header_row :], self.header_row + 1):
            width = len(values)
            record = {f: values[p] for f, p in items if p < width and values[p] is not None}
            if record:
                yield row_number, record

    # typed access, each adding a Problem on failure -------------------------------------------------

    def issue(
        self, severity: str, field: str, row: int, code: str, message: str, said: Phrase | None = None
    ) -> None:
        """Record a problem at a field's cell on a row (`said`: the message as a catalogue phrase)."""
        self.report.add(
            Problem(
                severity,
                self.name,
                self.info.cell(field, row),
                self.info.headers.get(field),
                code,
                message,
                phrase=said,
            )
        )

    def text(self, record: dict[str, object], field: str, row: int, required: bool = False) -> str:
        """The field as text; a required empty field is reported."""
        value = clean_text(record.get(field))
        if (
            required
            and not value
            and field in self.positions
            and self.info.cell(field, row) not in self.uncalculated
        ):
            header = self.info.headers[field].rstrip("*").strip()
            self.issue(
                ERROR,
                field,
                row,
                "required-value",
                f"{header} is required; fill it in.",
                phrase("required-value", header=header),
            )
        return value

    def typed(
        self,
        record: dict[str, object],
        field: str,
        row: int,
        parse: Callable[[object], object],
        code: str,
        ignored: bool = False,
    ) -> object | None:
        """The field parsed by `parse`, or None (empty, or reported as `code`). `ignored`: a column no
        document uses, whose unreadable value is a warning that says it is ignored, not an error."""
        value = record.get(field)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            reason = str(exc)  # the first letter made a capital; the value quoted in it kept as typed
            key = "ignored-value" if ignored else code
            said = phrase(key, reason=exc.phrase) if isinstance(exc, Unreadable) else None
            end = "; the value is ignored (no document uses it)." if ignored else "."
            self.issue(
                WARNING if ignored else ERROR, field, row, code, reason[:1].upper() + reason[1:] + end, said
            )
            return None

    def choice(self, record: dict[str, object], field: str, row: int, enum: str, code: str) -> str | None:
        """The field as one of the allowed values, or None (empty, or reported as `code`)."""
        value = record.get(field)
        if value is None:
            return None
        canonical = schema.enum_lookup(enum).get(fold_word(value))
        if canonical is None:
            allowed = ", ".join(_allowed_labels(enum, self.lang))
            self.issue(
                ERROR,
                field,
                row,
                code,
                f'"{clean_text(value)}" is not allowed here; use one of: {allowed}.',
                phrase(code, value=clean_text(value), allowed=allowed),
            )
        return canonical


def _allowed_labels(enum: str, lang: str) -> list[str]:
    return list(dict.fromkeys(schema.enum_labels(enum, lang).values()))


def _split_ref(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    if not match:
        return 0, 0
    column = 0
    for char in match[1]:
        column = column * 26 + ord(char) - 64
    return column, int(match[2])
