"""Writing real Excel sheets for people: safe text cells, tables, widths, drop-downs, charts, printing.

Shared by the follow-up workbook (`followup.py`) and the leadership summary (`leadership.py`). The one
rule that matters most: text that came from a person (a form, the round workbook, an edited cell) is
written as a text cell, whatever it starts with (`=`, `+`, `-`, `@`, `#N/A`): it is never a formula
or an error value. Characters a workbook cannot hold are removed, and text over Excel's cell limit is
cut with a visible marker; the caller is told, so that it can warn.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import textwrap
import warnings
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import texts
from pipeline.celltext import EXCEL_TEXT_LIMIT as EXCEL_TEXT_LIMIT
from pipeline.celltext import ILLEGAL as ILLEGAL
from pipeline.celltext import RISKY_START as RISKY_START
from pipeline.celltext import cell_safe_text as cell_safe_text
from pipeline.celltext import cut_marker as cut_marker
from pipeline.celltext import fit_text as fit_text

PERCENT_FORMAT = "0%"
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"


# Every font is named: a font with no name prints in the reader's default, a serif in LibreOffice.
FONT_NAME = "Calibri"


def font(**style: object) -> Font:
    """A font in the workbooks' one typeface."""
    return Font(name=FONT_NAME, **style)  # type: ignore[arg-type]


DARK = "1F4E78"
LIGHT = "DDEBF7"
SUBHEADER_FILL = PatternFill("solid", fgColor=LIGHT)
HEADER_FONT = font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=DARK)
EDITABLE_HEADER_FILL = PatternFill("solid", fgColor="C65911")  # orange: "you may type here"
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow on the editable cells
NOTE_FONT = font(italic=True, color="595959")
TITLE_FONT = font(bold=True, size=14, color=DARK)
LINK_FONT = font(color="FF0563C1", underline="single")
BOLD_FONT = font(bold=True)
OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTRE_TOP = Alignment(horizontal="center", vertical="top")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)


def date_format(lang: str) -> str:
    """Excel's number format for a date in the language: `DD.MM.YYYY` / `YYYY-MM-DD`."""
    return texts.get(lang, "xlsx.date_format")


def put_text(cell: Cell, text: str) -> None:
    """Write `text` (already fitted) as a text cell: never a formula, never an error value.

    A risky beginning also gets Excel's quote prefix, so that editing the cell later keeps it text.
    """
    cell.value = text
    cell.data_type = "s"
    if text.startswith(RISKY_START):
        cell.quotePrefix = True


def put_value(cell: Cell, value: object, lang: str, number_format: str | None = None) -> None:
    """Write a typed value: text safely (`put_text`), dates with the language's date format."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        put_text(cell, value)
        return
    cell.value = value
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.datetime):
        cell.number_format = date_format(lang) + " HH:MM"
    elif isinstance(value, dt.date):
        cell.number_format = date_format(lang)


def write_note(ws: Worksheet, row: int, text: str, title: bool = False) -> None:
    """A line of explanation above a table (column A; long lines simply run over the empty cells)."""
    cell = ws.cell(row=row, column=1)
    put_text(cell, text)
    cell.font = TITLE_FONT if title else NOTE_FONT


def write_header(
    ws: Worksheet,
    row: int,
    headers: list[str],
    editable: set[int] | None = None,
    notes: dict[int, str] | None = None,
) -> None:
    """A table's header row: bold white on blue; editable columns (1-based) on orange with a note."""
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=index)
        put_text(cell, header)
        cell.font = HEADER_FONT
        cell.fill = EDITABLE_HEADER_FILL if editable and index in editable else HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        if notes and index in notes:
            comment = Comment(notes[index], "appraisal")
            comment.width, comment.height = 300, 110
            cell.comment = comment


