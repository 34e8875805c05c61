"""Write a new, ready-to-fill round workbook, and lay out a new project folder (`appraisal init`).

The workbook's sheets, headers, keys and allowed values all come from `schema.py`, so whatever this
module writes, `reader.py` reads. What this module adds is what a person filling the file needs:
an Instructions sheet, bold frozen headers, column widths, drop-downs for allowed values, date, time and
text formats, and optionally the example organisation (`example.py`, from `example_company.toml`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import install, texts, xlsx
from pipeline.errors import AppraisalError, OutputError
from pipeline.render.locale import LANGUAGES
from pipeline.round import example as example_company
from pipeline.round import schema
from pipeline.store.files import atomic_write, open_temporary_beside

# Drop-downs cover rows 2..LAST_DATA_ROW; number formats are set on whole columns (so they go further).
LAST_DATA_ROW = 2000
ROUND_FILE = Path("input") / "round.xlsx"
TEMPLATES_DIR = "templates"

TIME_FORMAT = "HH:MM"

# The Instructions sheet's topics, in order; their words are the texts `starter.how_to.<topic>` and
# `starter.next_steps.<step>` (a label and a text each).
HOW_TO = ("required", "dates", "times", "ids", "allowed", "headers", "blank_rows", "formulas", "text")
NEXT_STEPS = ("check", "invite", "collect", "follow_up")


@dataclass
class InitResult:
    """What `init_project` did: the files it created, and the existing files it left untouched."""

    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def build_starter_workbook(lang: str = "nb", example: bool = False) -> Workbook:
    """A new round workbook in `lang` (nb, nn or en), empty or filled with the example organisation.

    Sheets in order: Instructions, Round, Employees, Schedule, Goals, in that language.
    """
    base = _base_language(lang)
    wb = Workbook()
    instructions = wb.active
    instructions.title = schema.sheet_name("instructions", base)
    _write_instructions(instructions, base)
    _write_round_sheet(wb.create_sheet(schema.sheet_name("round", base)), lang, example)
    rows = example_company.example_rows(base) if example else {}
    for spec in schema.DATA_SHEETS:
        _write_data_sheet(wb.create_sheet(spec.name(base)), spec, base, rows.get(spec.kind, []))
    settings = example_company.example_settings(base) if example else {}
    heading = xlsx.Heading(str(settings.get("organisation", "")), str(settings.get("round_id", "")), base)
    for ws in wb.worksheets:
        xlsx.set_up_printing(ws, None if ws is instructions else "1:1", heading, title_columns="A:A")
    wb.properties.creator = "appraisal"
    wb.properties.title = texts.get(base, "starter.title")
    return wb


def starter_sheets(lang: str = "nb", example: bool = False) -> dict[str, tuple[str, list[list[object]]]]:
    """The cell values of a new workbook's Round and data sheets, as `build_starter_workbook` writes them.

    By sheet kind (`round`, `employees`, `schedule`, `goals`): the sheet's name and its rows from A1,
    None for an empty cell. `reader.read_round_from_rows` reads them as the written workbook is read.
    """
    base = _base_language(lang)
    records = example_company.example_rows(base) if example else {}
    sheets = {"round": (schema.sheet_name("round", base), _round_rows(lang, example))}
    for spec in schema.DATA_SHEETS:
        sheets[spec.kind] = (spec.name(base), _data_rows(spec, base, records.get(spec.kind, [])))
    return sheets


def write_starter_workbook(path: Path, lang: str = "nb", example: bool = False) -> None:
    """Write a new round workbook to `path` (replacing any file there), atomically.

    See `build_starter_workbook` for what it holds. Raises `OutputError` when the file cannot be written.
    """
    path = Path(path)
    wb = build_starter_workbook(lang, example)
    try:
        atomic_write(path, wb.save)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the workbook: {exc}") from exc


def init_project(
    directory: Path,
    lang: str = "nb",
    example: bool = False,
    *,
    templates: Traversable | Path | None = None,
) -> InitResult:
    """Lay out a new project in `directory`: `input/round.xlsx`, a copy of the default templates and
    `appraisal.toml` (the installation's settings, each explained and commented out).

    `templates` is the folder copied to `directory/templates/` with its sub-folders (default: the
    templates bundled in `pipeline/default_templates/`; nothing when there are none). An existing file is
    never overwritten: it is listed in `InitResult.skipped`. Every file is written to a temporary file
    beside it first and only then put in place, so an interrupted init leaves no half-written file.
    """
    directory = Path(directory)
    _base_language(lang)
    result = InitResult()
    target = directory / ROUND_FILE
    if target.exists():
        result.skipped.append(target)
    else:
        wb = build_starter_workbook(lang, example)
        _record(result, target, _publish_new(_save_to_temp(wb, target), target))
    source = templates if templates is not None else _bundled_templates()
    if source is not None and source.is_dir():
        for parts, item in _walk(source):
            dest = directory.joinpath(TEMPLATES_DIR, *parts)
            if dest.exists():
                result.skipped.append(dest)
                continue
            _record(result, dest, _publish_new(_copy_to_temp(item, dest), dest))
    config = directory / install.CONFIG_FILE  # the installation's settings, explained and commented out
    if config.exists():
        result.skipped.append(config)
    else:
        _record(result, config, _publish_new(_copy_to_temp(install.STARTER.encode(), config), config))
    return result


# --- languages and texts -------------------------------------------------------------------------------


def _base_language(lang: str) -> str:
    """The language of texts and labels (each language has its own)."""
    if lang not in LANGUAGES:
        raise AppraisalError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def _labels(enum: str, lang: str) -> Mapping[str, str]:
    return schema.enum_labels(enum, _base_language(lang))


# --- the sheets ----------------------------------------------------------------------------------------


def _write_instructions(ws: Worksheet, lang: str) -> None:
    """The first sheet: what each sheet and column is, and how to fill them, in `lang` (nb or en)."""
    ws.sheet_view.showGridLines = False
    widths = (30, 100)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws["A1"] = texts.get(lang, "starter.title")
    ws["A1"].font = xlsx.font(size=16, bold=True, color=xlsx.DARK)
    ws.row_dimensions[1].height = 26
    row = 3
    for paragraph in (texts.get(lang, "starter.intro"), texts.get(lang, "starter.read_only")):
        row = _instruction_row(ws, row, "", paragraph, widths)
    row += 1

    row = _instruction_heading(ws, row, texts.get(lang, "starter.sheets"))
    for kind in ("instructions", "round", *(spec.kind for spec in schema.DATA_SHEETS)):
        note = texts.get(lang, f"starter.sheet_notes.{kind}")
        row = _instruction_row(ws, row, schema.sheet_name(kind, lang), note, widths)
    row += 1

    row = _instruction_heading(ws, row, texts.get(lang, "starter.how"))
    for topic in HOW_TO:
        label, body = (texts.get(lang, f"starter.how_to.{topic}.{part}") for part in ("label", "text"))
        row = _instruction_row(ws, row, label, body, widths)
    row += 1

    round_sheet = schema.sheet_name("round", lang)
    row = _instruction_heading(ws, row, texts.get(lang, "starter.settings", sheet=round_sheet))
    row = _instruction_subheader(
        ws, row, texts.get(lang, "starter.key"), texts.get(lang, "starter.explanation")
    )
    for setting in schema.SETTINGS:
        parts = [_setting_explanation(setting, lang)]
        if setting.default not in (None, ""):
            default = setting.default
            if setting.key == "language":  # as its drop-down offers it (`bokmål`), not its code
                default = _labels("language", lang)[str(default)]
            parts.append(texts.get(lang, "starter.default", value=default))
        row = _instruction_row(ws, row, setting.key, _sentences(parts), widths)
    row += 1

    for spec in schema.DATA_SHEETS:
        row = _instruction_heading(ws, row, texts.get(lang, "starter.columns", sheet=spec.name(lang)))
        row = _instruction_subheader(
            ws, row, texts.get(lang, "starter.column"), texts.get(lang, "starter.meaning")
        )
        for column in spec.columns:
            parts = [texts.get(lang, f"starter.column_notes.{spec.kind}.{column.field}")]
            if column.required:
                parts.append(texts.get(lang, "starter.required"))
            if column.enum:
                values = ", ".join(_labels(column.enum, lang).values())
                parts.append(texts.get(lang, "starter.allowed", values=values))
            row = _instruction_row(ws, row, column.header(lang), _sentences(parts), widths)
        row += 1

    row = _instruction_heading(ws, row, texts.get(lang, "starter.next"))
    for step in NEXT_STEPS:
        label, body = (texts.get(lang, f"starter.next_steps.{step}.{part}") for part in ("label", "text"))
        row = _instruction_row(ws, row, label, body, widths)


def _instruction_heading(ws: Worksheet, row: int, title: str) -> int:
    for col in (1, 2):
        ws.cell(row=row, column=col).fill = xlsx.HEADER_FILL
    cell = ws.cell(row=row, column=1, value=title)
    cell.font = xlsx.font(size=12, bold=True, color="FFFFFF")
    ws.row_dimensions[row].height = 20
    return row + 1


def _instruction_subheader(ws: Worksheet, row: int, left: str, right: str) -> int:
    for col, value in ((1, left), (2, right)):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = xlsx.BOLD_FONT
        cell.fill = xlsx.SUBHEADER_FILL
    return row + 1


def _instruction_row(ws: Worksheet, row: int, label: str, body: str, widths: tuple[int, int]) -> int:
    """One label/text row; the row is made tall enough for the wrapped text (Excel does not always)."""
    if label:
        cell = ws.cell(row=row, column=1, value=label)
        cell.font = xlsx.BOLD_FONT
        cell.alignment = xlsx.WRAP_TOP
    ws.cell(row=row, column=2, value=body).alignment = xlsx.WRAP_TOP
    height = xlsx.row_height(max(xlsx.line_count(label, widths[0]), xlsx.line_count(body, widths[1])))
    if height:
        ws.row_dimensions[row].height = height
    return row + 1


def _sentences(parts: list[str]) -> str:
    """Join phrases into sentences: the schema's explanations come without a full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts)


def _setting_explanation(setting: schema.Setting, lang: str) -> str:
    explanation = setting.explanation(lang)
    if setting.required:
        return f"{explanation} ({texts.get(lang, 'starter.required_setting')})"
    return explanation


def _round_rows(lang: str, example: bool) -> list[list[object]]:
    """The Round sheet's cells: a header row, then key (always in English), value and explanation."""
    base = _base_language(lang)
    values = example_company.example_settings(lang) if example else _default_settings(lang)
    rows: list[list[object]] = [
        [
            texts.get(base, "starter.key"),
            texts.get(base, "starter.value"),
            texts.get(base, "starter.explanation"),
        ]
    ]
    # the language as its drop-down offers it (`bokmål`), not its code
    values["language"] = _labels("language", base)[values.get("language") or base]
    for setting in schema.SETTINGS:
        value = values.get(setting.key)
        rows.append([setting.key, None if value == "" else value, _setting_explanation(setting, base)])
    return rows


def _write_round_sheet(ws: Worksheet, lang: str, example: bool) -> None:
    """Key, value, explanation: one row per setting, the key always in English."""
    base = _base_language(lang)
    header, *rows = _round_rows(lang, example)
    _write_header_row(ws, header, (26, 34, 70))
    date_format = xlsx.date_format(base)
    for row, (setting, (key, value, explanation)) in enumerate(zip(schema.SETTINGS, rows, strict=True), 2):
        _set_text(ws.cell(row=row, column=1), key)
        cell = ws.cell(row=row, column=2)
        cell.alignment = Alignment(horizontal="left")
        if setting.kind == "date":
            cell.number_format = date_format
        elif setting.kind != "int":
            cell.number_format = xlsx.TEXT_FORMAT
        if value is not None:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
        ws.cell(row=row, column=3, value=explanation).alignment = Alignment(wrap_text=True, vertical="top")
        if setting.key == "language":
            _add_drop_down(ws, "language", base, f"B{row}")


def _default_settings(lang: str) -> dict[str, object]:
    values = {s.key: s.default for s in schema.SETTINGS}
    values["language"] = lang
    return values


def _write_data_sheet(
    ws: Worksheet, spec: schema.SheetSpec, lang: str, rows: list[dict[str, object]]
) -> None:
    """Header row, column formats, drop-downs and (for the example) the data rows."""
    widths = [_fitted_width(c, rows) for c in spec.columns]
    header, *cells = _data_rows(spec, lang, rows)
    _write_header_row(ws, header, widths)
    formats: dict[str, str] = {}
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        number_format = _number_format(column, lang)
        if number_format:
            # A column style: Excel applies it to every cell typed in the column, however far down.
            ws.column_dimensions[letter].number_format = number_format
            formats[column.field] = number_format
        if column.enum:
            _add_drop_down(ws, column.enum, lang, f"{letter}2:{letter}{max(LAST_DATA_ROW, len(rows) + 1)}")
    for row, values in enumerate(cells, start=2):
        for index, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
            if value is None:
                continue
            cell = ws.cell(row=row, column=index, value=value)
            if isinstance(value, str):
                # Person-provided text stays text: `=cmd|...` must never become a formula.
                cell.data_type = "s"
            if column.field in formats:
                cell.number_format = formats[column.field]


def _data_rows(spec: schema.SheetSpec, lang: str, rows: list[dict[str, object]]) -> list[list[object]]:
    """A data sheet's cells: the header row, then one row per record, allowed values as `lang`'s labels."""
    cells: list[list[object]] = [[c.header(lang) for c in spec.columns]]
    for record in rows:
        values: list[object] = []
        for column in spec.columns:
            value = record.get(column.field)
            if value is None or value == "":
                value = None
            elif column.enum:
                value = _labels(column.enum, lang).get(str(value), value)
            values.append(value)
        cells.append(values)
    return cells


def _fitted_width(column: schema.Column, rows: list[dict[str, object]]) -> int:
    """The schema's width, widened (up to 60) so the example's longest text is not cut off."""
    longest = max((len(v) for r in rows if isinstance(v := r.get(column.field), str)), default=0)
    return max(column.width, min(longest + 2, 60))


def _number_format(column: schema.Column, lang: str) -> str | None:
    # IDs, and what people write in words: a cell in General would take `10 %` for 0.1, `1/2` and
    # `3-4` for dates (Excel and Calc both), and the reader could not give back what was typed
    if column.kind in ("id", "text", "email"):
        return xlsx.TEXT_FORMAT
    if column.kind == "date":
        return xlsx.date_format(lang)
    if column.kind == "time":
        return TIME_FORMAT
    return None


def _write_header_row(
    ws: Worksheet, headers: list[str] | tuple[str, ...], widths: list[int] | tuple[int, ...]
) -> None:
    for index, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=index)
        _set_text(cell, header)
        cell.font = xlsx.HEADER_FONT
        cell.fill = xlsx.HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _add_drop_down(ws: Worksheet, enum: str, lang: str, cells: str) -> None:
    """A list validation with the language's labels; a warning (not a stop) lets synonyms through."""
    labels = list(_labels(enum, lang).values())
    base = _base_language(lang)
    validation = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(labels)),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=texts.get(base, "starter.bad_title"),
        error=f"{texts.get(base, 'starter.bad_value')} ({', '.join(labels)})",
    )
    validation.add(cells)
    ws.add_data_validation(validation)


