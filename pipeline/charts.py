"""Charts in the workbooks: clustered columns of percentages (completion per department, per
interviewer group, this round against the previous one).

A chart that must print whole goes on a page of its own (`chart_on_its_own_page`): its values in
hidden rows, a page break, and the chart as wide as the page; a chart of more groups than a page shows
readably shows the largest and pools the rest (`MAX_BARS`; the groups are chosen by
`followup.figures.chart_bars`)."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import xlsx
from pipeline.followup.figures import Bars

CHART_HEIGHT_CM = 12.0  # fits a landscape A4 page below its repeated header row
CM_PER_CHARACTER = 0.19  # a column width of one character, in cm (Calibri 11: 7 pixels at 96 dpi)


def chart_on_its_own_page(ws: Worksheet, bars: Bars, row: int, column: int = 1) -> None:
    """A clustered column chart of percentages that prints whole: its values written in hidden rows
    from `row` (the sheet's next row: a write-only sheet appends them), a page break after them, and
    the chart on the new page, as wide as the page allows from `column` on."""
    first = row
    cells = xlsx.Cells(ws) if isinstance(ws, WriteOnlyWorksheet) else None
    for label, values in bars.groups:
        ws.row_dimensions[row].hidden = True
        _put_row(ws, cells, row, column, [label, *values])
        row += 1
    last = row - 1
    series = [(column + offset, name) for offset, name in enumerate(bars.series, start=1)]
    chart = _percent_chart(ws, bars.title, (column, first, last), series)
    chart.visible_cells_only = False  # its values are in hidden rows, which do not print
    room = xlsx.page_characters(ws) - sum(xlsx.column_widths(ws)[: column - 1])
    chart.width = max(10.0, min(28.0, room * CM_PER_CHARACTER, 8 + 2.2 * len(bars.groups)))
    chart.height = CHART_HEIGHT_CM
    ws.row_breaks.append(Break(id=last))  # the chart starts a page of its own, a row below its top
    ws.add_chart(chart, f"{get_column_letter(column)}{last + 2}")


def bar_chart(
    ws: Worksheet,
    title: str,
    categories: tuple[int, int, int],
    series: list[tuple[int, str]],
    anchor: str,
) -> None:
    """A clustered column chart of percentages of cells shown on the sheet, at `anchor`: `categories`
    is (column, first row, last row) of the labels, `series` the (column, name) of each value column
    over the same rows. For a chart that must print whole, `chart_on_its_own_page`."""
    column, first, last = categories
    chart = _percent_chart(ws, title, categories, series)
    chart.height = 8
    chart.width = max(12, min(30, 6 + 2.2 * (last - first + 1)))
    ws.add_chart(chart, anchor)


def _percent_chart(
    ws: Worksheet, title: str, categories: tuple[int, int, int], series: list[tuple[int, str]]
) -> BarChart:
    column, first, last = categories
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.numFmt = xlsx.PERCENT_FORMAT
    # openpyxl marks axes as deleted unless told otherwise, and newer Excel honours that.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for value_column, name in series:
        values = Reference(ws, min_col=value_column, min_row=first, max_row=last)
        chart.series.append(Series(values, title=name))
    chart.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    return chart


def _put_row(ws: Worksheet, cells: xlsx.Cells | None, row: int, column: int, values: list[object]) -> None:
    """A row of a label and figures; the label (a department's name from the workbook) is a text cell,
    never a formula. `cells`: a write-only sheet's, which only appends."""
    if cells is not None:
        texts = [cells.text(xlsx.cell_safe_text(v)) if isinstance(v, str) else v for v in values]
        ws.append([None] * (column - 1) + texts)
        return
    for offset, value in enumerate(values):
        cell = ws.cell(row=row, column=column + offset)
        if isinstance(value, str):
            xlsx.put_text(cell, value)
        else:
            cell.value = value
