"""Open a round workbook for reading: refuse what is not a readable .xlsx, with what to do about it.

Calamine reads the values; the zip is kept open beside it for what calamine does not tell (which sheet
XML holds which sheet, and the formulas nobody calculated).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree as ET
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from python_calamine import CalamineWorkbook

from pipeline.errors import WorkbookError
from pipeline.store.ole import is_encrypted_ooxml, is_ole

MAX_UNPACKED_BYTES = 1024 * 2**20  # a 10,000-person round unpacks to about 15 MB; a zip bomb to far more
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class OpenWorkbook:
    """A workbook opened for reading: calamine for the values, the zip for what calamine does not tell."""

    path: Path
    book: CalamineWorkbook
    archive: zipfile.ZipFile
    sheet_paths: dict[str, str]  # sheet name -> zip member of its XML

    def close(self) -> None:
        """Release the file."""
        self.archive.close()
        self.book.close()


def open_workbook(path: Path) -> OpenWorkbook:
    """Open an .xlsx for reading, or raise WorkbookError saying what the file is and what to do."""
    if not path.exists():
        raise WorkbookError(f"{path}: no such file. Create one with `appraisal init` or pass --workbook.")
    if path.is_dir():
        raise WorkbookError(f"{path}: is a folder, not a workbook. Pass the .xlsx file with --workbook.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise WorkbookError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if not head:
        raise WorkbookError(
            f"{path}: the file is empty. Save the workbook from Excel as .xlsx and try again."
        )
    if is_ole(head):
        if _is_encrypted_ooxml(path):
            raise WorkbookError(
                f"{path}: the workbook is password-protected. Remove the password in Excel "
                "(File > Info > Protect Workbook) and save it again."
            )
        raise WorkbookError(
            f"{path}: this is an old Excel 97-2003 (.xls) file. Open it in Excel and save it as .xlsx."
        )
    if not head.startswith(b"PK"):
        kind = "text (a CSV file?)" if _looks_like_text(head) else "not an Excel file"
        raise WorkbookError(
            f"{path}: the file is {kind}, not an .xlsx workbook. Save it from Excel as .xlsx."
        )
    damaged = (
        f"{path}: the workbook is damaged or incomplete (perhaps only partly copied). "
        "Open it in Excel, save it again and retry."
    )
    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            what = _what_else(archive, names)
            archive.close()
            raise WorkbookError(f"{path}: {what}")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            archive.close()
            raise WorkbookError(
                f"{path}: the workbook contains macros (a macro-enabled .xlsm); the tool reads only plain "
                "workbooks. Save it from Excel as .xlsx (Excel Workbook) and try again."
            )
        unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            archive.close()
            raise WorkbookError(
                f"{path}: the workbook unpacks to {unpacked // 2**20} MB, far more than a round's data "
                f"(limit {MAX_UNPACKED_BYTES // 2**20} MB); it is not read. Save a copy with only the "
                "round's sheets."
            )
        sheet_paths = _sheet_paths(archive)
        if archive.testzip() is not None:
            raise zipfile.BadZipFile("CRC mismatch")
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, ET.ParseError, ValueError) as exc:
        raise WorkbookError(damaged) from exc
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error kinds on broken files
        archive.close()
        raise WorkbookError(f"{damaged} ({exc})") from exc
    return OpenWorkbook(path, book, archive, sheet_paths)


def _what_else(archive: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip file that is no .xlsx is, and what to do, in the words of the program it came from."""
    mimetype = b""
    if "mimetype" in names:
        with archive.open("mimetype") as member:
            mimetype = member.read(100)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return (
            "this is an OpenDocument spreadsheet (.ods), not an .xlsx workbook. In LibreOffice Calc, choose "
            "File > Save As, file type Excel 2007-365 (.xlsx), and use that file."
        )
    if "word/document.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "this is a text document, not the round's workbook. Pass the .xlsx file with --workbook."
    return "this zip file is not an Excel workbook. Save it from Excel as .xlsx."


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each sheet's name to its XML member, from workbook.xml and its relationships."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    paths = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        paths[sheet.get("name", "")] = member
    return paths


