"""The anonymous leadership summary (SPEC §6): `output/<round>/leadership-summary.xlsx`.

`build_leadership_workbook` writes a one-page Summary (`summary_sheet.py`), a sheet per department
and per interviewer group and the comparison with the previous round: figures and charts only, no
employee names, no IDs, no free text. What may be shown (interviewers numbered, small groups pooled
into "Other", a small round showing nothing, no hidden figure recoverable across the tables) is
decided in `privacy.py`; this module lays it out.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import charts, texts, xlsx
from pipeline.followup.figures import (
    FIGURE_COLUMNS,
    Bars,
    Figures,
    PreviousRound,
    chart_bars,
    comparison_values,
    figure_header,
    figure_headers,
    figure_notes,
    figure_values,
    interviewer_labels,
    previous_shown,
    rate_headers,
)
from pipeline.followup.frames import FigureFrames
from pipeline.followup.privacy import Publication, Table, plan_publication
from pipeline.followup.summary_sheet import write_summary_sheet
from pipeline.model import Settings

RIGHT = Alignment(horizontal="right")
FIGURE_KINDS = dict(FIGURE_COLUMNS)


def build_leadership_workbook(
    settings: Settings, as_of: dt.date, frames: FigureFrames, previous: PreviousRound | None
) -> Workbook:
    """The anonymous summary: a one-page Summary sheet, a sheet per department and per interviewer
    group, and the comparison with the previous round. Only counts, rates, department names and labels,
    and only what `privacy.plan_publication` allows."""
    lang = texts.language(settings.language)
    text = texts.section(lang, "summary")
    publication = plan_publication(frames, settings.min_group_size)
    minimum, total = publication.minimum, publication.total
    wb = Workbook()
    wb.remove(wb.active)
    intro = [
        text["title"].format(round=settings.title or settings.round_id),
        text["as_of"].format(date=_date_text(as_of, lang), n=minimum),
    ]
    write_summary_sheet(
        wb.create_sheet(text["overview"]), intro, publication, previous, settings.round_id, lang
    )
    interviewers = publication.tables["interviewer_id"]
    labels = interviewer_labels(interviewers.groups, text["interviewer"])
    for sheet, table, names, chart in (
        ("departments", publication.tables["department"], {}, "chart_departments"),
        ("interviewers", interviewers, labels, "chart_interviewers"),
    ):
        ws = wb.create_sheet(text[sheet])
        name = "LeadershipDepartments" if sheet == "departments" else "LeadershipInterviewers"
        _group_sheet(ws, intro, table, names, publication, lang, text[sheet[:-1]], name, text[chart])
    comparison = wb.create_sheet(text["comparison"])
    _comparison_sheet(comparison, intro, total, previous, minimum, settings.round_id, lang)
    heading = xlsx.Heading(settings.organisation, settings.round_id, lang)
    for ws in wb.worksheets:
        xlsx.set_up_printing(ws, "1:4", heading)
    xlsx.fit_on_one_page(wb.worksheets[0], wb.worksheets[0].max_row)
    wb.properties.creator = "appraisal"
    wb.properties.title = intro[0]
    return wb


def _date_text(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else day.strftime("%d.%m.%Y")


def _group_sheet(
    ws: Worksheet,
    intro: list[str],
    table: Table,
    names: dict[str, str],
    publication: Publication,
    lang: str,
    group_word: str,
    table_name: str,
    chart_title: str,
) -> None:
    text = texts.section(lang, "summary")
    minimum, total = publication.minimum, publication.total
    xlsx.write_note(ws, 1, intro[0], title=True)
    xlsx.write_note(ws, 2, intro[1])
    header_row = 4
    headers = [group_word, *figure_headers(lang)]
    figure_notes_ = figure_notes(lang)
    notes = {
        i + 2: figure_notes_[name] for i, (name, _) in enumerate(FIGURE_COLUMNS) if name in figure_notes_
    }
    xlsx.write_header(ws, header_row, headers, notes=notes)
    row = header_row
    if total.employees < minimum:
        # Too few people for any figure: the sheet says so and shows nothing else.
        xlsx.write_note(ws, 3, text["few"].format(n=minimum))
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), text["total"])
        put_hidden(ws.cell(row=row, column=2), f"< {minimum}")
        xlsx.add_table(ws, table_name, header_row, row, headers)
        _finish(ws, headers)
        return

    def label(key: str) -> str:
        return names.get(key, key)

    for key in sorted(table.shown, key=label):
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label(key))
        _write_figure_cells(ws, row, table.groups[key])
    other = table.other()
    if other is not None:
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), text["other"].format(n=minimum))
        _write_figure_cells(ws, row, other)
    chart_last = row
    row += 1
    xlsx.put_text(ws.cell(row=row, column=1), text["total"])
    _write_figure_cells(ws, row, total)
    for key in sorted(table.hidden, key=label):
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label(key))
        put_hidden(ws.cell(row=row, column=2), publication.size_text(table.groups[key]))
        put_hidden(ws.cell(row=row, column=3), text["in_other"])
    xlsx.add_table(ws, table_name, header_row, row, headers)
    _finish(ws, headers)
    if not table.shown:
        # every group hidden: one sentence says so, and no chart of the pool and the total alone
        xlsx.write_note(ws, 3, text["all_hidden"])
        return
    if chart_last > header_row:
        groups = {label(key): table.groups[key] for key in sorted(table.shown, key=label)}
        if other is not None:
            groups[text["other"].format(n=minimum)] = other
        bars = chart_bars(chart_title, rate_headers(lang), groups, texts.get(lang, "xlsx.chart_rest"))
        charts.chart_on_its_own_page(ws, bars, row + 2)


def _write_figure_cells(ws: Worksheet, row: int, figures: Figures) -> None:
    """One group's figures from column 2 on: counts as whole numbers, rates as percentages."""
    for offset, ((_, kind), value) in enumerate(zip(FIGURE_COLUMNS, figure_values(figures), strict=True)):
        put_figure(ws, row, 2 + offset, value, kind)


