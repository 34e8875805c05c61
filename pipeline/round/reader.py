"""Read the round workbook: find the sheets and headers, type every value, keep every cell reference.

The reader is forgiving about what Excel users do (headers in English or Norwegian, any case, extra
spaces, a trailing `*`, extra columns, sheets in any order, blank rows, IDs typed as numbers, dates
as text) and strict about what it cannot understand: each such value becomes a `Problem` naming the
cell, and reading goes on so that every problem is reported at once.

The stages, each in its module: `opening` (is this a readable .xlsx?), `sheets` (which sheet is which,
where the header row is, each cell's value), `settings` (the Round sheet) and `records` (rows into
employees, meetings and goals).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.model import ERROR, Problem, Report, Round, SheetInfo, phrase
from pipeline.round import schema
from pipeline.round.opening import open_workbook
from pipeline.round.records import read_availability, read_employees, read_goals, read_meetings
from pipeline.round.settings import read_settings
from pipeline.round.sheets import DataSheet, SheetTable, locate_sheets, sheet_language, trim_cells
from pipeline.round.values import in_id_order


def read_round(path: Path | str) -> tuple[Round, Report]:
    """Read a round workbook into a `Round`, with every problem met on the way in a `Report`.

    Raises WorkbookError when the file cannot be read at all (missing, not .xlsx, encrypted, broken).
    """
    path = Path(path)
    report = Report()
    workbook = open_workbook(path)
    try:
        tables = locate_sheets(workbook, report)
    finally:
        workbook.close()
    return _round_from_tables(str(path), tables, report), report


def read_round_from_rows(
    sheets: Mapping[str, tuple[str, Iterable[Iterable[object]]]], path: str = ""
) -> tuple[Round, Report]:
    """Read a round from cell values held in memory, exactly as `read_round` reads a file's.

    `sheets` maps a sheet kind (`round`, `employees`, `schedule`, `goals`) to the sheet's name and its
    rows of cell values from A1 (None for an empty cell), as a workbook holds them.
    """
    report = Report()
    tables = {
        kind: SheetTable(name, trim_cells([list(row) for row in rows]))
        for kind, (name, rows) in sheets.items()
    }
    return _round_from_tables(path, tables, report), report


def _round_from_tables(path: str, tables: dict[str, SheetTable], report: Report) -> Round:
    """The round held by the located sheets; every problem met is added to `report`."""
    _report_missing_sheets(tables, report)
    settings = read_settings(tables.get("round"), report)
    sheets: dict[str, SheetInfo] = {}
    records: dict[str, list] = {"employees": [], "schedule": [], "goals": [], "availability": []}
    for spec in schema.DATA_SHEETS:
        if spec.kind not in tables:
            continue
        sheet = DataSheet(tables[spec.kind], spec, report)
        sheets[spec.kind] = sheet.info
        if spec.kind == "employees":
            records["employees"] = read_employees(sheet)
        elif spec.kind == "schedule":
            records["schedule"] = read_meetings(sheet, settings.default_duration_minutes)
        elif spec.kind == "availability":
            records["availability"] = read_availability(sheet)
        else:
            records["goals"] = read_goals(sheet)
    if "round" in tables:
        sheets["round"] = SheetInfo(
            "round",
            tables["round"].name,
            {"key": "A", "value": "B"},
            {"key": "key", "value": "value"},
            0,
        )
    # in the IDs' order, not the rows': a sorted sheet makes the same documents and workbooks. Rows of
    # the same ID keep theirs (the first of an employee's meetings is the one used)
    employees = in_id_order(records["employees"], lambda e: e.id)
    meetings = in_id_order(records["schedule"], lambda m: m.employee_id)
    goals = in_id_order(records["goals"], lambda g: g.id)
    availability = tuple(records["availability"])
    read = (settings, employees, meetings, goals, sheets, availability)
    return Round(
        path=path,
        settings=settings,
        employees=employees,
        meetings=meetings,
        goals=goals,
        sheets=sheets,
        availability=availability,
        workbook_content=hashlib.sha256(repr(read).encode("utf-8")).hexdigest(),  # 0.1 s at 10,000
    )


def _report_missing_sheets(tables: dict[str, SheetTable], report: Report) -> None:
    """A `missing-sheet` error for each sheet kind not there, named in the language of the sheets that are."""
    kinds = ("round", *(s.kind for s in schema.DATA_SHEETS))
    named = (sheet_language(table.name, kind) for kind, table in tables.items())
    language = next((lang for lang in named if lang != "nb"), "nb")  # bokmål unless a name says otherwise
    optional = {s.kind for s in schema.DATA_SHEETS if s.optional}
    for kind in kinds:
        if kind not in tables and kind not in optional:
            name, english = schema.sheet_name(kind, language), schema.sheet_name(kind, "en")
            report.add(
                Problem(
                    ERROR,
                    name,
                    None,
                    None,
                    "missing-sheet",
                    f'Sheet "{name}" (or "{english}") is missing; add it, '
                    "or create a new workbook with `appraisal init`.",
                    phrase=phrase("missing-sheet", name=name, english=english),
                )
            )
