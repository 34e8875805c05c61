"""The leadership summary's first sheet: the round on one landscape A4 page (SPEC §6, issue 11).

Completion (invited, held, minutes, approved) and goals and actions (agreed, done, in progress,
overdue) per department and in total, the consented well-being score (average, standard deviation,
answers), and this round beside the previous one, with a chart. What is shown is what
`privacy.plan_publication` allows; a hidden figure is "< N" (or "≥ N" for a group hidden only so that
no other can be recovered), its counts part of "Other".
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import charts, texts, xlsx
from pipeline.followup.figures import Figures, PreviousRound, figure_header, previous_shown
from pipeline.followup.privacy import Publication

COUNTS = (
    "employees",
    "invited",
    "held",
    "minutes",
    "approved",
    "agreed",
    "done",
    "in_progress",
    "goals_overdue",
)
WELLBEING = ("wellbeing_mean", "wellbeing_std", "wellbeing_count")
COMPARED = (
    "employees", "invited", "held", "minutes", "approved", "agreed", "done", "in_progress", "goals_overdue",
    "conversation_rate", "goal_rate", "wellbeing_mean",
)  # fmt: skip
RATES = ("conversation_rate", "goal_rate")
HEADER_ROW = 4
DECIMAL_FORMAT = "0.0"
RIGHT = Alignment(horizontal="right")


def write_summary_sheet(
    ws: Worksheet,
    intro: list[str],
    publication: Publication,
    previous: PreviousRound | None,
    round_id: str,
    lang: str,
) -> None:
    """The Summary sheet: the department table from row 4, the comparison below it, a chart beside."""
    text = texts.section(lang, "summary")
    minimum = publication.minimum
    xlsx.write_note(ws, 1, intro[0], title=True)
    xlsx.write_note(ws, 2, intro[1])
    xlsx.write_note(
        ws, 3, text["few"].format(n=minimum) if publication.too_small else text["overview_completion"]
    )
    headers = [text["department"], *(figure_header(n, lang) for n in COUNTS), *(text[n] for n in WELLBEING)]
    xlsx.write_header(
        ws, HEADER_ROW, headers, notes={len(headers) - 2: text["wellbeing_note"].format(n=minimum)}
    )
    row = HEADER_ROW
    for label, figures, wellbeing in _department_lines(publication, text):
        row += 1
        xlsx.put_text(ws.cell(row=row, column=1), label)
        if label == text["total"]:
            ws.cell(row=row, column=1).font = xlsx.BOLD_FONT
        if isinstance(figures, str):
            _hidden(ws.cell(row=row, column=2), figures)
            _hidden(ws.cell(row=row, column=3), text["in_other"])
            if label in publication.tables["department"].groups:
                group = publication.tables["department"].groups[label]
                _wellbeing_cells(ws, row, 2 + len(COUNTS), group, False, minimum)
            continue
        if figures is None:
            continue
        for column, name in enumerate(COUNTS, start=2):
            _number(ws.cell(row=row, column=column), getattr(figures, name), xlsx.INTEGER_FORMAT)
        _wellbeing_cells(ws, row, 2 + len(COUNTS), figures, wellbeing, minimum)
    comparison_top = row + 2
    _comparison(ws, comparison_top, publication, previous, round_id, lang)
    widths = [max(26, xlsx.text_width(text["other"].format(n=minimum)) + 2)]
    # No table (and so no filter buttons) on this page: a header needs only its longest word's width.
    widths += [max(8.0, max(len(word) for word in h.split()) + 2.5) for h in headers[1:]]
    xlsx.set_widths(ws, widths)
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.row_dimensions[comparison_top].height = 45
    ws.freeze_panes = f"B{HEADER_ROW + 1}"


def _department_lines(publication: Publication, text: dict) -> list[tuple[str, Figures | str | None, bool]]:
    """(label, figures or the hidden size text, whether its well-being is shown) per line: the shown
    departments, Other, Total, then the hidden departments."""
    minimum = publication.minimum
    if publication.too_small:
        return [(text["total"], f"< {minimum}", False)]
    table = publication.tables["department"]
    lines: list[tuple[str, Figures | str | None, bool]] = [
        (key, table.groups[key], key in publication.wellbeing_shown)
        for key in sorted(table.shown, key=str.casefold)
    ]
    other = table.other()
    if other is not None:
        lines.append((text["other"].format(n=minimum), other, False))
    lines.append((text["total"], publication.total, publication.wellbeing_total))
    lines += [
        (key, publication.size_text(table.groups[key]), False)
        for key in sorted(table.hidden, key=str.casefold)
    ]
    return lines


HIDDEN_SCORE = "–"  # a hidden average or deviation: explained in the column's note


def _wellbeing_cells(
    ws: Worksheet, row: int, column: int, figures: Figures, shown: bool, minimum: int
) -> None:
    """Average, standard deviation and answers, or "< N" for a group not shown."""
    if not shown:
        # Hidden: a mark no one reads as a score ("–") for the average and the deviation; the answers
        # "< N" for too few, "≥ N" for a group hidden so that no other can be recovered (true counts).
        size = f"< {minimum}" if figures.wellbeing_count < minimum else f"≥ {minimum}"
        for offset, shown_text in enumerate((HIDDEN_SCORE, HIDDEN_SCORE, size)):
            _hidden(ws.cell(row=row, column=column + offset), shown_text)
        return
    _number(ws.cell(row=row, column=column), figures.wellbeing_mean, DECIMAL_FORMAT)
    _number(ws.cell(row=row, column=column + 1), figures.wellbeing_std, DECIMAL_FORMAT)
    _number(ws.cell(row=row, column=column + 2), figures.wellbeing_count, xlsx.INTEGER_FORMAT)


def _comparison(
    ws: Worksheet,
    top: int,
    publication: Publication,
    previous: PreviousRound | None,
    round_id: str,
    lang: str,
) -> int:
    """This round beside the previous one (measures down, rounds across) from row `top`, a chart of the
    rates beside it, and last round's goals: how many were done. The last row."""
    text = texts.section(lang, "summary")
    minimum = publication.minimum
    headers = [text["measure"], text["this_round"].format(round=round_id)]
    if previous is not None:
        headers.append(text["previous_round"].format(round=previous.round_id))
    xlsx.write_header(ws, top, headers)
    now_shown = not publication.too_small
    before = previous.figures if previous is not None else None
    then_shown = previous is not None and before is not None and before.employees > 0
    then_shown = then_shown and previous_shown(previous, minimum)
    row = top
    rate_rows = []
    for name in COMPARED:
        row += 1
        label = text[name] if name.startswith("wellbeing") else figure_header(name, lang)
        xlsx.put_text(ws.cell(row=row, column=1), label)
        kind = xlsx.PERCENT_FORMAT if name in RATES else DECIMAL_FORMAT if name == "wellbeing_mean" else None
        for column, figures, shown in ((2, publication.total, now_shown), (3, before, then_shown)):
            if column == 3 and previous is None:
                continue
            # a hidden score or rate shows "–": "< 5" there would read as a value under 5
            mark = HIDDEN_SCORE if kind is not None else f"< {minimum}"
            if figures is None or not shown:
                _hidden(ws.cell(row=row, column=column), mark if figures is not None else "")
            elif name == "wellbeing_mean" and figures.wellbeing_count < minimum:
                _hidden(ws.cell(row=row, column=column), HIDDEN_SCORE)
            else:
                _number(ws.cell(row=row, column=column), getattr(figures, name), kind or xlsx.INTEGER_FORMAT)
        if name in RATES:
            rate_rows.append(row)
    if previous is not None:
        counts = previous.goal_status
        for label, value in (
            (text["previous_done"], counts.get("done", 0)),
            (text["previous_all"], sum(counts.values())),
        ):
            row += 1
            xlsx.put_text(ws.cell(row=row, column=1), label)
            if now_shown and previous_shown(previous, minimum):
                _number(ws.cell(row=row, column=2), value, xlsx.INTEGER_FORMAT)
    else:
        row += 1
        xlsx.write_note(ws, row, text["no_previous"])
    if now_shown and rate_rows:
        series = [(2, headers[1])] + ([(3, headers[2])] if then_shown else [])
        charts.bar_chart(ws, text["chart_comparison"], (1, rate_rows[0], rate_rows[-1]), series, f"E{top}")
    return row


def _number(cell: Cell, value: object, number_format: str) -> None:
    """A figure, or nothing for one that is undefined (no employees, fewer than two scores)."""
    if value is None:
        return
    cell.value = value
    cell.number_format = number_format


def _hidden(cell: Cell, text: str) -> None:
    """A figure not shown: its text, right-aligned like the figures around it."""
    if text:
        xlsx.put_text(cell, text)
        cell.alignment = RIGHT
