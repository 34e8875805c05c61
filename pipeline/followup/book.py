"""Writing the follow-up workbook: the Overview with its chart, and the Conversations and Goals and actions
sheets as Excel tables with drop-downs, overdue highlighting, marked editable columns and print setup.

Every text is written as a text cell (`xlsx.put_text`); values arrive here already canonical and fitted
(see `followup/merge.py`) and are shown with labels in the round's language.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.formula.translate import Translator
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import charts, sheetrows, texts, xlsx
from pipeline.followup.columns import (
    COLUMNS,
    HEADER_ROW,
    RUN_PROPERTY,
    BookColumn,
    Extra,
    Formula,
    Row,
    sheet_name,
)
from pipeline.followup.figures import (
    FIGURE_COLUMNS,
    figure_notes,
    figure_values,
)
from pipeline.followup.frames import FigureFrames
from pipeline.followup.layout import (
    DATA_FREEZE,
    OVERVIEW_FREEZE,
    OVERVIEW_HEADER_ROW,
    DataLayout,
    data_layout,
    overview_layout,
)
from pipeline.round import schema
from pipeline.round.values import fold_word

TABLES = {"overview": "FollowUpOverview", "conversations": "Conversations", "goals": "GoalsAndActions"}


def sheet_cells(ws: Worksheet, lang: str) -> xlsx.Cells:
    cells = xlsx.Cells(ws)
    cells.define("date", number_format=xlsx.date_format(lang))
    cells.define("int", number_format=xlsx.INTEGER_FORMAT)
    cells.define("percent", number_format=xlsx.PERCENT_FORMAT)
    cells.define("id", number_format=xlsx.TEXT_FORMAT)
    cells.define("long", alignment=xlsx.WRAP_TOP, number_format=xlsx.TEXT_FORMAT)  # `10 %` stays text
    cells.define("title", font=xlsx.TITLE_FONT)
    # a data row's cells: at the top of a row grown for wrapped text; numbers centred, so that a
    # figure never runs into the text beside it ("100 Innført fra april")
    cells.define("row", alignment=xlsx.TOP)
    cells.define("row-date", number_format=xlsx.date_format(lang), alignment=xlsx.TOP)
    cells.define("row-number", alignment=xlsx.CENTRE_TOP)
    return cells


def set_up_sheet(
    ws: Worksheet, kind: str, widths: list[float], heading: xlsx.Heading, rules_end: int = 0
) -> None:
    """What a follow-up sheet is around its rows: widths, frozen panes, printing (which follows from the
    widths) and, on a data sheet, its drop-downs and highlighting down to `rules_end`. The XML writer
    (`sheetxml.py`) takes its sheets' frames from a sheet set up by this too."""
    xlsx.set_widths(ws, widths)
    header_row = OVERVIEW_HEADER_ROW if kind == "overview" else HEADER_ROW
    ws.freeze_panes = OVERVIEW_FREEZE if kind == "overview" else DATA_FREEZE
    xlsx.set_up_printing(ws, f"{header_row}:{header_row}", heading, title_columns="A:B")
    if kind != "overview":
        sheet_rules(ws, kind, COLUMNS[kind], heading.lang, rules_end)


