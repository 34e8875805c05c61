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

import datetime as dt
import os
import random
import re
import shutil
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


def run(output: Path, workbook: Path = SAMPLE) -> subprocess.Popen:
    # the system's temporary folder, of this output's own: what a killed run leaves there is seen
    system_tmp = output.parent / f"{output.name}-system-tmp"
    system_tmp.mkdir(parents=True, exist_ok=True)
    notes = ["--notes", str(SAMPLE.parent / "notes")]  # the sample's returned forms, for any workbook
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", "-w", str(workbook), "-o", str(output), "-j", "2", *notes],
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


def finished(process: subprocess.Popen) -> str:
    printed = process.communicate(timeout=600)[0]
    assert process.returncode == 0, printed
    return printed


def test_a_run_moving_documents_after_names_were_corrected_killed_at_random_moments_then_finished(tmp_path):
    """After a whole round, two names corrected: Øyvind Lie (1005), whose minutes were collected, and
    Bjørn Kristiansen (1002), a manager, whose folder holds forms and his follow-up copy. The run that
    moves all of it, killed again and again, then finished: the output is the one an uninterrupted
    run makes, with nothing left under the old names."""
    renamed = tmp_path / "renamed.xlsx"
    book = openpyxl.load_workbook(SAMPLE)
    for row in book["Ansatte"].iter_rows(min_row=2):
        row[2].value = {"1005": "Lie-Hansen", "1002": "Kristiansen-Dahl"}.get(str(row[0].value), row[2].value)
    book.save(renamed)
    reference, output = tmp_path / "reference", tmp_path / "killed"
    for folder in (reference, output):
        finished(run(folder))
    started = time.perf_counter()
    finished(run(reference, renamed))
    took = time.perf_counter() - started

    for moment in sorted(random.Random(1516).uniform(0.2, took) for _ in range(4)):
        process = run(output, renamed)
        time.sleep(moment)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    printed = finished(run(output, renamed))

    assert not re.search(r"kept because edited +[1-9]|edited since|\(new\)|changed by someone", printed), (
        printed
    )
    assert not [p for p in output.rglob("*") if "Øyvind Lie/" in f"{p}/" or "Kristiansen/" in f"{p}/"]
    got, expected = contents(output), contents(reference)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []


# -- a manager's copy merged back, killed at random moments ------------------------------------------

COPY = Path("2027-H1") / "managers" / "1002-Bjørn Kristiansen" / "oppfolging.xlsx"


def status(output: Path, inbox: Path) -> subprocess.Popen:
    system_tmp = output.parent / f"{output.name}-system-tmp"
    system_tmp.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "status",
            "-w",
            str(SAMPLE),
            "-o",
            str(output),
            "--collect",
            str(inbox),
        ],
        env={**ENV, "TMPDIR": str(system_tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def edited_copy(output: Path, inbox: Path) -> None:
    """Bjørn's copy as he sends it back: a goal done, a comment, a due date moved, an approval date, and a
    new action for one of his people."""
    book = openpyxl.load_workbook(output / COPY)
    goals, talks = book["Mål og tiltak"], book["Samtaler"]
    header = {cell.value: cell.column for cell in goals[2]}
    for row in goals.iter_rows(min_row=3):
        if row[0].value == "2027-H1-1005-A1":
            row[header["Status"] - 1].value = "fullført"
            row[header["Fremdrift (%)"] - 1].value = 100
            row[header["Kommentar"] - 1].value = "Kurset er tatt"
        if row[0].value == "2027-H1-1005-A2":
            row[header["Frist"] - 1].value = dt.datetime(2027, 4, 1)
    new = goals.max_row + 1
    for name, value in {"Ansattnr": "1003", "Type": "tiltak", "Beskrivelse": "Hospitere i lønn"}.items():
        goals.cell(row=new, column=header[name]).value = value
    talk_header = {cell.value: cell.column for cell in talks[2]}
    for row in talks.iter_rows(min_row=3):
        if row[0].value == "1005":
            row[talk_header["Godkjent dato"] - 1].value = dt.datetime(2027, 1, 30)
    inbox.mkdir(parents=True, exist_ok=True)
    book.save(inbox / "Bjørn sin oppfølging.xlsx")


def history_of(output: Path, goal_id: str) -> list[str]:
    """`appraisal history` of a goal, without the moment of each change (the clock's)."""
    shown = subprocess.run(
        [sys.executable, "-m", "pipeline", "history", goal_id, "-w", str(SAMPLE), "-o", str(output)],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    return [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d  ", "", line) for line in shown.stdout.splitlines()]


def test_a_merge_of_a_managers_copy_killed_at_random_moments_then_finished_equals_an_uninterrupted_one(
    tmp_path,
):
    """`appraisal status --collect` merging a manager's edited copy, killed (SIGKILL, with its workers)
    again and again at random moments, then run to the end: HR's workbook, every copy and the recorded
    history are those of a merge never interrupted; each change is recorded once."""
    base = tmp_path / "base"
    first = run(base)
    assert first.wait(timeout=600) == 0, first.communicate()[0]
    outputs = {}
    for name in ("reference", "killed"):
        outputs[name] = tmp_path / name
        shutil.copytree(base, outputs[name])  # the same run's records: the copy is each one's own
        edited_copy(outputs[name], tmp_path / f"{name}-inbox")

    started = time.perf_counter()
    whole = status(outputs["reference"], tmp_path / "reference-inbox")
    printed = whole.communicate(timeout=600)[0]
    took = time.perf_counter() - started
    assert whole.returncode == 0 and "5 change(s) taken, 1 new row(s), 0 conflict(s)" in printed, printed

    output, inbox = outputs["killed"], tmp_path / "killed-inbox"
    chance = random.Random(1212)
    for moment in sorted(chance.uniform(0.1, took) for _ in range(KILLS)):
        process = status(output, inbox)
        time.sleep(moment)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    finished = status(output, inbox)
    printed = finished.communicate(timeout=600)[0]

    assert finished.returncode == 0, printed
    assert list((tmp_path / "killed-system-tmp").iterdir()) == []
    assert not list(output.rglob("*.tmp")) and not [p for p in output.rglob("*") if "(new)" in p.name]
    got, expected = contents(output), contents(outputs["reference"])
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    for goal_id in ("2027-H1-1005-A1", "2027-H1-1005-A2", "2027-H1-1003-F1"):
        assert history_of(output, goal_id) == history_of(outputs["reference"], goal_id), goal_id
    assert len(history_of(output, "2027-H1-1005-A1")) == 4  # its heading, then status, progress, comment
