"""Bad workbooks, generated (issue 15): a valid round workbook edited the way a hostile or careless office
would (Excel error values, formulas with and without a result, templates, dates that are not, huge and
odd numbers, renamed, moved, merged, hidden and deleted sheets, rows and headers), many times over.

For each: validation ends in a report, never a traceback; `appraisal validate` exits 0 or 1 with no
traceback; every cell a problem names is in the sheet's used area as saved (or is the empty cell just past it where
a missing value is to be typed); nothing typed comes back
evaluated. `make test` runs a few hundred; `make test-long` (`--hypothesis-profile=long`) thousands.
Linear time is measured in `make bench` (the formula-cell figures), not asserted here.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import build_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import coordinate_from_string, get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from pipeline.cli import cli
from pipeline.errors import WorkbookError
from pipeline.round.rules import check_workbook

# a few hundred in `make test`; in `make test-long` (its profile runs the property tests 150 times) more
LONG = settings.default.max_examples >= 100  # the `long` profile of `make test-long`
EXAMPLES = 3000 if LONG else 300  # fixed draws in `make test` (as its profile), new ones in test-long
SHEETS = ["Runde", "Ansatte", "Samtaleplan", "Mål"]
ODD_TEXT = [
    "#REF!", "#N/A", "#NAME?", "#DIV/0!", "#VALUE!", "#NULL!", "#NUM!", "=NOW()", "=TODAY()", "=1/0",
    "=A1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "{{ 7*7 }}", "{% for x in y %}",
    "{{ config }}", "", " ", "\u00a0", "sluttet", "left", "aktiv", "2027-02-30", "31.02.2027", "25:00",
    "-5", "0", "1e308", "NaN", "∞", "ja", "nei", "TRUE", "Q3 2027", "x" * 40_000, "Ø" * 300,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.times(),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
    st.none(),
)
CELL = st.tuples(st.sampled_from(SHEETS), st.integers(1, 30), st.integers(1, 16))


def _set(book, sheet, row, column, value):
    if sheet in book.sheetnames:
        book[sheet].cell(row=row, column=column, value=value)


def _merge(book, sheet, row, column, rows, columns):
    if sheet in book.sheetnames:
        book[sheet].merge_cells(
            start_row=row, start_column=column, end_row=row + rows, end_column=column + columns
        )


def _delete_rows(book, sheet, row, amount):
    if sheet in book.sheetnames:
        book[sheet].delete_rows(row, amount)


def _insert_rows(book, sheet, row, amount):
    if sheet in book.sheetnames:
        book[sheet].insert_rows(row, amount)


def _delete_columns(book, sheet, column, amount):
    if sheet in book.sheetnames:
        book[sheet].delete_cols(column, amount)


def _sheet(book, sheet, how, new_name):
    if sheet not in book.sheetnames:
        return
    if how == "delete" and len(book.sheetnames) > 1:
        del book[sheet]
    elif how == "hide" and sum(ws.sheet_state == "visible" for ws in book.worksheets) > 1:
        book[sheet].sheet_state = "hidden"
    elif how == "rename" and new_name and new_name not in book.sheetnames:
        book[sheet].title = new_name
    elif how == "first":
        book.move_sheet(sheet, offset=-book.sheetnames.index(sheet))
    elif how == "copy":
        book.copy_worksheet(book[sheet])


EDITS = st.one_of(
    st.tuples(st.just(_set), *CELL.wrapped_strategy.element_strategies, VALUES),
    st.tuples(st.just(_set), *CELL.wrapped_strategy.element_strategies, VALUES),
    st.tuples(st.just(_set), *CELL.wrapped_strategy.element_strategies, VALUES),
    st.tuples(
        st.just(_merge), *CELL.wrapped_strategy.element_strategies, st.integers(0, 3), st.integers(0, 3)
    ),
    st.tuples(st.just(_delete_rows), st.sampled_from(SHEETS), st.integers(1, 20), st.integers(1, 5)),
    st.tuples(st.just(_insert_rows), st.sampled_from(SHEETS), st.integers(1, 20), st.integers(1, 3)),
    st.tuples(st.just(_delete_columns), st.sampled_from(SHEETS), st.integers(1, 12), st.integers(1, 2)),
    st.tuples(
        st.just(_sheet),
        st.sampled_from(SHEETS),
        st.sampled_from(["delete", "hide", "rename", "first", "copy"]),
        st.sampled_from(["Employees", "Round", "Ark1", "Samtaleplan (2)", "", "Mål"]),
    ),
)

_FOLDER = Path(tempfile.mkdtemp(prefix="appraisal-bad-workbooks-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)  # every run left one behind in the temp folder
_NUMBERS = itertools.count()


def _build(edits) -> Path | None:
    def edit(book):
        for function, *arguments in edits:
            function(book, *arguments)

    path = _FOLDER / f"bad-{next(_NUMBERS)}.xlsx"
    try:
        return build_workbook(path, edit=edit)
    except (IllegalCharacterError, ValueError, IndexError, KeyError, TypeError, AttributeError):
        return None  # openpyxl itself refuses to write this (a value out of its range): no file to check


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=LONG is False
)
@given(st.lists(EDITS, min_size=1, max_size=8))
def test_a_generated_bad_workbook_gets_a_report_never_a_traceback(edits):
    path = _build(edits)
    if path is None:
        return
    try:
        _, report = check_workbook(path)
    except WorkbookError:
        return  # the whole file refused with one message, e.g. no sheet of the round left
    book = openpyxl.load_workbook(path)
    for problem in report.issues:
        if problem.cell is None:
            continue
        assert problem.sheet in book.sheetnames, (problem, book.sheetnames)
        letters, row = coordinate_from_string(problem.cell)
        sheet = book[problem.sheet]
        # in the sheet's used area, or the empty cell just past it where a missing value is to be typed
        last = get_column_letter(sheet.max_column + 1)
        assert 1 <= row <= sheet.max_row + 1, (problem, sheet.max_row)
        assert (len(letters), letters) <= (len(last), last), (problem, last)
        assert "49" not in problem.message or "7*7" not in str(edits)  # a typed template is never evaluated
    path.unlink()


@settings(
    max_examples=max(EXAMPLES // 10, 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=LONG is False,
)
@given(st.lists(EDITS, min_size=1, max_size=8))
def test_validate_on_a_generated_bad_workbook_exits_0_or_1_without_a_traceback(edits):
    path = _build(edits)
    if path is None:
        return
    result = CliRunner().invoke(cli, ["validate", "-w", str(path)])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output, result.output
    path.unlink()


def test_a_number_far_before_any_date_in_a_date_cell_is_named_not_a_rust_panic(make_workbook, tmp_path):
    """Found by the generator: calamine panics (a Rust panic, with its own report on stderr) reading
    -10**15 from a cell formatted as a date. The cell is found first and named; the same number in a
    cell not formatted as a date is read as the number it is."""
    in_date = make_workbook(edit=lambda book: book["Mål"].cell(2, 6, -(10**15)))  # G-1's due date
    in_text = make_workbook(edit=lambda book: book["Mål"].cell(2, 2, -(10**15)))

    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "validate", "-w", str(in_date)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert run.stderr == (
        f'Error: {in_date}: sheet "Mål" cannot be read: F2 (-1000000000000000) holds a number far before '
        "any date in a cell formatted as a date; type the date, or clear the cell.\n"
    )
    _, report = check_workbook(in_text)
    assert report.issues  # read as a number, and reported as a bad employee ID


def test_a_number_too_large_for_excel_is_shown_as_excel_shows_it(make_workbook):
    """Found by the generator: the largest float in a date cell was read as `inf` and shown as "inf is
    not a date". It is shown as Excel shows it, #NUM!, and a huge number with Excel's 15 digits."""
    from pipeline.round.values import clean_text

    assert clean_text(float("inf")) == "#NUM!"
    assert clean_text(1.7976931348623157e308) == "1.79769313486232e+308"
    assert clean_text(1e14) == "100000000000000"
    _, report = check_workbook(
        make_workbook(edit=lambda book: book["Mål"].cell(2, 6, 1.7976931348623157e308))
    )
    [problem] = [p for p in report.issues if p.cell == "F2"]
    assert problem.message.startswith(("#NUM! is not a date", "1.79769313486232e+308 is not a date")), problem
