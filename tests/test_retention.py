"""Retention (issue 15): `appraisal purge` of whole rounds and of personnel copies past their time,
`appraisal.toml`'s `retention_years`, and a purge killed at any moment."""

from __future__ import annotations

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
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.followup.carry import SNAPSHOT
from pipeline.install import ConfigError, read_installation
from pipeline.retention.purge import personnel_copies
from pipeline.store.folder import ROUND_RECORD
from pipeline.store.state import State

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"  # with its returned forms in input/notes/
ROUND = "2027-H1"
TODAY = "2027-02-01"
ENV = {**os.environ, "APPRAISAL_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
PERSONNEL_COPIES = ["1005", "1009", "1012", "1018"]  # the four accepted forms of the sample


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory):
    """The sample round run once, with its four forms collected: copied for each test."""
    output = tmp_path_factory.mktemp("sample") / "output"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "-w", str(SAMPLE), "-o", str(output), "-j", "2"],
        env=ENV, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return output


@pytest.fixture
def output(sample_output, tmp_path, monkeypatch):
    monkeypatch.setenv("APPRAISAL_TODAY", TODAY)
    monkeypatch.setenv("APPRAISAL_CONFIG", str(tmp_path / "appraisal.toml"))
    copy = tmp_path / "output"
    shutil.copytree(sample_output, copy)
    return copy


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".appraisal" not in p.parts
    }


def purge(output: Path, *args: str):
    return CliRunner().invoke(cli, ["purge", "-o", str(output), *args])


def state_rows(output: Path) -> dict[str, int]:
    return State(output).round_counts(ROUND, ROUND)


def test_purge_lists_what_it_would_remove_and_removes_nothing_without_yes(output):
    before, rows = tree(output), state_rows(output)

    result = purge(output, "--round", ROUND)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == f"Round {ROUND} (ended 2027-02-26)"
    assert lines[2].startswith(f"  remove   {output / ROUND}/: ")
    assert lines[3].startswith("  remove   its records: ") and " 4 conversations, " in lines[3]
    assert lines[4] == f"  kept     4 personnel copies of the minutes, in {output / 'personnel'}"
    assert "  returned forms collect read, in your own folders (not touched: delete them when done):" in lines
    assert f"           {ROOT / 'input' / 'notes' / 'Referat Øyvind.docx'}" in lines
    assert lines[-1] == "Nothing was removed. Run again with --yes to remove what is listed."
    assert tree(output) == before and state_rows(output) == rows


def test_purge_yes_removes_the_round_and_keeps_personnel_copies_and_open_goals(output, tmp_path):
    open_goals = [
        g
        for g in State(output).document(ROUND, SNAPSHOT)["goals"]
        if g["status"] not in ("done", "cancelled")
    ]
    notes = tree(ROOT / "input" / "notes")

    result = purge(output, "--round", ROUND, "--yes")

    assert result.exit_code == 0, result.output
    assert f"  removed  {output / ROUND}/: " in result.stdout
    assert not (output / ROUND).exists()
    assert sorted(p.name for p in (output / "personnel").iterdir()) == PERSONNEL_COPIES
    assert state_rows(output) == {"files": 0, "conversations": 0, "events": 0, "records": 2}
    state = State(output)
    assert state.document(ROUND, SNAPSHOT)["goals"] == open_goals and open_goals
    assert state.document(ROUND, ROUND_RECORD)["ends_on"] == "2027-02-26"
    assert tree(ROOT / "input" / "notes") == notes  # HR's returned forms are not touched
    again = purge(output, "--round", ROUND, "--yes")
    assert again.exit_code == 0 and "  nothing left to remove: purged before" in again.stdout

    # the next round still carries the purged round's open goals over
    book = openpyxl.load_workbook(SAMPLE)
    settings = book["Runde"]
    row = next(r for r in range(1, settings.max_row + 1) if settings.cell(r, 1).value == "round_id")
    settings.cell(row, 2).value = "2027-H2"
    second = tmp_path / "h2.xlsx"
    book.save(second)
    invited = CliRunner().invoke(cli, ["invite", "-w", str(second), "-o", str(output), "-j", "1"])
    assert invited.exit_code == 0, invited.output
    carried = re.search(
        rf"Carried over (\d+) open goal\(s\) and action\(s\) from round {ROUND} \((\d+) more", invited.output
    )
    assert carried and int(carried[1]) + int(carried[2]) == len(open_goals), invited.output


def test_purge_refuses_while_a_file_of_the_round_is_open(output):
    (output / ROUND / "~$follow-up.xlsx").write_bytes(b"Excel has it open")
    before = tree(output)

    result = purge(output, "--round", ROUND, "--yes")

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {output / ROUND}: a file of the round is open (")
    assert "nothing was removed" in result.stderr and "Traceback" not in result.output
    assert tree(output) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--round", "2019-H1"], 1, "has no round '2019-H1'."),
        (["--round", ROUND, "--dry-run", "--yes"], 2, "give --dry-run or --yes, not both"),
        ([], 2, "say what to purge: --round ROUND, --older-than DURATION or --personnel"),
        (["--older-than", "five years"], 1, "--older-than 'five years': write a number and a unit, like 5y"),
        (["--personnel", "--yes"], 1, "retention_years is not set: put `retention_years = N`"),
    ],
)
def test_purge_says_what_is_wrong_and_removes_nothing(output, args, code, message):
    before = tree(output)
    result = purge(output, *args)
    assert result.exit_code == code and message in result.output, result.output
    assert "Traceback" not in result.output
    assert tree(output) == before


