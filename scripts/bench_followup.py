"""Benchmark step 5 alone: `write_follow_up` at N employees.

    python scripts/bench_followup.py --size 10000 --work /tmp/bench-followup

Builds the round (as `bench.py` does), writes its invitations and forms and collects 500 filled forms
once (kept in --work, so a second run, or a run of another checkout with the same --work, starts at
once); then times `write_follow_up` --runs times, with both of its files removed before each run so
that it always writes them (and, with --fresh-copies, the managers' copies too). Prints the times and their median. Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))  # the test support package, for filling forms

import bench  # noqa: E402

from pipeline.followup.step import write_follow_up  # noqa: E402
from pipeline.round.rules import check_workbook  # noqa: E402


def main() -> None:
    """Prepare the round once, then time step 5."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=10_000, help="employees")
    parser.add_argument("--work", type=Path, required=True, help="folder for the round and its output")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument(
        "--fresh-copies",
        action="store_true",
        help="also remove the managers' follow-up copies before each run, so that every run writes them",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    path, output = args.work / "round.xlsx", args.work / "out"
    if not path.exists():
        bench.build_round(path, args.size)
    round_, _ = check_workbook(path, today=dt.date(2026, 12, 1))
    if not output.exists():
        from pipeline.documents.invite import render_invitations
        from pipeline.documents.prepare import render_forms
        from pipeline.render.templates import TemplateSet
        from pipeline.store.batch import default_workers

        templates = TemplateSet(None, round_.settings.language)
        render_invitations(round_, output, templates, workers=default_workers())
        render_forms(round_, output, templates, workers=default_workers())
        bench.bench_collect(path, output, 500)
    times, copies = [], []
    for _ in range(args.runs):
        for name in ("follow-up.xlsx", "leadership-summary.xlsx"):
            (output / round_.settings.round_id / name).unlink(missing_ok=True)
        if args.fresh_copies:
            for copy in (output / round_.settings.round_id / "managers").glob("*/*.xlsx"):
                copy.unlink()
        started = time.perf_counter()
        result = write_follow_up(round_, output, today=dt.date(2027, 3, 1))
        times.append(time.perf_counter() - started)
        copies.append((len(result.copies.written), result.copies.seconds))
    print(
        f"step 5 at {args.size} employees: {' '.join(f'{t:.2f}' for t in times)} s, median {statistics.median(times):.2f} s"
    )
    print("managers' copies written (seconds): " + ", ".join(f"{n} ({s:.1f} s)" for n, s in copies))


if __name__ == "__main__":
    main()