def _is_encrypted_ooxml(path: Path) -> bool:
    with path.open("rb") as handle:
        return is_encrypted_ooxml(handle.read(4 * 1024 * 1024))


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    return True


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb"\br=\"([A-Z]+\d+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def cells_without_value(workbook: OpenWorkbook, sheet: str) -> tuple[list[str], dict[str, str]]:
    """Cells of a sheet that calamine reads as empty although they are not: those (`C7`) holding a
    formula with no calculated value (a file written by a script and never opened in Excel), and
    those holding an Excel error value (`#REF!`, `#N/A`, a formula whose result is `#DIV/0!`), by cell.

    One pass over the sheet's XML, cell by cell, so that the time grows with the sheet's size; a sheet
    with neither a formula nor an error value costs two searches of it."""
    member = workbook.sheet_paths.get(sheet)
    if member is None:
        return [], {}
    try:
        data = workbook.archive.read(member)
    except (KeyError, OSError, zipfile.BadZipFile):
        return [], {}
    uncalculated: list[str] = []
    errors: dict[str, str] = {}
    if b't="e"' not in data and not _FORMULA.search(data):
        return uncalculated, errors  # no formula and no error value in the sheet (nearly all): one search
    for match in _CELL.finditer(data):
        attributes, inner = match[1], match[2] or b""
        is_error = b't="e"' in attributes
        has_formula = _FORMULA.search(inner) is not None
        if not is_error and not has_formula:
            continue
        ref = _REF.search(attributes)
        if ref is None:
            continue
        value = _VALUE.search(inner)
        if is_error:
            errors[ref[1].decode()] = (value[1].decode("utf-8", "replace") if value else "") or "#VALUE!"
        elif value is None or not value[1]:
            if b't="str"' in attributes and re.search(rb"<(?:\w+:)?v\s*/?>", inner):
                continue  # Excel's cached empty-string result (=IF(...;"";...)) is written as <v/>
            uncalculated.append(ref[1].decode())
    return uncalculated, errors


# Excel's serial day numbers start at 0 (31.12.1899); a number below this in a cell formatted as a date
# is before the year 1 and no date at all, and calamine stops reading the sheet on it (a Rust panic,
# which also prints Rust's own report): such cells are found first and named instead.
_FIRST_DAY = -693593
_NEGATIVE = re.compile(rb"<(?:\w+:)?v>\s*-")
_STYLE = re.compile(rb'\bs="(\d+)"')


def impossible_dates(workbook: OpenWorkbook, sheet: str) -> list[tuple[str, str]]:
    """The cells (`F2`, value) of a sheet formatted as a date and holding a number far before any date.
    A sheet with no negative number (nearly all) costs one search of its XML."""
    member = workbook.sheet_paths.get(sheet)
    try:
        data = workbook.archive.read(member) if member else b""
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    if not _NEGATIVE.search(data):
        return []
    date_styles = _date_styles(workbook.archive)
    found = []
    for match in _CELL.finditer(data):
        attributes, inner = match[1], match[2] or b""
        value, ref, style = _VALUE.search(inner), _REF.search(attributes), _STYLE.search(attributes)
        if value is None or ref is None or style is None or int(style[1]) not in date_styles:
            continue
        try:
            number = float(value[1])
        except ValueError:
            continue
        if number < _FIRST_DAY:
            found.append((ref[1].decode(), value[1].decode()))
    return found


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the workbook's cell formats that show a number as a date or time."""
    try:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    except Exception:  # no styles, or unreadable ones: calamine reads numbers as numbers then
        return set()
    codes = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in styles.iter(f"{{{MAIN_NS}}}numFmt")}
    formats = next(styles.iter(f"{{{MAIN_NS}}}cellXfs"), None)
    found = set()
    for index, xf in enumerate(formats if formats is not None else []):
        number_format = int(xf.get("numFmtId", 0) or 0)
        code = codes.get(number_format) or BUILTIN_FORMATS.get(number_format, "")
        if is_date_format(code):
            found.add(index)
    return found