def add_table(ws: Worksheet, name: str, first_row: int, last_row: int, headers: list[str]) -> None:
    """An Excel table (filters, banded rows) over the header row and the data below it; `headers` are
    the header cells' texts (given, so that this works on write-only sheets too).

    A table needs at least one data row: an empty one gets a blank row so the filters are still there.
    """
    last_row = max(last_row, first_row + 1)
    ref = f"A{first_row}:{get_column_letter(len(headers))}{last_row}"
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [TableColumn(id=i, name=header) for i, header in enumerate(headers, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "in write-only mode you must add table columns manually": done
        ws.add_table(table)


def unique_headers(headers: list[str], fallback: str) -> list[str]:
    """Headers a table accepts: none empty, no two alike (case-insensitively), as Excel requires."""
    seen: set[str] = set()
    result = []
    for index, header in enumerate(headers, start=1):
        text = " ".join(cell_safe_text(header).split()) or f"{fallback} {index}"
        candidate, n = text, 2
        while candidate.casefold() in seen:
            candidate, n = f"{text} ({n})", n + 1
        seen.add(candidate.casefold())
        result.append(candidate)
    return result


def set_widths(ws: Worksheet, widths: list[float]) -> None:
    """Column widths in characters, column A first."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def text_width(value: object) -> int:
    """How many characters a value shows (the longest line of a text), for fitting a column."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, str):
        if "\n" not in value:  # most texts: one line
            return len(value)
        return max(len(line) for line in value.split("\n"))
    return len(str(value))


LINE_HEIGHT = 15.0  # points per line of Calibri 11


def line_count(text: object, width: float) -> int:
    """How many lines a text wraps to in a column `width` characters wide (each paragraph apart).
    LibreOffice does not grow a row for wrapped text in a file it opens, so the writer sets heights."""
    if text is None:
        return 1
    room = max(6, int(width) - 2)  # a little on the safe side of what a column holds
    text = text if isinstance(text, str) else str(text)
    if "\n" not in text:  # one paragraph, as most are
        return _wrapped_lines(text, room)
    return sum(_wrapped_lines(p, room) for p in text.split("\n"))


def _wrapped_lines(paragraph: str, room: int) -> int:
    """The lines one paragraph wraps to (at least one). A paragraph that fits is one line without
    asking textwrap (a tab may widen it, so those ask): most cells are short, and there are many."""
    if len(paragraph) <= room and "\t" not in paragraph:
        return 1
    return _wrapped_long(paragraph, room)


@functools.lru_cache(maxsize=4096)
def _wrapped_long(paragraph: str, room: int) -> int:
    """`textwrap`'s count for a paragraph too long for its column. Kept for the texts a sheet repeats
    (a problem's words and what to do, in every row of a collect report of 10,000 forms: textwrap was
    a third of writing it, issue 16)."""
    return max(1, len(textwrap.wrap(paragraph, width=room, break_long_words=True)))


def row_height(lines: int) -> float | None:
    """The height of a row of `lines` lines (None for one line: the default)."""
    return LINE_HEIGHT * lines + 2 if lines > 1 else None


def header_height(headers: list[str], widths: list[float]) -> float | None:
    """The height of a table's header row, its texts wrapped beside the filter buttons."""
    return row_height(max((line_count(h, w - 3) for h, w in zip(headers, widths, strict=False)), default=1))


def header_width(header: str, wrap_at: int = 16) -> float:
    """A column width that shows a bold header whole: on one line when short, else wrapped in about two
    lines, never narrower than its longest word (with room for a table's filter button beside it)."""
    longest = max((len(word) for word in header.split()), default=0)
    if len(header) + 5 <= wrap_at:
        return float(max(9, len(header) + 5))
    return float(max(9, longest + 5, min(wrap_at, len(header) // 2 + 5)))


# A4 with the default margins holds about this many characters of column width at 100 % (a little
# less than it measures: a column that does not fit whole goes to the next page).
PAGE_WIDTH = {"portrait": 85.0, "landscape": 125.0}
# The smallest scale a sheet is fitted to a page's width at: 11 pt prints no smaller than 8 pt.
SMALLEST_SCALE = 0.8  # 8/11 is 0.73; the widths are an estimate of what prints


@dataclass(frozen=True)
class Heading:
    """What every printed page says at its top and bottom: the organisation, the round, the sheet's
    name, the day it was printed and `page x of y`."""

    organisation: str
    round_id: str
    lang: str
    title: str = ""  # the round's title, for a sheet's title row ("Medarbeidersamtaler våren 2027")


def set_up_printing(
    ws: Worksheet, title_rows: str | None, heading: Heading, title_columns: str | None = None
) -> None:
    """A4 with a page header and footer, the title rows repeated on every page. A sheet that fits a
    portrait page prints portrait; a wider one landscape, fitted to the page's width when that keeps
    the text at 8 pt or more, else across pages with `title_columns` repeated."""
    orientation, fits = page_layout(sheet_width(ws))
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = fits
    ws.page_setup.fitToWidth = 1 if fits else 0
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    if title_columns and not fits:
        ws.print_title_cols = title_columns
    for item, text in (
        (ws.oddHeader.left, _header_text(heading.organisation)),
        (ws.oddHeader.center, "&A"),  # the sheet's name
        (ws.oddHeader.right, _header_text(heading.round_id)),
        (ws.oddFooter.left, "&D"),  # the day it is printed
        (ws.oddFooter.right, texts.get(heading.lang, "xlsx.page_of")),
    ):
        item.text = text
        item.font = f"{FONT_NAME},Regular"
        item.size = 11  # printed at 8 pt or more on a sheet fitted to its page (at 80 % or more)


def page_layout(width: float) -> tuple[str, bool]:
    """How a sheet `width` characters wide prints: its orientation, and whether it is fitted to the
    page's width (only when that keeps the text at 8 pt or more)."""
    orientation = "portrait" if width <= PAGE_WIDTH["portrait"] else "landscape"
    return orientation, width * SMALLEST_SCALE <= PAGE_WIDTH[orientation]


def page_characters(ws: Worksheet) -> float:
    """How many characters of column width one printed page of the sheet holds, as `set_up_printing`
    sets it up (whether or not it has yet): the whole sheet when it is fitted to the page's width."""
    width = sheet_width(ws)
    orientation, fits = page_layout(width)
    return max(PAGE_WIDTH[orientation], width) if fits else PAGE_WIDTH[orientation]


def note_span(
    widths: list[float], orientation: str, fits: bool, title_columns: str | None
) -> tuple[float, int]:
    """How wide a line above a table may be, in characters of column width, and over how many columns:
    the first printed page of a sheet set up by `set_up_printing` (all of it when the sheet is fitted
    to the page), or, on a sheet printed across pages with its title columns repeated, those."""
    if title_columns and not fits:
        first, last = (column_index_from_string(c.strip("$")) for c in title_columns.split(":"))
        return sum(widths[first - 1 : last]), last
    if fits:
        return sum(widths), len(widths)
    page = PAGE_WIDTH[orientation or "portrait"]
    total, count = 0.0, 0
    for width in widths:
        if total + width > page and count:
            break
        total, count = total + width, count + 1
    return total, count


def note_height(note: str, width: float, size: float = 11) -> float | None:
    """The height of a row holding `note` wrapped over `width` characters in a font of `size` points
    (None: one line of the default size)."""
    lines = line_count(note, width * 11 / size)
    return LINE_HEIGHT * size / 11 * lines + 2 if lines > 1 or size != 11 else None


def column_widths(ws: Worksheet) -> list[float]:
    """The used columns' widths, in characters (Excel's default where none is set)."""
    columns = max(getattr(ws, "max_column", 0), len(ws.column_dimensions))  # write-only sheets have none
    widths = []
    for index in range(1, columns + 1):
        dimension = ws.column_dimensions.get(get_column_letter(index))
        widths.append(dimension.width if dimension is not None and dimension.width else 8.43)
    return widths


def sheet_width(ws: Worksheet) -> float:
    """The sheet's used columns' widths added up, in characters."""
    return sum(column_widths(ws))


def _header_text(text: str) -> str:
    """Text for a page header, where `&` starts a code."""
    return cell_safe_text(text).replace("&", "&&")[:80]


class Cells:
    """Cells for a write-only sheet (rows are streamed, which is what makes 10,000 employees quick).

    Each look (font, fill, number format, alignment) is built once with `define` and copied onto
    cells, instead of being looked up per cell. Text goes through the same rule as `put_text`.
    """

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self._looks: dict[str, object] = {}
        self.define("plain")
        self.define("header", font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
        self.define("header+edit", font=HEADER_FONT, fill=EDITABLE_HEADER_FILL, alignment=HEADER_ALIGNMENT)
        self.define("note", font=NOTE_FONT)
        self.define("note-wrap", font=NOTE_FONT, alignment=WRAP_TOP)
        self.define("title-wrap", font=TITLE_FONT, alignment=WRAP_TOP)
        self.define("bold", font=BOLD_FONT)

    def define(self, name: str, **attributes: object) -> None:
        """Name a look: attributes of a cell (`number_format`, `font`, `fill`, `alignment`)."""
        for quoted in (False, True):
            cell = WriteOnlyCell(self.ws)
            for attribute, value in attributes.items():
                setattr(cell, attribute, value)
            if quoted:
                cell.quotePrefix = True
            self._looks[f"{name}+quote" if quoted else name] = cell._style

    def text(self, text: str, look: str = "plain") -> WriteOnlyCell:
        """A text cell (already fitted): never a formula or an error value."""
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"
        cell._style = copy.copy(self._looks[f"{look}+quote" if text.startswith(RISKY_START) else look])
        return cell

    def value(self, value: object, look: str = "plain") -> object:
        """A cell for a typed value in a look (text through `text`), None for no value.

        A plain number, or a plain text that cannot be mistaken for a formula or an error, is returned
        as the bare value: the sheet writes it the same way, much faster than a cell object.
        """
        if value is None or value == "":
            return None
        if look == "plain" and (
            (isinstance(value, str) and not value.startswith(RISKY_START))
            or (isinstance(value, int | float) and not isinstance(value, bool))
        ):
            return value
        if isinstance(value, str):
            return self.text(value, look)
        cell = WriteOnlyCell(self.ws, value=value)
        if look != "plain":
            cell._style = copy.copy(self._looks[look])
        return cell

    def formula(self, formula: str) -> WriteOnlyCell:
        """A person's own formula, written back as a formula (only in the columns and sheets they added)."""
        cell = WriteOnlyCell(self.ws, value=formula)
        cell.data_type = "f"
        return cell

    def header(self, text: str, editable: bool = False, note: str | None = None) -> WriteOnlyCell:
        """A header cell: white on blue, or on orange when people may edit the column, with a note."""
        cell = self.text(text, "header+edit" if editable else "header")
        if note:
            comment = Comment(note, "appraisal")
            comment.width, comment.height = 300, 110
            cell.comment = comment
        return cell


ONE_PAGE_ROWS = 42  # rows of a landscape A4 page at the smallest scale that keeps text at 8 pt


def fit_on_one_page(ws: Worksheet, rows: int) -> None:
    """Print the sheet (already set up by `set_up_printing`) on one landscape page: its width fitted,
    and its height too when its `rows` fit at 8 pt or more (else it runs on to a second page)."""
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if rows <= ONE_PAGE_ROWS else 0


def write_wrapped_note(
    ws: Worksheet, cells: Cells, note: str, row: int = 1, look: str = "note-wrap", size: float = 11
) -> None:
    """A line above a table (the write-only sheet's next row, `row`; `size`: its font's size), wrapped
    so that it prints whole on every page it is on (a text running over empty cells is cut at the
    page's edge): over the columns of the first printed page, or, on a sheet printed across pages with
    its title columns repeated, over those. The sheet's widths and printing are set up first."""
    width, span = note_span(
        column_widths(ws),
        ws.page_setup.orientation,
        bool(ws.sheet_properties.pageSetUpPr.fitToPage),
        ws.print_title_cols,
    )
    ws.merged_cells.add(CellRange(min_col=1, max_col=max(1, span), min_row=row, max_row=row))
    if height := note_height(note, width, size):
        ws.row_dimensions[row].height = height
    ws.append([cells.text(note, look)])
