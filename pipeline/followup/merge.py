"""The follow-up workbook's columns, reading the copy people edited, and merging it with the sources.

Merge rules (the README says the same for users):

* Rows are matched by ID (Goal ID on Goals and actions, Employee ID on Conversations), never by
  position: sorting, filtering, hiding or moving rows and columns changes nothing. Columns are found by
  header, in Norwegian or English.
* The editable columns are status, progress and comment (goals and actions) and approved date and
  follow-up held (conversations). A value there counts as a person's edit when it differs from what
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
  and formulas, without formatting or charts. The Overview sheet is always made anew.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as ET
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import SheetTypeEnum

from pipeline import xlsx
from pipeline.errors import OutputError, WorkbookError
from pipeline.model import WARNING, Problem, problem
from pipeline.round import schema
from pipeline.round.reader import OpenWorkbook, open_workbook
from pipeline.round.values import clean_text, fold_word, parse_date, parse_percent

RUN_PROPERTY = "AppraisalFollowUpRun"
HEADER_ROW = 2  # row 1 holds the instructions line
SHEETS = {
    "overview": {"nb": "Oversikt", "en": "Overview"},
    "conversations": {"nb": "Samtaler", "en": "Conversations"},
    "goals": {"nb": "Mål og tiltak", "en": "Goals and actions"},
}


@dataclass(frozen=True)
class Column:
    """A column of a follow-up sheet: its key, its headers, what it holds, and whether people edit it."""

    key: str
    nb: str
    en: str
    kind: str  # id | text | long | date | int | status | stage | type | flag | source
    editable: bool = False

    def header(self, lang: str) -> str:
        """The header in `lang`."""
        return self.en if lang == "en" else self.nb


CONVERSATION_COLUMNS = (
    Column("employee_id", "Ansattnr", "Employee ID", "id"),
    Column("name", "Navn", "Name", "text"),
    Column("department", "Avdeling", "Department", "text"),
    Column("interviewer", "Samtaleleder", "Interviewer", "text"),
    Column("stage", "Trinn", "Stage", "stage"),
    Column("meeting_date", "Samtaledato", "Meeting date", "date"),
    Column("held_on", "Holdt", "Held on", "date"),
    Column("minutes_received", "Referat mottatt", "Minutes received", "date"),
    Column("minutes_due", "Frist referat", "Minutes due", "date"),
    Column("minutes_overdue", "Dager over frist, referat", "Days overdue, minutes", "int"),
    Column("approval_due", "Frist godkjenning", "Approval due", "date"),
    Column("approval_overdue", "Dager over frist, godkjenning", "Days overdue, approval", "int"),
    Column("approved_on", "Godkjent dato", "Approved on", "date", editable=True),
    Column("follow_up_held", "Oppfølging holdt", "Follow-up held", "date", editable=True),
    Column("next_follow_up", "Neste oppfølging", "Next follow-up", "date"),
    Column("remark", "Merknad", "Remark", "text"),
    Column("source", "Kilde", "Source", "source"),
)
GOAL_COLUMNS = (
    Column("goal_id", "Mål-ID", "Goal ID", "id"),
    Column("employee_id", "Ansattnr", "Employee ID", "id"),
    Column("name", "Navn", "Name", "text"),
    Column("department", "Avdeling", "Department", "text"),
    Column("type", "Type", "Type", "type"),
    Column("description", "Beskrivelse", "Description", "long"),
    Column("measure", "Suksesskriterium", "Success measure", "long"),
    Column("responsible", "Ansvarlig", "Responsible", "text"),
    Column("due", "Frist", "Due date", "date"),
    Column("status", "Status", "Status", "status", editable=True),
    Column("progress", "Fremdrift (%)", "Progress (%)", "int", editable=True),
    Column("comment", "Kommentar", "Comment", "long", editable=True),
    Column("agreed_in", "Avtalt i runde", "Agreed in round", "text"),
    Column("last_updated", "Sist oppdatert", "Last updated", "date"),
    Column("overdue", "Forfalt", "Overdue", "flag"),
    Column("source", "Kilde", "Source", "source"),
)
COLUMNS = {"conversations": CONVERSATION_COLUMNS, "goals": GOAL_COLUMNS}
KEY_COLUMN = {"conversations": "employee_id", "goals": "goal_id"}
STAGE_LABELS = {
    "nb": {
        "unscheduled": "ikke planlagt",
        "planned": "planlagt",
        "invited": "invitert",
        "prepared": "forberedt",
        "held": "holdt",
        "minutes": "referat mottatt",
        "approved": "godkjent",
    },
    "en": {
        "unscheduled": "not scheduled",
        "planned": "planned",
        "invited": "invited",
        "prepared": "prepared",
        "held": "held",
        "minutes": "minutes received",
        "approved": "approved",
    },
}
SOURCE_LABELS = {
    "nb": {
        "workbook": "arbeidsboken",
        "minutes": "referat",
        "removed": "fjernet fra kilden",
        "hand": "lagt inn for hånd",
        "no_id": "uten ID – ikke flettet",
        "duplicate": "dobbel ID – ikke flettet",
    },
    "en": {
        "workbook": "workbook",
        "minutes": "minutes",
        "removed": "removed from source",
        "hand": "added by hand",
        "no_id": "no ID – not merged",
        "duplicate": "duplicate ID – not merged",
    },
}
FLAG_LABELS = {"nb": ("ja", "nei"), "en": ("yes", "no")}
GENERATED_SOURCES = ("workbook", "minutes")
COUNTED_GOAL_SOURCES = ("workbook", "minutes", "hand")


class Formula(str):
    """A formula someone wrote (`=...`): kept as a formula in their own columns and sheets, and as its
    text anywhere else."""


@dataclass
class Extra:
    """A cell of a column a person added: kept as it was (a formula moves with its row)."""

    value: object
    row: int  # the row it was on, to move a formula's relative references with the row


@dataclass
class Row:
    """One row of a data sheet: values by column key (canonical: dates, ints, status keys)."""

    key: str
    values: dict[str, object]
    source: str  # workbook | minutes | removed | hand | no_id | duplicate
    extras: dict[str, Extra] = field(default_factory=dict)
    generated: dict[str, object] | None = None  # the editable values the sources gave this run
    base: dict[str, object] | None = None  # ... at the last run, for a row kept after its source went
    edited_on: dt.date | None = None
    facts: dict[str, object] = field(default_factory=dict)  # not shown: interviewer ID, collected or not
    line: int = 0  # its row in the existing workbook (0: not from there)


@dataclass
class FileSheet:
    """A data sheet as found in the existing workbook."""

    title: str
    positions: dict[str, int]  # column key -> its column there (0-based)
    extra_headers: list[str]
    rows: list[Row]

    @property
    def present(self) -> set[str]:
        """The column keys found."""
        return set(self.positions)


@dataclass
class ExistingFile:
    """What the existing follow-up workbook holds that a new run must keep."""

    token: str | None
    sheets: dict[str, FileSheet]
    other_sheets: list[tuple[str, list[list[object]]]]  # sheets people added: title, rows of values


class Notes:
    """Warnings and counts gathered along the run."""

    def __init__(self, lang: str):
        self.lang = lang
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "conversations",
                "goals",
                "new_rows",
                "edits_kept",
                "conflicts",
                "restored_rows",
                "removed_rows",
                "hand_rows",
                "unmatched_rows",
                "extra_columns",
                "extra_sheets",
                "texts_cut",
            ),
            0,
        )

    def warn(self, code: str, message: str, file: object = None) -> None:
        """Add a warning for the user (`code`: one of `model.PROBLEM_CODES`)."""
        self.problems.append(problem(WARNING, code, message, file=file))

    @property
    def warnings(self) -> list[str]:
        """The warnings' sentences, as the human output prints them."""
        return [p.message for p in self.problems]

    def fit(self, text: str, where: str) -> str:
        """Text as a cell may hold it; a cut is counted and reported."""
        fitted, cut = xlsx.fit_text(text, self.lang)
        if cut:
            self.counts["texts_cut"] += 1
            self.warn(
                "text-cut",
                f"{where}: the text has {len(text):,} characters, more than a cell holds; it was cut to "
                f"{xlsx.EXCEL_TEXT_LIMIT:,} and ends with “{xlsx.CUT_MARKERS[self.lang]}”.",
            )
        return fitted


