"""The validation report made part by part (round/annotate.py): the same report as the openpyxl copy,
every other part of the workbook kept byte for byte, and the awkward workbooks handled or handed over."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from support.printing import convert

from pipeline import xlsx
from pipeline.model import ERROR, WARNING, Problem, Report
from pipeline.round import report as reporting
from pipeline.round.report import write_report_workbook
from pipeline.round.rules import check_workbook

TODAY = dt.date(2026, 12, 1)
THROUGH_OPENPYXL = reporting._write_through_openpyxl  # the other way, before a test refuses it


@pytest.fixture
def part_by_part(monkeypatch):
    """Fail the test if the report is not made part by part."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the report went through openpyxl")

    monkeypatch.setattr(reporting, "_write_through_openpyxl", refuse)


@pytest.fixture
def problems(make_workbook):
    """A workbook with errors, warnings and notes on several sheets, and its report."""
    path = make_workbook(
        round={"notice_days": "to uker", "hr_contact_email": "hr@"},
        employees={
            "101": {"department": None, "manager_id": "0100"},
            "103": {"email": "{0}{title}@", "status": "sluttet"},
            "104": {"employment_start": "31.02.2027", "manager_id": "999"},
        },
        schedule={"101": {"start": "25:00", "duration": 600}, "102": {"date": dt.date(2027, 5, 17)}},
        goals={"G-1": {"progress": 140, "employee_id": "998"}},
        extra_sheets={"Kari's & Ola's <notater>": [["Husk kaffe"]]},
    )
    _, report = check_workbook(path, today=TODAY)
    assert len({i.sheet for i in report.issues if i.cell}) >= 3
    return path, report


def picture(path: Path) -> dict[str, object]:
    """What a person sees in a report: every cell's value and look, comments, links, print set-up."""
    book = openpyxl.load_workbook(path)
    seen: dict[str, object] = {"sheets": book.sheetnames, "active": book.active.title}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and cell.comment is None and cell.fill.fgColor.rgb == "00000000":
                    continue
                cells[cell.coordinate] = (
                    cell.value,
                    cell.fill.fill_type,
                    cell.fill.fgColor.rgb,
                    bool(cell.font.b),
                    cell.number_format,
                    bool(cell.alignment.wrap_text),
                    cell.comment.text if cell.comment else None,
                    cell.hyperlink.location if cell.hyperlink else None,
                )
        seen[ws.title] = {
            "cells": cells,
            "titles": (ws.print_title_rows, ws.print_title_cols),
            "page": (
                ws.page_setup.orientation,
                ws.page_setup.paperSize,
                ws.sheet_properties.pageSetUpPr.fitToPage,
            ),
            "heading": (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddFooter.right.text),
            "tables": {t.displayName: t.ref for t in ws.tables.values()},
            "frozen": ws.freeze_panes,
        }
    return seen


def test_the_report_made_part_by_part_is_the_openpyxl_report(problems, tmp_path, part_by_part):
    path, report = problems
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"

    write_report_workbook(path, report, fast, "nb")
    THROUGH_OPENPYXL(path, report, slow, "nb", xlsx.Heading(path.name, "", "nb"))

    seen = picture(fast)
    assert seen == picture(slow)
    assert seen["sheets"][0] == "Problemer" and seen["active"] == "Problemer"
    marked = [c for c in seen["Ansatte"]["cells"].values() if c[6]]
    assert marked and all(c[1] == "solid" and c[2] in ("FFF4B6B6", "FFFFE699", "FFDDEBF7") for c in marked)


def test_every_other_part_is_kept_byte_for_byte(problems, tmp_path, part_by_part):
    path, report = problems
    with zipfile.ZipFile(path, "a") as archive:  # what openpyxl would drop
        archive.writestr("customXml/item1.xml", b"<kept>HR's own part</kept>")
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "en")

    with zipfile.ZipFile(path) as before, zipfile.ZipFile(destination) as after:
        changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
        assert changed <= {
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
        } | {n for n in before.namelist() if n.startswith("xl/worksheets/")}
        assert after.read("customXml/item1.xml") == b"<kept>HR's own part</kept>"
        assert after.testzip() is None


def test_a_workbook_saved_by_libreoffice_is_annotated_and_libreoffice_reads_the_report(
    problems, tmp_path, part_by_part
):
    path, _ = problems
    convert([path], "xlsx", tmp_path / "saved")  # shared strings, its own styles, prefixes and all
    saved = tmp_path / "saved" / path.name
    _, report = check_workbook(saved, today=TODAY)
    destination = tmp_path / "report.xlsx"

    write_report_workbook(saved, report, destination, "nb")
    convert([destination], "xlsx", tmp_path / "again")  # LibreOffice opens it and saves what it read

    again = openpyxl.load_workbook(tmp_path / "again" / "report.xlsx")
    assert again.sheetnames[0] == "Problemer"
    marked = {(i.sheet, i.cell) for i in report.issues if i.cell and i.sheet in again.sheetnames}
    for sheet, cell in marked:
        comment = again[sheet][cell].comment
        assert comment is not None and "[" in comment.text, (sheet, cell)
    rows = list(again["Problemer"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5]) for r in rows] == [(i.sheet, i.code) for i in report.issues]


