"""Work done beside a run (`store.aside`): the validation report and the kept check, in a process of
their own while `appraisal run` goes on (issue 16)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import OutputError
from pipeline.store.aside import Aside


def test_the_task_runs_in_another_process_and_its_result_comes_back(tmp_path):
    marker = tmp_path / "written.txt"

    def task() -> tuple[int, str]:
        marker.write_text("from the child", encoding="utf-8")
        return os.getpid(), "done"

    aside = Aside(task)
    pid, word = aside.result()

    assert pid != os.getpid()  # done in a forked process, not here
    assert word == "done"
    assert marker.read_text(encoding="utf-8") == "from the child"
    assert aside.result() == (pid, "done")  # asked again: the same result, nothing run again


def test_what_the_task_raises_is_raised_where_its_result_is_asked_for():
    def task() -> None:
        raise OutputError("the disk is full")

    aside = Aside(task)

    with pytest.raises(OutputError, match="the disk is full"):
        aside.result()


def test_a_task_whose_process_dies_is_an_error_not_a_hang():
    aside = Aside(lambda: os._exit(3))

    with pytest.raises(OutputError, match="ended without finishing"):
        aside.result()


def test_a_result_that_cannot_travel_back_is_an_error():
    aside = Aside(lambda: lambda: None)  # a lambda does not pickle

    with pytest.raises(OutputError, match="failed"):
        aside.result()


def test_run_writes_the_report_and_keeps_the_check_beside_the_steps(base_workbook, tmp_path):
    output = tmp_path / "output"
    runner = CliRunner()

    first = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output)])
    report = output / "2027-H1" / "validation-report.xlsx"
    kept = list((output / ".appraisal" / "checked").glob("*.pickle"))
    again = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output)])

    assert first.exit_code == 0, first.output
    assert report.is_file() and len(kept) == 1  # both there once the run has ended
    assert again.exit_code == 0, again.output
    assert f"Report (unchanged): {report}" in again.output  # the record of the report was written