def put_figure(ws: Worksheet, row: int, column: int, value: object, kind: str) -> None:
    """A figure: a count as a whole number, a rate as a percentage, a hidden one ("< 5") as its text;
    None leaves the cell alone."""
    if isinstance(value, str):
        put_hidden(ws.cell(row=row, column=column), value)
    elif value is not None:
        cell = ws.cell(row=row, column=column, value=value)
        cell.number_format = xlsx.PERCENT_FORMAT if kind == "percent" else xlsx.INTEGER_FORMAT


def put_hidden(cell: Cell, text: str) -> None:
    """A figure that is not shown ("< 5", "in Other"), right-aligned like the figures around it."""
    xlsx.put_text(cell, text)
    cell.alignment = RIGHT


def _finish(ws: Worksheet, headers: list[str]) -> None:
    widths = [max(26, xlsx.text_width(headers[0]) + 2)]
    widths += [xlsx.header_width(h) for h in headers[1:]]
    xlsx.set_widths(ws, widths)
    ws.row_dimensions[4].height = 45
    ws.freeze_panes = "B5"


def _comparison_sheet(
    ws: Worksheet,
    intro: list[str],
    total: Figures,
    previous: PreviousRound | None,
    minimum: int,
    round_id: str,
    lang: str,
) -> None:
    text = texts.section(lang, "summary")
    xlsx.write_note(ws, 1, intro[0], title=True)
    xlsx.write_note(ws, 2, intro[1])
    if previous is None:
        xlsx.write_note(ws, 3, text["no_previous"])
    header_row = 4
    headers = [text["measure"], text["this_round"].format(round=round_id)]
    if previous is not None:
        headers.append(text["previous_round"].format(round=previous.round_id))
    xlsx.write_header(ws, header_row, headers)
    ws.row_dimensions[header_row].height = 32
    row = header_row
    for name, now, then in comparison_values(total, previous, minimum):
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), figure_header(name, lang))
        put_figure(ws, row, 2, now, FIGURE_KINDS[name])
        if previous is not None:
            put_figure(ws, row, 3, then, FIGURE_KINDS[name])
    xlsx.add_table(ws, "LeadershipComparison", header_row, row, headers)
    xlsx.set_widths(ws, [34, 22, 22])
    ws.freeze_panes = f"A{header_row + 1}"
    if previous is not None:
        visible = total.employees >= minimum and previous_shown(previous, minimum)
        last = _previous_goals_table(ws, row + 2, previous, visible, lang)
        if visible:
            rates = rate_headers(lang)
            groups = tuple(
                (rates[name], (now, then)) for name, now, then in comparison_values(total, previous, minimum)
                if name in rates
            )  # fmt: skip
            bars = Bars(text["chart_comparison"], tuple(headers[1:3]), groups)
            charts.chart_on_its_own_page(ws, bars, last + 2)


def _previous_goals_table(ws: Worksheet, row: int, previous: PreviousRound, visible: bool, lang: str) -> int:
    """How the goals and actions agreed in the previous round stand now, from `row`; the last row."""
    text = texts.section(lang, "summary")
    xlsx.write_note(ws, row, text["previous_goals"].format(round=previous.round_id))
    row += 1
    status_header = row
    status_headers = [text["status"], text["count"], text["share"]]
    xlsx.write_header(ws, row, status_headers)
    counts = previous.goal_status
    everything = sum(counts.values())
    labels = texts.section(lang, "summary.statuses")
    for status in ("done", "in_progress", "not_started", "cancelled", ""):
        if status == "" and not counts.get(""):
            continue
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), labels.get(status, text["unknown"]))
        if visible:
            ws.cell(row=row, column=2, value=counts.get(status, 0)).number_format = xlsx.INTEGER_FORMAT
            if everything:
                share = ws.cell(row=row, column=3, value=counts.get(status, 0) / everything)
                share.number_format = xlsx.PERCENT_FORMAT
    row += 1
    xlsx.put_text(ws.cell(row=row, column=1), text["total"])
    if visible:
        ws.cell(row=row, column=2, value=everything).number_format = xlsx.INTEGER_FORMAT
    xlsx.add_table(ws, "LeadershipPreviousGoals", status_header, row, status_headers)
    return row
