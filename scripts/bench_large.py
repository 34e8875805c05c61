"""`make bench-large`: a whole round as `appraisal run` at 1,000, 10,000 and 100,000 employees.

For each size: the first run and a run with nothing changed, in a process of their own as people run
them; the seconds per employee, its ratio to that at the smallest size (flat cost: within 1.3x), and the
peak memory of the run and its largest worker. Not part of `make bench`: at 100,000 it writes about half
a million files (some 6 GB) and takes minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import _appraisal_run, build_round  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated employee counts")
    parser.add_argument(
        "--keep", type=Path, help="build the rounds here and keep them (default: a temporary folder)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        print(
            f"{'employees':>10} {'build s':>8} {'run s':>8} {'kernel s':>9} {'ms/employee':>12} "
            f"{'x smallest':>11} {'peak MB':>8} {'again s':>8} {'again %':>8}",
            flush=True,
        )
        smallest = None
        for size in (int(s) for s in args.sizes.split(",")):
            path = base / f"round-{size}.xlsx"
            mark = time.perf_counter()
            build_round(path, size)
            built = time.perf_counter() - mark
            first, peak, kernel = _appraisal_run(path, base / f"out-{size}")
            again, _, _ = _appraisal_run(path, base / f"out-{size}")
            per = first / size * 1000
            smallest = smallest or per
            print(
                f"{size:>10} {built:>8.1f} {first:>8.1f} {kernel:>9.1f} {per:>12.2f} {per / smallest:>11.2f} "
                f"{peak:>8.0f} "
                f"{again:>8.2f} {100 * again / first:>7.1f}%",
                flush=True,
            )
    print(f"\nWhole bench: {time.perf_counter() - started:.0f} s")
    print(
        "Targets (issue 16): the cost per employee at 10,000 and 100,000 within 1.3x of that at 1,000; "
        "100,000 in under 5 minutes and 2 GB; a re-run with nothing changed under 5% of the first."
    )


if __name__ == "__main__":
    main()
