"""`--pdf` at scale: invitation letters to PDF with LibreOffice, three ways.

* one `soffice` call per letter (what users report as 3-4 s a file), on a few letters: the anchor;
* one call for all the letters (what `--pdf` did): LibreOffice 7.4 converts the first 246 and drops
  the rest, so its rate counts only those it converted;
* calls of at most 200 letters one after the other, on one worker;
* the same on every worker at once (what `--pdf` does).

Prints letters per second and the ratios. Usage: python scripts/bench_pdf.py [--letters 1000] [--anchor 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build_round, check_workbook  # noqa: E402

from pipeline.store.batch import default_workers  # noqa: E402
from pipeline.store.pdf import _convert_share, convert_to_pdf, find_soffice  # noqa: E402


def letters(folder: Path, count: int) -> list[Path]:
    """`count` invitation letters of a bench round, as `invite` writes them."""
    from pipeline.documents.invite import render_invitations
    from pipeline.render.templates import TemplateSet

    workbook = folder / "round.xlsx"
    build_round(workbook, count + 1)
    round_, _ = check_workbook(workbook, today=dt.date(2026, 12, 1))
    render_invitations(round_, folder / "out", TemplateSet(None, "nb"), workers=default_workers())
    return sorted((folder / "out").rglob("invitasjon.docx"))[:count]


def one_call_each(documents: list[Path], soffice: str, work: Path) -> float:
    started = time.perf_counter()
    for number, document in enumerate(documents):
        profile = work / f"profile-{number}"
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
             "--outdir", str(work / "each"), str(document)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        shutil.rmtree(profile, ignore_errors=True)
    return time.perf_counter() - started


def timed(documents: list[Path], convert) -> tuple[float, int]:
    """Seconds to convert, and how many PDFs were made."""
    for pdf in (d.with_suffix(".pdf") for d in documents):
        pdf.unlink(missing_ok=True)
    started = time.perf_counter()
    convert(documents)
    seconds = time.perf_counter() - started
    return seconds, sum(1 for d in documents if d.with_suffix(".pdf").exists())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--anchor", type=int, default=20, help="letters converted one soffice call each")
    args = parser.parse_args()
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice is not installed")
    workers = default_workers()
    with tempfile.TemporaryDirectory() as tmp:
        documents = letters(Path(tmp), args.letters)
        each = one_call_each(documents[: args.anchor], soffice, Path(tmp))
        ways = {
            "one call per letter": (each, args.anchor, args.anchor),
            "one call for all": (
                *timed(documents, lambda d: _convert_share(d, soffice, 3600, False, Path(tmp) / "profile")),
                len(documents),
            ),
            "calls of 200, one worker": (
                *timed(documents, lambda d: convert_to_pdf(d, workers=1)),
                len(documents),
            ),
            f"calls of 200, {workers} workers": (
                *timed(documents, lambda d: convert_to_pdf(d, workers=workers)),
                len(documents),
            ),
        }
    anchor = args.anchor / each
    print(f"{'way':>28} {'letters':>8} {'PDFs':>6} {'seconds':>8} {'PDFs/s':>7} {'x one call each':>16}")
    for way, (seconds, made, count) in ways.items():
        rate = made / seconds
        print(f"{way:>28} {count:>8} {made:>6} {seconds:>8.1f} {rate:>7.1f} {rate / anchor:>16.1f}")


if __name__ == "__main__":
    main()
