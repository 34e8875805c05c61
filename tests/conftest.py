"""Shared fixtures: `make_workbook` builds real round workbooks (.xlsx) from a compact description.

The base round is small and valid (no issue at all): five employees in two levels, one meeting each
in the week of 18 January 2027, two goals. A test states only what differs from it:

    path = make_workbook(employees={"102": {"manager_id": "999"}})

Cell references of the base round (Norwegian or English headers alike):

    Ansatte / Employees      A id  B first  C last  D email  E dept  F job  G manager  H lang  I start  J status
    Samtaleplan / Schedule   A employee  B date  C start  D duration  E location  F interviewer  G note
    Mål / Goals              A id  B employee  C type  D description  E measure  F due  G responsible
                             H status  I progress  J comment  K agreed in round
    Runde / Round            row 1 header; settings from row 2 in the order of BASE_ROUND (B = value)

Employees 100-104 sit on rows 2-6 of Ansatte and their meetings on rows 2-6 of Samtaleplan; goals
G-1 and G-2 on rows 2-3 of Mål.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, settings

from pipeline.round import schema

BASE_ROUND: dict[str, object] = {
    "round_id": "2027-H1",
    "title": "Medarbeidersamtaler våren 2027",
    "organisation": "Fjordtre AS",
    "period_start": dt.date(2027, 1, 18),
    "period_end": dt.date(2027, 1, 29),
    "invitation_date": dt.date(2026, 12, 1),
    "notice_days": 14,
    "language": "nb",
    "hr_contact_name": "Hanne Hr",
    "hr_contact_email": "hr@fjordtre.no",
}

# Kari (100) leads; Ola (101) and Lise (104) report to her; Per (102) and Anne (103) report to Ola.
BASE_EMPLOYEES: list[dict[str, object]] = [
    {
        "id": "100",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "email": "kari@fjordtre.no",
        "department": "Ledelse",
        "job_title": "Daglig leder",
        "manager_id": None,
        "language": "nb",
        "employment_start": dt.date(2015, 3, 1),
        "status": "active",
    },
    {
        "id": "101",
        "first_name": "Ola",
        "last_name": "Hansen",
        "email": "ola@fjordtre.no",
        "department": "Produksjon",
        "job_title": "Produksjonsleder",
        "manager_id": "100",
        "language": "nb",
        "employment_start": dt.date(2018, 8, 15),
        "status": "active",
    },
    {
        "id": "102",
        "first_name": "Per",
        "last_name": "Berg",
        "email": "per@fjordtre.no",
        "department": "Produksjon",
        "job_title": "Snekker",
        "manager_id": "101",
        "language": "nb",
        "employment_start": dt.date(2020, 1, 6),
        "status": "active",
    },
    {
        "id": "103",
        "first_name": "Anne",
        "last_name": "Lie",
        "email": "anne@fjordtre.no",
        "department": "Produksjon",
        "job_title": "Snekker",
        "manager_id": "101",
        "language": "en",
        "employment_start": dt.date(2021, 9, 1),
        "status": "active",
    },
    {
        "id": "104",
        "first_name": "Lise",
        "last_name": "Dahl",
        "email": "lise@fjordtre.no",
        "department": "Salg",
        "job_title": "Selger",
        "manager_id": "100",
        "language": "nb",
        "employment_start": dt.date(2022, 4, 1),
        "status": "active",
    },
]

# Kari has no manager, so her meeting names an interviewer; the others default to their manager.
BASE_SCHEDULE: list[dict[str, object]] = [
    {
        "employee_id": "100",
        "date": dt.date(2027, 1, 18),
        "start": dt.time(9, 0),
        "duration": 60,
        "location": "Møterom 1",
        "interviewer_id": "101",
        "note": None,
    },
    {
        "employee_id": "101",
        "date": dt.date(2027, 1, 18),
        "start": dt.time(10, 0),
        "duration": 60,
        "location": "Møterom 1",
        "interviewer_id": None,
        "note": "Ta med målene fra i fjor",
    },
    {
        "employee_id": "102",
        "date": dt.date(2027, 1, 19),
        "start": dt.time(9, 0),
        "duration": 60,
        "location": "Møterom 2",
        "interviewer_id": None,
        "note": None,
    },
    {
        "employee_id": "103",
        "date": dt.date(2027, 1, 19),
        "start": dt.time(10, 30),
        "duration": 45,
        "location": "Teams",
        "interviewer_id": None,
        "note": None,
    },
    {
        "employee_id": "104",
        "date": dt.date(2027, 1, 20),
        "start": dt.time(13, 0),
        "duration": None,
        "location": None,
        "interviewer_id": None,
        "note": None,
    },
]

BASE_GOALS: list[dict[str, object]] = [
    {
        "id": "G-1",
        "employee_id": "102",
        "type": "goal",
        "description": "Lære CNC-fresen",
        "measure": "Kjører fresen alene",
        "due": dt.date(2027, 6, 30),
        "responsible": "Per Berg",
        "status": "in_progress",
        "progress": 50,
        "comment": None,
        "agreed_in_round": "2026-H1",
    },
    {
        "id": "G-2",
        "employee_id": "103",
        "type": "action",
        "description": "Kurs i HMS",
        "measure": None,
        "due": dt.date(2027, 3, 1),
        "responsible": "Ola Hansen",
        "status": "not_started",
        "progress": 0,
        "comment": None,
        "agreed_in_round": "2026-H1",
    },
]

BASE_ROWS = {"employees": BASE_EMPLOYEES, "schedule": BASE_SCHEDULE, "goals": BASE_GOALS}
# The field a patch dict is keyed by, per data sheet.
ROW_KEYS = {"employees": "id", "schedule": "employee_id", "goals": "id"}
ENUM_FIELDS = {
    ("employees", "language"): "language",
    ("employees", "status"): "employee_status",
    ("goals", "type"): "goal_type",
    ("goals", "status"): "goal_status",
}
SPECS = {spec.kind: spec for spec in schema.DATA_SHEETS}

Rows = list[Any] | dict[str, Any] | None


def _patch_rows(kind: str, rows: Rows) -> list[Any]:
    """A list replaces the base rows; a dict patches them by key (None deletes, a new key appends)."""
    if rows is None:
        return copy.deepcopy(BASE_ROWS[kind])
    if isinstance(rows, list):
        return rows
    key_field = ROW_KEYS[kind]
    result = copy.deepcopy(BASE_ROWS[kind])
    for key, change in rows.items():
        index = next((i for i, row in enumerate(result) if row[key_field] == key), None)
        if change is None:
            if index is None:
                raise KeyError(f"no base row {key!r} in {kind}")
            del result[index]
        elif index is None:
            result.append({key_field: key, **change})
        else:
            result[index].update(change)
    return result


def _label(kind: str, field: str, value: object, lang: str) -> object:
    """Canonical allowed values (`active`, `in_progress`) as the workbook's language writes them."""
    enum = ENUM_FIELDS.get((kind, field))
    if enum is None or not isinstance(value, str):
        return value
    return schema.enum_labels(enum, "en" if lang == "en" else "nb").get(value, value)


