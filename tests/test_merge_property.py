"""The merge's promise as a property (issue 12): for any interleaving of edits in HR's follow-up
workbook and in the managers' copies over ten `status` runs, every edit is either in HR's workbook
after the run that sees it, or listed as a conflict of that run. Nothing is lost.

A few examples run in `make test`; `make test-long` runs many (`--hypothesis-profile=long`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from test_followup import TODAY, base_sources, cell_of, round_from, table
from test_managers import GOALS, OLA, TALKS

from pipeline.followup.step import write_follow_up

CELLS = [
    (GOALS, "G-1", "Status"),
    (GOALS, "G-2", "Status"),
    (GOALS, "G-2", "Kommentar"),
    (GOALS, "2027-H1-102-A1", "Fremdrift (%)"),
    (GOALS, "2027-H1-100-G1", "Frist"),
    (TALKS, "102", "Oppfølging holdt"),
]
VALUES = {
    "Status": ["ikke startet", "pågår", "fullført", "avbrutt"],
    "Kommentar": ["Kurs booket", "Venter på leverandør", "=SUM(1,2)", "Ferdig i mai"],
    "Fremdrift (%)": [0, 25, 50, 100],
    "Frist": [dt.date(2027, 5, 1), dt.date(2027, 9, 1), dt.date(2027, 12, 31)],
    "Oppfølging holdt": [dt.date(2027, 2, 1), dt.date(2027, 3, 1), dt.date(2027, 3, 10)],
}
CANONICAL = {
    "ikke startet": "not_started",
    "pågår": "in_progress",
    "fullført": "done",
    "avbrutt": "cancelled",
}
COLUMN_KEYS = {
    "Status": "status",
    "Kommentar": "comment",
    "Fremdrift (%)": "progress",
    "Frist": "due",
    "Oppfølging holdt": "follow_up_held",
}

edit_strategy = st.tuples(
    st.sampled_from(["hr", "manager"]), st.integers(0, len(CELLS) - 1), st.integers(0, 3)
)
runs_strategy = st.lists(st.lists(edit_strategy, max_size=4), min_size=10, max_size=10)


def shown(value: object) -> object:
    return value.date() if isinstance(value, dt.datetime) else value


def typed(column: str, index: int) -> object:
    choices = VALUES[column]
    return choices[index % len(choices)]


def as_canonical(column: str, value: object) -> object:
    return CANONICAL.get(value, value) if column == "Status" else value


@given(runs=runs_strategy)
def test_every_edit_is_in_hrs_workbook_or_listed_as_a_conflict(make_workbook, runs):
    round_ = round_from(make_workbook)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "output"
        base_sources(output)
        result = write_follow_up(round_, output, today=TODAY)
        for edits in runs:
            last: dict[tuple[str, tuple], object] = {}
            before: dict[tuple[str, tuple], object] = {}  # what each cell held when the interval began
            for side, cell, choice in edits:
                sheet, key, header = CELLS[cell]
                path = result.follow_up if side == "hr" else output / OLA
                wb = openpyxl.load_workbook(path)
                target = cell_of(wb[sheet], header, key)
                value = typed(header, choice)
                if shown(target.value) == value:
                    continue  # not an edit: the cell already holds it
                before.setdefault((side, CELLS[cell]), shown(target.value))
                target.value = value
                wb.save(path)
                last[(side, CELLS[cell])] = value
            result = write_follow_up(round_, output, today=TODAY)
            hr = {sheet: table(result.follow_up, sheet) for sheet in (GOALS, TALKS)}
            conflicts = {(c["id"], c["column"], str(c["manager"])) for c in result.conflicts}
            for (side, (sheet, key, header)), value in last.items():
                now = hr[sheet][key][header]
                if now == value or before[(side, (sheet, key, header))] == value:
                    continue  # kept, or typed back to what the cell held: no edit at all
                listed = (
                    key,
                    COLUMN_KEYS[header],
                    str(
                        as_canonical(header, value).isoformat()
                        if isinstance(value, dt.date)
                        else as_canonical(header, value)
                    ),
                )
                assert side == "manager" and listed in conflicts, (
                    side,
                    sheet,
                    key,
                    header,
                    value,
                    now,
                    conflicts,
                )
            # and the copy shows what HR's workbook shows, once merged
            copy = {sheet: table(output / OLA, sheet) for sheet in (GOALS, TALKS)}
            for sheet, key, header in CELLS:
                assert copy[sheet][key][header] == hr[sheet][key][header], (sheet, key, header)
