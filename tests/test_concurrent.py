"""Concurrent use (issue 15, item 5): one hold for the whole `run`, taken before anything is written.

A second `run` on the same output folder refuses at once, naming the holder, or waits with `--wait`;
it is never refused half-way, and two runs started together both finish with nothing lost or done twice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.locks import held_elsewhere

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"  # with its returned forms in input/notes/
ROUND = "2027-H1"
ENV = {**os.environ, "APPRAISAL_TODAY": "2027-02-01", "PYTHONPATH": str(ROOT)}


def files_under(folder: Path) -> list[str]:
    """Every file under `folder` but the lock's own state (`.appraisal/`)."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and ".appraisal" not in p.parts
    )


def appraisal(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("held", ["round", "output"], ids=["round folder", "personnel folders"])
def test_run_refuses_before_writing_anything_while_another_run_holds_a_folder_it_writes(held, tmp_path):
    """Held: the round's folder (another run of this round) or the output folder (another round's
    collect filing into the shared personnel folders)."""
    output = tmp_path / "output"
    folder = output / ROUND if held == "round" else output

    with held_elsewhere(folder) as holder:
        result = CliRunner().invoke(cli, ["run", "-w", str(SAMPLE), "-o", str(output), "-j", "1"])

    assert result.exit_code == 1, result.output
    assert f"Error: {folder}: another appraisal run is writing here (pid {holder.pid}, " in result.stderr
    assert "Traceback" not in result.output
    assert "Step 2" not in result.output  # refused before the first step, not half-way
    assert files_under(output) == []  # not even the validation report


def test_run_with_wait_goes_on_when_the_holder_finishes(tmp_path):
    output = tmp_path / "output"
    with held_elsewhere(output / ROUND) as holder:
        run = appraisal("--wait", "120", "run", "-w", str(SAMPLE), "-o", str(output), "-j", "1")
        time.sleep(1.5)  # the run is waiting by now
        assert run.poll() is None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        printed = run.communicate(timeout=300)[0]

    assert run.returncode == 0, printed
    assert (output / ROUND / "follow-up.xlsx").is_file()


def test_two_runs_at_once_on_one_output_folder_run_one_after_the_other_and_lose_nothing(tmp_path):
    """Before: both 'succeeded' with their steps interleaved, or one was refused half-way. Now the
    second waits for the whole of the first: one collects the four forms, the other finds them
    unchanged, and a third run finds every file as written."""
    output = tmp_path / "output"
    runs = [appraisal("--wait", "300", "run", "-w", str(SAMPLE), "-o", str(output), "-j", "2") for _ in "ab"]
    printed = [run.communicate(timeout=600)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], printed
    accepted = [text for text in printed if "  accepted                       4" in text]
    assert len(accepted) == 1, printed
    other = printed[1 - printed.index(accepted[0])]
    assert "  unchanged                      4" in other
    # the follow-up, the managers' copies and the plans as the first left them: not even read again
    assert re.search(r"^unchanged .*follow-up\.xlsx$", other, re.M), other
    assert not re.search(r"^(written|updated|kept) |copies: [1-9]|plans: [1-9]", other, re.M), other

    third = appraisal("run", "-w", str(SAMPLE), "-o", str(output), "-j", "1")
    again = third.communicate(timeout=300)[0]
    assert "edited since" not in again and "(new)" not in again, again
    assert not re.search(r"^(written|updated|kept|accepted) ", again, re.M), again
    assert "  accepted                       0" in again
    personnel = sorted(p.name for p in (output / "personnel").iterdir())
    assert len(personnel) == 4, personnel
    assert not list(output.rglob("*.tmp"))