def _sheet_rows(kind: str, rows: list[Any], lang: str, headers: dict[str, str | None]) -> list[list]:
    """Turn rows (dicts keyed by field or by extra header, lists, or None for a blank row) into cells."""
    if rows and isinstance(rows[0], list | tuple):
        return [list(r) if r is not None else [] for r in rows]  # raw: header row first
    spec = SPECS[kind]
    columns: list[tuple[str | None, str]] = []  # (field or None for an extra column, key in the dicts)
    for column in spec.columns:
        header = headers.get(column.field, column.header(lang))
        if header is not None:
            columns.append((column.field, column.field))
    known = {c.field for c in spec.columns}
    for row in rows:
        for key in row or {}:
            if key not in known and (None, key) not in columns:
                columns.append((None, key))
    header_row = [
        headers.get(field, SPECS[kind].column(field).header(lang)) if field else key for field, key in columns
    ]
    out = [header_row]
    for row in rows:
        if row is None:
            out.append([])
            continue
        out.append(
            [_label(kind, field, row.get(key), lang) if field else row.get(key) for field, key in columns]
        )
    return out


def _round_rows(settings: dict[str, object] | list[list] | None, lang: str) -> list[list]:
    if isinstance(settings, list):
        return settings
    values = dict(BASE_ROUND)
    for key, value in (settings or {}).items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    header = ["Nøkkel", "Verdi", "Forklaring"] if lang == "nb" else ["Key", "Value", "Explanation"]
    rows: list[list] = [header]
    for key, value in values.items():
        setting = schema.SETTINGS_BY_KEY.get(key)
        explanation = setting.explanation("nb" if lang == "nb" else "en") if setting else None
        rows.append([key, value, explanation])
    return rows


def _write(worksheet: Any, rows: list[list]) -> None:
    for row_number, row in enumerate(rows, 1):
        for column_number, value in enumerate(row, 1):
            if value is not None:
                worksheet.cell(row=row_number, column=column_number, value=value)


