"""The archive-grade personnel copy (issue 15): the personnel copy of the minutes also as PDF/A-2.

Arkivverket names PDF/A-2 for archiving; Norway's universal-design rules ask for documents that a
screen reader can follow. LibreOffice writes both: PDF/A-2b (fonts embedded, an sRGB output intent,
the XMP identification) with a tagged structure, the document's language and its title, shown as the
window title. `collect --pdf` (and `run --pdf`) writes `output/personnel/<id>/<round>-minutes.pdf` beside
each personnel copy that is new, changed, or has no PDF yet.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.store import layout
from pipeline.store.pdf import convert_to_pdf


def archive_personnel_copies(output: Path, round_id: str) -> tuple[list[Path], list[Path]]:
    """Write the PDF/A-2 of each of the round's personnel copies whose PDF is missing or older than
    the copy; returns (written, failed) PDFs and copies."""
    name = layout.personnel_copy(round_id)
    due = []
    for copy in sorted((output / layout.PERSONNEL).glob(f"*/{name}")):
        pdf = copy.with_suffix(".pdf")
        try:
            if pdf.stat().st_mtime_ns >= copy.stat().st_mtime_ns:
                continue
        except FileNotFoundError:
            pass
        due.append(copy)
    return convert_to_pdf(due, archive=True)
