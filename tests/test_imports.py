"""A command loads what it uses (issue 16): `appraisal run` with nothing to do loads none of the
libraries that make workbooks and documents, nor the rules; a run with something to make loads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# what only making something needs: the workbooks, the documents, the figures, the checks
MAKERS = (
    "openpyxl",
    "docxtpl",
    "docx",
    "jinja2",
    "pandas",
    "numpy",
    "icalendar",
    "babel",
    "pipeline.round.rules",
    "pipeline.round.report",
    "pipeline.render.engine",
    "pipeline.followup.rebuild",
    "xml.sax.saxutils",  # it loads urllib.request and http.client
)
# what only starting other processes (workers, the work aside) or keying the remembered check by the
# installed libraries' metadata loaded: 30-40 ms of the 0.4 s an unchanged run of 3,000 took
STARTERS = ("multiprocessing", "ctypes", "socket", "importlib.metadata")
RUN_AND_LIST = """
import json, runpy, sys
sys.argv = ["appraisal", *sys.argv[1:]]
try:
    runpy.run_module("pipeline", run_name="__main__")
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps([name for name in {makers!r} if name in sys.modules]))
"""


def _run(workbook: Path, output: Path) -> list[str]:
    """`appraisal run` in a process of its own: the makers it loaded."""
    environment = {**os.environ, "APPRAISAL_TODAY": "2027-01-02"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_AND_LIST.format(makers=(*MAKERS, *STARTERS)),
            "run",
            "-w",
            str(workbook),
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_run_with_nothing_to_do_loads_nothing_that_makes_files(base_workbook, tmp_path):
    output = tmp_path / "output"

    first = _run(base_workbook, output)
    again = _run(base_workbook, output)

    # the first run makes everything, with all of them; the validation report beside the run, in a
    # process of its own (`store.aside`), so the run's own process does not load its writer
    assert set(first) & set(MAKERS) == set(MAKERS) - {"pipeline.round.report"}
    assert (output / "2027-H1" / "validation-report.xlsx").is_file()
    assert again == []