def build_workbook(
    path: Path,
    *,
    round: dict[str, object] | list[list] | None = None,
    employees: Rows = None,
    schedule: Rows = None,
    goals: Rows = None,
    lang: str = "nb",
    sheets: dict[str, str | None] | None = None,
    headers: dict[str, dict[str, str | None]] | None = None,
    above: dict[str, list[list]] | None = None,
    extra_sheets: dict[str, list[list]] | None = None,
    order: list[str] | None = None,
    edit: Callable[[openpyxl.Workbook], None] | None = None,
) -> Path:
    """Write a round workbook to `path` and return it.

    round: settings merged over BASE_ROUND (a None value drops the key), or raw rows (list of lists).
    employees/schedule/goals: None for the base rows; a dict patching the base rows by key (employee ID,
        schedule employee ID, goal ID; None deletes the row; an unknown key appends a row with that key,
        unless the fields given name another, e.g. {"new": {"id": "102", ...}}); or a full list
        of rows: dicts keyed by field (other keys become extra columns) with None for a blank row, or
        raw lists whose first one is the header row.
    lang: "nb" or "en": sheet names, headers and the allowed values' labels.
    sheets: kind ("round", "employees", "schedule", "goals") -> sheet name; None leaves the sheet out.
    headers: kind -> {field: header text}; None leaves the column out.
    above: kind -> rows written above the header row (a title, a blank line).
    extra_sheets: name -> raw rows, added after the round's sheets.
    order: the kinds (and extra sheet names) in the order the sheets should appear.
    edit: called with the openpyxl workbook last, for merges, tables, styles, hidden sheets.
    """
    names = {"round": schema.sheet_name("round", "en" if lang == "en" else "nb")}
    names.update({spec.kind: spec.name(lang) for spec in schema.DATA_SHEETS})
    names.update(sheets or {})
    data = {"employees": employees, "schedule": schedule, "goals": goals}
    content = {"round": _round_rows(round, lang)}
    for kind, rows in data.items():
        content[kind] = _sheet_rows(kind, _patch_rows(kind, rows), lang, (headers or {}).get(kind, {}))
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    entries = [(kind, names[kind], content[kind]) for kind in ("round", "employees", "schedule", "goals")]
    entries += [(name, name, rows) for name, rows in (extra_sheets or {}).items()]
    if order:
        entries.sort(key=lambda entry: order.index(entry[0]) if entry[0] in order else len(order))
    for kind, name, rows in entries:
        if name is None:
            continue
        worksheet = workbook.create_sheet(name)
        _write(worksheet, [*(above or {}).get(kind, []), *rows])
    if edit is not None:
        edit(workbook)
    workbook.save(path)
    return path


class WorkbookFactory:
    """`make_workbook(**description)` writes a new .xlsx under the test's tmp_path and returns its path."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self._numbers = itertools.count(1)

    def __call__(self, name: str | None = None, **description: Any) -> Path:
        path = self.tmp_path / (name or f"round-{next(self._numbers)}.xlsx")
        return build_workbook(path, **description)

    @staticmethod
    def rows(kind: str) -> list[dict[str, object]]:
        """A fresh copy of the base rows of a data sheet, to edit and pass back as a full list."""
        return copy.deepcopy(BASE_ROWS[kind])


@pytest.fixture
def make_workbook(tmp_path: Path) -> WorkbookFactory:
    """Build real round workbooks in tmp_path from a compact description (see `build_workbook`)."""
    return WorkbookFactory(tmp_path)


@pytest.fixture
def base_workbook(make_workbook: WorkbookFactory) -> Path:
    """The valid base round, written once for the test."""
    return make_workbook("round.xlsx")


@pytest.fixture(autouse=True)
def the_umask_is_put_back():
    """The command line sets the process's umask (APPRAISAL_FILE_MODE); a test that runs it in-process
    leaves the next test the umask it found."""
    from pipeline.store import files

    mask = os.umask(0)
    os.umask(mask)
    kept = files._UMASK
    yield
    os.umask(mask)
    files._UMASK = kept


@pytest.fixture(autouse=True)
def problems_say_their_message_in_english(monkeypatch):
    """Every problem any test makes, said from its English catalogue phrase, is exactly its `message`:
    the validation report's templates say what the terminal and `--json` say."""
    from pipeline import texts
    from pipeline.model import Report

    add = Report.add

    def checked(report: Report, issue: Any) -> None:
        if issue.phrase is not None:
            said = texts.message("en", issue.phrase.key, issue.phrase.args)
            assert said == issue.message, (issue.code, issue.phrase)
        add(report, issue)

    monkeypatch.setattr(Report, "add", checked)


# Property tests: a few examples in `make test`, many in `make test-long` (--hypothesis-profile=long).
# `make test` draws the same examples every time (derandomize), so that CI never fails on a new draw;
# `make test-long` draws new ones each run, to find what the fixed ones miss.
settings.register_profile(
    "default",
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("default")
