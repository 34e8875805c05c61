"""The round's register of collected conversations: what was read from each employee's form, their
goals and actions, the reviews and the approval. It lives in the output folder's state database
(`store.state`, table `conversations`); `appraisal export-state` writes it out as JSON.

One reader and one writer: `Register(root)` for the round folder `root` (`output/<round>`). Its
records are typed (`Conversation`, with its `Review`s, `AgreedItem`s, `Approval` and `Earlier`
readings); they are stored, and exported, as the JSON objects their `to_json` gives, with the same keys
in the same order. `from_json` reads what any version wrote: a missing key takes its default, and a key
this version does not know is kept in `extra` and written back as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from pipeline.errors import OutputError
from pipeline.model import field_names
from pipeline.store.files import atomic_write_bytes
from pipeline.store.folder import RoundOutput
from pipeline.store.state import State

EXPORT_VERSION = 1


def _plain(value: object) -> object:
    """A record's value as JSON data."""
    if isinstance(value, _Record):
        return value.to_json()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Record:
    """A register record: read from and written to JSON objects by its dataclass fields."""

    extra: dict[str, Any]
    _nested: dict[str, type[_Record]] = {}  # field -> the record type of its value (or of each item)

    @classmethod
    def from_json(cls, data: object) -> Self:
        """The record from a JSON object (a missing key takes its default; unknown keys go to `extra`)."""
        data = data if isinstance(data, dict) else {}
        names = set(field_names(cls)) - {"extra"}
        values: dict[str, Any] = {}
        for name in data.keys() & names:
            value, nested = data[name], cls._nested.get(name)
            if nested is not None and isinstance(value, list):
                value = [nested.from_json(v) for v in value if isinstance(v, dict)]
            elif nested is not None:
                value = nested.from_json(value) if isinstance(value, dict) else None
            values[name] = value
        return cls(**values, extra={k: v for k, v in data.items() if k not in names})

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON object it is stored and exported as."""
        out = {name: _plain(getattr(self, name)) for name in field_names(type(self)) if name != "extra"}
        out.update(self.extra)
        return out


@dataclass
class Approval(_Record):
    """The employee's answer on the minutes."""

    approved: bool | None = None
    date: str | None = None  # ISO date, as written on the minutes
    comment: str = ""
    sha256: str = ""  # of the returned file
    source: str = ""
    recorded_at: str = ""  # UTC time stamp
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Review(_Record):
    """An earlier goal's or action's review in a conversation."""

    goal_id: str = ""
    status: str = ""  # not_started, in_progress, done, cancelled, or "" when none was read
    progress: int | None = None  # typed with the status: `pågår (ca. 50 %)`
    status_text: str = ""  # what was typed, when it says more than the status (or is not one)
    comment: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AgreedItem(_Record):
    """A new goal or action agreed in a conversation."""

    id: str = ""  # `<round>-<employee>-G1`, `-A1`, ...
    type: str = "goal"  # goal or action
    description: str = ""
    measure: str = ""
    responsible: str = ""
    due: str | None = None  # ISO date: the day, or the last day of a week, month or quarter typed
    due_text: str = ""  # what was typed, when it was not an exact day
    due_exact: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Wellbeing(_Record):
    """The well-being score, kept only with the employee's consent."""

    score: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Earlier(_Record):
    """A reading of the conversation that a newer form replaced."""

    sha256: str | None = None
    content: str | None = None
    source: str | None = None
    collected_at: str | None = None
    approval: Approval | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    _nested = {"approval": Approval}


@dataclass
class Conversation(_Record):
    """What was collected for one employee in a round."""

    employee_id: str = ""
    interviewer_id: str = ""
    sha256: str = ""  # of the form's file
    content: str = ""  # a hash of what was read (`collect.notes.Reading.content`)
    source: str = ""
    collected_at: str = ""  # UTC time stamp
    minutes_made_on: str | None = None  # ISO date
    held_on: str | None = None
    follow_up_date: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    goals: list[AgreedItem] = field(default_factory=list)
    wellbeing: Wellbeing | None = None
    problems: list[str] = field(default_factory=list)
    minutes: list[str] = field(default_factory=list)  # where the minutes went
    approval: Approval | None = None  # new minutes need a new approval
    history: list[Earlier] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    _nested = {
        "reviews": Review,
        "goals": AgreedItem,
        "wellbeing": Wellbeing,
        "approval": Approval,
        "history": Earlier,
    }

    def earlier(self) -> Earlier:
        """This reading, as the history of the one that replaces it keeps it."""
        return Earlier(self.sha256, self.content, self.source, self.collected_at, self.approval)


