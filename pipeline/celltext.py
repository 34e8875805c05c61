"""Text as a workbook's cell can hold it: characters no workbook can store removed, Excel's length limit
with a visible cut, and the beginnings a spreadsheet program would take for a formula. Apart from
`xlsx` (which writes cells with openpyxl, and says the same names) so that reading text for a cell
does not load openpyxl (issue 16: a command loads what it uses)."""

from __future__ import annotations

import re

from pipeline import texts

EXCEL_TEXT_LIMIT = 32_767

# What a worksheet's XML cannot hold: C0 controls but tab/newline/return, lone surrogates, U+FFFE/FFFF.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text a spreadsheet program would read as a formula or an error when a person edits the cell.
RISKY_START = ("=", "+", "-", "@", "#")


def cell_safe_text(text: str) -> str:
    """Text as a cell can hold it: characters a workbook cannot store removed, line ends as `\\n`."""
    if text.isprintable():  # holds no control, surrogate or non-character (most texts: a name, a date)
        return text
    return ILLEGAL.sub("", text.replace("\r\n", "\n"))


def cut_marker(lang: str) -> str:
    """What ends a text cut to a cell's limit: `… [forkortet]` / `… [cut]`."""
    return texts.get(lang, "xlsx.cut_marker")


def fit_text(text: str, lang: str) -> tuple[str, bool]:
    """`cell_safe_text`, then cut to Excel's 32,767 characters with a visible marker; True when cut."""
    text = cell_safe_text(text)
    if len(text) <= EXCEL_TEXT_LIMIT:
        return text, False
    marker = cut_marker(lang)
    return text[: EXCEL_TEXT_LIMIT - len(marker)] + marker, True
