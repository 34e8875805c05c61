"""The round's register of collected conversations: what was read from each employee's form, their
goals and actions, the reviews and the approval. It lives in the output folder's state database
(`store.state`, table `conversations`); `appraisal export-state` writes it out as JSON.

One reader and one writer: `Register(root)` for the round folder `root` (`output/<round>`).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.store import layout
from pipeline.store.ledger import atomic_write_bytes
from pipeline.store.state import State

EXPORT_VERSION = 1


class Register:
    """The round's register of collected conversations."""

    def __init__(self, root: Path):
        self.round_id = root.name
        self.state = State(root.parent)
        self.file = self.state.path
        self._conversations = self.state.conversations(self.round_id)
        self._saved = copy.deepcopy(self._conversations)
        self._events: list[tuple[str, str]] = []

    @property
    def conversations(self) -> dict[str, dict]:
        """Employee ID -> what was collected for them (change it in place, then `save`)."""
        return self._conversations

    def event(self, employee_id: str, name: str) -> None:
        """Note that something happened to an employee (`collected`, `approved`); recorded by `save`."""
        self._events.append((employee_id, name))

    def events(self) -> dict[str, set[str]]:
        """Event -> the employees it happened to in this round (`invited`, `prepared`, `collected`, ...)."""
        return self.state.events(self.round_id)

    def save(self) -> None:
        """Write the conversations changed since the register was read, and the events, in one transaction each."""
        changed = {k: v for k, v in self._conversations.items() if self._saved.get(k) != v}
        if changed:
            self.state.put_conversations(self.round_id, changed)
            self._saved = copy.deepcopy(self._conversations)
        if self._events:
            self.state.add_events(self.round_id, self._events, now_stamp())
            self._events = []

    def export(self) -> dict:
        """The register as `appraisal export-state` writes it: `{"version", "round", "conversations"}`."""
        return {"version": EXPORT_VERSION, "round": self.round_id, "conversations": self._conversations}

    def export_json(self) -> str:
        """`export` as indented JSON text."""
        return json.dumps(self.export(), ensure_ascii=False, indent=1)


def export_register(output: Path, round_id: str, destination: Path | None = None) -> str:
    """The register of round `round_id` in the output folder `output`, as JSON text (`export_json`);
    also written atomically to `destination` when given. Refuses a round that has no folder there."""
    root = layout.round_folder(output, round_id)
    if not root.is_dir():
        raise OutputError(f"{root}: no such round in {output} (run the round's steps first).")
    text = Register(root).export_json()
    if destination is not None:
        atomic_write_bytes(destination, text.encode("utf-8") + b"\n")
    return text


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_day(stamp: object) -> dt.date | None:
    """The day of a register time stamp (UTC), or None."""
    try:
        return dt.datetime.fromisoformat(str(stamp)).date() if stamp else None
    except ValueError:
        return None
