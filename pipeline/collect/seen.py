"""The returned forms a collect has seen, by where they are and how they stand on disk, so that a
form collected before is not opened again while it stays as it was (issue 16).

HR keeps the returned forms in `notes/` through the round, and every `appraisal run` collects that
folder again. Each form already collected was opened, checked and hashed every time to find it
unchanged: 2,000 forms made an unchanged run of 3,000 employees take 1.4 s instead of 0.3 s.

For each meeting-notes form read, the collect remembers its place (the collect folder's real path and
the name under it), its size, modification and change times and inode, the SHA-256 of its bytes and
whose form it is (`SeenForm`). A later collect that finds the file standing exactly so, and the
register still holding that very SHA-256 for that employee, takes it as already collected without
opening it; its identity is checked against the workbook as it is now, as a read form's would be (an
employee made inactive, another interviewer). Anything else about it (another size or time, another
file put in its place, the register's form for the employee changed) and it is opened and read as
before. A file changed within two seconds of being looked at is not remembered (a time stamp does not
tell a change within its own tick, two seconds on FAT): the next collect reads it again.

Kept in the state database (document `returned-forms` of the round); entries of files gone from a
folder collected again are dropped.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from pipeline.collect.results import name_under, own_path
from pipeline.store.state import State

DOCUMENT = "returned-forms"
RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same time stamp


@dataclass(frozen=True)
class SeenForm:
    """A meeting-notes form as a collect found it: how it stood, its bytes' SHA-256, whose it is."""

    stamp: tuple[int, ...]
    sha256: str
    employee_id: str
    interviewer_id: str

    def as_json(self) -> list:
        """The record as stored: the stamp's four numbers, then the SHA-256 and the two IDs."""
        return [*self.stamp, self.sha256, self.employee_id, self.interviewer_id]

    @classmethod
    def from_json(cls, value: object) -> SeenForm | None:
        """A stored record read back; None for anything not as `as_json` writes it."""
        if not (isinstance(value, list) and len(value) == 7):
            return None
        *stamp, sha256, employee_id, interviewer_id = value
        if not all(isinstance(v, int) for v in stamp) or not all(
            isinstance(v, str) for v in (sha256, employee_id, interviewer_id)
        ):
            return None
        return cls(tuple(stamp), sha256, employee_id, interviewer_id)


def stamp_of(path: Path) -> tuple[int, ...] | None:
    """How the file stands: size, modification and change times (ns), inode; None when it cannot be
    told (not there, not a file of its own: a link, a folder) or it changed too recently to be told
    from a change to come (`RACY_NS`)."""
    try:
        stat = os.lstat(path)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NS:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class SeenForms:
    """The round's record of the forms seen, for the files of one collect folder."""

    def __init__(self, root: Path, folder: Path):
        self.state, self.scope = State(root.parent), root.name
        self.real = os.path.realpath(folder)
        self.prefix = os.path.join(self.real, "")  # what the place of every file under it begins with
        self.folder = folder
        stored = self.state.document(self.scope, DOCUMENT)
        self.stored: dict = stored if isinstance(stored, dict) else {}

    def key(self, path: Path) -> str:
        """The file's place: the folder's real path and the name under it (found once per collect)."""
        return own_path(path, name_under(path, self.folder), self.real)

    def get(self, path: Path) -> SeenForm | None:
        """What a collect remembered of the file at `path`, or None."""
        return SeenForm.from_json(self.stored.get(self.key(path)))

    def save(self, seen: dict[Path, SeenForm]) -> None:
        """Remember `seen`, the forms of this collect (by path), in place of what was remembered of
        this folder; nothing is written when that is what is stored already."""
        kept = {key: value for key, value in self.stored.items() if not key.startswith(self.prefix)}
        kept.update((self.key(path), form.as_json()) for path, form in seen.items())
        if kept != self.stored:
            self.state.put_document(self.scope, DOCUMENT, kept)
            self.stored = kept
