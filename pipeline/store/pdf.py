"""Documents to PDF through LibreOffice (`--pdf`, and the archive copies of the minutes): one
LibreOffice per share of the documents, a few at once, each with its own profile."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import AppraisalError
from pipeline.store.batch import default_workers


def find_soffice() -> str | None:
    """LibreOffice's command, if installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        "/usr/bin/soffice",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        r"C:\Program Files\LibreOffice\program\soffice.exe",
    ):
        if Path(candidate).exists():
            return candidate
    return None


# LibreOffice's PDF export as PDF/A-2b (fonts embedded, output intent, XMP identification), tagged for
# screen readers (LibreOffice 7.4 takes the filter's options as JSON)
ARCHIVE_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)


# LibreOffice 7.4 converts the first 246 files of one `--convert-to` call and silently drops the rest
# (measured; others report ~247: github.com/higebu/3gpp-mcp/pull/4): at most 200 a call, then a new call.
PDF_MOST_PER_CALL = 200
PDF_LEAST_PER_PROCESS = 20  # below that, starting another LibreOffice costs more than it saves


def convert_to_pdf(
    documents: list[Path], timeout: int = 3600, archive: bool = False, workers: int | None = None
) -> tuple[list[Path], list[Path]]:
    """Convert .docx files to PDF beside them (`archive`: as PDF/A-2, tagged); returns (converted,
    failed). Each LibreOffice call converts a share of at most PDF_MOST_PER_CALL documents, and
    `workers` of them (default: one per core) run at once, each with a profile of its own: LibreOffice
    converts on one core, and starting it costs seconds, so one call per file is the slowest way and
    one call for all leaves the other cores idle and loses the files past the 246th
    (`scripts/bench_pdf.py` measures the ways).

    Raises AppraisalError when LibreOffice is not installed.
    """
    if not documents:
        return [], []
    soffice = find_soffice()
    if soffice is None:
        raise AppraisalError(
            "--pdf needs LibreOffice, which is not installed. Install it (e.g. `apt-get install "
            "libreoffice-writer-nogui`, or from libreoffice.org) or run without --pdf."
        )
    count = max(1, min(workers or default_workers(), -(-len(documents) // PDF_LEAST_PER_PROCESS)))
    size = min(PDF_MOST_PER_CALL, -(-len(documents) // count))
    shares = [documents[i : i + size] for i in range(0, len(documents), size)]
    from concurrent.futures import ThreadPoolExecutor  # the threads only wait for their LibreOffice

    with tempfile.TemporaryDirectory(prefix="appraisal-pdf-profiles-") as tmp:
        profiles: queue.SimpleQueue[Path] = queue.SimpleQueue()
        for number in range(count):  # one profile per process at a time; made once, used again
            profiles.put(Path(tmp) / f"profile-{number}")

        def convert(share: list[Path]) -> list[tuple[Path, Path | None]]:
            profile = profiles.get()
            try:
                return _convert_share(share, soffice, timeout, archive, profile)
            finally:
                profiles.put(profile)

        with ThreadPoolExecutor(max_workers=count) as pool:
            done = list(pool.map(convert, shares))
    made = {document: pdf for share in done for document, pdf in share}
    converted = [pdf for document in documents if (pdf := made.get(document)) is not None]
    return converted, [document for document in documents if made.get(document) is None]


def _convert_share(
    documents: list[Path], soffice: str, timeout: int, archive: bool, profile: Path
) -> list[tuple[Path, Path | None]]:
    """One LibreOffice call converting `documents` (links to them in a folder of its own, numbered, so
    that two documents of one name do not meet), each PDF moved beside its document: (document, its
    PDF, or None when LibreOffice made none)."""
    made: list[tuple[Path, Path | None]] = []
    with tempfile.TemporaryDirectory(prefix="appraisal-pdf-") as tmp:
        work = Path(tmp)
        inputs = work / "in"
        outputs = work / "out"
        inputs.mkdir()
        names = []
        for number, document in enumerate(documents):
            link = inputs / f"{number:06d}.docx"
            try:
                link.symlink_to(document.resolve())
            except OSError:
                shutil.copyfile(document, link)
            names.append(link.name)
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            ARCHIVE_FILTER if archive else "pdf",
            "--outdir",
            str(outputs),
            *names,
        ]
        try:
            # LibreOffice's own temporary files (copies of the documents) in this folder, removed after
            env = {**os.environ, "TMPDIR": str(work), "TMP": str(work), "TEMP": str(work)}
            subprocess.run(command, cwd=inputs, capture_output=True, timeout=timeout, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AppraisalError(f"LibreOffice could not convert the documents to PDF ({exc}).") from exc
        for number, document in enumerate(documents):
            produced = outputs / f"{number:06d}.pdf"
            if produced.exists() and produced.stat().st_size > 0:
                target = document.with_suffix(".pdf")
                shutil.move(str(produced), target.with_name(f".{target.name}.tmp"))
                os.replace(target.with_name(f".{target.name}.tmp"), target)
                made.append((document, target))
            else:
                made.append((document, None))
    return made