class Conversations(MutableMapping[str, Conversation]):
    """Employee ID -> their `Conversation`, in the register's order, each made from its stored JSON when
    it is first looked up: a collect of a few forms makes and saves those employees' records, not the
    thousands of the round's others (at 10,000 that was a second of every collect, issue 16)."""

    def __init__(
        self,
        stored: dict[str, str],
        stored_forms: Callable[[], dict[str, tuple[object, object]] | None] | None = None,
    ):
        """`stored_forms`: what `forms` reads from the stored records without decoding them, as
        `State.conversation_forms` gives it (None: decoded here)."""
        # employee ID -> the record as stored (JSON text); a record that is not an object is left out
        self._stored = {k: text for k, text in stored.items() if text.lstrip().startswith("{")}
        self._stored_forms = stored_forms
        self._keys = dict.fromkeys(self._stored)  # the order: the stored records', then new ones
        self._made: dict[str, Conversation] = {}  # the records looked up or set: the ones `save` compares

    def __getitem__(self, key: str) -> Conversation:
        made = self._made.get(key)
        if made is None:
            made = self.stored(key) if key in self._keys else None
            if made is None:
                raise KeyError(key)
            self._made[key] = made
        return made

    def __setitem__(self, key: str, value: Conversation) -> None:
        self._keys[key] = None
        self._made[key] = value

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        self._made.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def clear(self) -> None:
        """None left (as `del` of each; what is stored stays until `save` writes another)."""
        self._keys.clear()
        self._made.clear()

    def stored(self, key: str) -> Conversation | None:
        """The record as it is stored (a new object each time), or None."""
        text = self._stored.get(key)
        return Conversation.from_json(json.loads(text)) if text is not None else None

    def changed(self) -> dict[str, dict[str, Any]]:
        """The records looked up or set whose JSON is not what is stored."""
        changed = {}
        for key, conversation in self._made.items():
            now = conversation.to_json()
            before = self.stored(key)
            if before is None or before.to_json() != now:
                changed[key] = now
        return changed

    def forms(self) -> dict[str, tuple[str, str]]:
        """Employee ID -> the SHA-256 of the form collected for them and the hash of what was read from
        it (those with a form), without making each record."""
        found = {}
        extracted = self._stored_forms() if self._stored_forms is not None else None
        for key in self._keys:
            made = self._made.get(key)
            if made is not None:
                sha256, content = made.sha256, made.content
            elif extracted is not None and key in extracted:
                sha256, content = extracted[key]
            else:
                data = json.loads(self._stored[key])
                sha256, content = data.get("sha256"), data.get("content")
            if sha256:
                found[key] = (sha256, content or "")
        return found

    def saved(self, texts: dict[str, str]) -> None:
        """Take these records' texts as what is stored now (`State.put_conversations`)."""
        self._stored.update(texts)


class Register:
    """The round's register of collected conversations."""

    def __init__(self, root: Path):
        self.round_id = root.name
        self.state = State(root.parent)
        self.file = self.state.path
        self._conversations = Conversations(
            self.state.conversation_texts(self.round_id), lambda: self.state.conversation_forms(self.round_id)
        )
        self._events: list[tuple[str, str]] = []

    @property
    def conversations(self) -> Conversations:
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
        changed = self._conversations.changed()
        if changed:
            self._conversations.saved(self.state.put_conversations(self.round_id, changed))
        if self._events:
            self.state.add_events(self.round_id, self._events, now_stamp())
            self._events = []

    def export(self) -> dict:
        """The register as `appraisal export-state` writes it: `{"version", "round", "conversations"}`."""
        return {
            "version": EXPORT_VERSION,
            "round": self.round_id,
            "conversations": {k: c.to_json() for k, c in self._conversations.items()},
        }

    def export_json(self) -> str:
        """`export` as indented JSON text."""
        return json.dumps(self.export(), ensure_ascii=False, indent=1)


def export_register(output: Path, round_id: str, destination: Path | None = None) -> str:
    """The register of round `round_id` in the output folder `output`, as JSON text (`export_json`);
    also written atomically to `destination` when given. Refuses a round that has no folder there."""
    root = RoundOutput(output, round_id).root
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