def _write_data_sheet(
    wb: openpyxl.Workbook,
    kind: str,
    rows: list[Row],
    extra_headers: list[str],
    heading: xlsx.Heading,
    today: dt.date,
) -> None:
    """Conversations or Goals and actions: the instructions line, the table, the rules. The sheet is
    streamed (write-only), so widths and rules are settled before the first row goes out."""
    lang = heading.lang
    ws = wb.create_sheet(sheet_name(kind, lang))
    layout = data_layout(kind, rows, extra_headers, lang, today)
    columns, headers, widths = layout.columns, layout.headers, layout.widths
    text = texts.section(lang, "book")
    set_up_sheet(ws, kind, widths, heading, layout.rules_end)
    if height := xlsx.header_height(headers, widths):
        ws.row_dimensions[HEADER_ROW].height = height
    for index, column in enumerate(columns, start=1):
        if is_text_column(column):
            ws.column_dimensions[get_column_letter(index)].number_format = xlsx.TEXT_FORMAT

    cells = sheet_cells(ws, lang)
    xlsx.write_wrapped_note(ws, cells, layout.note)
    editable = [c.editable for c in columns] + [False] * len(extra_headers)
    ws.append(
        [
            cells.header(header, True, text["editable_note"]) if is_editable else cells.header(header)
            for header, is_editable in zip(headers, editable, strict=True)
        ]
    )
    _write_rows(ws, cells, layout, rows, extra_headers)
    xlsx.add_table(ws, TABLES[kind], HEADER_ROW, layout.last, headers)


def is_text_column(column: BookColumn) -> bool:
    """A column formatted as text down to its last row: IDs, and the comment a person types (in General,
    Excel and Calc take `10 %` for 0.1, `1/2` for a date, in a row they add too)."""
    return column.kind == "id" or (column.editable and column.kind == "long")


RAW_ROWS = True  # data rows written as XML (`sheetrows.py`); False: through openpyxl's cells (tests)


def _write_rows(
    ws: Worksheet, cells: xlsx.Cells, layout: DataLayout, rows: list[Row], extra_headers: list[str]
) -> None:
    """A data sheet's rows, after its header: each written as XML into the sheet's stream (the same
    cells, for a tenth of what openpyxl's cell objects cost); a row that cannot be, through openpyxl."""
    writer = sheetrows.Rows(sheetrows.Looks(cells)) if RAW_ROWS else None
    if writer is not None:
        sheetrows.raw_rows(ws)
    columns = len(layout.columns)
    for number, (row, values) in enumerate(zip(rows, layout.shown, strict=True), start=HEADER_ROW + 1):
        extras = [row.extras.get(header) for header in extra_headers]
        if writer is not None:
            try:
                xml = data_row_xml(writer, cells, layout, number, values, extras)
                ws.append((sheetrows.RawRow(xml),))
                continue
            except sheetrows.Unhandled:
                pass  # this row through openpyxl, as it would have been
        if height := layout.height(values):
            ws.row_dimensions[number].height = height
        line = [cells.value(value, look) for value, look in zip(values, layout.looks, strict=True)]
        for index, extra in enumerate(extras, start=columns + 1):
            line.append(None if extra is None else _extra_cell(cells, extra, index, number, layout.lang))
        ws.append(line)


def data_row_xml(
    writer: sheetrows.Rows,
    cells: xlsx.Cells,
    layout: DataLayout,
    number: int,
    values: list[object],
    extras: list[Extra | None],
) -> str:
    """A data row as XML: its columns' values, then the cells of the columns people added."""
    letters, columns = layout.letters, len(layout.columns)
    shown = zip(letters[:columns], values, layout.looks, strict=True)
    xml = [writer.value(f"{c}{number}", v, k) for c, v, k in shown]
    xml += [
        writer.cell(f"{letters[i]}{number}", _extra_cell(cells, extra, i + 1, number, layout.lang))
        for i, extra in enumerate(extras, start=columns)
        if extra is not None
    ]
    return writer.row(number, xml, layout.height(values))


def _extra_cell(cells: xlsx.Cells, extra: Extra, column: int, row: int, lang: str) -> object:
    """A cell of a column someone added; their formula moves with its row (only the row changes)."""
    value = extra.value
    if isinstance(value, Formula):
        letter = get_column_letter(column)
        try:
            return cells.formula(
                Translator(value, origin=f"{letter}{extra.row}").translate_formula(f"{letter}{row}")
            )
        except Exception:  # a formula the translator does not follow: kept as it was
            return cells.formula(value)
    if isinstance(value, str):
        return cells.text(xlsx.fit_text(value, lang)[0])
    return cells.value(value, "date" if isinstance(value, dt.date) else "plain")


