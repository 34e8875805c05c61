"""Each interviewer's own follow-up workbook (SPEC §6, issue 12): `managers/<id>-<name>/oppfolging.xlsx`
(`follow-up.xlsx` in English), with only their own people, which they edit through the year.

Whose people: an employee belongs to the interviewer of their meeting in this round, or to their
manager when they have no meeting (`Sources.interviewer_of`, the same as the figures use). A copy holds
those employees' conversations and their goals and actions, and nothing about anyone else: its
Overview counts only them (`FigureFrames.per_interviewer`), and the columns and sheets HR added to
its own workbook are not copied. An employee who moved to another interviewer keeps one row in the
old copy, with their ID and name only, marked "moved to another manager".

What the tool wrote into each copy is remembered in the state database (`manager-copies`): per run,
its token (also a custom property of the file, with the manager's ID and the round), the file's hash,
the people in it, and every editable cell's value. That is the base of the three-way merge
(`followup/copies.py`). A copy is rewritten only when what it shows changed, never while it is open
(a lock file beside it), and never when it was edited but could not be merged; a copy that was
edited and merged is kept in the manager's `history/` before it is replaced.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pipeline import texts, xlsx
from pipeline.errors import OutputError
from pipeline.followup import sheetxml
from pipeline.followup.book import build_follow_up_workbook
from pipeline.followup.columns import EDITABLE, GENERATED_SOURCES, ExistingFile, Notes, Row, to_json
from pipeline.followup.figures import Figures
from pipeline.followup.frames import FigureFrames, InterviewerFigures
from pipeline.followup.history import who
from pipeline.followup.merge import as_placed
from pipeline.followup.moving import finish_moves, leave, place_of
from pipeline.followup.reading import read_existing
from pipeline.followup.record import (
    CopiesResult,
    backup,
    content_digest,
    file_stamp,
    lock_file,
    runs_kept,
    sha,
)
from pipeline.followup.sources import Sources
from pipeline.model import Employee, Settings
from pipeline.store import layout
from pipeline.store.batch import parallel_map
from pipeline.store.files import open_temporary_beside
from pipeline.store.state import State

T = TypeVar("T")

MANAGER_PROPERTY = "AppraisalManager"  # the interviewer's ID, in every copy's custom properties
ROUND_PROPERTY = "AppraisalRound"
COPIES_RECORD = "manager-copies"  # the state database's record of what was written into each copy
KEPT_RUNS = 5  # runs remembered per copy, so that an older copy sent back late still merges exactly
COPY_SOURCES = (*GENERATED_SOURCES, "hand")  # the rows a copy shows (not removed, not unmerged)
KEPT_MERGED = 50  # hashes of returned files remembered per manager


def copy_language(person: Employee, settings: Settings) -> str:
    """The language a manager's copy is written in: theirs, else the round's."""
    return texts.language(person.language or settings.language)


def copy_path(root: Path, person: Employee, lang: str) -> Path:
    """`<round>/managers/<id>-<name>/oppfolging.xlsx` (`follow-up.xlsx` in English)."""
    return root / layout.manager_dir(person) / texts.get(lang, "book.manager_file")


@dataclass
class Copies:
    """What the state database remembers of the managers' copies, by interviewer ID: the copy's path
    (relative to the round's folder), its last runs, and the hashes of the returned files merged."""

    root: Path
    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> Copies:
        """The record (empty when there is none)."""
        data = State(root.parent).document(root.name, COPIES_RECORD)
        entries = data.get("copies") if isinstance(data, dict) else None
        return cls(root, entries if isinstance(entries, dict) else {})

    def save(self) -> None:
        """Keep the record (one transaction)."""
        State(self.root.parent).put_document(
            self.root.name, COPIES_RECORD, {"version": 1, "copies": self.entries}
        )

    def entry(self, manager_id: str) -> dict:
        """One manager's record, made when missing."""
        return self.entries.setdefault(manager_id, {"path": "", "runs": [], "merged": []})

    def last_run(self, manager_id: str) -> dict:
        """The run that last wrote the manager's copy ({} when none)."""
        runs = self.entries.get(manager_id, {}).get("runs") or []
        return runs[-1] if runs else {}

    def run_of(self, manager_id: str, token: str | None) -> dict | None:
        """The run that wrote a copy carrying `token`, or None when it is not remembered."""
        for run in self.entries.get(manager_id, {}).get("runs") or []:
            if token and run.get("token") == token:
                return run
        return None

    def path(self, manager_id: str) -> Path | None:
        """Where the manager's copy was last written, or None; where it was before, while a run that
        moved it (`earlier`) stopped before it wrote it in its new place."""
        entry = self.entries.get(manager_id, {})
        relative, earlier = entry.get("path"), entry.get("earlier")
        if relative and earlier and not (self.root / relative).exists() and (self.root / earlier).exists():
            return self.root / earlier
        return self.root / relative if relative else None


@dataclass
class Returned:
    """What a manager's copy that was read and merged brings to the next copy: the columns they added,
    and their values by row ID."""

    extra_headers: dict[str, list[str]]
    extras: dict[str, dict[str, dict]]  # kind -> row ID -> header -> Extra
    lines: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> row ID -> its row there

    @classmethod
    def of(cls, existing: ExistingFile) -> Returned:
        """The added columns of a copy as read, and where its rows stand."""
        return cls(
            {kind: sheet.extra_headers for kind, sheet in existing.sheets.items() if sheet.extra_headers},
            {
                kind: {row.key: row.extras for row in sheet.rows if row.key}
                for kind, sheet in existing.sheets.items()
            },
            {
                kind: {row.key: row.line for row in reversed(sheet.rows) if row.key}
                for kind, sheet in existing.sheets.items()
            },
        )


@dataclass
class Taken:
    """What the managers' copies brought this run."""

    copies: Copies
    returned: dict[str, Returned] = field(default_factory=dict)  # manager ID -> their copy as read
    held: set[str] = field(default_factory=set)  # managers whose copy must not be replaced now
    conflicts: list[dict] = field(default_factory=list)  # this run's conflicts
    changes: list[dict] = field(default_factory=list)  # this run's changes taken from copies
    hashes: dict[Path, str | None] = field(default_factory=dict)  # copies' files as found this run
    # (manager ID, the file's hash) of each copy merged this run: recorded as merged only once HR's
    # workbook holds what it brought (`write_copies`), so that a run killed before that merges it again
    merged: list[tuple[str, str | None]] = field(default_factory=list)

    def sha_of(self, path: Path) -> str | None:
        """A copy's hash as found at the start of this run (each file read once)."""
        if path not in self.hashes:
            self.hashes[path] = sha(path)
        return self.hashes[path]


def owners(sources: Sources, merged: dict[str, list[Row]]) -> dict[str, dict[str, list[Row]]]:
    """Interviewer ID -> the rows their copy shows, per sheet: their people's conversations, and the
    goals and actions of their people: this round's, and those of earlier rounds that were still open
    when the round began (the Goals sheet's status); in one pass over the rows."""
    round_id = sources.round_.settings.round_id
    closed = {
        g.id
        for g in sources.round_.goals
        if g.status in ("done", "cancelled") and g.agreed_in_round != round_id
    }
    by_owner: dict[str, dict[str, list[Row]]] = {}
    for row in merged["conversations"]:
        owner = sources.interviewer_of.get(row.key, "") if row.source in GENERATED_SOURCES else ""
        if owner:
            by_owner.setdefault(owner, {"conversations": [], "goals": []})["conversations"].append(row)
    for row in merged["goals"]:
        owner = sources.interviewer_of.get(str(row.values.get("employee_id") or ""), "")
        if row.source in COPY_SOURCES and owner and row.key not in closed:
            by_owner.setdefault(owner, {"conversations": [], "goals": []})["goals"].append(row)
    return by_owner


@dataclass
class Plan:
    """One copy to write: whose, in which language, where, its rows and added columns, its figures,
    and the run record that describes it."""

    manager_id: str
    person: Employee
    lang: str
    path: Path
    rows: dict[str, list[Row]]
    headers: dict[str, list[str]]
    figures: InterviewerFigures
    run: dict
    earlier: Path | None = None  # where the copy is now, when it moves (`moving.place_of`)


def write_copies(
    root: Path,
    sources: Sources,
    merged: dict[str, list[Row]],
    frames: FigureFrames,
    today: dt.date,
    notes: Notes,
    taken: Taken,
    workers: int = 1,
    alongside: Callable[[], T] | None = None,
) -> tuple[CopiesResult, T | None]:
    """Write each interviewer's copy whose content changed (see the module's docstring), with what the
    copies merged this run brought (`taken.returned`: their added columns), except those that must not
    be replaced now (`taken.held`: open, or edited but not merged). With `workers` > 1, many copies are
    built in that many forked processes. `alongside` is run first among them, as one more job (HR's
    workbooks: a worker builds them while the others build copies); returned with the result."""
    started = time.perf_counter()
    result = CopiesResult()
    settings = sources.round_.settings
    by_owner = owners(sources, merged)
    figures = frames.per_interviewer()
    plans: list[Plan] = []
    finish_moves(taken, root)
    for manager_id in sorted(by_owner.keys() | taken.copies.entries.keys()):
        person = sources.employee(manager_id)
        if person is None:
            continue
        lang = copy_language(person, settings)
        path, earlier = place_of(taken.copies, manager_id, copy_path(root, person, lang))
        if manager_id in taken.held:
            result.kept.append(earlier or path)
            continue
        own = by_owner.get(manager_id, {"conversations": [], "goals": []})
        plan = _plan(manager_id, person, lang, path, own, sources, today, notes, taken, earlier)
        if plan is None:
            result.unchanged += path.exists()
            continue
        plan.figures = figures.get(manager_id) or plan.figures
        _record_plan(taken.copies.entry(manager_id), plan, root)
        plans.append(plan)
    # The record goes first: should the run stop before a copy is replaced, the old copy still carries
    # its own token, whose record is kept.
    taken.copies.save()
    heading = {
        lang: xlsx.Heading(settings.organisation, settings.round_id, lang, settings.title)
        for lang in texts.LANGUAGES
    }

    def write_one(index: int) -> tuple[Path, str | None, list[int] | None]:
        """Build and write one copy (in a worker process when there are many) beside its place: the
        file, its hash and stamp."""
        plan = plans[index]
        owner = (plan.person.name, {MANAGER_PROPERTY: plan.manager_id, ROUND_PROPERTY: settings.round_id})
        names = {plan.manager_id: plan.person.name}
        made = (plan.rows, plan.headers, plan.figures, names, heading[plan.lang], today, plan.run["token"], owner)  # fmt: skip
        now = plan.earlier or plan.path
        found = taken.sha_of(now) if now.exists() else None
        if found is not None and found != _previous_file(taken.copies, plan.manager_id, plan.run):
            backup(now, plan.path.parent)  # edited (and merged) since it was written: kept
        written = _write_copy(plan.path, made)
        return written, sha(written), file_stamp(written)

    first = 0 if alongside is None else 1

    def job(index: int) -> object:
        return alongside() if index < first else write_one(index - first)  # type: ignore[misc]

    done = parallel_map(job, first + len(plans), workers, chunk=8, at_least=16)
    # HR's workbook (`alongside`) is written by now: only then are the copies replaced, and the copies
    # merged this run recorded as merged. A run killed before has every edit still in the copies.
    for plan, made in zip(plans, done[first:], strict=True):
        _put_in_place(plan, made, taken, result, root)  # type: ignore[arg-type]
    _record_merged(taken)
    if plans or taken.merged:
        taken.copies.save()
    result.seconds = time.perf_counter() - started
    return result, done[0] if first else None  # type: ignore[return-value]


def _record_plan(entry: dict, plan: Plan, root: Path) -> None:
    """A copy's record, before it is written: where it goes (and where it was, kept until it is in its
    new place: `Copies.path`), and its run."""
    entry["path"] = plan.path.relative_to(root).as_posix()
    if plan.earlier is not None:
        entry["earlier"] = plan.earlier.relative_to(root).as_posix()
    entry["runs"] = _runs_kept(entry["runs"], plan.run)


def _put_in_place(
    plan: Plan,
    made: tuple[Path, str | None, list[int] | None],
    taken: Taken,
    result: CopiesResult,
    root: Path,
) -> None:
    """A copy written beside its place moved into it (from its old place, when it moves)."""
    written, digest, stamp = made
    os.replace(written, plan.path)  # a rename keeps the size and time the stamp holds
    if plan.earlier is not None:
        leave(plan.earlier, plan.path, root)
        result.moved.append((plan.earlier, plan.path))
        taken.copies.entry(plan.manager_id).pop("earlier", None)
    plan.run["file"] = digest
    result.written.append(plan.path)
    result.stamps[str(plan.path)] = stamp


def _runs_kept(runs: list[dict], run: dict) -> list[dict]:
    """A copy's runs remembered once `run` is added: the last `KEPT_RUNS`, and always the last that wrote
    its file (the copy in the folder, and copies of it sent back, carry its token); runs killed before
    they wrote it would otherwise push it out, and the copy be refused as too old."""
    written = [r.get("token") for r in runs if r.get("file")]
    return runs_kept(runs, run, written[-1] if written else None, KEPT_RUNS)


def _record_merged(taken: Taken) -> None:
    """Note each copy merged this run as merged (its hash): a returned file given again is skipped."""
    for manager_id, digest in taken.merged:
        entry = taken.copies.entry(manager_id)
        entry["merged"] = [*entry.get("merged", [])[-(KEPT_MERGED - 1) :], digest]


def _write_copy(path: Path, made: tuple) -> Path:
    """One copy, written as XML (`sheetxml.py`), or through openpyxl when that writer does not make it,
    into a temporary file beside `path` (the caller moves it into place): that file."""
    rows, headers, figures, names, heading, today, token, owner = made
    handle, temporary = open_temporary_beside(path)
    os.close(handle)
    try:
        try:
            temporary.write_bytes(
                sheetxml.copy_bytes(rows, headers, figures, names, heading, today, token, owner)
            )
        except sheetxml.Unhandled:
            workbook = build_follow_up_workbook(
                rows, headers, [], figures, names, heading, today, token, owner
            )
            workbook.save(temporary)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _plan(
    manager_id: str,
    person: Employee,
    lang: str,
    path: Path,
    own: dict[str, list[Row]],
    sources: Sources,
    today: dt.date,
    notes: Notes,
    taken: Taken,
    earlier: Path | None = None,
) -> Plan | None:
    """What one manager's copy is to hold, or None when it has nothing to show or is unchanged
    (`earlier`: where the copy is now, when it moves to `path`)."""
    mine = {row.key for row in own["conversations"]} | {
        str(r.values.get("employee_id")) for r in own["goals"]
    }
    last = taken.copies.last_run(manager_id)
    moved = sorted((set(last.get("employees", [])) | set(last.get("moved", []))) - mine)
    if not mine and not moved:
        return None
    extra = taken.returned.get(manager_id) or _extras_as_written(earlier or path, last, notes)
    rows = _copy_rows(own, sources, moved, extra, lang)
    # in the order the manager keeps them: as the copy read this run has them, else as last written
    order = _order(taken.returned.get(manager_id), last)
    rows = {
        kind: as_placed(part, lambda row, kind=kind: order[kind].get(row.key)) for kind, part in rows.items()
    }
    headers = extra.extra_headers if extra else {}
    content = content_digest(lang, today, rows, headers, [])
    if last.get("content") == content and path.exists() and taken.sha_of(path) == last.get("file"):
        return None
    run = {
        "token": secrets.token_hex(8),
        "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "content": content,
        "employees": sorted(mine),
        "moved": moved,
        "extra_columns": bool(any(headers.values())),
        **_written(rows),
    }
    empty = InterviewerFigures(manager_id, {}, Figures())  # (no pandas frame for nothing: 14 ms a copy)
    return Plan(manager_id, person, lang, path, rows, headers, empty, run, earlier)


def _order(returned: Returned | None, last: dict) -> dict[str, dict[str, int]]:
    """Per sheet, row ID -> where the row stands in the manager's copy: in the copy merged this run (sorted
    by due date, say), else as the last run wrote it (its record keeps the rows in that order)."""
    kinds = ("conversations", "goals")
    if returned is not None:
        return {kind: returned.lines.get(kind, {}) for kind in kinds}
    return {kind: {key: n for n, key in enumerate(last.get(kind) or {}, start=1)} for kind in kinds}


def _previous_file(copies: Copies, manager_id: str, run: dict) -> str | None:
    runs = copies.entries[manager_id]["runs"]
    earlier = [r for r in runs if r is not run]
    return earlier[-1].get("file") if earlier else None


def _extras_as_written(path: Path, last: dict, notes: Notes) -> Returned | None:
    """The columns a manager added, as the tool last wrote them into their copy (read back only when
    there were any)."""
    if not last.get("extra_columns") or not path.exists() or lock_file(path) is not None:
        return None
    try:
        return Returned.of(read_existing(path, Notes(notes.lang)))
    except OutputError:  # the copy is then written without the added columns' values
        return None


def _copy_rows(
    own: dict[str, list[Row]], sources: Sources, moved: list[str], extra: Returned | None, lang: str
) -> dict[str, list[Row]]:
    """The rows of one manager's copy: their people's conversations and goals (copied, with the columns
    they added), then one row per employee who moved to another manager (ID and name only)."""
    extras = extra.extras if extra else {}
    rows: dict[str, list[Row]] = {
        "conversations": [_copied(row, extras.get("conversations", {})) for row in own["conversations"]],
        "goals": [],
    }
    name_of = lambda key: sources.interviewer_name_of(key, lang)  # noqa: E731
    for row in own["goals"]:
        copied = _copied(row, extras.get("goals", {}))
        if by := row.facts.get("changed_by"):  # "HR", "the sources" in the copy's language
            copied.values["changed_by"] = who(str(by), lang, name_of)
        rows["goals"].append(copied)
    for employee_id in moved:
        person = sources.employee(employee_id)
        values = {"employee_id": employee_id, "name": person.name if person else ""}
        rows["conversations"].append(Row(employee_id, values, "moved"))
    return rows


def _copied(row: Row, extras: dict[str, dict]) -> Row:
    return Row(row.key, dict(row.values), row.source, extras=dict(extras.get(row.key, {})))


def _written(rows: dict[str, list[Row]]) -> dict[str, dict]:
    """Per sheet and row ID, the editable cells' values as written into the copy (the merge's base)."""
    return {
        kind: {
            row.key: {
                c.key: to_json(row.values.get(c.key))
                for c in EDITABLE[kind]
                if row.values.get(c.key) is not None
            }
            for row in rows[kind]
            if row.source != "moved"
        }
        for kind in ("conversations", "goals")
    }
