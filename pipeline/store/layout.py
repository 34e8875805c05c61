"""Where outputs go (SPEC §7), and file names that are safe on Windows, macOS and Linux."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.model import Employee

WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
MAX_NAME_BYTES = 120  # well under every file system's 255, leaving room for suffixes and " (new)"


def safe_name(text: str, fallback: str = "_") -> str:
    """One path component made from any text: no separators, reserved names or trailing dots, bounded length."""
    name = unicodedata.normalize("NFC", text)
    name = UNSAFE.sub("_", name)
    name = " ".join(name.split())  # tabs, newlines and runs of spaces become one space
    name = name.strip(" .")
    if WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(" .")
    if not name or name.startswith("."):
        name = f"{fallback}{name}" if name else fallback
    return name


def person_folder(employee: Employee) -> str:
    """`1004-Kari Nordmann`: the ID first, so folders sort and stay unique."""
    return safe_name(f"{employee.id}-{employee.name}")


def round_folder(output: Path, round_id: str) -> Path:
    """`output/<round>`."""
    return output / safe_name(round_id)


EMPLOYEES = "employees"  # the round's folder of the employees' own folders


def employee_dir(employee: Employee) -> str:
    """The employee's folder, relative to the round's folder."""
    return f"{EMPLOYEES}/{person_folder(employee)}"


def manager_dir(interviewer: Employee | None) -> str:
    """The interviewer's folder, relative to the round's folder."""
    return f"managers/{person_folder(interviewer)}"


PERSONNEL = "personnel"  # output/personnel/<employee id>/: the personnel folders every round files into
PERSONNEL_COPY = "-minutes"  # a round's copy there: <round>-minutes.docx (and its PDF/A, .pdf)


def personnel_copy(round_id: str, suffix: str = ".docx") -> str:
    """The file name of a round's minutes in a personnel folder: `2027-H1-minutes.docx`."""
    return f"{safe_name(round_id)}{PERSONNEL_COPY}{suffix}"
