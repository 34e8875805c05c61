"""The project's scripts keep working: `scripts/make_templates.py` makes exactly the default templates
that ship (they are built by code, and a change not carried into the shipped templates shows here),
and `scripts/bench.py` (`make bench`) runs through every stage."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "pipeline" / "default_templates"


def test_make_templates_makes_the_shipped_templates_byte_for_byte(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "scripts" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "TARGET", tmp_path / "templates")
    monkeypatch.setattr(module, "ROOT", tmp_path)

    assert module.main() == 0

    made = {
        p.relative_to(tmp_path / "templates"): p.read_bytes()
        for p in (tmp_path / "templates").rglob("*.docx")
    }
    shipped = {p.relative_to(SHIPPED): p.read_bytes() for p in SHIPPED.rglob("*.docx")}
    assert set(made) == set(shipped) and len(made) >= 12
    assert [name for name in made if made[name] != shipped[name]] == []


def test_the_bench_runs_on_a_small_round():
    """`make bench` keeps working: its script runs through every stage on a small round (no timing is
    asserted; speed is reported by `make bench`, never tested)."""
    import subprocess
    import sys

    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--sizes",
            "60",
            "--collect-forms",
            "5",
            "--docxtpl-sample",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for table in ("Documents", "Whole round", "Collect"):
        assert table in run.stdout
    assert "      60      5" in run.stdout  # the collect row: 60 employees, 5 forms collected
    assert "kernel s" in run.stdout  # how quick the disk was, beside the run it slowed


def test_the_solver_comparison_runs_and_the_solver_never_places_fewer():
    """`scripts/compare_solver.py` keeps working, and on its over-full rounds greedy then CP-SAT places at
    least as many as greedy alone (no timing asserted)."""
    import re
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compare_solver.py"), "--rounds", "4"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line.split() for line in run.stdout.splitlines() if re.match(r"\s+\d+\s+\d+\s+\d+", line)]
    assert len(rows) == 4 and all(int(row[4]) >= int(row[2]) for row in rows)
