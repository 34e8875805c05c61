"""Presenting a validation report: lines for the terminal (English), and an annotated copy of the
workbook in the round's language (its Issues sheet, the severity words, the messages and the comments)."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo

from pipeline import texts, xlsx
from pipeline.errors import OutputError, WorkbookError
from pipeline.model import ERROR, INFO, WARNING, Problem, Report
from pipeline.round import annotate, schema
from pipeline.round.report_lines import SEVERITY_RANK, localised_message, severity_word
from pipeline.store.files import atomic_write

FILLS = {
    ERROR: PatternFill("solid", start_color="FFF4B6B6"),
    WARNING: PatternFill("solid", start_color="FFFFE699"),
    INFO: PatternFill("solid", start_color="FFDDEBF7"),
}
# The Issues sheet's columns, as it prints: where, the message beside it, then what kind of problem.
# The widths add up to one landscape A4 page (`xlsx.PAGE_WIDTH`), the message wrapping within its own.
ISSUE_COLUMNS = (("sheet", 14), ("cell", 8), ("message", 66), ("column", 18), ("severity", 10), ("code", 22))


def write_report_workbook(source: Path, report: Report, destination: Path, lang: str = "en") -> None:
    """Write a copy of the workbook with problem cells filled and commented, and an Issues sheet first.

    The copy is made part by part (`annotate`), keeping everything else in the workbook as it is; a
    workbook that way does not handle is copied through openpyxl instead, to the same report."""
    if destination.resolve() == source.resolve():
        raise OutputError(
            f"{destination}: the report would overwrite the workbook itself; choose another name."
        )
    if destination.suffix.lower() != ".xlsx":
        raise OutputError(f"{destination}: the report must be an .xlsx file.")
    heading = xlsx.Heading(source.name, "", lang)  # the workbook checked, on every page
    marks = {
        where: annotate.Mark(FILLS[severity].fgColor.rgb, text)
        for where, (severity, text) in _marks(report, lang).items()
    }
    try:
        annotate.write_annotated(source, destination, marks, _issues_sheet(report, lang), heading)
        return
    except annotate.Unhandled:
        pass  # the same report, more slowly
    _write_through_openpyxl(source, report, destination, lang, heading)


def _marks(report: Report, lang: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(sheet, cell): the worst severity of its problems and the comment that says them all."""
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for issue in report.issues:
        if issue.sheet and issue.cell:
            by_cell.setdefault((issue.sheet, issue.cell), []).append(issue)
    marks = {}
    for where, issues in by_cell.items():
        worst = min(issues, key=lambda i: SEVERITY_RANK.get(i.severity, 3))
        text = "\n".join(
            f"{severity_word(i.severity, lang)}: {localised_message(i, lang)} [{i.code}]" for i in issues
        )
        marks[where] = (worst.severity if worst.severity in FILLS else INFO, text[:30000])
    return marks


def _issue_values(issue: Problem, lang: str) -> dict[str, str]:
    return {
        "sheet": issue.sheet or "",
        "cell": issue.cell or "",
        "message": localised_message(issue, lang),
        "column": issue.column or "",
        "severity": severity_word(issue.severity, lang),
        "code": issue.code,
    }


def _issues_sheet(report: Report, lang: str) -> annotate.IssuesSheet:
    names = [name for name, _ in ISSUE_COLUMNS]
    sheet = annotate.IssuesSheet(
        title=schema.sheet_name("issues", lang),
        headers=[texts.get(lang, f"problems.report.{name}") for name in names],
        widths=[width for _, width in ISSUE_COLUMNS],
        link_column=names.index("cell"),
        severity_column=names.index("severity"),
        wrapped_column=names.index("message"),
    )
    for issue in report.issues:
        values = _issue_values(issue, lang)
        sheet.rows.append([values[name] for name in names])
        sheet.links.append((issue.sheet, issue.cell) if issue.sheet and issue.cell else None)
        sheet.fills.append(FILLS.get(issue.severity, FILLS[INFO]).fgColor.rgb)
    return sheet


def _write_through_openpyxl(
    source: Path, report: Report, destination: Path, lang: str, heading: xlsx.Heading
) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(source)
    except Exception as exc:
        raise WorkbookError(f"{source}: cannot be opened to write the report ({exc}).") from exc
    for (sheet, cell), (severity, text) in _marks(report, lang).items():
        if sheet not in workbook.sheetnames:
            continue
        target = workbook[sheet][cell]
        if type(target).__name__ == "MergedCell":
            continue
        target.fill = FILLS[severity]
        comment = Comment(text, "appraisal")
        comment.width, comment.height = 320, 40 + 18 * max(1, len(text) // 45)
        target.comment = comment
    _add_issues_sheet(workbook, report, lang)
    for ws in workbook.worksheets:
        xlsx.set_up_printing(ws, "1:1", heading, title_columns="A:A")
    atomic_write(destination, workbook.save)


def _add_issues_sheet(workbook: openpyxl.Workbook, report: Report, lang: str) -> None:
    title = schema.sheet_name("issues", lang)
    while title in workbook.sheetnames:
        title += " (appraisal)"
    sheet = workbook.create_sheet(title, 0)
    names = [name for name, _ in ISSUE_COLUMNS]
    sheet.append([texts.get(lang, f"problems.report.{name}") for name in names])
    top = Alignment(vertical="top")
    for issue in report.issues:
        values = _issue_values(issue, lang)
        sheet.append([None] * len(values))
        row = sheet.max_row
        for index, name in enumerate(names, 1):
            cell = sheet.cell(row=row, column=index)
            cell.value = values[name]
            cell.data_type = "s"  # text from a workbook is never a formula
            cell.alignment = xlsx.WRAP_TOP if name == "message" else top
        if issue.sheet in workbook.sheetnames and issue.cell:
            link = sheet.cell(row=row, column=names.index("cell") + 1)
            quoted = issue.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{issue.cell}")
            link.font = xlsx.LINK_FONT
        severity = sheet.cell(row=row, column=names.index("severity") + 1)
        severity.fill = FILLS.get(issue.severity, FILLS[INFO])
    for index, (_, width) in enumerate(ISSUE_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = xlsx.BOLD_FONT
        cell.alignment = xlsx.HEADER_ALIGNMENT
    sheet.freeze_panes = "A2"
    if report.issues:
        last = get_column_letter(len(ISSUE_COLUMNS))
        table = Table(displayName="AppraisalIssues", ref=f"A1:{last}{len(report.issues) + 1}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        sheet.add_table(table)
    workbook.active = 0
    for other in workbook.worksheets[1:]:
        other.sheet_view.tabSelected = False
