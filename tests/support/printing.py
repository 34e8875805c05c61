"""Printing checks on real output: workbooks converted to PDF by LibreOffice, then read with poppler's
`pdffonts` (which fonts were used, so a fallback to a serif font shows) and `pdftotext -bbox` (where
each word is and how tall it is, so text printed too small or cut shows)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# pdftotext's word boxes are about 1.30 times the font size (measured on Carlito, 6-14 pt)
BOX_PER_POINT = 1.30
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r"<page width=")


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def points(self) -> float:
        """The word's font size, from its box."""
        return (self.y_max - self.y_min) / BOX_PER_POINT


@dataclass
class Printed:
    """One document as it prints."""

    pdf: Path
    pages: int
    fonts: list[str]
    words: list[Word]

    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def smallest(self) -> Word | None:
        return min(self.words, key=lambda w: w.points, default=None)


def convert(documents: list[Path], to: str, folder: Path, profile: Path | None = None) -> None:
    """Convert `documents` (to "pdf", "docx", ...) into `folder` in one LibreOffice call, with a user
    profile of its own (`profile`, else a temporary one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (installed by .ci/run)"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="appraisal-print-") as temporary:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(profile or Path(temporary)).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(folder),
                *map(str, documents),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )


def print_to_pdf(documents: list[Path], folder: Path) -> dict[Path, Printed]:
    """Convert `documents` to PDF in one LibreOffice call and read each back."""
    convert(documents, "pdf", folder)
    return {document: read_pdf(folder / f"{document.stem}.pdf") for document in documents}


def read_pdf(pdf: Path) -> Printed:
    fonts_out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    fonts = [line.split()[0].split("+")[-1] for line in fonts_out.splitlines()[2:] if line.strip()]
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words: list[Word] = []
    for number, page in enumerate(_PAGE.split(html)[1:], start=1):
        for x0, y0, x1, y1, text in _WORD.findall(page):
            words.append(Word(number, _unescape(text), float(x0), float(y0), float(x1), float(y1)))
    return Printed(pdf, len(_PAGE.findall(html)), fonts, words)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
