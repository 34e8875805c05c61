"""What collecting did with each returned file, and with the whole folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ACCEPTED, INCOMPLETE, REJECTED, UNCHANGED, DUPLICATE, CONFLICT, SKIPPED, REPLACED = (
    "accepted",
    "incomplete",
    "rejected",
    "unchanged",
    "duplicate",
    "conflict",
    "skipped",
    "replaced",
)


APPROVAL_RECORDED = "approval"


@dataclass
class FileResult:
    """What happened to one file."""

    path: Path
    status: str
    employee_id: str = ""
    messages: list[str] = field(default_factory=list)
    read: str = ""  # what was read, in a few words


@dataclass
class CollectResult:
    """Every file's result, and the minutes written."""

    files: list[FileResult] = field(default_factory=list)
    minutes_written: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many files ended with that status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> bool:
        """True when a file was rejected or in conflict (exit code 1)."""
        return any(f.status in (REJECTED, CONFLICT) for f in self.files)
