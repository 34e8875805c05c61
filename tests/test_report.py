"""Presenting a report: the terminal lines, and the annotated copy of the workbook."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipeline.errors import OutputError, WorkbookError
from pipeline.model import ERROR, INFO, WARNING, Problem, Report
from pipeline.round.report import issue_line, report_groups, summary_line, write_report_workbook
from pipeline.round.rules import check_workbook

TODAY = dt.date(2026, 12, 1)


def issue(severity=ERROR, sheet="Ansatte", cell="E3", column="Avdeling", code="required-value", message="x"):
    return Problem(severity, sheet, cell, column, code, message)


# -- lines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severities", "line"),
    [
        ([], "No problems found."),
        ([ERROR], "1 error, 0 warnings."),
        ([WARNING], "0 errors, 1 warning."),
        ([ERROR, ERROR, WARNING], "2 errors, 1 warning."),
        ([ERROR, WARNING, WARNING, INFO], "1 error, 2 warnings, 1 note."),
        ([INFO, INFO], "0 errors, 0 warnings, 2 notes."),
    ],
)
def test_summary_line(severities, line):
    assert summary_line(Report([issue(severity=s) for s in severities])) == line


def test_issue_line():
    line = issue_line(issue(message="Avdeling is required; fill it in."))

    assert line == "Ansatte!E3         error   Avdeling: Avdeling is required; fill it in. [required-value]"


def test_issue_line_without_cell_or_column():
    assert issue_line(issue(sheet="Mål", cell=None, column=None, code="missing-sheet", message="m")) == (
        "Mål                error   m [missing-sheet]"
    )
    assert issue_line(
        issue(sheet=None, cell=None, column=None, code="missing-sheet", message="m")
    ).startswith("-  ")


def test_report_groups_keep_the_order_sheets_first_appear_in():
    a, b, c, d = (
        issue(sheet="Ansatte"),
        issue(sheet="Samtaleplan"),
        issue(sheet="Ansatte", cell="D4"),
        issue(sheet=None, cell=None),
    )

    assert report_groups(Report([a, b, c, d])) == [
        ("Ansatte", [a, c]),
        ("Samtaleplan", [b]),
        ("(workbook)", [d]),
    ]


# -- the annotated workbook --------------------------------------------------------------------------


@pytest.fixture
def broken(make_workbook):
    """A workbook with an error, a warning and a note, and its report."""
    path = make_workbook(
        employees={"101": {"department": None}, "103": {"email": "anne.fjordtre.no"}},
        schedule={"104": {"start": "25:00"}},
        extra_sheets={"Notater": [["Husk kaffe"]]},
        round={"invitation_date": dt.date(2027, 1, 5)},
    )
    _, report = check_workbook(path, today=TODAY)
    return path, report


def test_report_workbook_has_the_issues_sheet_first(broken, tmp_path):
    path, report = broken
    destination = tmp_path / "out" / "problemer.xlsx"

    write_report_workbook(path, report, destination, "nb")

    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames == ["Problemer", "Runde", "Ansatte", "Samtaleplan", "Mål", "Notater"]
    assert workbook.active.title == "Problemer"
    issues = workbook["Problemer"]
    rows = list(issues.iter_rows(values_only=True))
    assert rows[0] == ("Severity", "Sheet", "Cell", "Column", "Code", "Message")
    # Empty cells (no cell, no column) read back as None.
    assert rows[1:] == [(i.severity, i.sheet, i.cell, i.column, i.code, i.message) for i in report.issues]
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("Ansatte", "E3", "required-value"),
        ("Ansatte", "D5", "invalid-email"),
        ("Samtaleplan", "B2", "short-notice"),
        ("Samtaleplan", "B3", "short-notice"),
        ("Samtaleplan", "C6", "invalid-time"),
        ("Notater", None, "unknown-sheet"),
    ]
    assert issues["C2"].hyperlink.location == "'Ansatte'!E3"
    assert issues.freeze_panes == "A2"
    assert list(issues.tables) == ["AppraisalIssues"]
    assert issues.tables["AppraisalIssues"].ref == "A1:F7"


def test_report_workbook_marks_and_comments_the_problem_cells(broken, tmp_path):
    path, report = broken
    destination = tmp_path / "problemer.xlsx"

    write_report_workbook(path, report, destination, "nb")

    workbook = openpyxl.load_workbook(destination)
    employees, schedule = workbook["Ansatte"], workbook["Samtaleplan"]
    marked = {
        ("Ansatte", "E3"): ("FFF4B6B6", "required-value"),
        ("Ansatte", "D5"): ("FFF4B6B6", "invalid-email"),
        ("Samtaleplan", "B2"): ("FFFFE699", "short-notice"),
        ("Samtaleplan", "C6"): ("FFF4B6B6", "invalid-time"),
    }
    for (sheet, ref), (colour, code) in marked.items():
        cell = workbook[sheet][ref]
        assert cell.fill.fgColor.rgb == colour, (sheet, ref)
        assert cell.comment is not None, (sheet, ref)
        assert f"[{code}]" in cell.comment.text
        assert cell.comment.author == "appraisal"
    assert employees["D5"].comment.text.startswith('error: "anne.fjordtre.no" is not a valid e-mail address')
    # Cells without a problem keep no comment and no fill.
    for cell in (employees["D4"], employees["E4"], employees["A1"], schedule["C5"]):
        assert cell.comment is None
        assert cell.fill.fill_type is None


def test_report_workbook_keeps_the_original_data(broken, tmp_path):
    path, report = broken
    destination = tmp_path / "problemer.xlsx"

    write_report_workbook(path, report, destination, "nb")

    original = openpyxl.load_workbook(path)
    copy = openpyxl.load_workbook(destination)
    for name in original.sheetnames:
        assert [list(r) for r in copy[name].iter_rows(values_only=True)] == [
            list(r) for r in original[name].iter_rows(values_only=True)
        ], name
    assert openpyxl.load_workbook(path).sheetnames[0] == "Runde"  # the source is untouched


def test_report_workbook_validates_like_the_original(broken, tmp_path):
    path, report = broken
    destination = tmp_path / "problemer.xlsx"
    write_report_workbook(path, report, destination, "nb")

    _, again = check_workbook(destination, today=TODAY)

    assert again.issues == report.issues


def test_several_issues_on_one_cell_share_one_comment_with_the_worst_fill(make_workbook, tmp_path):
    path = make_workbook()
    report = Report(
        [
            issue(severity=WARNING, cell="D4", code="short-notice", message="a warning"),
            issue(severity=ERROR, cell="D4", code="required-value", message="an error"),
        ]
    )
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "en")

    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames[0] == "Issues"
    cell = workbook["Ansatte"]["D4"]
    assert cell.comment.text == "warning: a warning [short-notice]\nerror: an error [required-value]"
    assert cell.fill.fgColor.rgb == "FFF4B6B6"


def test_issue_text_is_written_as_text_never_as_a_formula(make_workbook, tmp_path):
    path = make_workbook()
    report = Report([issue(message='=HYPERLINK("http://evil")', column="=1+1")])
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "en")

    row = openpyxl.load_workbook(destination)["Issues"][2]
    assert row[3].value == "=1+1"
    assert row[3].data_type == "s"
    assert row[5].value == '=HYPERLINK("http://evil")'
    assert row[5].data_type == "s"


def test_no_issues_gives_an_issues_sheet_with_only_headers(make_workbook, tmp_path):
    destination = tmp_path / "report.xlsx"

    write_report_workbook(make_workbook(), Report(), destination, "en")

    sheet = openpyxl.load_workbook(destination)["Issues"]
    assert sheet.max_row == 1


def test_existing_issues_sheet_name_is_not_reused(make_workbook, tmp_path):
    path = make_workbook(lang="en", extra_sheets={"Issues": [["old notes"]]})
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, Report([issue(sheet="Employees")]), destination, "en")

    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames[0] == "Issues (appraisal)"
    assert workbook["Issues"]["A1"].value == "old notes"


def test_issue_on_a_sheet_or_cell_not_in_the_workbook_is_listed_only(make_workbook, tmp_path):
    path = make_workbook()
    report = Report([issue(sheet="Mål", cell=None), issue(sheet="Nowhere", cell="A1")])
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "nb")

    sheet = openpyxl.load_workbook(destination)["Problemer"]
    assert sheet.max_row == 3
    assert sheet["C3"].hyperlink is None


def test_report_refuses_to_overwrite_the_workbook(make_workbook):
    path = make_workbook()
    before = path.read_bytes()

    with pytest.raises(OutputError, match="would overwrite the workbook itself"):
        write_report_workbook(path, Report(), path, "nb")

    assert path.read_bytes() == before


def test_report_must_be_xlsx(make_workbook, tmp_path):
    with pytest.raises(OutputError, match="must be an .xlsx file") as caught:
        write_report_workbook(make_workbook(), Report(), tmp_path / "report.csv", "nb")

    assert str(caught.value).startswith(str(tmp_path / "report.csv"))


def test_report_of_an_unreadable_workbook_names_it(tmp_path):
    source = tmp_path / "round.xlsx"
    source.write_bytes(b"not a workbook")

    with pytest.raises(WorkbookError) as caught:
        write_report_workbook(source, Report(), tmp_path / "report.xlsx", "nb")

    assert str(caught.value).startswith(f"{source}: ")


def test_report_leaves_no_temporary_files(make_workbook, tmp_path):
    out = tmp_path / "out"

    write_report_workbook(make_workbook(), Report([issue()]), out / "report.xlsx", "nb")

    assert [p.name for p in out.iterdir()] == ["report.xlsx"]
