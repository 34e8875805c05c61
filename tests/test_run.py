"""`appraisal run` as a whole (pipeline/run.py): what an unchanged re-run leaves alone."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from pipeline.cli import cli


def test_an_unchanged_rerun_does_not_write_the_validation_report_again(
    base_workbook, make_workbook, tmp_path
):
    """Issue 16: annotating a copy of a large workbook was most of an unchanged re-run. The report is
    written again only when the workbook, its problems or the code changed, or the file is not as
    written."""
    output = tmp_path / "output"
    report = output / "2027-H1" / "validation-report.xlsx"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})

    said = []

    def run(workbook):
        result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        said.append(next(line for line in result.output.splitlines() if line.startswith("Report")))
        return report.stat().st_mtime_ns

    first = run(base_workbook)
    assert run(base_workbook) == first  # nothing changed: left as it was
    assert said == [f"Report written to {report}", f"Report (unchanged): {report}"]

    changed = make_workbook(schedule={"102": {"start": __import__("datetime").time(14, 0)}})
    shutil.copyfile(changed, base_workbook)
    second = run(base_workbook)
    assert second != first  # the workbook changed

    report.unlink()
    assert run(base_workbook) and report.is_file()  # gone: written again
