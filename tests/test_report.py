"""Presenting a report: the terminal lines, and the annotated copy of the workbook."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support.helpers import save_as_strict

from pipeline.errors import OutputError, WorkbookError
from pipeline.model import ERROR, INFO, WARNING, Problem, Report
from pipeline.round.report import write_report_workbook
from pipeline.round.report_lines import (
    issue_line,
    localised_message,
    report_groups,
    severity_word,
    summary_line,
)
from pipeline.round.rules import check_workbook

TODAY = dt.date(2026, 12, 1)
ROOT = Path(__file__).resolve().parents[1]


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
    assert rows[0] == ("Ark", "Celle", "Melding", "Kolonne", "Alvorlighet", "Kode")
    # Empty cells (no cell, no column) read back as None; the messages are in the round's language.
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows[1:]] == [
        (i.sheet, i.cell, i.column, severity_word(i.severity, "nb"), i.code) for i in report.issues
    ]
    assert [r[2] for r in rows[1:]] == [
        "Avdeling må fylles ut.",
        "«anne.fjordtre.no» er ikke en gyldig e-postadresse: An email address must have an @-sign.",
        "18.01.2027 er bare 13 dager etter invitasjonsdatoen 05.01.2027; runden krever 14 dagers varsel.",
        "18.01.2027 er bare 13 dager etter invitasjonsdatoen 05.01.2027; runden krever 14 dagers varsel.",
        "«25:00» er ikke et gyldig klokkeslett.",
        "Arket «Notater» leses ikke av verktøyet; det blir ikke brukt.",
    ]
    assert [r[4] for r in rows[1:]] == ["feil", "feil", "advarsel", "advarsel", "feil", "merknad"]
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [
        ("Ansatte", "E3", "required-value"),
        ("Ansatte", "D5", "invalid-email"),
        ("Samtaleplan", "B2", "short-notice"),
        ("Samtaleplan", "B3", "short-notice"),
        ("Samtaleplan", "C6", "invalid-time"),
        ("Notater", None, "unknown-sheet"),
    ]
    assert issues["B2"].hyperlink.location == "'Ansatte'!E3"
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
    assert employees["D5"].comment.text.startswith("feil: «anne.fjordtre.no» er ikke en gyldig e-postadresse")
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


def test_a_workbook_saved_as_strict_open_xml_in_excel_gets_its_whole_report(broken, tmp_path):
    """Excel's Save As offers "Strict Open XML Spreadsheet" (.xlsx). The report is the whole workbook
    with its marks, as for any other, in the usual namespaces (openpyxl reads no Strict workbook)."""
    path, report = broken
    strict = save_as_strict(path, tmp_path / "strict.xlsx")
    _, again = check_workbook(strict, today=TODAY)
    assert again.issues == report.issues
    destination = tmp_path / "problemer.xlsx"

    write_report_workbook(strict, again, destination, "nb")

    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames == ["Problemer", "Runde", "Ansatte", "Samtaleplan", "Mål", "Notater"]
    assert workbook["Ansatte"]["D5"].comment.text.startswith("feil: «anne.fjordtre.no» er ikke en gyldig")
    assert workbook["Ansatte"]["D5"].fill.fgColor.rgb == "FFF4B6B6"
    original = openpyxl.load_workbook(path)
    for name in original.sheetnames:
        assert [list(r) for r in workbook[name].iter_rows(values_only=True)] == [
            list(r) for r in original[name].iter_rows(values_only=True)
        ], name
    with zipfile.ZipFile(destination) as archive:
        assert not [n for n in archive.namelist() if b"purl.oclc.org/ooxml" in archive.read(n)]


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
    assert row[2].value == '=HYPERLINK("http://evil")'
    assert row[2].data_type == "s"


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
    assert sheet["B3"].hyperlink is None


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


# -- the report in the round's language ----------------------------------------------------------------


@pytest.fixture
def many_problems(make_workbook):
    """A workbook broken in many ways at once (most of the workbook's codes), and its report."""
    path = make_workbook(
        round={
            "notice_days": "to uker",
            "timezone": "Europe/Bergen",
            "workinghours": "08:00-16:00",
            "hr_contact_email": "hr@",
        },
        employees={
            "101": {"department": None, "manager_id": "0100"},
            "102": {"email": "ola@fjordtre.no", "manager_id": "102"},
            "103": {"email": "{0}{title}@", "status": "sluttet", "language": "svensk"},
            "104": {"employment_start": "31.02.2027", "manager_id": "999"},
            "0104": {
                "first_name": "Lisa",
                "last_name": "Dahl",
                "email": "x@fjordtre.no",
                "department": "Salg",
            },
            "105": {
                "first_name": "Nils",
                "last_name": "Ny",
                "email": "nils@fjordtre.no",
                "department": "Salg",
            },
        },
        schedule={
            "100": {"date": dt.date(2027, 1, 23), "interviewer_id": "100"},
            "101": {"start": "25:00", "duration": 600},
            "102": {"date": dt.date(2027, 5, 17), "location": None},
            "104": {"start": dt.time(15, 30), "interviewer_id": "10"},
            "999": {"date": dt.date(2027, 1, 19), "start": dt.time(9, 0)},
        },
        goals={"G-1": {"progress": 140, "employee_id": "998"}},
        extra_sheets={"{0} notater {x}": [["Husk kaffe"]]},
    )
    _, report = check_workbook(path, today=TODAY)
    return path, report


def test_every_workbook_code_has_a_message_in_both_languages():
    from pipeline import texts
    from pipeline.codes import WORKBOOK_CODES

    for lang in ("nb", "en", "nn"):
        missing = sorted(code for code in WORKBOOK_CODES if f"problems.{code}" not in texts.catalogue(lang))
        assert missing == [], lang


def test_the_english_templates_say_exactly_the_english_messages(broken, many_problems, tmp_path):
    from pipeline import texts

    sample = check_workbook(ROOT / "input" / "round.xlsx", today=dt.date(2027, 2, 1))[1]
    for report in (broken[1], many_problems[1], sample):
        assert report.issues
        for issue in report.issues:
            assert issue.phrase is not None, issue
            assert texts.message("en", issue.phrase.key, issue.phrase.args) == issue.message, issue


def test_many_problems_are_said_in_bokmal_and_in_nynorsk(many_problems):
    path, report = many_problems
    codes = {i.code for i in report.issues}
    assert len(codes) >= 20, sorted(codes)
    for issue in report.issues:
        said = localised_message(issue, "nb")
        assert said != issue.message, issue  # said from the catalogue, not the English fallback
        assert localised_message(issue, "nn") not in (said, issue.message), issue
        assert localised_message(issue, "en") == issue.message
    (days,) = [i for i in report.issues if i.code == "invalid-setting" and "notice_days" in i.message]
    assert localised_message(days, "nn") == "notice_days: «to uker» er ikkje eit heiltal."


def test_text_from_the_workbook_is_inserted_as_it_is_never_read_as_a_template(many_problems):
    _, report = many_problems
    said = {
        i.code: localised_message(i, "nb")
        for i in report.issues
        if i.code in ("unknown-sheet", "invalid-email")
    }
    assert said["unknown-sheet"] == "Arket «{0} notater {x}» leses ikke av verktøyet; det blir ikke brukt."
    assert any(
        "«{0}{title}@»" in localised_message(i, "nb") for i in report.issues if i.code == "invalid-email"
    )


def test_a_public_holiday_is_named_in_the_report_language(many_problems):
    _, report = many_problems
    (holiday,) = [i for i in report.issues if i.code == "public-holiday"]
    assert localised_message(holiday, "nb") == (
        "17.05.2027 er en helligdag i Norge (Andre pinsedag; Grunnlovsdag); velg en annen dag."
    )
    assert localised_message(holiday, "nn") == (
        "17.05.2027 er ein heilagdag i Noreg (Andre pinsedag; Grunnlovsdag); vel ein annan dag."
    )  # the holidays' names are bokmål's: the holidays library names them so
    assert localised_message(holiday, "en") == holiday.message


def test_a_problem_the_catalogue_cannot_say_falls_back_to_english():
    from pipeline.model import phrase

    plain = issue(message="Avdeling is required; fill it in.")
    unknown = Problem(
        ERROR, "Ansatte", "E3", None, "required-value", "as it was", phrase=phrase("no-such-key")
    )
    assert localised_message(plain, "nb") == "Avdeling is required; fill it in."
    assert localised_message(unknown, "nb") == "as it was"