def sheet_rules(ws: Worksheet, kind: str, columns: tuple[BookColumn, ...], lang: str, last: int) -> None:
    """Drop-downs on the editable columns, their shading, and the overdue highlighting (reaching below
    the data, for rows people add). The overdue rule comes first, so it wins where both apply."""
    first = HEADER_ROW + 1
    letter = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    width = get_column_letter(len(columns))
    if kind == "goals":
        labels = list(schema.enum_labels("goal_status", lang).values())
        status = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(labels)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error=", ".join(labels),
            sqref=f"{letter['status']}{first}:{letter['status']}{last}",
        )
        progress = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error="0–100",
            sqref=f"{letter['progress']}{first}:{letter['progress']}{last}",
        )
        ws.data_validations.append(status)
        ws.data_validations.append(progress)
        lookup = schema.enum_lookup("goal_status")
        every_label = [
            label for lang_ in texts.LANGUAGES for label in schema.enum_labels("goal_status", lang_).values()
        ]
        finished = [
            label for label in dict.fromkeys(every_label) if lookup[fold_word(label)] in ("done", "cancelled")
        ]
        due, state = f"${letter['due']}{first}", f"${letter['status']}{first}"
        not_finished = ",".join(f'{state}<>"{label}"' for label in finished)
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({due}),{due}<TODAY(),{not_finished})"], fill=xlsx.OVERDUE_FILL
        )
        ws.conditional_formatting.add(f"A{first}:{width}{last}", rule)
    else:
        dates = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="36526",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error=texts.get(lang, "book.date_hint"),
            sqref=" ".join(
                f"{letter[k]}{first}:{letter[k]}{last}" for k in ("approved_on", "follow_up_held")
            ),
        )
        ws.data_validations.append(dates)
        for key in ("minutes_overdue", "approval_overdue"):
            cells = f"{letter[key]}{first}:{letter[key]}{last}"
            ws.conditional_formatting.add(
                cells, CellIsRule(operator="greaterThan", formula=["0"], fill=xlsx.OVERDUE_FILL)
            )
    for column in columns:
        if column.editable:
            cells = f"{letter[column.key]}{first}:{letter[column.key]}{last}"
            ws.conditional_formatting.add(cells, FormulaRule(formula=["TRUE"], fill=xlsx.EDITABLE_FILL))


def _write_overview(
    wb: openpyxl.Workbook,
    frames: FigureFrames,
    names: dict[str, str],
    heading: xlsx.Heading,
    today: dt.date,
    owner: str | None = None,
) -> None:
    """A title, then figures per department, per interviewer and in total, and a chart of completion
    by department."""
    lang = heading.lang
    header_row = OVERVIEW_HEADER_ROW
    ws = wb.create_sheet(sheet_name("overview", lang))
    layout = overview_layout(frames, names, heading, today, owner)
    headers = layout.headers
    set_up_sheet(ws, "overview", layout.widths, heading)
    if height := xlsx.header_height(headers, layout.widths):
        ws.row_dimensions[header_row].height = height
    cells = sheet_cells(ws, lang)
    xlsx.write_wrapped_note(ws, cells, layout.title, row=1, look="title-wrap", size=14)
    xlsx.write_wrapped_note(ws, cells, layout.note, row=2)
    notes = figure_notes(lang)
    ws.append(
        [
            cells.header(h, note=notes.get(name))
            for h, name in zip(headers, ["", "", *(c[0] for c in FIGURE_COLUMNS)], strict=True)
        ]
    )
    for grouping, name, figures in layout.lines:
        look = "bold" if grouping == layout.total else "plain"
        row = [cells.text(grouping, look), cells.text(name, look) if name else None]
        for (_, kind), value in zip(FIGURE_COLUMNS, figure_values(figures), strict=True):
            row.append(cells.value(value, "percent" if kind == "percent" else "int"))
        ws.append(row)
    xlsx.add_table(ws, TABLES["overview"], header_row, layout.last, headers)
    if layout.bars is not None:
        ws.append([])
        # beside the title columns, which repeat on the pages of a sheet printed across pages
        column = 1 if ws.sheet_properties.pageSetUpPr.fitToPage else 3
        charts.chart_on_its_own_page(ws, layout.bars, layout.last + 2, column)


