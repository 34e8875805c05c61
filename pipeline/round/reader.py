"""Read the round workbook: find the sheets and headers, type every value, keep every cell reference.

The reader is forgiving about what Excel users do (headers in English or Norwegian, any case, extra
spaces, a trailing `*`, extra columns, sheets in any order, blank rows, IDs typed as numbers, dates
as text) and strict about what it cannot understand: each such value becomes a `Problem` naming the
cell, and reading goes on so that every problem is reported at once.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import ElementTree as ET
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from pipeline.errors import WorkbookError
from pipeline.model import (
    ERROR,
    INFO,
    WARNING,
    Employee,
    Goal,
    Meeting,
    Problem,
    Report,
    Round,
    Settings,
    SheetInfo,
)
from pipeline.round import schema
from pipeline.round.values import (
    clean_text,
    fold_word,
    parse_date,
    parse_hours,
    parse_int,
    parse_percent,
    parse_time,
)
from pipeline.store.ole import is_encrypted_ooxml, is_ole

HEADER_SEARCH_ROWS = 10
MAX_UNPACKED_BYTES = 1024 * 2**20  # a 10,000-person round unpacks to about 15 MB; a zip bomb to far more
MAX_HEADER_COLUMNS = 200
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROUND_ID = re.compile(r"^[A-Za-z0-9._-]+$")
KNOWN_EXTRA_SHEETS = {
    schema.normalise_header(n)
    for n in (
        *schema.INSTRUCTIONS_SHEET_NAMES.values(),
        *schema.ISSUES_SHEET_NAMES.values(),
        "Lists",
        "Lister",
    )
}


# -- opening -----------------------------------------------------------------------------------------


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
            archive.close()
            raise WorkbookError(
                f"{path}: this zip file is not an Excel workbook. Save it from Excel as .xlsx."
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


def formulas_without_value(workbook: OpenWorkbook, sheet: str) -> list[str]:
    """Cells (`C7`) of a sheet holding a formula with no calculated value.

    calamine reads such a cell as empty; the sheet's XML says it is a formula nobody calculated
    (typically a file written by a script and never opened in Excel).
    """
    member = workbook.sheet_paths.get(sheet)
    if member is None:
        return []
    try:
        data = workbook.archive.read(member)
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    found: list[str] = []
    for match in re.finditer(rb"<(?:\w+:)?f[\s>/]", data):
        start = max(data.rfind(b"<c ", 0, match.start()), data.rfind(b":c ", 0, match.start()))
        end = data.find(b"c>", match.end())
        if start < 0 or end < 0:
            continue
        element = data[start:end]
        if re.search(rb"<(?:\w+:)?v>[^<]", element):
            continue
        if re.search(rb"^[^>]*\bt=\"str\"", element) and re.search(rb"<(?:\w+:)?v\s*/?>", element):
            continue  # Excel's cached empty-string result (=IF(...;"";...)) is written as <v/>
        ref = re.search(rb"\br=\"([A-Z]+\d+)\"", element)
        if ref:
            found.append(ref[1].decode())
    return found


# -- sheets and headers ------------------------------------------------------------------------------


@dataclass
class _Located:
    name: str
    rows: list[list[object]]  # from A1; empty cells are None
    merged: list = dataclasses.field(
        default_factory=list
    )  # ((first row, first col), (last row, last col)), 0-based


def _locate_sheets(workbook: OpenWorkbook, report: Report) -> dict[str, _Located]:
    found: dict[str, _Located] = {}
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
                )
            )
            continue
        found[kind] = _read_sheet(workbook, title)
    return found


def _read_sheet(workbook: OpenWorkbook, title: str) -> _Located:
    """A sheet's rows from A1 (empty cells as None, text trimmed) and its merged ranges."""
    try:
        sheet = workbook.book.get_sheet_by_name(title)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise WorkbookError(f'{workbook.path}: sheet "{title}" cannot be read ({exc}).') from exc
    try:
        merged = list(sheet.merged_cell_ranges or [])
    except Exception:  # merges are advisory; a reader that cannot list them still reads the values
        merged = []
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                value = value.strip()
                row[index] = value or None
    return _Located(title, rows, merged)


