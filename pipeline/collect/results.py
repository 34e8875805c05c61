"""What collecting did with each returned file, and with the whole folder."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pipeline.model import ERROR, INFO, WARNING, Problem, Severity, problem
from pipeline.store.moved import Moved


class FileStatus(StrEnum):
    """What became of one returned file."""

    ACCEPTED = "accepted"
    INCOMPLETE = "incomplete"
    REJECTED = "rejected"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    SKIPPED = "skipped"
    REPLACED = "replaced"
    APPROVAL_RECORDED = "approval"


ACCEPTED, INCOMPLETE, REJECTED, UNCHANGED = (
    FileStatus.ACCEPTED,
    FileStatus.INCOMPLETE,
    FileStatus.REJECTED,
    FileStatus.UNCHANGED,
)
DUPLICATE, CONFLICT, SKIPPED, REPLACED = (
    FileStatus.DUPLICATE,
    FileStatus.CONFLICT,
    FileStatus.SKIPPED,
    FileStatus.REPLACED,
)
APPROVAL_RECORDED = FileStatus.APPROVAL_RECORDED

# each outcome as a problem of its own in `collect --json`: its code, and how much it matters
OUTCOME_PROBLEMS = {
    ACCEPTED: ("form-accepted", INFO),
    INCOMPLETE: ("form-incomplete", WARNING),
    REJECTED: ("form-rejected", ERROR),
    UNCHANGED: ("form-unchanged", INFO),
    DUPLICATE: ("form-duplicate", INFO),
    CONFLICT: ("form-conflict", ERROR),
    SKIPPED: ("file-skipped", INFO),
    REPLACED: ("form-replaced", INFO),
    APPROVAL_RECORDED: ("approval-recorded", INFO),
}


def name_under(path: Path, folder: Path) -> str | None:
    """`path` under `folder` as `str(path.relative_to(folder))` gives it, or None when it is not under
    it. A returned file is `folder / name` (`intake.returned_files`), so its text begins with the
    folder's: a comparison of strings, where `relative_to` parses both paths (four calls a file were a
    tenth of a re-run over 10,000 forms collected before)."""
    text, base = str(path), str(folder)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep and len(text) > len(base) + 1:
        return text[len(base) + 1 :]
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return None


def own_path(path: Path, name: str | None, real_folder: str) -> str:
    """A returned file's own path, as `Path.resolve` gives it: the collect folder's real path
    (`real_folder`, its links resolved once) and the file's `name` under it (`name_under`), without a
    look at each folder on the way; resolved whole when it has no such name. A file that is read is
    never a link itself (a link is skipped), so the two are the same."""
    return os.path.join(real_folder, name) if name is not None else os.path.realpath(path)


@dataclass
class FileResult:
    """What happened to one file, and every problem found in it."""

    path: Path
    status: FileStatus
    employee_id: str = ""
    problems: list[Problem] = field(default_factory=list)
    read: str = ""  # what was read, in a few words
    kind: str = ""  # meeting_notes or minutes, once the file is identified
    titles: dict[str, str] = field(default_factory=dict)  # field key -> its title on the form
    stamp: tuple[int, ...] | None = None  # how the file stood when it was read (`collect.seen`)

    def note(
        self,
        code: str,
        message: str,
        severity: Severity = WARNING,
        field: str | None = None,
        first: bool = False,
    ) -> None:
        """Record a problem with this file (`first`: before those already noted)."""
        found = problem(severity, code, message, field=field)
        self.problems.insert(0 if first else len(self.problems), found)

    @property
    def messages(self) -> list[str]:
        """The problems' messages, as the human output lists them."""
        return [p.message for p in self.problems]

    def as_problems(self) -> list[Problem]:
        """The file's outcome and its problems, each naming the file and the employee (`--json`)."""
        code, severity = OUTCOME_PROBLEMS[self.status]
        outcome = problem(severity, code, self.read or str(self.status), file=self.path)
        return [
            dataclasses.replace(p, file=str(self.path), employee_id=self.employee_id or None)
            for p in (outcome, *self.problems)
        ]


@dataclass
class CollectResult:
    """Every file's result, and the minutes written."""

    files: list[FileResult] = field(default_factory=list)
    minutes_written: list[str] = field(default_factory=list)  # every file written: 3 per conversation
    conversations_written: int = 0  # the conversations whose minutes were written
    report: Path | None = None  # collect-report.xlsx, when it was written
    report_backup: Path | None = None  # the report a person had edited, kept before it was replaced
    report_note: str = ""  # why the report was not written
    archived: list[Path] = field(default_factory=list)  # PDF/A-2 personnel copies written (`--pdf`)
    archive_failed: list[Path] = field(default_factory=list)  # personnel copies LibreOffice did not convert
    archive_note: str = ""  # why no PDF/A was written (LibreOffice is not installed)
    moved: list[Moved] = field(default_factory=list)  # minutes moved to where they now belong (`places`)

    @property
    def places(self) -> int:
        """The places each conversation's minutes are filed in (SPEC §7: 3)."""
        return len(self.minutes_written) // self.conversations_written if self.conversations_written else 0

    def count(self, status: str) -> int:
        """How many files ended with that status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> bool:
        """True when a file was rejected or in conflict (exit code 1)."""
        return any(f.status in (REJECTED, CONFLICT) for f in self.files)

    def to_list(self) -> list[dict[str, str | None]]:
        """Every file's outcome and problems as the JSON output writes them (the shape of `validate --json`)."""
        return [p.to_dict() for f in self.files for p in f.as_problems()]
