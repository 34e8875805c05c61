"""The history of the follow-up: every change merged into HR's workbook, with who made it and when
(issue 12). Kept per round in the state database (`follow-up-history`), and read by `appraisal history
GOAL-ID` across every round of the output folder.

Who: `HR` (typed in HR's follow-up workbook), `sources` (the round workbook's Goals sheet or a
collected form changed what the tool writes), or the ID of the interviewer whose copy it came from.
A change is recorded on the run that first sees it; what a person typed is recorded with the value
the tool had last written before it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline import texts
from pipeline.followup.columns import COLUMNS, BookColumn, from_json, show_value, to_json
from pipeline.store.state import State

HISTORY_RECORD = "follow-up-history"
CONFLICTS_RECORD = "follow-up-conflicts"
HR, SOURCES = "HR", "sources"


def change(
    by: str, kind: str, key: str, column: str, before: object, after: object, file: object = ""
) -> dict:
    """One change, as the history records it (`column` "created" for a row a manager added)."""
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "by": by,
        "sheet": kind,
        "id": key,
        "column": column,
        "before": to_json(before),
        "after": to_json(after),
        "file": str(file or ""),
    }


def append(root: Path, name: str, new: list[dict]) -> None:
    """Add items to one of the round's records (history or conflicts), each once."""
    if not new:
        return
    state = State(root.parent)
    old = state.document(root.name, name)
    items = old.get("items", []) if isinstance(old, dict) else []
    seen = {_identity(item) for item in items}
    for item in new:
        if _identity(item) not in seen:
            seen.add(_identity(item))
            items.append(item)
    state.put_document(root.name, name, {"version": 1, "items": items})


def _identity(item: dict) -> str:
    """A change is the same change whenever it is seen again (its time aside)."""
    return json.dumps({k: v for k, v in item.items() if k != "at"}, sort_keys=True, ensure_ascii=False)


def recorded(root: Path, name: str) -> list[dict]:
    """The items of one of the round's records, oldest first."""
    data = State(root.parent).document(root.name, name)
    return list(data.get("items", [])) if isinstance(data, dict) else []


def last_changed_by(items: list[dict]) -> dict[tuple[str, str], str]:
    """(sheet, row ID) -> who changed the row last."""
    return {(str(i.get("sheet")), str(i.get("id"))): str(i.get("by", "")) for i in items}


def who(by: str, lang: str, name_of) -> str:
    """How a change's author is shown: HR, the sources, or the manager's name."""
    if by == HR:
        return texts.get(lang, "book.by_hr")
    if by == SOURCES:
        return texts.get(lang, "book.by_sources")
    return name_of(by)


@dataclass(frozen=True)
class Line:
    """One change of a goal, as `appraisal history` prints it."""

    at: str
    round_id: str
    by: str
    column: str
    before: str
    after: str


def goal_history(
    output: Path, goal_id: str, lang: str = "en", names: dict[str, str] | None = None
) -> list[Line]:
    """Every recorded change of a goal or action, in every round of the output folder, oldest first."""
    names = names or {}
    lines = []
    state = State(output)
    for scope, value in state.documents_named(HISTORY_RECORD).items():
        for item in value.get("items", []) if isinstance(value, dict) else []:
            if item.get("sheet") != "goals" or item.get("id") != goal_id:
                continue
            column = next((c for c in COLUMNS["goals"] if c.key == item.get("column")), None)
            header = column.header(lang) if column else texts.get(lang, "book.created")
            shown = column or BookColumn("", "text")
            lines.append(
                Line(
                    str(item.get("at", "")),
                    scope,
                    who(str(item.get("by", "")), lang, lambda key: names.get(key, key)),
                    header,
                    show_value(shown, from_json(shown, item.get("before")), lang),
                    show_value(shown, from_json(shown, item.get("after")), lang),
                )
            )
    return sorted(lines, key=lambda line: (line.at, line.round_id))


def mark_changed_by(merged: dict, root: Path, new: list[dict], lang: str, name_of) -> None:
    """Fill in the Goals sheet's "last changed by" from the round's history and this run's changes
    (the raw author stays in the row's facts, for a copy in another language)."""
    latest = last_changed_by([*recorded(root, HISTORY_RECORD), *new])
    for row in merged["goals"]:
        by = latest.get(("goals", row.key))
        row.facts["changed_by"] = by
        row.values["changed_by"] = who(by, lang, name_of) if by else None
