"""Regenerate the sample round workbook, input/round.xlsx, from the example organisation.

Maintainer's script (`make sample`): it overwrites the file. The data lives in
`pipeline/round/example_company.toml`; `appraisal init --example` writes the same workbook.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.round.starter import write_starter_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "input" / "round.xlsx"


def main() -> int:
    """Write the sample workbook in bokmål and say where it went."""
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    write_starter_workbook(SAMPLE, "nb", example=True)
    print(f"Wrote {SAMPLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