def test_empty_problem_cells_and_missing_rows_are_made_in_place(make_workbook, tmp_path, part_by_part):
    path = make_workbook()
    report = Report(
        [
            Problem(ERROR, "Ansatte", "Z3", "", "required-value", "far right"),
            Problem(WARNING, "Ansatte", "A500", "", "required-value", "far down"),
            Problem(ERROR, "Ansatte", "B2", "", "required-value", "first"),
            Problem(WARNING, "Ansatte", "B2", "", "invalid-email", "second"),
        ]
    )
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "en")

    sheet = openpyxl.load_workbook(destination)["Ansatte"]
    assert sheet["Z3"].comment.text.startswith("error: far right")
    assert sheet["A500"].fill.fgColor.rgb == "FFFFE699"
    assert sheet["B2"].fill.fgColor.rgb == "FFF4B6B6"  # the worse of the two
    assert sheet["B2"].comment.text.splitlines() == [
        "error: first [required-value]",
        "warning: second [invalid-email]",
    ]
    original = openpyxl.load_workbook(path)["Ansatte"]
    assert sheet["B2"].value == original["B2"].value and sheet["B2"].font.b == original["B2"].font.b


def test_a_cell_under_a_merged_cell_is_listed_but_not_marked(make_workbook, tmp_path, part_by_part):
    path = make_workbook(extra_sheets={"Notater": [["Husk", "kaffe"]]})
    book = openpyxl.load_workbook(path)
    book["Notater"].merge_cells("A1:B1")
    book.save(path)
    report = Report(
        [
            Problem(ERROR, "Notater", "B1", "", "required-value", "hidden"),
            Problem(ERROR, "Notater", "A1", "", "required-value", "top"),
        ]
    )
    destination = tmp_path / "report.xlsx"

    write_report_workbook(path, report, destination, "en")

    book = openpyxl.load_workbook(destination)
    assert book["Notater"]["A1"].comment.text == "error: top [required-value]"
    assert book["Issues"].max_row == 3


def test_names_and_print_titles_still_point_at_their_own_sheets(make_workbook, tmp_path, part_by_part):
    path = make_workbook()
    book = openpyxl.load_workbook(path)
    goals = book.sheetnames.index("Mål")
    book["Mål"].defined_names["Mine"] = DefinedName("Mine", attr_text="'Mål'!$A$2")
    book.defined_names["Alle"] = DefinedName("Alle", attr_text="'Ansatte'!$A$1:$A$9")
    book.save(path)

    write_report_workbook(
        path, Report([Problem(ERROR, "Mål", "A2", "", "required-value", "y")]), tmp_path / "r.xlsx", "en"
    )

    report = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert report.sheetnames.index("Mål") == goals + 1
    assert report["Mål"].defined_names["Mine"].attr_text == "'Mål'!$A$2"
    assert report.defined_names["Alle"].attr_text == "'Ansatte'!$A$1:$A$9"
    assert report["Mål"].print_title_rows == "$1:$1"
    assert report["Issues"].print_title_rows == "$1:$1"


def test_the_report_of_a_report_gets_names_of_its_own(make_workbook, tmp_path, part_by_part):
    path = make_workbook()
    problems = Report([Problem(ERROR, "Ansatte", "B2", "", "required-value", "y")])
    write_report_workbook(path, problems, tmp_path / "first.xlsx", "nb")

    again = Report([Problem(ERROR, "Mål", "A2", "", "required-value", "y")])  # a sheet without comments

    write_report_workbook(tmp_path / "first.xlsx", again, tmp_path / "second.xlsx", "nb")

    book = openpyxl.load_workbook(tmp_path / "second.xlsx")
    assert book.sheetnames[:2] == ["Problemer (appraisal)", "Problemer"]
    names = [t.displayName for ws in book.worksheets for t in ws.tables.values()]
    assert len(names) == len(set(names)) == 2


def test_a_sheet_with_comments_already_gets_the_same_report_through_openpyxl(make_workbook, tmp_path):
    path = make_workbook()
    book = openpyxl.load_workbook(path)
    book["Ansatte"]["A1"].comment = Comment("HR: check this column", "Kari")
    book.save(path)

    write_report_workbook(
        path, Report([Problem(ERROR, "Ansatte", "B2", "", "required-value", "y")]), tmp_path / "r.xlsx", "en"
    )

    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Ansatte"]
    assert sheet["A1"].comment.text == "HR: check this column"
    assert sheet["B2"].comment.text == "error: y [required-value]"


def test_text_from_the_workbook_is_written_as_text(make_workbook, tmp_path, part_by_part):
    path = make_workbook(extra_sheets={"A&B <'x'>": [["1"]]})
    hostile = '<script>&amp;</script> =HYPERLINK("http://evil") \x07]]>'
    report = Report([Problem(ERROR, "A&B <'x'>", "A1", hostile, "required-value", hostile)])

    write_report_workbook(path, report, tmp_path / "r.xlsx", "en")

    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    row = [c.value for c in book["Issues"][2]]
    assert row[2] == hostile.replace("\x07", "") and row[3] == hostile.replace("\x07", "")
    assert book["Issues"]["B2"].hyperlink.location == "'A&B <''x''>'!A1"
    assert book["A&B <'x'>"]["A1"].comment.text == f"error: {hostile.replace(chr(7), '')} [required-value]"