def cell_text(value: object) -> str:
    """Any cell value as trimmed text (numbers without `.0`, dates as ISO), cleaned for a cell."""
    if isinstance(value, str):
        return xlsx.clean_text(value).strip()
    return xlsx.clean_text(clean_text(value))


def normalise(column: Column, raw: object) -> tuple[object, str | None]:
    """A value as typed in an editable column, made canonical; the text as typed when it is not
    understood, with a problem to report. Empty is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    text = cell_text(raw)
    if column.kind == "status":
        canonical = schema.enum_lookup("goal_status").get(fold_word(text))
        if canonical is None:
            allowed = ", ".join(schema.ENUM_LABELS["goal_status"]["nb"].values())
            return text, f"“{text}” is not a status ({allowed}); kept as typed, counted as not done"
        return canonical, None
    if column.kind == "int":
        try:
            number = parse_percent(raw)
        except ValueError:
            return text, f"“{text}” is not a whole number; kept as typed"
        if not 0 <= number <= 100:
            return number, f"{number} is outside 0–100; kept as typed"
        return number, None
    if column.kind == "date":
        try:
            return parse_date(raw), None
        except ValueError:
            return text, f"“{text}” is not a date; kept as typed"
    return text or None, None


def to_json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def from_json(column: Column, value: object) -> object:
    if column.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def iso_date(text: object) -> dt.date | None:
    if isinstance(text, str) and text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _header_index() -> dict[str, dict[str, str]]:
    """Per data sheet: every accepted (normalised) header, in either language, -> column key."""
    index: dict[str, dict[str, str]] = {}
    for kind, columns in COLUMNS.items():
        index[kind] = {}
        for column in columns:
            for name in (column.nb, column.en, column.key):
                index[kind].setdefault(schema.normalise_header(name), column.key)
    return index


HEADERS = _header_index()
SOURCE_LOOKUP = {fold_word(label): key for labels in SOURCE_LABELS.values() for key, label in labels.items()}
OVERVIEW_NAMES = {schema.normalise_header(name) for name in SHEETS["overview"].values()}


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
        token = _run_token(book.archive)
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
            grid = _grid(book, title)
            found = _find_header(grid)
            if found is not None and found[0] not in sheets:
                kind, header_row, mapping = found
                sheets[kind] = _read_sheet(title, kind, grid, header_row, mapping, notes)
            elif schema.normalise_header(title) not in OVERVIEW_NAMES:
                others.append((title, grid))
        return ExistingFile(token, sheets, others)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ET.ParseError) as exc:
        raise OutputError(
            f"{path}: cannot be read ({exc}); repair it or move it away and run again."
        ) from exc
    finally:
        book.close()


def _run_token(archive: zipfile.ZipFile) -> str | None:
    """The run token the workbook carries as a custom document property, if any."""
    try:
        root = ET.fromstring(archive.read("docProps/custom.xml"))
    except KeyError:
        return None
    for prop in root:
        if prop.get("name") == RUN_PROPERTY:
            return "".join(prop.itertext()).strip() or None
    return None


def _grid(book: OpenWorkbook, title: str) -> list[list[object]]:
    """A sheet's values from A1 (empty cells None), with formulas as `Formula` (calamine gives only
    the calculated value, and nothing for a formula nobody calculated)."""
    rows = book.book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    grid: list[list[object]] = [[None if v == "" else v for v in row] for row in rows]
    member = book.sheet_paths.get(title)
    for (row, column), text in (_formulas(book.archive.read(member)) if member else {}).items():
        while len(grid) <= row:
            grid.append([])
        if len(grid[row]) <= column:
            grid[row].extend([None] * (column + 1 - len(grid[row])))
        grid[row][column] = Formula(text)
    return grid


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
        for kind, index in HEADERS.items():
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
    title: str, kind: str, grid: list[list[object]], header_row: int, mapping: dict[int, str], notes: Notes
) -> FileSheet:
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
        [cell_text(header[p]) for p in extra_positions], "Column" if notes.lang == "en" else "Kolonne"
    )
    sheet = FileSheet(title, {key: position for position, key in mapping.items()}, extra_headers, [])
    for number, cells in enumerate(grid[header_row + 1 :], start=header_row + 2):
        if all(v is None for v in cells):
            continue
        if any(isinstance(v, Formula) and v.upper().startswith("=SUBTOTAL(") for v in cells):
            continue  # a totals row someone switched on; the new table can have its own
        values: dict[str, object] = {}
        for position, key in mapping.items():
            raw = cells[position] if position < len(cells) else None
            column = columns[key]
            if not column.editable:
                values[key] = raw  # made typed only if the row is kept as it is (`settle_row`)
                continue
            value, problem = normalise(column, raw)
            where = f"{title}!{get_column_letter(position + 1)}{number}"
            if problem:
                notes.warn("value-not-understood", f"{where} ({column.header(notes.lang)}): {problem}.")
            values[key] = notes.fit(value, where) if isinstance(value, str) else value
        extras = {
            header: Extra(cells[position], number)
            for position, header in zip(extra_positions, extra_headers, strict=True)
            if position < len(cells) and cells[position] is not None
        }
        source = SOURCE_LOOKUP.get(fold_word(cell_text(values.pop("source", None))), "")
        key = cell_text(cells[key_position] if key_position < len(cells) else None)
        sheet.rows.append(Row(key, values, source, extras, line=number))
    return sheet


def settle_row(row: Row, kind: str, sheet: FileSheet, notes: Notes) -> None:
    """Type the generated columns of a row kept as the file has it (removed from source, added by hand,
    not merged): dates as dates, whole numbers as numbers, anything else as (fitted) text."""
    for column in COLUMNS[kind]:
        if column.editable or column.key not in row.values:
            continue
        raw = row.values[column.key]
        if column.kind == "date":
            value = normalise(column, raw)[0]
        elif column.kind == "int" and isinstance(raw, int | float) and not isinstance(raw, bool):
            value = int(raw) if float(raw).is_integer() else raw
        else:
            value = cell_text(raw) or None
        if isinstance(value, str):
            where = f"{sheet.title}!{get_column_letter(sheet.positions[column.key] + 1)}{row.line}"
            value = notes.fit(value, where)
        row.values[column.key] = value


def merge_rows(
    kind: str, generated: list[Row], existing: FileSheet | None, base: dict, today: dt.date, notes: Notes
) -> list[Row]:
    """The rows to write: generated rows with people's edits applied, then the rows only the file has
    (kept and marked). `base` is the run that wrote the existing file. See MERGE_RULES."""
    editable = [c for c in COLUMNS[kind] if c.editable]
    title = existing.title if existing else SHEETS[kind][notes.lang]
    known: dict[str, dict] = base.get(kind, {})
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
        last_generated = record_values(editable, record, "g")
        last_written = record_values(editable, record, "w")
        row.edited_on = iso_date(record.get("e")) if record else None
        found = in_file.pop(row.key, None)
        if found is not None:
            row.extras = found.extras
        elif record is not None:
            restored.append(row.key)
        else:
            notes.counts["new_rows"] += 1
        for column in editable:
            new = row.values.get(column.key)
            if found is not None and column.key in present:
                typed = found.values.get(column.key)
                if record is not None:
                    edited = typed != last_generated[column.key]
                    if typed != last_written[column.key]:
                        row.edited_on = today  # changed since the last run
                else:
                    # No record of what was generated: anything typed that differs counts as an edit.
                    edited = typed is not None and typed != new
            elif record is not None:
                # The row or the column is gone from the file: what it held at the last run comes back.
                typed = last_written[column.key]
                edited = typed != last_generated[column.key]
            else:
                typed, edited = None, False
            if not edited:
                continue
            row.values[column.key] = typed
            notes.counts["edits_kept"] += 1
            if record is not None and new != last_generated[column.key] and typed != new:
                notes.counts["conflicts"] += 1
                notes.warn(
                    "edit-kept-against-source",
                    f"{title} {row.key}, {column.header(notes.lang)}: kept “{show_value(column, typed, notes.lang)}”, "
                    f"typed in the follow-up workbook; the sources now say “{show_value(column, new, notes.lang)}”. "
                    "Change the cell if the new value is right.",
                )
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


def record_values(editable: list[Column], record: dict | None, part: str) -> dict[str, object]:
    """A row's editable values from a run record: "g" what the sources gave, "w" what was written."""
    if record is None:
        return {}
    generated = {c.key: from_json(c, (record.get("g") or {}).get(c.key)) for c in editable}
    if part == "g":
        return generated
    written = record.get("w") or {}
    return {c.key: from_json(c, written[c.key]) if c.key in written else generated[c.key] for c in editable}


def show_value(column: Column, value: object, lang: str) -> str:
    if value is None:
        return ""
    if column.kind == "status":
        return schema.ENUM_LABELS["goal_status"][lang].get(str(value), str(value))
    if isinstance(value, dt.date):
        return value.isoformat() if lang == "en" else value.strftime("%d.%m.%Y")
    return str(value)
