"""The collect report HR can forward: `output/<round>/collect-report.xlsx`, in the round's language.

One row per problem of every file collected in the round so far, with each file's latest outcome, and
one row for a file without problems: the interviewer, the employee, the file, the field's title as
the form shows it (in the form's language), the problem and what to do. Sorted by interviewer, so that
HR can send each manager their own rows; files with no known interviewer come first.

What each collect found is kept in the state database (document `collect-report` of the round), so
that the report covers every collect of the round, not only the last. A form later replaced by
another form for the same employee shows one row saying so. The report holds no answer typed in a
form (no free text, no score): only where the problem is and what it is.

It is rewritten by every `collect`. A report a person has edited since (its bytes differ from what
was written) is first kept in `history/`, as the follow-up workbook is; one open in Excel or
LibreOffice is left as it is, and the terminal says so.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import texts
from pipeline.celltext import cell_safe_text
from pipeline.collect.results import (
    ACCEPTED,
    REPLACED,
    SKIPPED,
    UNCHANGED,
    CollectResult,
    FileResult,
    name_under,
    own_path,
)
from pipeline.errors import OutputError
from pipeline.followup.record import backup, lock_file, sha
from pipeline.forms.intake import is_system_file
from pipeline.model import Round
from pipeline.store.files import atomic_write
from pipeline.store.ledger import input_digest
from pipeline.store.state import State

if TYPE_CHECKING:  # openpyxl is loaded when a report is written, not by a collect that finds it as it was
    import openpyxl

    from pipeline import sheetrows, xlsx

REPORT_FILE = "collect-report.xlsx"
STATE_NAME = "collect-report"
COLUMNS = (  # key, width in characters: together one landscape A4 page at 80 % (xlsx.PAGE_WIDTH)
    ("interviewer", 16),
    ("employee", 16),
    ("employee_id", 9),
    ("file", 20),
    ("outcome", 12),
    ("field", 18),
    ("problem", 27),
    ("todo", 27),
    ("collected", 11),
)
FIRST_ROW = 4  # the header row: a title and a note above it


def remember_collected(
    root: Path,
    folder: Path,
    result: CollectResult,
    interviewer_of: dict[str, str],
    today: dt.date,
) -> dict:
    """Take this collect's outcomes into the round's record, and store it: before the register, so that
    a collect killed in between accepts the forms again next time (and records them again), instead of
    finding them "already collected" and the record without their problems. Returns the record."""
    state = State(root.parent)
    record = state.document(root.name, STATE_NAME)
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        record = {"version": 1, "files": {}, "sha": None}
    if _remember(record["files"], result.files, folder, interviewer_of, today):
        state.put_document(root.name, STATE_NAME, record)
    return record


def write_collect_report(round_: Round, root: Path, result: CollectResult, record: dict) -> None:
    """Write the report from the round's record (`remember_collected`) into `result.report`;
    `result.report_backup`, `result.report_note` say what else happened."""
    before = (record.get("sha"), record.get("content"))
    _write(round_, root, record, result)
    if (record.get("sha"), record.get("content")) != before:  # the report written now: remember its hash
        State(root.parent).put_document(root.name, STATE_NAME, record)


def _write(round_: Round, root: Path, record: dict, result: CollectResult) -> None:
    """Write the report from the record, unless it is open, or as recorded and untouched."""
    path = root / REPORT_FILE
    lock = lock_file(path)
    if lock is not None:
        result.report_note = f"{path} is open ({lock} exists): not rewritten; close it and collect again"
        return
    current = sha(path)
    rows = _rows(round_, record["files"], round_.settings.language)
    settings = round_.settings
    content = input_digest(rows, settings.language, settings.title, settings.organisation)
    if current is not None and current == record.get("sha") and content == record.get("content"):
        result.report = path  # the same report as the one there, untouched: not written again
        return
    if current is not None and current != record.get("sha"):
        result.report_backup = backup(path, root)  # a person edited it since: keep their copy
    try:
        atomic_write(path, _workbook(round_, rows).save)
    except (OSError, OutputError) as exc:  # the minutes are written: say so, and go on
        result.report_note = f"{path} could not be written ({getattr(exc, 'strerror', None) or exc})"
        return
    record["sha"], record["content"] = sha(path), content
    result.report = path


def _remember(
    files: dict[str, dict],
    outcomes: list[FileResult],
    folder: Path,
    interviewer_of: dict[str, str],
    today: dt.date,
) -> bool:
    """Record each file's latest outcome, and mark the meeting-notes forms of earlier collects that a
    form accepted now for the same employee replaces. Whether anything was recorded (a collect that
    found only forms collected before, each where it was, records nothing)."""
    changed = False
    earlier = set(files)
    accepted: dict[str, str] = {}  # employee ID -> the file accepted for them in this collect
    real = os.path.realpath(folder)  # the folder's links resolved once; a file's own never (not followed)
    for outcome in outcomes:
        if outcome.status == SKIPPED and is_system_file(outcome.path):
            continue  # Word's lock files, .DS_Store: nothing anyone sent
        name = name_under(outcome.path, folder)
        # a file skipped may be a link: resolved whole, as before
        key = own_path(outcome.path, name if outcome.status != SKIPPED else None, real)
        if outcome.status == UNCHANGED and key in files:
            continue  # the same file again: what it was found to hold still stands
        shown = name.replace(os.sep, "/") if name is not None else outcome.path.name
        changed = True
        files[key] = {
            "file": shown,
            "status": str(outcome.status),
            "kind": outcome.kind,
            "employee_id": outcome.employee_id,
            "interviewer_id": interviewer_of.get(outcome.employee_id, ""),
            "collected": today.isoformat(),
            "problems": [
                {"code": p.code, "field": p.field or "", "title": outcome.titles.get(p.field or "", "")}
                for p in outcome.problems
            ],
        }
        if outcome.status in (ACCEPTED, REPLACED) and outcome.kind == "meeting_notes":
            accepted[outcome.employee_id] = key
    if accepted:  # one pass over the record, not one per accepted form
        for key in earlier:
            entry = files[key]
            newer = accepted.get(entry.get("employee_id", ""))
            if newer is not None and newer != key and entry.get("kind") == "meeting_notes":
                entry["replaced_by"] = files[newer]["file"]
    return changed


def _rows(round_: Round, files: dict[str, dict], lang: str) -> list[list[object]]:
    """The report's rows: one per problem, one for a file without problems; by interviewer."""
    unknown = texts.get(lang, "collect_report.no_interviewer")
    rows: list[tuple[tuple, list[object]]] = []
    for entry in files.values():
        employee = round_.employee(entry.get("employee_id", ""))
        interviewer = round_.employee(entry.get("interviewer_id", ""))
        interviewer_name = interviewer.name if interviewer else ""
        outcome = texts.get(lang, f"collect_report.outcomes.{entry['status']}")
        problems = entry.get("problems") or [{}]
        if entry.get("replaced_by"):
            outcome = texts.get(lang, "collect_report.outcomes.superseded")
            problems = [
                {
                    "code": "",
                    "title": "",
                    "text": texts.get(lang, "collect_report.replaced_by", file=entry["replaced_by"]),
                }
            ]
        collected = dt.date.fromisoformat(entry["collected"])
        for found in problems:
            code = found.get("code", "")
            problem = found.get("text") or (_said(lang, "problems", code) if code else "")
            row = [
                interviewer_name or unknown,
                employee.name if employee else "",
                entry.get("employee_id", ""),
                entry["file"],
                outcome,
                found.get("title", ""),
                problem,
                _said(lang, "todo", code) if code else "",
                collected,
            ]
            order = (bool(interviewer_name), interviewer_name.casefold(), row[1].casefold(), entry["file"])
            rows.append((order, row))
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def _said(lang: str, part: str, code: str) -> str:
    """A problem code's words in the report: the problem (the code itself for one the catalogue has no
    words for), or what to do (nothing, for a note that needs no action)."""
    return texts.catalogue(lang).get(f"collect_report.{part}.{code}", code if part == "problems" else "")


