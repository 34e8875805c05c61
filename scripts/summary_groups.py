"""How many groups the leadership summary shows, per table, for the sample and for generated rounds.

    python scripts/summary_groups.py [--sizes 300,3000] [--work DIR]

For the sample round in input/ and for rounds of each size built as `bench.py` builds them (their
managers' spans vary, so that some groups are small), prints, per table (departments, interviewers):
the groups, those shown, those hidden because they are small, and those hidden only to protect
another group. Nothing is asserted: it is how the privacy rule's cost is measured (README,
"Leadership summary").
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402

from pipeline.followup.frames import FigureFrames  # noqa: E402
from pipeline.followup.privacy import plan_publication  # noqa: E402
from pipeline.followup.step import write_follow_up  # noqa: E402
from pipeline.round.rules import check_workbook  # noqa: E402

TODAY = dt.date(2027, 3, 1)


def count(path: Path, output: Path) -> str:
    """One line per table: groups, shown, hidden as small, hidden to protect another group."""
    round_, _ = check_workbook(path, today=dt.date(2026, 12, 1))
    shutil.rmtree(output, ignore_errors=True)  # a follow-up that is unchanged computes no figures
    frames: FigureFrames = write_follow_up(round_, output, today=TODAY).frames
    minimum = round_.settings.min_group_size
    started = time.perf_counter()
    plan = plan_publication(frames, minimum)
    lines = [f"  (planned in {time.perf_counter() - started:.2f} s)"]
    for grouping, table in plan.tables.items():
        small = sum(1 for f in table.groups.values() if f.employees < minimum)
        lines.append(
            f"  {grouping:<15} {len(table.groups):>5} groups, {len(table.shown):>5} shown, "
            f"{small:>4} small, {len(table.hidden) - small:>4} hidden to protect another"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="300,3000")
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the rounds (default: a temporary one)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        print(f"sample ({ROOT / 'input' / 'round.xlsx'}):")
        print(count(ROOT / "input" / "round.xlsx", work / "sample-out"))
        for size in (int(s) for s in args.sizes.split(",")):
            path = work / f"round-{size}.xlsx"
            if not path.exists():
                bench.build_round(path, size)
            print(f"{size} employees:")
            print(count(path, work / f"out-{size}"))


if __name__ == "__main__":
    main()