def _set_text(cell: Cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"


# --- files ---------------------------------------------------------------------------------------------


def _save_to_temp(wb: Workbook, path: Path) -> Path:
    """Save `wb` to a new temporary file in `path`'s folder (created if needed) and return its path."""
    try:
        tmp = _new_temp_file(path)
        try:
            wb.save(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the workbook: {exc}") from exc
    return tmp


def _copy_to_temp(source: Traversable | Path | bytes, dest: Path) -> Path:
    """A temporary file beside `dest` holding `source` (a file's, or these, bytes)."""
    try:
        tmp = _new_temp_file(dest)
        try:
            tmp.write_bytes(source if isinstance(source, bytes) else source.read_bytes())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{dest}: cannot copy the template: {exc}") from exc
    return tmp


def _new_temp_file(path: Path) -> Path:
    """Create an empty temporary file beside `path` (its folder made if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = open_temporary_beside(path)
    os.close(handle)
    return tmp


def _publish_new(tmp: Path, dest: Path) -> bool:
    """Move a finished temporary file to `dest` unless `dest` exists; False (and nothing changed) if it does.

    A hard link fails when the target exists, so even a file that appears between our check and now is
    never replaced; where links are not supported, fall back to check-then-`os.replace`.
    """
    try:
        try:
            os.link(tmp, dest)
        except FileExistsError:
            return False
        except OSError:
            if dest.exists():
                return False
            os.replace(tmp, dest)
        return True
    except OSError as exc:
        raise OutputError(f"{dest}: cannot write: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _record(result: InitResult, path: Path, created: bool) -> None:
    (result.created if created else result.skipped).append(path)


def _bundled_templates() -> Traversable | None:
    try:
        folder = files("pipeline") / "default_templates"
    except (ModuleNotFoundError, OSError):
        return None
    return folder if folder.is_dir() else None


_SKIPPED_NAMES = ("__pycache__", ".DS_Store", "Thumbs.db")


def _walk(
    folder: Traversable | Path, parts: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    """Every file under `folder` with its path parts, in name order; editor junk and lock files left out."""
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name in _SKIPPED_NAMES or item.name.startswith(("~$", ".")):
            continue
        if item.is_dir():
            yield from _walk(item, (*parts, item.name))
        elif item.is_file():
            yield (*parts, item.name), item
