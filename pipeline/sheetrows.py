"""A sheet's rows written as XML text instead of through openpyxl's cell objects (issue 16): a cell of a
follow-up workbook costs about a tenth as much, which at 10,000 employees is most of what a workbook of
their rows costs.

The cells are the ones `xlsx.Cells` makes, bit for bit: each look's number in the workbook's stylesheet
comes from a cell `xlsx.Cells` makes for the first value of that kind in that look (so a date in a
column of text, a text that starts with `=`, get the look openpyxl would give them), and values are
written the way openpyxl writes them (text as inline text, dates as Excel's day numbers, numbers in
openpyxl's format). The rows go into a workbook two ways: `sheetxml.py` writes whole sheets of a
manager's copy, and `raw_rows` lets a write-only openpyxl sheet take them among the rows it writes.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape

from lxml import etree
from openpyxl.cell.cell import Cell
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from pipeline import xlsx

_RETURN = {"\r": "&#13;"}  # kept, as openpyxl keeps it (a bare one would be read as a line end)
_CAREFUL = re.compile(f"[&<>\r]|{xlsx.ILLEGAL.pattern}")  # what a text cell escapes, or cannot hold


class Unhandled(Exception):
    """A cell these rows do not write (a formula, a time with a time zone, a character a workbook cannot
    hold): the caller writes the workbook through openpyxl."""


class Looks:
    """Each look's number in one workbook's stylesheet, found through its `xlsx.Cells` (which registers
    it), once per look and kind of value."""

    def __init__(self, cells: xlsx.Cells):
        self.cells = cells
        self.found: dict[tuple, tuple[int, str]] = {}

    def of(self, value: object, look: str) -> tuple[int, str]:
        """A value's look number and data type in `look`, as `xlsx.Cells.value` makes it."""
        key = (look, type(value), isinstance(value, str) and value.startswith(xlsx.RISKY_START))
        found = self.found.get(key)
        if found is None:
            cell = self.cells.value(value, look)
            if not isinstance(cell, Cell):  # a bare value, which the sheet makes a cell of
                cell = Cell(self.cells.ws, value=cell)
            found = self.found[key] = (cell.style_id if cell.has_style else 0, cell.data_type)
        return found

    def of_text(self, text: str, look: str) -> int:
        """A text cell's look number (`xlsx.Cells.text`): quoted for a risky text."""
        key = (look, "text", text.startswith(xlsx.RISKY_START))
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = (self.cells.text(text, look).style_id, "s")
        return found[0]

    def of_column(self, number_format: str) -> int:
        """The look of a column in `number_format` (a column of IDs is text)."""
        key = ("column", number_format, False)
        if key not in self.found:
            cell = Cell(self.cells.ws)
            cell.number_format = number_format
            self.found[key] = (cell.style_id, "")
        return self.found[key][0]


class Rows:
    """Cells and rows as XML, in one workbook's looks."""

    def __init__(self, looks: Looks):
        self.looks = looks

    def text(self, ref: str, text: str, look: str) -> str:
        """A text cell (`xlsx.Cells.text`)."""
        return text_cell(ref, self.looks.of_text(text, look), text)

    def value(self, ref: str, value: object, look: str) -> str:
        """A cell for a typed value (`xlsx.Cells.value`), '' for none."""
        if value is None or value == "":
            return ""
        style, kind = self.looks.of(value, look)
        return self._typed(ref, style, kind, value)

    def cell(self, ref: str, cell: object) -> str:
        """A cell made by `xlsx.Cells` (a formula, text or a value), or a bare value."""
        if not isinstance(cell, Cell):
            return self.value(ref, cell, "plain")
        if cell.value is None or cell.value == "":
            return ""
        style = cell.style_id if cell.has_style else 0
        if cell.data_type == "f":
            formula = str(cell.value)[1:]
            return f'<c r="{ref}"{_style(style)}><f>{escape(formula, _RETURN)}</f><v></v></c>'
        return self._typed(ref, style, cell.data_type, cell.value)

    @staticmethod
    def _typed(ref: str, style: int, kind: str, value: object) -> str:
        if kind == "s":
            return text_cell(ref, style, value)  # type: ignore[arg-type]
        if kind == "d":
            if getattr(value, "tzinfo", None) is not None:
                raise Unhandled("a time with a time zone")
            number = to_excel(value)
        elif kind in ("n", "b"):
            number = value
            if isinstance(number, float) and not math.isfinite(number):
                raise Unhandled("a number that is not finite")
        else:
            raise Unhandled(f"a cell of type {kind}")
        shown = "%.16g" % number  # noqa: UP031 (openpyxl's own format for numbers)
        return f'<c r="{ref}"{_style(style)} t="{"b" if kind == "b" else "n"}"><v>{shown}</v></c>'

    @staticmethod
    def row(number: int, cells: list[str], height: float | None = None, hidden: bool = False) -> str:
        """A row of cells (already XML), `height` points high (None: the default)."""
        size = f' ht="{height:.16g}" customHeight="1"' if height else ""
        hide = ' hidden="1"' if hidden else ""
        return f'<row r="{number}"{size}{hide}>{"".join(cells)}</row>'


def _style(style: int) -> str:
    return f' s="{style}"' if style else ""


def text_cell(ref: str, style: int, text: str) -> str:
    """A text cell, as openpyxl writes one (inline text; spaces at its ends kept)."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    if _CAREFUL.search(text) is not None:  # most texts have nothing to escape: passed on as they are
        if xlsx.ILLEGAL.search(text):
            raise Unhandled("a character a workbook cannot hold")
        text = escape(text, _RETURN)
    return f'<c r="{ref}"{_style(style)} t="inlineStr"><is><t{space}>{text}</t></is></c>'


class RawRow(str):
    """A row already written as XML, appended to a write-only sheet that takes them (`raw_rows`)."""


def raw_rows(ws: WriteOnlyWorksheet) -> None:
    """Let a write-only openpyxl sheet take `(RawRow(xml),)` among the rows appended to it: written into
    its stream as they are, the other rows as openpyxl writes them."""
    ws._get_writer()
    writer, to_row = ws._writer, ws._values_to_row
    write_row = writer.write_row

    def values_to_row(values: object, row_idx: int) -> object:
        if isinstance(values, tuple) and len(values) == 1 and isinstance(values[0], RawRow):
            return values[0]
        return to_row(values, row_idx)

    def written(xf: object, row: object, row_idx: int) -> None:
        if isinstance(row, RawRow):
            xf.write(etree.fromstring(row))  # type: ignore[attr-defined]
        else:
            write_row(xf, row, row_idx)

    ws._values_to_row = values_to_row  # type: ignore[method-assign]
    writer.write_row = written  # type: ignore[method-assign]