def _sheet_language(name: str, spec_en: str) -> str:
    return "en" if schema.normalise_header(name) == schema.normalise_header(spec_en) else "nb"


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


# -- the reader --------------------------------------------------------------------------------------


class _SheetReader:
    """Reads one data sheet into typed rows, adding a Problem for every value it cannot use."""

    def __init__(self, workbook: OpenWorkbook, located: _Located, spec: schema.SheetSpec, report: Report):
        self.spec = spec
        self.report = report
        self.name = located.name
        self.all_rows = located.rows
        self.merged = located.merged
        self.lang = _sheet_language(located.name, spec.en)
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
        for column in spec.columns:
            if column.field not in self.positions and column.required:
                header = column.header(self.lang).rstrip("*")
                report.add(
                    Problem(
                        ERROR,
                        self.name,
                        None,
                        header,
                        "missing-column",
                        f'Column "{header}" is missing; add it to the header row (row {self.header_row}).',
                    )
                )
        for position, header in extra.items():
            report.add(
                Problem(
                    INFO,
                    self.name,
                    None,
                    header,
                    "unknown-column",
                    f'Column "{header}" ({get_column_letter(position + 1)}) is not one the tool reads; '
                    "it is ignored.",
                )
            )
        self.uncalculated: set[str] = set()  # formula cells without a value: reported once, as such
        self._check_structure(workbook)

    def _check_structure(self, workbook: OpenWorkbook) -> None:
        data_columns = set(self.positions.values())
        for (r1, c1), (r2, c2) in self.merged:
            if r2 + 1 <= self.header_row or not any(c1 <= p <= c2 for p in data_columns):
                continue
            first = f"{get_column_letter(c1 + 1)}{r1 + 1}"
            span = f"{first}:{get_column_letter(c2 + 1)}{r2 + 1}"
            self.report.add(
                Problem(
                    ERROR,
                    self.name,
                    first,
                    self._header_at(c1),
                    "merged-cells",
                    f"Cells {span} are merged; unmerge them so each row has its own value.",
                )
            )
        for ref in formulas_without_value(workbook, self.name):
            column, row = _split_ref(ref)
            if row <= self.header_row or column - 1 not in data_columns:
                continue
            self.uncalculated.add(ref)
            self.report.add(
                Problem(
                    ERROR,
                    self.name,
                    ref,
                    self._header_at(column - 1),
                    "formula-without-value",
                    "This cell holds a formula that was never calculated; open the workbook in "
                    "Excel and save it, or type the value.",
                )
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

    def issue(self, severity: str, field: str, row: int, code: str, message: str) -> None:
        """Record a problem at a field's cell on a row."""
        self.report.add(
            Problem(
                severity, self.name, self.info.cell(field, row), self.info.headers.get(field), code, message
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
            self.issue(
                ERROR,
                field,
                row,
                "required-value",
                f"{self.info.headers[field].rstrip('*').strip()} is required; fill it in.",
            )
        return value

    def typed(
        self, record: dict[str, object], field: str, row: int, parse: Callable[[object], object], code: str
    ) -> object | None:
        """The field parsed by `parse`, or None (empty, or reported as `code`)."""
        value = record.get(field)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.issue(ERROR, field, row, code, str(exc).capitalize() + ".")
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
                ERROR, field, row, code, f'"{clean_text(value)}" is not allowed here; use one of: {allowed}.'
            )
        return canonical


def _allowed_labels(enum: str, lang: str) -> list[str]:
    labels = schema.ENUM_LABELS[enum]["en" if lang == "en" else "nb"]
    return list(dict.fromkeys(labels.values()))


def _split_ref(ref: str) -> tuple[int, int]:
    match = re.match(r"([A-Z]+)(\d+)", ref)
    if not match:
        return 0, 0
    column = 0
    for char in match[1]:
        column = column * 26 + ord(char) - 64
    return column, int(match[2])


def _read_employees(reader: _SheetReader) -> list[Employee]:
    employees = []
    for row, record in reader.rows():
        employees.append(
            Employee(
                row=row,
                id=reader.text(record, "id", row, required=True),
                first_name=reader.text(record, "first_name", row, required=True),
                last_name=reader.text(record, "last_name", row, required=True),
                email=reader.text(record, "email", row, required=True),
                department=reader.text(record, "department", row, required=True),
                job_title=reader.text(record, "job_title", row),
                manager_id=reader.text(record, "manager_id", row),
                language=reader.choice(record, "language", row, "language", "invalid-language") or "",
                employment_start=reader.typed(record, "employment_start", row, parse_date, "invalid-date"),
                status=reader.choice(record, "status", row, "employee_status", "invalid-status")
                or ("active" if "status" not in record else ""),
            )
        )
    return employees


def _read_meetings(reader: _SheetReader, default_duration: int) -> list[Meeting]:
    meetings = []
    for row, record in reader.rows():
        employee_id = reader.text(record, "employee_id", row, required=True)
        if "date" in reader.positions and "date" not in record:
            reader.issue(ERROR, "date", row, "required-value", "The meeting date is required; fill it in.")
        if "start" in reader.positions and "start" not in record:
            reader.issue(ERROR, "start", row, "required-value", "The start time is required; fill it in.")
        duration = reader.typed(record, "duration", row, parse_int, "invalid-duration")
        if duration is not None and not 5 <= duration <= 8 * 60:
            reader.issue(
                ERROR,
                "duration",
                row,
                "invalid-duration",
                f"{duration} minutes is not a plausible meeting length; use 5 to 480.",
            )
            duration = None
        meetings.append(
            Meeting(
                row=row,
                employee_id=employee_id,
                date=reader.typed(record, "date", row, parse_date, "invalid-date"),
                start=reader.typed(record, "start", row, parse_time, "invalid-time"),
                duration_minutes=duration or default_duration,
                location=reader.text(record, "location", row),
                interviewer_id=reader.text(record, "interviewer_id", row),
                note=reader.text(record, "note", row),
            )
        )
    return meetings


def _read_goals(reader: _SheetReader) -> list[Goal]:
    goals = []
    for row, record in reader.rows():
        progress = reader.typed(record, "progress", row, parse_percent, "invalid-progress")
        goals.append(
            Goal(
                row=row,
                id=reader.text(record, "id", row, required=True),
                employee_id=reader.text(record, "employee_id", row, required=True),
                type=reader.choice(record, "type", row, "goal_type", "invalid-type") or "goal",
                description=reader.text(record, "description", row, required=True),
                measure=reader.text(record, "measure", row),
                due=reader.typed(record, "due", row, parse_date, "invalid-date"),
                responsible=reader.text(record, "responsible", row),
                status=reader.choice(record, "status", row, "goal_status", "invalid-status") or "not_started",
                progress=progress,
                comment=reader.text(record, "comment", row),
                agreed_in_round=reader.text(record, "agreed_in_round", row),
            )
        )
    return goals


def _read_settings(located: _Located | None, report: Report) -> Settings:
    if located is None:
        return Settings(round_id="")
    name = located.name
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    keys = {s.key for s in schema.SETTINGS}
    for row_number, row in enumerate(located.rows[:500], 1):
        if not row or row[0] is None:
            continue
        key = re.sub(r"[\s-]+", "_", clean_text(row[0]).casefold()).rstrip("*")
        if key in ("key", "nøkkel", "setting", "innstilling", "nokkel"):
            continue
        if key not in keys:
            if key:
                guess = difflib.get_close_matches(key, sorted(keys), n=1)
                hint = f"; did you mean {guess[0]}?" if guess else "; it is ignored."
                report.add(
                    Problem(
                        WARNING,
                        name,
                        f"A{row_number}",
                        None,
                        "unknown-setting",
                        f'"{clean_text(row[0])}" is not a known setting{hint}',
                    )
                )
            continue
        if key in rows:
            report.add(
                Problem(
                    WARNING,
                    name,
                    f"A{row_number}",
                    None,
                    "duplicate-setting",
                    f"{key} is set again (first on row {rows[key]}); the first value is used.",
                )
            )
            continue
        rows[key] = row_number
        values[key] = row[1] if len(row) > 1 else None
    settings: dict[str, object] = {}
    for setting in schema.SETTINGS:
        raw = values.get(setting.key)
        if isinstance(raw, str):
            raw = raw.strip() or None
        cell = f"B{rows[setting.key]}" if setting.key in rows else None
        if raw is None:
            if setting.required:
                report.add(
                    Problem(
                        ERROR,
                        name,
                        cell,
                        setting.key,
                        "required-setting",
                        f"{setting.key} is required; add a row with {setting.key} in column A "
                        "and its value in column B.",
                    )
                )
            continue
        try:
            settings[setting.key] = _parse_setting(setting, raw)
        except ValueError as exc:
            report.add(Problem(ERROR, name, cell, setting.key, "invalid-setting", f"{setting.key}: {exc}."))
    result = Settings(round_id=str(settings.pop("round_id", "")), rows=rows, **settings)
    if result.period_start and result.period_end and result.period_end < result.period_start:
        report.add(
            Problem(
                ERROR,
                name,
                f"B{rows['period_end']}",
                "period_end",
                "invalid-setting",
                "period_end is before period_start; swap them.",
            )
        )
    return result


def _parse_setting(setting: schema.Setting, raw: object) -> object:
    kind = setting.kind
    if kind == "round_id":
        text = clean_text(raw)
        if not ROUND_ID.match(text):
            raise ValueError(f'"{text}" may only hold letters, digits, ".", "_" and "-" (e.g. 2027-H1)')
        return text
    if kind == "date":
        return parse_date(raw)
    if kind == "int":
        number = parse_int(raw)
        if number < 0:
            raise ValueError(f"{number} must not be negative")
        if setting.key == "default_duration_minutes" and not 5 <= number <= 480:
            raise ValueError(f"{number} minutes is not a plausible meeting length; use 5 to 480")
        return number
    if kind == "language":
        value = schema.enum_lookup("language").get(fold_word(raw))
        if value is None:
            raise ValueError(f'"{clean_text(raw)}" is not a language; use nb, nn or en')
        return value
    if kind == "hours":
        return parse_hours(raw)
    if kind == "timezone":
        text = clean_text(raw)
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f'"{text}" is not a time zone; use a name like Europe/Oslo') from None
        return text
    return clean_text(raw)


def read_round(path: Path | str) -> tuple[Round, Report]:
    """Read a round workbook into a `Round`, with every problem met on the way in a `Report`.

    Raises WorkbookError when the file cannot be read at all (missing, not .xlsx, encrypted, broken).
    """
    path = Path(path)
    report = Report()
    workbook = open_workbook(path)
    try:
        located = _locate_sheets(workbook, report)
        english = {
            schema.normalise_header(n)
            for n in (schema.ROUND_SHEET_NAMES["en"], *(d.en for d in schema.DATA_SHEETS))
        }
        language = (
            "en" if any(schema.normalise_header(loc.name) in english for loc in located.values()) else "nb"
        )
        for kind, names in (
            ("round", schema.ROUND_SHEET_NAMES),
            *((s.kind, {"en": s.en, "nb": s.nb}) for s in schema.DATA_SHEETS),
        ):
            if kind not in located:
                report.add(
                    Problem(
                        ERROR,
                        names[language],
                        None,
                        None,
                        "missing-sheet",
                        f'Sheet "{names[language]}" (or "{names["en"]}") is missing; add it, '
                        "or create a new workbook with `appraisal init`.",
                    )
                )
        settings = _read_settings(located.get("round"), report)
        sheets: dict[str, SheetInfo] = {}
        records: dict[str, list] = {"employees": [], "schedule": [], "goals": []}
        for spec in schema.DATA_SHEETS:
            if spec.kind not in located:
                continue
            reader = _SheetReader(workbook, located[spec.kind], spec, report)
            sheets[spec.kind] = reader.info
            if spec.kind == "employees":
                records["employees"] = _read_employees(reader)
            elif spec.kind == "schedule":
                records["schedule"] = _read_meetings(reader, settings.default_duration_minutes)
            else:
                records["goals"] = _read_goals(reader)
        if "round" in located:
            sheets["round"] = SheetInfo(
                "round",
                located["round"].name,
                {"key": "A", "value": "B"},
                {"key": "key", "value": "value"},
                0,
            )
    finally:
        workbook.close()
    round_ = Round(
        path=str(path),
        settings=settings,
        employees=tuple(records["employees"]),
        meetings=tuple(records["schedule"]),
        goals=tuple(records["goals"]),
        sheets=sheets,
    )
    return round_, report
