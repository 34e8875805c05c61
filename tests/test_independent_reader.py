"""Every workbook the tool writes reads the same in a reader that shares no code with the tool: SheetJS
(`xlsx` on npm, installed by .ci/run into tests/js), beside openpyxl. The tool itself reads with
calamine and openpyxl, and LibreOffice opens the files in the printing tests; this is the fourth
reader. Each cell has the same value and the same type, and text is text (never a formula)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from support.helpers import manager_copy

ROOT = Path(__file__).resolve().parents[1]
READER = ROOT / "tests" / "js" / "read.js"
ROUND = "2027-H1"


def sheetjs(path: Path) -> dict[str, dict]:
    node = shutil.which("node")
    assert node and (READER.parent / "node_modules" / "xlsx").is_dir(), (
        "SheetJS is needed: run .ci/run, or `npm ci --prefix tests/js` with Node.js installed"
    )
    out = subprocess.run([node, str(READER), str(path)], check=True, capture_output=True, text=True).stdout
    return {sheet["name"]: sheet for sheet in json.loads(out)["sheets"]}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("readers")
    env = {**os.environ, "APPRAISAL_TODAY": "2027-02-01", "PYTHONPATH": str(ROOT)}
    for args in (
        ["run", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(work / "output")],
        ["init", "--example", str(work / "new")],
        ["init", "--lang", "en", str(work / "new-en")],
    ):
        subprocess.run(
            [sys.executable, "-m", "pipeline", *args], cwd=work, env=env, check=True, capture_output=True
        )
    books = {
        name: work / "output" / ROUND / f"{name}.xlsx"
        for name in ("follow-up", "leadership-summary", "validation-report", "collect-report")
    }
    books["starter"] = next((work / "new").rglob("*.xlsx"))
    books["manager-copy"] = manager_copy(work / "output" / ROUND)
    books["starter-en"] = next((work / "new-en").rglob("*.xlsx"))
    return books


def _expected(value: object) -> tuple[str, object]:
    """The SheetJS type and value that an openpyxl value should read as."""
    if isinstance(value, bool):
        return "b", value
    if isinstance(value, (int, float)):
        return "n", float(value)
    if isinstance(value, dt.datetime):
        return "d", value.date().isoformat()
    if isinstance(value, dt.date):
        return "d", value.isoformat()
    if isinstance(value, dt.time):  # a time of day: SheetJS gives it as a time on Excel's day 0
        return "d", "1899-12-30T" + value.isoformat(timespec="seconds")
    return "s", str(value)


@pytest.mark.parametrize(
    "name",
    [
        "follow-up",
        "leadership-summary",
        "validation-report",
        "collect-report",
        "starter",
        "starter-en",
        "manager-copy",
    ],
)
def test_sheetjs_reads_every_cell_as_openpyxl_does(workbooks, name):
    path = workbooks[name]
    other = sheetjs(path)
    book = openpyxl.load_workbook(path)
    assert list(other) == book.sheetnames
    compared = 0
    for ws in book.worksheets:
        theirs = other[ws.title]["cells"]
        ours = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
        assert set(theirs) == set(ours), (ws.title, sorted(set(theirs) ^ set(ours))[:10])
        for address, cell in ours.items():
            kind, value = _expected(cell.value)
            seen = theirs[address]
            if cell.data_type == "f":  # a formula the tool wrote on purpose (people's own sheets only)
                assert seen["f"], (ws.title, address)
                continue
            assert seen["f"] is None, (ws.title, address, seen)  # text is never a formula
            got = (
                seen["v"][: len(str(value))]
                if kind == "d"
                else float(seen["v"])
                if kind == "n"
                else seen["v"]
            )
            assert (seen["t"], got) == (kind, value), (ws.title, address, seen, cell.value)
            compared += 1
    assert compared > 20