def build_follow_up_workbook(
    rows: dict[str, list[Row]],
    extra_headers: dict[str, list[str]],
    other_sheets: list[tuple[str, list[list[object]]]],
    frames: FigureFrames,
    interviewer_names: dict[str, str],
    heading: xlsx.Heading,
    today: dt.date,
    token: str,
    owner: tuple[str, dict[str, str]] | None = None,
    conflicts: tuple[str, list[list[object]]] | None = None,
) -> openpyxl.Workbook:
    """The follow-up workbook (write-only: save it once): Overview, Conversations, Goals and actions,
    then the sheets people added, with the run token as a custom document property. `owner`: for a
    manager's own copy, their name (for the Overview's note) and the properties that say whose it is.
    `conflicts`: the Conflicts sheet (its name, then a header row and a row per conflict), or None."""
    lang, round_id = heading.lang, heading.round_id
    wb = openpyxl.Workbook(write_only=True)
    _write_overview(wb, frames, interviewer_names, heading, today, owner[0] if owner else None)
    for kind in ("conversations", "goals"):
        _write_data_sheet(wb, kind, rows[kind], extra_headers.get(kind, []), heading, today)
    if conflicts is not None:
        _write_conflicts(wb, conflicts, heading)
    taken = {ws.title.casefold() for ws in wb.worksheets}
    for title, grid in other_sheets:
        name, n = title, 2
        while name.casefold() in taken:
            name, n = f"{title[:26]} ({n})", n + 1
        taken.add(name.casefold())
        ws = wb.create_sheet(name)
        xlsx.set_up_printing(ws, None, heading)
        cells = sheet_cells(ws, lang)
        for values in grid:
            ws.append([_other_cell(cells, value, lang) for value in values])
    wb.custom_doc_props.append(StringProperty(name=RUN_PROPERTY, value=token))
    for name, value in (owner[1] if owner else {}).items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.creator = "appraisal"
    wb.properties.title = f"{texts.get(lang, 'book.title')} – {round_id}"
    return wb


def _write_conflicts(
    wb: openpyxl.Workbook, conflicts: tuple[str, list[list[object]]], heading: xlsx.Heading
) -> None:
    """The Conflicts sheet: a header row and a row per conflict, wide enough to read, printed whole."""
    title, (headers, *rows) = conflicts
    ws = wb.create_sheet(title)
    widths = [xlsx.header_width(str(h)) for h in headers]
    for values in rows:
        for index, value in enumerate(values):
            if isinstance(value, str):
                widths[index] = max(widths[index], min(40, xlsx.text_width(value) + 2))
    widths[0] = max(widths[0], 12)  # a date
    xlsx.set_widths(ws, widths)
    if height := xlsx.header_height([str(h) for h in headers], widths):
        ws.row_dimensions[1].height = height
    xlsx.set_up_printing(ws, "1:1", heading)
    cells = sheet_cells(ws, heading.lang)
    ws.append([cells.header(str(h)) for h in headers])
    for values in rows:
        ws.append(
            [cells.value(v, "date") if isinstance(v, dt.date) else cells.text(str(v), "long") for v in values]
        )
    xlsx.add_table(ws, "FollowUpConflicts", 1, max(2, len(rows) + 1), [str(h) for h in headers])


def _other_cell(cells: xlsx.Cells, value: object, lang: str) -> object:
    if value is None:
        return None
    if isinstance(value, Formula):
        return cells.formula(value)
    if isinstance(value, str):
        return cells.text(xlsx.fit_text(value, lang)[0])
    return cells.value(value, "date" if isinstance(value, dt.date) else "plain")
