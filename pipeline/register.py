"""The round's register of collected conversations (`output/<round>/register.json`): what was read
from each employee's form, their goals and actions, the reviews and the approval."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.store.ledger import (
    LEDGER_DIR,
    atomic_write_bytes,
)


class Register:
    """The round's register of collected conversations: `output/<round>/register.json`."""

    def __init__(self, root: Path):
        self.file = root / "register.json"
        self.data: dict = {"version": 1, "conversations": {}}
        if self.file.exists():
            try:
                self.data = json.loads(self.file.read_text("utf-8"))
            except ValueError as exc:
                raise OutputError(
                    f"{self.file}: the register is damaged ({exc}); restore it from "
                    f"{root / LEDGER_DIR} or a backup."
                ) from exc

    @property
    def conversations(self) -> dict[str, dict]:
        """Employee ID -> what was collected for them."""
        return self.data.setdefault("conversations", {})

    def save(self) -> None:
        """Write the register atomically."""
        atomic_write_bytes(self.file, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def local_day(stamp: object) -> dt.date | None:
    """The day of a register time stamp (UTC), or None."""
    try:
        return dt.datetime.fromisoformat(str(stamp)).date() if stamp else None
    except ValueError:
        return None
