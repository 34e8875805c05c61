"""The planned copy of the round workbook: the Schedule sheet completed with the proposed meetings.

Written part by part like the validation report (`round/annotate.py`): the new rows go under the
sheet's last row with a value, each cell in the look of its column with a light green fill that marks
it as proposed; the sheet's range and any table on it grow to hold them. Everything else in the
workbook, formatting, comments, drop-downs, other sheets and pictures, is copied as it is. The input
workbook itself is never written.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, to_excel

from pipeline import xlsx
from pipeline.errors import OutputError, WorkbookError
from pipeline.model import Round
from pipeline.round.annotate import Book, Rows
from pipeline.round.package import Package, Relationships, Unhandled, q
from pipeline.round.report_parts import Styles
from pipeline.schedule.placing import Placed
from pipeline.store.files import atomic_write

PROPOSED_FILL = "FFE2EFDA"  # light green: "proposed by appraisal schedule"
_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?$")


def planned_path(workbook: Path) -> Path:
    """Where the planned copy goes by default: `input/round-planned.xlsx` beside `input/round.xlsx`."""
    return workbook.with_name(f"{workbook.stem}-planned.xlsx")


def check_destination(workbook: Path, destination: Path) -> None:
    """Refuse (OutputError) a planned copy that would replace the workbook, or is no .xlsx file."""
    if destination.resolve() == workbook.resolve():
        raise OutputError(
            f"{destination}: the plan would overwrite the workbook itself; choose another name."
        )
    if destination.suffix.lower() != ".xlsx":
        raise OutputError(f"{destination}: the planned copy must be an .xlsx file.")


def write_planned(workbook: Path, round_: Round, placed: list[Placed], destination: Path) -> None:
    """Write a copy of `workbook` with `placed` added to its Schedule sheet (see the module's docstring)."""
    check_destination(workbook, destination)
    info = round_.sheets.get("schedule")
    if info is None:
        raise WorkbookError(f"{workbook}: has no Schedule sheet to complete.")
    try:
        with zipfile.ZipFile(workbook) as archive:
            package = Package(archive)
            _complete(package, info.name, info.letters, info.header_row, placed, round_.settings.language)
            atomic_write(destination, package.save)
    except (Unhandled, zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise WorkbookError(f"{workbook}: its Schedule sheet cannot be completed ({exc}).") from exc


def _complete(
    package: Package, name: str, letters: dict[str, str], header_row: int, placed: list[Placed], lang: str
) -> None:
    book = Book(package)
    part = next((p for n, p, _ in book.sheets if n == name), None)
    if part is None:
        raise Unhandled(f"no worksheet named {name}")
    epoch = CALENDAR_WINDOWS_1900
    properties = book.root.find(q("workbookPr"))
    if properties is not None and properties.get("date1904") in ("1", "true"):
        epoch = CALENDAR_MAC_1904
    styles = Styles(package, book.part_of("styles"))
    root = package.xml(part)
    rows = Rows(root.find(q("sheetData")))
    last = max([header_row, *(n for n, row in rows.rows.items() if _has_value(row))])
    columns = {field: column_index_from_string(letter) for field, letter in letters.items()}
    looks = _column_looks(rows, columns, header_row, last)
    formats = {"date": xlsx.date_format(lang), "start": "HH:MM"}
    for number, meeting in enumerate(placed, last + 1):
        values: dict[str, object] = {
            "employee_id": meeting.employee_id,
            "date": to_excel(meeting.day, epoch),
            "start": to_excel(meeting.start),
            "duration": meeting.minutes,
            "location": meeting.location,
        }
        for field, column in sorted(columns.items(), key=lambda item: item[1]):
            ref = f"{letters[field]}{number}"
            cell = rows.cell(ref, column, number)
            for child in list(cell):
                cell.remove(child)
            for attribute in ("t", "s"):
                cell.attrib.pop(attribute, None)
            cell.set("s", str(styles.marked(looks.get(field, 0), PROPOSED_FILL, formats.get(field))))
            _put(cell, values.get(field))
    if placed:
        _grow(package, part, root, header_row, last + len(placed))
    package.put(part, root)
    styles.save()


def _has_value(row: etree._Element) -> bool:
    return any(c.find(q("v")) is not None or c.find(q("is")) is not None for c in row.iterfind(q("c")))


def _column_looks(rows: Rows, columns: dict[str, int], header_row: int, last: int) -> dict[str, int]:
    """Each column's cell format, from its last data row above the new ones (none: the default)."""
    field_of = {column: field for field, column in columns.items()}
    looks: dict[str, int] = {}
    for number in range(last, header_row, -1):
        row = rows.rows.get(number)
        if row is None:
            continue
        for cell in row.iterfind(q("c")):
            found = _REF.match(cell.get("r", ""))
            field = field_of.get(column_index_from_string(found.group(1))) if found else None
            if field is not None and field not in looks:
                looks[field] = int(cell.get("s") or 0)
        if len(looks) == len(columns):
            break
    return looks


def _put(cell: etree._Element, value: object) -> None:
    """A value into an empty cell: text as an inline string (never a formula), numbers as numbers."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.set("t", "inlineStr")
        text = etree.SubElement(etree.SubElement(cell, q("is")), q("t"))
        text.text = xlsx.cell_safe_text(value)
        return
    etree.SubElement(cell, q("v")).text = repr(value) if isinstance(value, float) else str(value)


def _grow(package: Package, part: str, root: etree._Element, header_row: int, last: int) -> None:
    """The sheet's range, and a table over its header row, made to reach the new last row."""
    dimension = root.find(q("dimension"))
    grown = _reaching(dimension.get("ref", ""), last) if dimension is not None else None
    if grown:
        dimension.set("ref", grown[1])
    for kind, target in Relationships(package, part).targets().values():
        if not kind.endswith("/table"):
            continue
        table = package.xml(target)
        grown = _reaching(table.get("ref", ""), last)
        if grown and grown[0] == header_row:
            table.set("ref", grown[1])
            autofilter = table.find(q("autoFilter"))
            if autofilter is not None:
                autofilter.set("ref", grown[1])
            package.put(target, table)


def _reaching(ref: str, last: int) -> tuple[int, str] | None:
    """A range (`A1:G6`) made to end at row `last`, with its first row; None when `ref` is no range or
    already reaches that far."""
    found = _REF.match(ref)
    if not found or not found.group(3) or int(found.group(4)) >= last:
        return None
    return int(found.group(2)), f"{found.group(1)}{found.group(2)}:{found.group(3)}{last}"
