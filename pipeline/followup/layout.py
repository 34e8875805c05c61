"""How the follow-up workbook's sheets are laid out, settled before a cell is written: what each data
sheet and the Overview show, their widths and rows' heights (one layout for the openpyxl writer of
`book.py` and the XML writer of `sheetxml.py`)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from pipeline import texts, xlsx
from pipeline.followup.columns import (
    COLUMNS,
    HEADER_ROW,
    BookColumn,
    Row,
    flag_label,
    show_value,
    source_labels,
    stage_labels,
)
from pipeline.followup.figures import Bars, Figures, chart_bars, figure_headers, rate_headers
from pipeline.followup.frames import FigureFrames
from pipeline.round import schema

DATA_FREEZE = f"B{HEADER_ROW + 1}"  # the data sheets' frozen panes: the header row and the first column
OVERVIEW_FREEZE = f"C{HEADER_ROW + 2}"


def _display(column: BookColumn, value: object, lang: str) -> object:
    """A canonical value as the sheet shows it (labels in the round's language)."""
    if value is None:
        return None
    if column.kind == "status":
        return schema.enum_labels("goal_status", lang).get(str(value), value)
    if column.kind == "type":
        return schema.enum_labels("goal_type", lang).get(str(value), value)
    if column.kind == "stage":
        return stage_labels(lang).get(str(value), value)
    if column.kind == "source":
        return source_labels(lang).get(str(value), value)
    if column.kind == "flag" and isinstance(value, bool):
        return flag_label(value, lang)
    return value


def _date_text(day: dt.date, lang: str) -> str:
    return show_value(BookColumn("", "date"), day, lang)


# IDs are written as plain text cells; their columns carry the text format, for IDs people type in.
LOOKS = {"date": "row-date", "long": "long", "text": "long", "int": "row-number", "percent": "row-number"}
WRAPPED = ("long", "text")  # the kinds of column whose text wraps (and makes its row taller)
WIDTH_CAPS = {"long": 60, "text": 40}


@dataclass
class DataLayout:
    """What a data sheet shows and how it is laid out, settled before its first row is written (the
    same for the openpyxl writer here and the XML writer of `sheetxml.py`)."""

    columns: tuple[BookColumn, ...]
    headers: list[str]
    shown: list[list[object]]  # per row, the columns' values as the sheet shows them
    widths: list[float]
    note: str  # the instructions line above the table
    last: int  # the table's last row
    looks: list[str]
    wrapped: list[tuple[int, float]]  # the wrapping columns: index and width
    lang: str

    @functools.cached_property
    def letters(self) -> list[str]:
        """Every column's letter, the added columns' too."""
        return [get_column_letter(i) for i in range(1, len(self.headers) + 1)]

    @property
    def rules_end(self) -> int:
        """The last row the drop-downs and highlighting reach (below the data, for rows people add)."""
        return max(self.last, HEADER_ROW + 1) + 1000

    def height(self, values: list[object]) -> float | None:
        """A data row's height: its tallest wrapped text (None: one line)."""
        return xlsx.row_height(max((xlsx.line_count(values[i], w) for i, w in self.wrapped), default=1))


def data_layout(
    kind: str, rows: list[Row], extra_headers: list[str], lang: str, today: dt.date
) -> DataLayout:
    """Conversations or Goals and actions: headers, shown values, widths (capped, never narrower than a
    header's longest word), the instructions line."""
    columns = COLUMNS[kind]
    text = texts.section(lang, "book")
    headers = xlsx.unique_headers([c.header(lang) for c in columns] + extra_headers, text["extra_column"])
    shown = [
        [_display(c, row.source if c.key == "source" else row.values.get(c.key), lang) for c in columns]
        for row in rows
    ]
    widths = [xlsx.header_width(h, wrap_at=18) for h in headers]
    for values in shown:
        for index, value in enumerate(values):
            if value is not None and (width := xlsx.text_width(value) + 2) > widths[index]:
                widths[index] = width
    for index, header in enumerate(extra_headers, start=len(columns)):
        for row in rows:
            extra = row.extras.get(header)
            if extra is not None:
                widths[index] = max(widths[index], xlsx.text_width(extra.value) + 2)
    caps = [WIDTH_CAPS.get(c.kind, 45) for c in columns] + [50] * len(extra_headers)
    # capped, but never narrower than the header's longest word: headers wrap between words only
    caps = [max(cap, xlsx.header_width(h, wrap_at=0)) for cap, h in zip(caps, headers, strict=True)]
    widths = [min(w, cap) for w, cap in zip(widths, caps, strict=True)]
    return DataLayout(
        columns,
        headers,
        shown,
        widths,
        text[f"{kind}_note"].format(date=_date_text(today, lang)),
        HEADER_ROW + len(rows),
        [LOOKS.get(c.kind, "row") for c in columns],
        [(i, widths[i]) for i, c in enumerate(columns) if c.kind in WRAPPED],
        lang,
    )


OVERVIEW_HEADER_ROW = HEADER_ROW + 1  # below the title and the note


@dataclass
class OverviewLayout:
    """What the Overview shows: its headers, a line per department, per interviewer and the total
    (grouping, name, figures), the widths, the title and the note above the table, and the chart's
    bars (None when there is one department or none: a chart of one bar compares nothing)."""

    headers: list[str]
    lines: list[tuple[str, str, Figures]]
    widths: list[float]
    title: str
    note: str
    total: str  # the grouping of the total's line, shown in bold
    bars: Bars | None

    @property
    def last(self) -> int:
        """The table's last row."""
        return OVERVIEW_HEADER_ROW + len(self.lines)


def overview_layout(
    frames: FigureFrames, names: dict[str, str], heading: xlsx.Heading, today: dt.date, owner: str | None
) -> OverviewLayout:
    """The Overview's content and widths (`owner`: the manager whose copy it is, or None for HR's)."""
    lang = heading.lang
    text = texts.section(lang, "book")
    headers = [text["grouping"], text["group"], *figure_headers(lang)]
    lines: list[tuple[str, str, Figures]] = []
    by_department = frames.by("department")
    for name in sorted(by_department, key=str.casefold):
        lines.append((text["department"], name or text["none"], by_department[name]))
    departments = len(lines)
    by_interviewer = frames.by("interviewer_id")
    for key in sorted(by_interviewer, key=lambda k: (names.get(k, k).casefold(), k)):
        lines.append((text["interviewer"], names.get(key) or key or text["none"], by_interviewer[key]))
    lines.append((text["total"], "", frames.total()))
    widths: list[float] = [14, min(45, max([24, *(xlsx.text_width(name) + 2 for _, name, _ in lines)]))]
    widths += [xlsx.header_width(h) for h in headers[2:]]
    day = _date_text(today, lang)
    bars = None
    if departments > 1:
        groups = {name: figures for grouping, name, figures in lines if grouping == text["department"]}
        bars = chart_bars(text["chart"], rate_headers(lang), groups, texts.get(lang, "xlsx.chart_rest"))
    return OverviewLayout(
        headers,
        lines,
        widths,
        text["overview_title"].format(round=heading.title or heading.round_id),
        text["manager_note"].format(name=owner, date=day)
        if owner is not None
        else text["overview_note"].format(date=day),
        text["total"],
        bars,
    )
