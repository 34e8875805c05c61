"""Managers' copies written straight as XML (followup/sheetxml.py, issue 16): each reads, in every cell,
look, width, height, merge, rule, drop-down, table, print set-up and property, as the copy openpyxl
makes from the same rows; what the writer does not make goes through openpyxl."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline import xlsx
from pipeline.followup import book, rebuild, sheetxml
from pipeline.followup.columns import RUN_PROPERTY, Extra, Formula, Row
from pipeline.followup.figures import Figures
from pipeline.followup.frames import InterviewerFigures
from pipeline.followup.step import write_follow_up
from pipeline.round.rules import check_workbook

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2027, 3, 1)
OWNER = ("Ola Nordmann", {"AppraisalManager": "100", "AppraisalRound": "2027-H1"})


def picture(path: Path) -> dict[str, object]:
    """Everything a person sees in a workbook, as openpyxl reads it (the run's token left out)."""
    wb = openpyxl.load_workbook(path)
    seen: dict[str, object] = {
        "sheets": wb.sheetnames,
        "active": wb.active.title,
        "properties": sorted((p.name, p.value) for p in wb.custom_doc_props if p.name != RUN_PROPERTY),
        "core": (wb.properties.title, wb.properties.creator),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style and c.comment is None:
                    continue
                font, note = c.font, c.comment
                cells[c.coordinate] = (
                    c.value,
                    c.data_type,
                    (font.name, font.b, font.i, font.sz, font.color.rgb if font.color else None),
                    (c.fill.fill_type, c.fill.fgColor.rgb),
                    (c.alignment.wrap_text, c.alignment.vertical, c.alignment.horizontal),
                    c.number_format,
                    c.quotePrefix,
                    (note.text, note.author, note.width, note.height) if note else None,
                )
        rules = [
            (str(r.sqref), x.type, x.operator, tuple(x.formula), x.priority, x.dxf.fill.fgColor.rgb)
            for r in ws.conditional_formatting
            for x in r.rules
        ]
        seen[ws.title] = {
            "cells": cells,
            "widths": {k: (d.width, d.number_format) for k, d in ws.column_dimensions.items()},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "hidden": sorted(k for k, d in ws.row_dimensions.items() if d.hidden),
            "breaks": [b.id for b in ws.row_breaks.brk],
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "frozen": ws.freeze_panes,
            "rules": sorted(rules),
            "drop-downs": sorted(
                (
                    str(d.sqref),
                    d.type,
                    d.operator,
                    d.formula1,
                    d.formula2,
                    d.error,
                    d.errorStyle,
                    d.allow_blank,
                )
                for d in ws.data_validations.dataValidation
            ),
            "tables": {
                t.displayName: (
                    t.ref,
                    [c.name for c in t.tableColumns],
                    t.tableStyleInfo.name,
                    t.autoFilter.ref,
                )
                for t in ws.tables.values()
            },
            "printing": (
                ws.page_setup.orientation,
                ws.page_setup.paperSize,
                ws.sheet_properties.pageSetUpPr.fitToPage,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
                ws.print_title_rows,
                ws.print_title_cols,
                (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text),
                (ws.oddFooter.left.text, ws.oddFooter.right.text),
                (ws.page_margins.left, ws.page_margins.top),
            ),
        }
    with zipfile.ZipFile(path) as archive:  # a chart: openpyxl does not read it back, so its parts
        seen["charts"] = {
            n: archive.read(n) for n in archive.namelist() if n.startswith(("xl/charts", "xl/drawings/d"))
        }
    return seen


def conversation(key: str, **values: object) -> Row:
    return Row(
        key, {"employee_id": key, "name": f"Person {key}", "department": "Økonomi", **values}, "workbook"
    )


def goal(key: str, employee: str, **values: object) -> Row:
    base = {"goal_id": key, "employee_id": employee, "name": f"Person {employee}", "type": "goal"}
    return Row(key, {**base, "description": "Lære Python", "status": "in_progress", **values}, "minutes")


TYPICAL = {
    "conversations": [
        conversation(
            "101",
            interviewer="Ola Nordmann",
            stage="held",
            meeting_date=dt.date(2027, 2, 3),
            held_on=dt.date(2027, 2, 3),
            minutes_overdue=3,
            approved_on=dt.date(2027, 2, 10),
        ),
        conversation("102", name="  Per  ", remark="første linje\nandre linje " * 12, email_refused="ja"),
    ],
    "goals": [
        goal(
            "G1", "101", description="Bli tryggere på kundemøter " * 20, progress=50, due=dt.date(2027, 6, 1)
        ),
        goal("G2", "102", type="action", status="done", progress=100, overdue=True, last_updated=TODAY),
    ],
}
# Text a person typed, as it arrives: formulas, error values, signs, spaces, a carriage return, markup.
AWKWARD = {
    "conversations": [
        conversation("=1+1", name='=HYPERLINK("http://x")', department="#N/A", remark="+47 999 99 999"),
        conversation("-3", name="@home", department="Kari & Ola <AS>", remark=" leading\r\ntrailing "),
    ],
    "goals": [
        goal(
            "G=1",
            "=1+1",
            description="-1",
            measure="a\tb",
            responsible="Ærlig Øystein Åsen 😀",
            comment="#REF!",
        ),
    ],
}
# Wide enough to print landscape and across pages (the title columns then repeat)
WIDE = {
    "conversations": [conversation(str(n), remark="ord " * 40, name="N" * 38) for n in range(30)],
    "goals": [goal(f"G{n}", str(n), description="ord " * 200, measure="mål " * 50) for n in range(30)],
}
NOTHING: dict[str, list[Row]] = {"conversations": [], "goals": []}
CASES = {"typical": TYPICAL, "awkward": AWKWARD, "wide": WIDE, "nothing": NOTHING, "departments": TYPICAL}


def one_department(employees: int) -> InterviewerFigures:
    figures = Figures(employees=employees, invited=employees, held=1, goals=3, done=1)
    return InterviewerFigures("100", {"Økonomi": figures}, figures)


def departments(count: int) -> InterviewerFigures:
    """A manager's people in `count` departments (more than a chart shows: the rest pooled)."""
    names = ["Kari & Ola <AS>", "=Salg", *(f"Avdeling {n}" for n in range(count - 2))]
    groups = {
        name: Figures(employees=n + 1, invited=n + 1, held=n, goals=2, done=n % 3)
        for n, name in enumerate(names)
    }
    total = Figures(employees=sum(f.employees for f in groups.values()))
    return InterviewerFigures("100", groups, total)


def both_ways(tmp_path: Path, rows, lang: str = "nb", name: str = "copy", figures=None):
    heading = xlsx.Heading("Storfjord & Co <AS>", "2027-H1", lang, "Medarbeidersamtaler 2027")
    made = (
        rows,
        {},
        figures or one_department(len(rows["conversations"])),
        {"100": OWNER[0]},
        heading,
        TODAY,
        "t",
        OWNER,
    )
    fast, slow = tmp_path / f"{name}-fast-{lang}.xlsx", tmp_path / f"{name}-slow-{lang}.xlsx"
    fast.write_bytes(sheetxml.copy_bytes(*made))
    rows, headers, figures, names, heading, today, token, owner = made
    with through_openpyxl():
        book.build_follow_up_workbook(rows, headers, [], figures, names, heading, today, token, owner).save(
            slow
        )
    return fast, slow


@contextlib.contextmanager
def through_openpyxl():
    """Every cell through openpyxl's cell objects, as before rows were written as XML."""
    book.RAW_ROWS = False
    try:
        yield
    finally:
        book.RAW_ROWS = True


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_a_copy_written_as_xml_reads_as_the_copy_openpyxl_makes(tmp_path, case, lang):
    figures = departments(3) if case == "departments" else None
    fast, slow = both_ways(tmp_path, CASES[case], lang, figures=figures)
    seen = picture(fast)
    assert seen == picture(slow)
    wb = openpyxl.load_workbook(fast)
    assert wb.custom_doc_props[RUN_PROPERTY].value == "t"
    assert len(wb.worksheets) == 3 and all(ws.tables for ws in wb.worksheets)


def test_a_copy_as_xml_prints_across_pages_and_keeps_typed_text_as_text(tmp_path):
    """A copy's sheets are too wide for a page: landscape, across pages, the ID and name columns
    repeated; text that looks like a formula, an error or a number stays text, quoted."""
    seen = picture(both_ways(tmp_path, AWKWARD)[0])
    for sheet in seen["sheets"]:
        assert seen[sheet]["printing"][:3] == ("landscape", 9, False)
        assert seen[sheet]["printing"][6] == "$A:$B"
    talks = seen["Samtaler"]["cells"]
    assert talks["B3"][:2] == ('=HYPERLINK("http://x")', "s") and talks["B3"][6] is True
    assert talks["C3"][:2] == ("#N/A", "s") and talks["A4"][:2] == ("-3", "s")
    assert talks["P4"][0] == " leading\r\ntrailing "  # as given (rows arrive cleaned), spaces kept


def test_a_copy_with_a_chart_of_many_departments_is_written_as_xml(tmp_path):
    """Several departments: the chart's values in hidden rows below the table, a page break, the chart
    on its own page (more departments than a chart shows: the largest, and the rest pooled)."""
    for count in (2, 25):
        fast, slow = both_ways(tmp_path, TYPICAL, name=f"chart{count}", figures=departments(count))
        seen = picture(fast)
        assert seen == picture(slow)
        overview = seen["Oversikt"]
        assert len(overview["hidden"]) == min(count, 20) and overview["breaks"] == [max(overview["hidden"])]
        assert set(seen["charts"]) == {"xl/charts/chart1.xml", "xl/drawings/drawing1.xml"}


def with_added_columns(source: dict[str, list[Row]], header: str, text: str):
    """The rows with columns people added: a formula (moving with its row), a text that looks like
    one, a date and a number."""
    rows = {kind: [Row(r.key, dict(r.values), r.source) for r in source[kind]] for kind in source}
    rows["goals"][0].extras = {"Sum": Extra(Formula("=K2*2"), 2), header: Extra(text, 7)}
    rows["goals"][1].extras = {
        "Dato": Extra(dt.date(2027, 1, 2), 3),
        "Sum": Extra(Formula("=SUM(K$3:K4)"), 4),
    }
    rows["conversations"][0].extras = {"Tall": Extra(2.5, 9)}
    return rows, {"goals": ["Sum", header, "Dato"], "conversations": ["Tall"]}


def test_a_copy_with_columns_the_manager_added_is_written_as_xml(tmp_path):
    """The columns a manager added come back in their copy: text that looks like a formula stays text,
    their formulas move with their rows, dates and numbers keep their kind."""
    rows, headers = with_added_columns(TYPICAL, "Mine notater", "=husk")
    heading = xlsx.Heading("Storfjord", "2027-H1", "nb", "Medarbeidersamtaler 2027")
    made = (rows, headers, one_department(2), {"100": OWNER[0]}, heading, TODAY, "t", OWNER)
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    fast.write_bytes(sheetxml.copy_bytes(*made))
    with through_openpyxl():
        rows, headers, figures, names, heading, today, token, owner = made
        book.build_follow_up_workbook(rows, headers, [], figures, names, heading, today, token, owner).save(
            slow
        )
    seen = picture(fast)
    assert seen == picture(slow)
    goals = seen["Mål og tiltak"]
    assert goals["tables"]["GoalsAndActions"][1][-3:] == ["Sum", "Mine notater", "Dato"]
    assert goals["cells"]["R3"][:2] == ("=K3*2", "f") and goals["cells"]["S3"][:2] == ("=husk", "s")
    assert goals["cells"]["R4"][:2] == ("=SUM(K$3:K4)", "f") and goals["cells"]["T4"][0] == dt.datetime(
        2027, 1, 2
    )


def test_a_copy_the_xml_writer_cannot_write_goes_to_openpyxl():
    rows = {kind: [Row(r.key, dict(r.values), r.source) for r in TYPICAL[kind]] for kind in TYPICAL}
    rows["goals"][0].values["comment"] = "bell\x07"  # no workbook holds it: openpyxl says so
    heading = xlsx.Heading("Storfjord", "2027-H1", "nb")
    with pytest.raises(sheetxml.Unhandled):
        sheetxml.copy_bytes(rows, {}, one_department(2), {}, heading, TODAY, "t", OWNER)


def test_a_rounds_copies_are_written_as_xml_and_read_as_openpyxls(tmp_path, monkeypatch):
    """A round of 120 employees, its step 5 run twice: as it is, and with every copy through openpyxl.
    Each copy reads the same; most are written as XML (a copy with a chart goes through openpyxl)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import build_round

    workbook = tmp_path / "round.xlsx"
    build_round(workbook, 120)
    round_, _ = check_workbook(workbook, today=dt.date(2026, 12, 1))
    made = []
    real = sheetxml.copy_bytes

    def counted(*args, **kwargs):
        data = real(*args, **kwargs)
        made.append(args[-1][1]["AppraisalManager"])
        return data

    monkeypatch.setattr(sheetxml, "copy_bytes", counted)
    monkeypatch.setattr(rebuild, "default_workers", lambda: 1)  # in this process, so that it counts
    fast = write_follow_up(round_, tmp_path / "fast", today=TODAY)

    def refuse(*_args, **_kwargs):
        raise sheetxml.Unhandled("through openpyxl, for the test")

    monkeypatch.setattr(sheetxml, "copy_bytes", refuse)
    monkeypatch.setattr(book, "RAW_ROWS", False)
    slow = write_follow_up(round_, tmp_path / "slow", today=TODAY)
    assert len(fast.copies.written) == len(slow.copies.written) >= 10
    assert len(made) == len(fast.copies.written)  # every one, those with a chart too
    charted = 0
    for path in fast.copies.written:
        other = tmp_path / "slow" / path.relative_to(tmp_path / "fast")
        seen = picture(path)
        assert seen == picture(other), path
        charted += bool(seen["charts"])
    assert 0 < charted < len(fast.copies.written)  # copies with a chart and without


def test_hrs_workbook_with_its_rows_as_xml_reads_as_through_openpyxl(tmp_path):
    """HR's follow-up: rows written as XML among openpyxl's own (the Overview and its chart, the columns
    and sheets HR added, their formulas moved with their rows, the Conflicts sheet) read the same."""
    both = {kind: TYPICAL[kind] + AWKWARD[kind] for kind in TYPICAL}
    rows, headers = with_added_columns(both, "Merknad", "=ikke en formel")
    others = [("HRs notater", [["Hvem", "Når"], ["=Kari", dt.date(2027, 2, 1)], [Formula("=1+1"), 3]])]
    conflicts = ("Konflikter", [["Dato", "Ark"], [TODAY, "Mål og tiltak"]])
    departments = {"A": Figures(employees=3, held=2), "B & C": Figures(employees=2, held=1)}
    figures = InterviewerFigures("100", departments, Figures(employees=5, held=3))
    heading = xlsx.Heading("Storfjord", "2027-H1", "nb", "Medarbeidersamtaler 2027")
    made = (rows, headers, others, figures, {"100": "Ola"}, heading, TODAY, "t")
    xml, cells = tmp_path / "xml.xlsx", tmp_path / "cells.xlsx"
    book.build_follow_up_workbook(*made, conflicts=conflicts).save(xml)
    with through_openpyxl():
        book.build_follow_up_workbook(*made, conflicts=conflicts).save(cells)
    seen = picture(xml)
    assert seen == picture(cells)
    goals = openpyxl.load_workbook(xml)["Mål og tiltak"]
    formulas = [(c.coordinate, c.value) for row in goals.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == [("R3", "=K3*2"), ("R4", "=SUM(K$3:K4)")]  # moved with their rows
    assert seen["Mål og tiltak"]["cells"]["S3"][:2] == ("=ikke en formel", "s")
    with zipfile.ZipFile(xml) as archive:
        assert "xl/charts/chart1.xml" in archive.namelist()


def test_a_row_is_as_tall_as_its_longest_text_wraps_asked_once_or_many_times():
    """Row heights count the lines each text wraps to in its column. The count of a long text is kept
    (a collect report repeats a problem's words in thousands of rows): asked again, in another column
    width, or for another text, it is what textwrap says."""
    import textwrap

    said = "Skjemaet mangler en underskrift fra lederen; be lederen signere og sende det inn igjen."
    other = said.replace("lederen", "den ansatte")
    for width in (27, 27, 16, 40, 27):
        for text in (said, other, said):
            assert xlsx.line_count(text, width) == len(textwrap.wrap(text, width=int(width) - 2))
    assert xlsx.line_count(said, 16) > xlsx.line_count(said, 27) > xlsx.line_count(said, 40) > 1
    assert xlsx.line_count(f"{said}\n{other}", 27) == xlsx.line_count(said, 27) + xlsx.line_count(other, 27)
    assert xlsx.line_count("kort", 27) == 1 and xlsx.line_count(None, 27) == 1