def test_older_than_chooses_the_rounds_that_ended_that_long_ago(output, monkeypatch):
    monkeypatch.setenv("APPRAISAL_TODAY", "2029-02-25")  # 2027-02-26 + 2 years is a day later
    not_yet = purge(output, "--older-than", "2y", "--yes")
    assert not_yet.exit_code == 0 and "(on or before 2027-02-25): none." in not_yet.stdout
    assert (output / ROUND).is_dir()

    monkeypatch.setenv("APPRAISAL_TODAY", "2029-02-26")
    due = purge(output, "--older-than", "24 months", "--yes")
    assert due.exit_code == 0, due.output
    assert f"(on or before 2027-02-26): {ROUND}." in due.stdout
    assert not (output / ROUND).exists()


def test_personnel_copies_go_when_their_retention_ends(output, tmp_path, monkeypatch):
    (tmp_path / "appraisal.toml").write_text("retention_years = 3\n")
    monkeypatch.setenv("APPRAISAL_TODAY", "2030-02-25")
    early = purge(output, "--personnel", "--yes")
    assert early.exit_code == 0 and ": 0" in early.stdout
    assert sorted(p.name for p in (output / "personnel").iterdir()) == PERSONNEL_COPIES

    monkeypatch.setenv("APPRAISAL_TODAY", "2030-02-26")
    listed = purge(output, "--personnel")
    assert (
        f"  delete   {output / 'personnel' / '1005' / f'{ROUND}-minutes.docx'} (due 2030-02-26)"
        in listed.stdout
    )
    assert len(list((output / "personnel").iterdir())) == 4
    done = purge(output, "--personnel", "--yes")
    assert done.exit_code == 0, done.output
    assert list((output / "personnel").iterdir()) == []
    assert not [p for p in State(output).files("") if p[0].startswith("personnel/")]


def test_a_leavers_copies_count_from_the_end_of_the_round_they_left_in(tmp_path):
    """Two rounds; employee 7 is marked as left in the second: their first-round copy is kept until
    the retention has run from the second round's end; employee 8, still employed, from its own round's."""
    output = tmp_path / "output"
    state = State(output)
    state.put_document("2027-H1", ROUND_RECORD, {"round_id": "2027-H1", "ends_on": "2027-06-30", "left": []})
    state.put_document(
        "2028-H1", ROUND_RECORD, {"round_id": "2028-H1", "ends_on": "2028-06-30", "left": ["7"]}
    )
    for employee in ("7", "8"):
        (output / "personnel" / employee).mkdir(parents=True)
        (output / "personnel" / employee / "2027-H1-minutes.docx").write_bytes(b"minutes")
    (output / "personnel" / "8" / "2025-H1-minutes.docx").write_bytes(b"from before any record")

    due = {(c.employee_id, c.round_id): c.due for c in personnel_copies(output, 5)}

    assert due == {
        ("7", "2027-H1"): __import__("datetime").date(2033, 6, 30),
        ("8", "2027-H1"): __import__("datetime").date(2032, 6, 30),
        ("8", "2025-H1"): None,  # its round's end is not recorded: never due by itself
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("retention_years = 0\n", "retention_years = 0 is not a whole number of years from 1 to 100."),
        ("retention_years = '5'\n", "retention_years = '5' is not a whole number of years"),
        (
            "retention_year = 5\n",
            "unknown setting 'retention_year'; the settings are: retention_years, smtp.",
        ),
        ("retention_years = \n", "is not valid TOML"),
    ],
)
def test_a_bad_appraisal_toml_names_the_file_and_the_setting(tmp_path, text, message):
    config = tmp_path / "appraisal.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_installation(config)
    assert str(caught.value).startswith(f"{config}: ") and message in str(caught.value)


def test_a_purge_killed_at_any_moment_is_finished_by_the_next(output):
    """Kill `purge --yes` at random moments: the round is then whole or partly gone, never lost in
    between; the next purge finishes, with the same end as an uninterrupted purge."""
    expected_personnel = sorted(p.name for p in (output / "personnel").iterdir())
    snapshot = State(output).document(ROUND, SNAPSHOT)
    chance = random.Random(15)
    for _ in range(4):
        started = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "purge", "-o", str(output), "--round", ROUND, "--yes"],
            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(chance.uniform(0.2, 1.2))
        started.send_signal(signal.SIGKILL)
        started.wait(timeout=60)
        if started.returncode == 0:
            break

    finished = purge(output, "--round", ROUND, "--yes")

    assert finished.exit_code == 0, finished.output
    assert not (output / ROUND).exists()
    assert not list(output.glob(".purging-*"))
    assert sorted(p.name for p in (output / "personnel").iterdir()) == expected_personnel
    assert state_rows(output) == {"files": 0, "conversations": 0, "events": 0, "records": 2}
    kept = State(output).document(ROUND, SNAPSHOT)["goals"]
    assert kept == [g for g in snapshot["goals"] if g["status"] not in ("done", "cancelled")]


def test_purge_refuses_what_is_not_a_round_the_tool_made(output):
    """A slip such as `--round personnel` must never remove every personnel copy, nor a folder someone
    else put in the output folder."""
    (output / "notater").mkdir()
    (output / "notater" / "mine.docx").write_bytes(b"HR's own")
    before = tree(output)

    for name in ("personnel", "notater"):
        result = purge(output, "--round", name, "--yes")
        assert result.exit_code == 1, (name, result.output)
        assert "not a round's folder made by appraisal" in result.stderr, result.stderr
        assert "nothing was removed" in result.stderr
    state = purge(output, "--round", ".appraisal", "--yes")  # names another folder (_.appraisal): none
    assert state.exit_code == 1 and "has no round '.appraisal'" in state.stderr
    assert tree(output) == before and (output / ".appraisal" / "state.sqlite").is_file()
