"""Managers' copies written straight as the workbook's XML (issue 16): about ten times faster than
building each through openpyxl, which at 10,000 employees is over a thousand workbooks a run.

A copy is the follow-up workbook of `book.py` for one manager: the same layout (`layout.data_layout`,
`layout.overview_layout`), the same cells, the same looks. What every copy of a round and language shares
is made once per process (a `Kit`), through openpyxl itself:

* the parts no row changes (header notes and their drawings, theme, package relationships), taken from
  a copy of no rows that `book.build_follow_up_workbook` makes;
* each cell look's number in the stylesheet: a look is made exactly as `xlsx.Cells` makes it, on a sheet
  of a workbook kept for the purpose, whose stylesheet is then written (so a date in a column of text,
  a text that starts with `=`, get the look openpyxl would give them);
* each sheet's frame (properties, frozen panes, drop-downs, highlighting, page set-up), from an empty
  sheet set up by the same functions as the openpyxl copy, for each way a sheet can print;
* a chart's drawing and chart parts, from `charts.chart_on_its_own_page`, once per shape of chart.

Only the rows, the column widths, the merged note cells, the tables' ranges, the print titles, a chart's
place and the properties that say whose copy it is are written per copy, with the columns a manager
added. A copy with a value this writer cannot write (a character no workbook holds, a time with a time
zone) raises `Unhandled`, and `book.py` makes it through openpyxl, as before.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import openpyxl
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.xml.functions import tostring

from pipeline import charts, xlsx
from pipeline.followup import book
from pipeline.followup.columns import HEADER_ROW, RUN_PROPERTY, Row, sheet_name
from pipeline.followup.figures import FIGURE_COLUMNS, Bars, Figures, figure_values
from pipeline.followup.frames import FigureFrames, InterviewerFigures
from pipeline.followup.layout import (
    OVERVIEW_HEADER_ROW,
    data_layout,
    overview_layout,
)
from pipeline.sheetrows import Looks, Rows, Unhandled

KINDS = ("overview", "conversations", "goals")  # the sheets, in order: sheet1.xml, sheet2.xml, ...
SHARED_PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/app.xml",
    "docProps/core.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/theme/theme1.xml",
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VALUE_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


@dataclass
class Frame:
    """What a sheet has around its rows, as XML: before its columns, after its rows; and its print
    titles (for the workbook's defined names) and whether it is fitted to the page's width."""

    top: str
    tail: str
    titles: str
    orientation: str
    fits: bool
    title_columns: str | None  # the columns repeated on each printed page, when it prints across pages


CHART_PARTS = ("xl/drawings/drawing1.xml", "xl/charts/chart1.xml")  # made per copy with a chart
# What a copy with a chart has otherwise: the chart's drawing listed, and the Overview's relationships
CHART_SHARED = (
    "[Content_Types].xml",
    "xl/worksheets/_rels/sheet1.xml.rels",
    "xl/drawings/_rels/drawing1.xml.rels",
)


@dataclass
class Kit:
    """What every copy of one round and language shares (see the module's docstring)."""

    heading: xlsx.Heading
    parts: dict[str, bytes]
    chart_parts: dict[str, bytes]  # instead of some of `parts`, in a copy with a chart
    workbook_xml: str
    registry: openpyxl.Workbook
    looks: Looks
    frames: dict[tuple, Frame] = field(default_factory=dict)
    charts: dict[tuple, tuple[bytes, bytes]] = field(default_factory=dict)
    stylesheets: dict[tuple[int, int], bytes] = field(default_factory=dict)

    @classmethod
    def make(cls, heading: xlsx.Heading, today: dt.date) -> Kit:
        """The kit, from copies of no rows made through openpyxl: one of no department, one of two (and
        so a chart)."""
        parts = _skeleton(heading, today, {})
        two = {"A": Figures(employees=1), "B": Figures(employees=1)}
        with_chart = _skeleton(heading, today, two)
        if any(name not in with_chart for name in CHART_SHARED + CHART_PARTS) or any(
            "chart" in name for name in parts
        ):
            raise Unhandled("the copies of no rows are not made of the parts expected")
        registry = openpyxl.Workbook(write_only=True)
        cells = book.sheet_cells(registry.create_sheet("looks"), heading.lang)
        workbook_xml = parts.pop("xl/workbook.xml").decode("utf-8")
        chart_parts = {name: with_chart[name] for name in CHART_SHARED}
        return cls(heading, parts, chart_parts, workbook_xml, registry, Looks(cells))

    def chart(self, bars: Bars, widths: list[float], frame: Frame, row: int) -> tuple[bytes, bytes]:
        """A chart's drawing and chart parts (`charts.chart_on_its_own_page`, its values from `row`), from
        a sheet set up as the Overview is; what they hold depends only on the key here."""
        column = 1 if frame.fits else 3
        key = (column, row, len(bars.groups), sum(widths), sum(widths[: column - 1]), bars.title, bars.series)
        if key not in self.charts:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet(sheet_name("overview", self.heading.lang))
            book.set_up_sheet(ws, "overview", widths, self.heading)
            for _ in range(row - 1):
                ws.append([])
            charts.chart_on_its_own_page(ws, bars, row, column)
            data = io.BytesIO()
            wb.save(data)
            with zipfile.ZipFile(data) as archive:
                drawing, chart = (archive.read(name) for name in CHART_PARTS)
            self.charts[key] = (drawing, chart)
        return self.charts[key]

    def stylesheet(self) -> bytes:
        """The stylesheet with every look made so far (looks are only ever added)."""
        key = (len(self.registry._cell_styles), len(self.registry._differential_styles.dxf))
        if key not in self.stylesheets:
            self.stylesheets[key] = tostring(write_stylesheet(self.registry))
        return self.stylesheets[key]

    def frame(self, kind: str, widths: list[float], rules_end: int) -> Frame:
        """A sheet's frame, made by the functions that set up the openpyxl copy's sheet."""
        orientation, fits = xlsx.page_layout(sum(widths))
        key = (kind, orientation, fits, rules_end)
        found = self.frames.get(key)
        if found is not None:
            return found
        ws = openpyxl.Workbook(write_only=True).create_sheet(sheet_name(kind, self.heading.lang))
        book.set_up_sheet(ws, kind, widths, self.heading, rules_end)
        ws.sheet_format.outlineLevelCol = ws.column_dimensions.max_outline
        top = [ws.sheet_properties.to_tree(), ws.views.to_tree(), ws.sheet_format.to_tree()]
        tail = []
        for formatting in ws.conditional_formatting:
            for rule in formatting.rules:
                rule.dxfId = self.registry._differential_styles.add(rule.dxf)
            tail.append(formatting.to_tree())
        if ws.data_validations:
            tail.append(ws.data_validations.to_tree())
        tail += [p.to_tree() for p in (ws.print_options, ws.page_margins, ws.page_setup) if p]
        tail += [ws.HeaderFooter.to_tree()] if ws.HeaderFooter else []
        text = lambda trees: "".join(tostring(t).decode("utf-8") for t in trees)  # noqa: E731
        found = self.frames[key] = Frame(
            text(top), text(tail), ws.print_titles, orientation, fits, ws.print_title_cols
        )
        return found


def _skeleton(heading: xlsx.Heading, today: dt.date, departments: dict[str, Figures]) -> dict[str, bytes]:
    """The parts of a copy of no rows (`departments`: its Overview's) that every copy shares."""
    figures = InterviewerFigures("", departments, Figures())
    rows: dict[str, list[Row]] = {"conversations": [], "goals": []}
    data = io.BytesIO()
    book.build_follow_up_workbook(rows, {}, [], figures, {}, heading, today, "").save(data)
    with zipfile.ZipFile(data) as archive:
        names = set(archive.namelist())
        wanted = [*SHARED_PARTS, "xl/workbook.xml", *(n for n in names if n.startswith("xl/comments/"))]
        wanted += [n for n in names if n.startswith("xl/drawings/") and n.endswith((".vml", ".rels"))]
        wanted += [f"xl/worksheets/_rels/sheet{n}.xml.rels" for n in range(1, len(KINDS) + 1)]
        wanted += [name for name in CHART_PARTS if name in names]
        if any(name not in names for name in wanted):
            raise Unhandled("a copy of no rows is not made of the parts expected")
        return {name: archive.read(name) for name in wanted}


_KITS: dict[tuple[xlsx.Heading, dt.date], Kit] = {}


def kit_for(heading: xlsx.Heading, today: dt.date) -> Kit:
    """The process's kit for copies under `heading` (made on first use)."""
    key = (heading, today)
    if key not in _KITS:
        _KITS[key] = Kit.make(heading, today)
    return _KITS[key]


class Sheet:
    """One sheet's XML being written: its rows and merged cells."""

    def __init__(self, kit: Kit):
        self.kit = kit
        self.cells = Rows(kit.looks)
        self.rows: list[str] = []
        self.merged: list[str] = []

    def row(self, number: int, cells: list[str], height: float | None = None, hidden: bool = False) -> None:
        """A row of cells (already XML)."""
        self.rows.append(Rows.row(number, cells, height, hidden))

    def line_above(
        self, row: int, note: str, look: str, frame: Frame, widths: list[float], size: float = 11
    ) -> None:
        """A line above a table, merged over the columns it may span (`xlsx.write_wrapped_note`)."""
        width, span = xlsx.note_span(widths, frame.orientation, frame.fits, frame.title_columns)
        self.merged.append(f"A{row}:{get_column_letter(max(1, span))}{row}")
        self.row(row, [self.cells.text(f"A{row}", note, look)], xlsx.note_height(note, width, size))

    def xml(
        self,
        frame: Frame,
        widths: list[float],
        text_columns: set[int],
        drawing: str = "",
        table: str = "rId1",
    ) -> bytes:
        """The sheet's XML (`drawing`: its page break and chart's drawing; `table`: its table's
        relationship)."""
        column_look = self.kit.looks.of_column(xlsx.TEXT_FORMAT) if text_columns else 0
        columns = "".join(
            f'<col width="{w:.16g}" customWidth="1"'
            + (f' style="{column_look}"' if i in text_columns else "")
            + f' min="{i}" max="{i}"/>'
            for i, w in enumerate(widths, start=1)
        )
        merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in self.merged)
        return (
            f'<worksheet xmlns="{MAIN}">{frame.top}<cols>{columns}</cols>'
            f"<sheetData>{''.join(self.rows)}</sheetData>"
            f'<mergeCells count="{len(self.merged)}">{merged}</mergeCells>{frame.tail}{drawing}'
            f'<legacyDrawing xmlns:r="{RELATIONSHIPS}" r:id="anysvml"/>'
            f'<tableParts count="1"><tablePart xmlns:r="{RELATIONSHIPS}" r:id="{table}"/></tableParts>'
            "</worksheet>"
        ).encode()


def _table(number: int, name: str, first: int, last: int, headers: list[str]) -> bytes:
    """A table's part (`xlsx.add_table`): at least one data row, so that its filters are there."""
    ref = f"A{first}:{get_column_letter(len(headers))}{max(last, first + 1)}"
    columns = "".join(
        f"<tableColumn id={quoteattr(str(i))} name={quoteattr(h)}/>" for i, h in enumerate(headers, start=1)
    )
    return (
        f'<table xmlns="{MAIN}" id="{number}" name="{name}" displayName="{name}" ref="{ref}" '
        f'headerRowCount="1"><autoFilter ref="{ref}"/><tableColumns count="{len(headers)}">{columns}'
        '</tableColumns><tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>'
    ).encode()


def _overview(kit: Kit, frames: FigureFrames, names: dict[str, str], today: dt.date, owner: str) -> tuple:
    """The Overview's XML, its table's part, its print titles, and its chart's drawing and chart parts
    (None without a chart)."""
    layout = overview_layout(frames, names, kit.heading, today, owner)
    frame = kit.frame("overview", layout.widths, 0)
    sheet = Sheet(kit)
    sheet.line_above(1, layout.title, "title-wrap", frame, layout.widths, size=14)
    sheet.line_above(2, layout.note, "note-wrap", frame, layout.widths)
    header_row = OVERVIEW_HEADER_ROW
    cells = [
        sheet.cells.text(f"{get_column_letter(i)}{header_row}", h, "header")
        for i, h in enumerate(layout.headers, start=1)
    ]
    sheet.row(header_row, cells, xlsx.header_height(layout.headers, layout.widths))
    for number, (grouping, name, figures) in enumerate(layout.lines, start=header_row + 1):
        look = "bold" if grouping == layout.total else "plain"
        line = [sheet.cells.text(f"A{number}", grouping, look)]
        if name:
            line.append(sheet.cells.text(f"B{number}", name, look))
        for column, ((_, kind), value) in enumerate(
            zip(FIGURE_COLUMNS, figure_values(figures), strict=True), 3
        ):
            look = "percent" if kind == "percent" else "int"
            line.append(sheet.cells.value(f"{get_column_letter(column)}{number}", value, look))
        sheet.row(number, line)
    table = _table(1, book.TABLES["overview"], header_row, layout.last, layout.headers)
    if layout.bars is None:
        return sheet.xml(frame, layout.widths, set()), table, frame.titles, None
    drawing = _chart_rows(sheet, layout.bars, layout.last + 1, 1 if frame.fits else 3)
    chart = kit.chart(layout.bars, layout.widths, frame, layout.last + 2)
    return sheet.xml(frame, layout.widths, set(), drawing, "rId2"), table, frame.titles, chart


def _chart_rows(sheet: Sheet, bars: Bars, empty: int, column: int) -> str:
    """Below the Overview's table, an empty row, then the chart's values in hidden rows (as
    `charts.chart_on_its_own_page` writes them); returns the page break after them and the drawing."""
    sheet.row(empty, [])
    row = empty
    for row, (label, values) in enumerate(bars.groups, start=empty + 1):
        line = [sheet.cells.text(f"{get_column_letter(column)}{row}", xlsx.cell_safe_text(label), "plain")]
        for offset, value in enumerate(values, start=column + 1):
            line.append(sheet.cells.value(f"{get_column_letter(offset)}{row}", value, "plain"))
        sheet.row(row, line, hidden=True)
    breaks = RowBreak()
    breaks.append(Break(id=row))
    return tostring(breaks.to_tree()).decode() + f'<drawing xmlns:r="{RELATIONSHIPS}" r:id="rId1"/>'


def _data_sheet(
    kit: Kit, number: int, kind: str, rows: list[Row], extra_headers: list[str], today: dt.date
) -> tuple:
    """Conversations or Goals and actions (with the columns the manager added): the sheet's XML, its
    table's part and its print titles."""
    layout = data_layout(kind, rows, extra_headers, kit.heading.lang, today)
    frame = kit.frame(kind, layout.widths, layout.rules_end)
    sheet = Sheet(kit)
    sheet.line_above(1, layout.note, "note-wrap", frame, layout.widths)
    editable = [c.editable for c in layout.columns] + [False] * len(extra_headers)
    headers = [
        sheet.cells.text(f"{letter}{HEADER_ROW}", h, "header+edit" if edit else "header")
        for letter, h, edit in zip(layout.letters, layout.headers, editable, strict=True)
    ]
    sheet.row(HEADER_ROW, headers, xlsx.header_height(layout.headers, layout.widths))
    for line, (row, values) in enumerate(zip(rows, layout.shown, strict=True), start=HEADER_ROW + 1):
        extras = [row.extras.get(header) for header in extra_headers]
        sheet.rows.append(book.data_row_xml(sheet.cells, kit.looks.cells, layout, line, values, extras))
    ids = {i for i, c in enumerate(layout.columns, start=1) if book.is_text_column(c)}
    table = _table(number, book.TABLES[kind], HEADER_ROW, layout.last, layout.headers)
    return sheet.xml(frame, layout.widths, ids), table, frame.titles


def copy_bytes(
    rows: dict[str, list[Row]],
    extra_headers: dict[str, list[str]],
    frames: FigureFrames,
    names: dict[str, str],
    heading: xlsx.Heading,
    today: dt.date,
    token: str,
    owner: tuple[str, dict[str, str]],
) -> bytes:
    """A manager's copy as `book.build_follow_up_workbook` makes it (same arguments), as the bytes of
    an .xlsx file; raises `Unhandled` for a copy it does not make."""
    kit = kit_for(heading, today)
    *overview, chart = _overview(kit, frames, names, today, owner[0])
    made = [tuple(overview)]
    made += [
        _data_sheet(kit, n, kind, rows[kind], extra_headers.get(kind, []), today)
        for n, kind in enumerate(KINDS[1:], start=2)
    ]
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{escape(t)}</definedName>'
        for i, (_, _, t) in enumerate(made)
    )
    start, end = kit.workbook_xml.index("<definedNames>"), kit.workbook_xml.index("</definedNames>")
    workbook_xml = kit.workbook_xml[: start + len("<definedNames>")] + titles + kit.workbook_xml[end:]
    properties = "".join(
        f'<property name={quoteattr(name)} fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}">'
        f'<vt:lpwstr xmlns:vt="{VALUE_TYPES}">{escape(value)}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate([(RUN_PROPERTY, token), *owner[1].items()], start=2)
    )
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        parts = (
            kit.parts
            if chart is None
            else {**kit.parts, **kit.chart_parts, **dict(zip(CHART_PARTS, chart, strict=True))}
        )
        for name, part in parts.items():
            archive.writestr(name, part)
        archive.writestr("docProps/custom.xml", f'<Properties xmlns="{PROPERTIES}">{properties}</Properties>')
        archive.writestr("xl/workbook.xml", workbook_xml)
        for number, (sheet, table, _) in enumerate(made, start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", sheet)
            archive.writestr(f"xl/tables/table{number}.xml", table)
        archive.writestr("xl/styles.xml", kit.stylesheet())  # after the sheets: every look is made
    return data.getvalue()