def _workbook(round_: Round, rows: list[list[object]]) -> openpyxl.Workbook:
    import openpyxl
    from openpyxl.utils import get_column_letter

    from pipeline import sheetrows, xlsx

    settings = round_.settings
    lang = settings.language
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet(texts.get(lang, "collect_report.sheet"))
    widths = [float(width) for _, width in COLUMNS]
    xlsx.set_widths(ws, widths)
    headers = [texts.get(lang, f"collect_report.columns.{key}") for key, _ in COLUMNS]
    heading = xlsx.Heading(settings.organisation, settings.round_id, lang, settings.title)
    xlsx.set_up_printing(ws, f"{FIRST_ROW}:{FIRST_ROW}", heading)
    ws.freeze_panes = f"A{FIRST_ROW + 1}"
    cells = xlsx.Cells(ws)
    cells.define("title", font=xlsx.TITLE_FONT)
    cells.define("long", alignment=xlsx.WRAP_TOP)
    cells.define("date", number_format=xlsx.date_format(lang), alignment=xlsx.WRAP_TOP)
    ws.append([cells.text(texts.get(lang, "collect_report.title", round=settings.round_id), "title")])
    xlsx.write_wrapped_note(ws, cells, texts.get(lang, "collect_report.note"), row=2)
    ws.append([])
    if height := xlsx.header_height(headers, widths):
        ws.row_dimensions[FIRST_ROW].height = height
    ws.append([cells.header(h) for h in headers])
    writer = sheetrows.Rows(sheetrows.Looks(cells)) if RAW_ROWS else None
    if writer is not None:
        sheetrows.raw_rows(ws)
    letters = [get_column_letter(n) for n in range(1, len(COLUMNS) + 1)]
    for number, values in enumerate(rows, start=FIRST_ROW + 1):
        lines = max(xlsx.line_count(v, w) for v, w in zip(values, widths, strict=True) if isinstance(v, str))
        height = xlsx.row_height(lines)
        if writer is not None:
            try:
                line = [_raw_cell(writer, f"{x}{number}", v) for x, v in zip(letters, values, strict=True)]
                ws.append((sheetrows.RawRow(writer.row(number, line, height)),))
                continue
            except sheetrows.Unhandled:
                pass  # this row through openpyxl, as it would have been
        if height:
            ws.row_dimensions[number].height = height
        ws.append([_cell(cells, v) for v in values])
    xlsx.add_table(ws, "CollectReport", FIRST_ROW, FIRST_ROW + len(rows), headers)
    return workbook


RAW_ROWS = True  # rows written as XML (`sheetrows.py`): a tenth of openpyxl's cells; False: through them


def _raw_cell(writer: sheetrows.Rows, ref: str, value: object) -> str:
    """`_cell` as XML."""
    if isinstance(value, dt.date):
        return writer.value(ref, value, "date")
    return writer.text(ref, cell_safe_text(str(value)), "long") if value else ""


def _cell(cells: xlsx.Cells, value: object) -> object:
    """A report cell: a date, a text (never a formula), or nothing for an empty text."""
    if isinstance(value, dt.date):
        return cells.value(value, "date")
    return cells.text(cell_safe_text(str(value)), "long") if value else None
