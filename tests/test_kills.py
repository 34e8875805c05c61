"""Kills at random moments (issue 15): `appraisal run` on the sample (validate, invite, prepare, collect,
status) killed with SIGKILL again and again at random moments across the whole run, so that the kills
fall in every step, then run to the end once: the output is the one an uninterrupted run makes.

Compared: every file's name, and the bytes of every document (letters, calendar invitations, forms,
minutes, plans); the workbooks by their cells' values. Nothing half-written, no temporary file left
(beside the files, in the system's temporary folder, in the output's own), nothing taken for a
person's edit (no `(new)` file, no "kept because edited"). `purge` has its own kill test in
test_retention.py.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"  # with its returned forms in input/notes/
ENV = {**os.environ, "APPRAISAL_TODAY": "2027-02-01", "PYTHONPATH": str(ROOT)}
KILLS = 6
WORKBOOK_SUFFIX = ".xlsx"


def run(output: Path) -> subprocess.Popen:
    # the system's temporary folder, of this output's own: what a killed run leaves there is seen
    system_tmp = output.parent / f"{output.name}-system-tmp"
    system_tmp.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "-w", str(SAMPLE), "-o", str(output), "-j", "2"],
        env={**ENV, "TMPDIR": str(system_tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its workers are in its group: the kill takes them too
    )


def contents(output: Path) -> dict[str, object]:
    """What a person finds in the output: documents by their bytes, workbooks by their cells' values
    (a workbook's file also holds the moment it was saved). The history copies and the state are left
    out: they record when, not what."""
    found: dict[str, object] = {}
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output)
        if not path.is_file() or ".appraisal" in relative.parts or "history" in relative.parts:
            continue
        if path.suffix == WORKBOOK_SUFFIX:
            book = openpyxl.load_workbook(path, read_only=True)
            found[relative.as_posix()] = [
                [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
            ]
            book.close()
        elif path.suffix == ".ics":  # DTSTAMP is when the invitation was made (RFC 5545): not compared
            found[relative.as_posix()] = re.sub(rb"DTSTAMP:\S+", b"", path.read_bytes())
        else:
            found[relative.as_posix()] = path.read_bytes()
    return found


def test_a_run_killed_at_random_moments_then_finished_equals_an_uninterrupted_run(tmp_path):
    reference = tmp_path / "reference"
    started = time.perf_counter()
    whole = run(reference)
    printed = whole.communicate(timeout=600)[0]
    took = time.perf_counter() - started
    assert whole.returncode == 0, printed

    output = tmp_path / "killed"
    chance = random.Random(1515)
    moments = sorted(chance.uniform(0.2, took) for _ in range(KILLS))
    killed_in = set()
    for moment in moments:
        process = run(output)
        time.sleep(moment)
        os.killpg(process.pid, signal.SIGKILL)
        steps = re.findall(r"^Step \d", process.communicate(timeout=60)[0], re.M)
        killed_in.add(steps[-1] if steps else "validate")
    assert len(killed_in) >= 2, killed_in  # the kills fell in several steps, not all in one
    finished = run(output)
    printed = finished.communicate(timeout=600)[0]

    assert finished.returncode == 0, printed
    assert not re.search(r"kept because edited +[1-9]|edited since|\(new\)", printed), printed
    assert not list(output.rglob("*.tmp")), list(output.rglob("*.tmp"))
    # nothing in the system's temporary folder (openpyxl's sheets, LibreOffice's files), nor in the
    # round's own: names and notes stay in the output, and a finished run leaves none of them about
    assert list((tmp_path / "killed-system-tmp").iterdir()) == []
    assert [p for p in output.rglob("*") if p.parent.parts[-2:] == (".appraisal", "tmp")] == []
    assert not [p for p in output.rglob("*") if "(new)" in p.name]
    got, expected = contents(output), contents(reference)
    assert sorted(got) == sorted(expected)
    differ = [name for name in expected if got[name] != expected[name]]
    assert differ == [], differ

    again = run(output)
    printed = again.communicate(timeout=600)[0]
    assert again.returncode == 0 and "  accepted                       0" in printed, printed
    assert contents(output) == got
