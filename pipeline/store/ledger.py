"""What each run produced: atomic writes, the ledger of outputs and their hashes, and the output lock.

Rules (SPEC §7):
* every file is written to a temporary file beside it and renamed into place, so a run killed at any
  moment leaves no half-written file;
* the ledger records, per output file, the hash of everything that went into it and of the bytes
  written; an output whose inputs did not change and whose file is as written is not rendered again;
* a generated file that someone changed since (its bytes differ from what the ledger recorded) is
  never overwritten: the new version is written beside it (`name (new).docx`) and reported;
* one run at a time per output folder (an exclusive lock; a second run refuses with a clear message).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline.errors import OutputError
from pipeline.store.files import apply_file_mode, atomic_write_bytes, temporaries_in
from pipeline.store.state import FILE_COLUMNS, STATE_DIR, State, extra_json

LEDGER_DIR = STATE_DIR  # the run's own files: lock, run status, runs.jsonl
CLEAN_END = "ended cleanly"


class OutputStatus(StrEnum):
    """What a run did with one output file."""

    WRITTEN = "written"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # edited by someone since: the new version went beside it
    FAILED = "failed"


WRITTEN, UPDATED, UNCHANGED, KEPT, FAILED = OutputStatus


# How long a run waits for another one holding the folder it writes in (`appraisal --wait SECONDS`); 0:
# refuse at once, saying who holds it.
_LOCK_WAIT = [0.0]


def set_lock_wait(seconds: float) -> None:
    """Wait up to `seconds` for a folder another run holds (0: refuse at once)."""
    _LOCK_WAIT[0] = max(0.0, seconds)


# Python collects young objects after every 700 allocations and, each time enough survive, walks every
# object alive. A run keeps its round, ledger and register (hundreds of thousands of objects) alive from
# start to end and makes as many more: with the defaults the collector took a fifth of an unchanged
# re-run at 10,000 employees (issue 16). Rarer collections find the same garbage, later.
COLLECT_AFTER = (50_000, 20, 20)


def set_up_process(file_mode: str | None, wait: float) -> None:
    """What the command line sets for its process: the file mode, how long to wait for a lock, and a
    cycle collector tuned for a batch run (`COLLECT_AFTER`; forked workers inherit it)."""
    apply_file_mode(file_mode)
    set_lock_wait(wait)
    gc.set_threshold(*COLLECT_AFTER)


def digest(data: bytes) -> str:
    """The hash recorded for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def input_digest(*parts: object) -> str:
    """A stable hash of everything that goes into one output (template digest, context, properties)."""
    # repr, not JSON: ten times faster on 100,000 outputs, and as stable (records, dates, dicts built by
    # the same code in the same order; never sets).
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


class _JsonText:
    """An entry's `extra`: given as a dict, or as the JSON text the state database keeps, decoded when
    first read. Most entries' extras are never read in a run (an unchanged step reads none), and decoding
    60,000 of them was a tenth of an unchanged re-run (issue 16)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, entry: object, owner: type | None = None) -> dict[str, object]:
        if entry is None:  # the dataclass asks for the field's default: none given means {}
            return None  # type: ignore[return-value]
        value = entry.__dict__[self.slot]
        if isinstance(value, str):
            try:
                value = {} if value == "{}" else json.loads(value)
            except ValueError as exc:
                raise OutputError(
                    f"the record of earlier runs is damaged ({getattr(entry, 'path', '')}: {exc})."
                ) from None
            if not isinstance(value, dict):
                raise OutputError(f"the record of earlier runs is damaged ({getattr(entry, 'path', '')}).")
            entry.__dict__[self.slot] = value
        return value

    def __set__(self, entry: object, value: dict[str, object] | str | None) -> None:
        entry.__dict__[self.slot] = {} if value is None else value


@dataclass
class Entry:
    """One output file as the ledger knows it."""

    path: str  # relative to the round's output folder, with /
    kind: str
    employee_id: str
    input_hash: str
    output_hash: str
    size: int
    mtime_ns: int
    extra: dict[str, object] = _JsonText()  # type: ignore[assignment]  # JSON text until first read

    def record(self) -> dict[str, object]:
        """The entry as a dict of `FILE_COLUMNS`."""
        return {name: getattr(self, name) for name in FILE_COLUMNS}

    def row(self) -> tuple[object, ...]:
        """The entry as the state database's row takes it (`FILE_COLUMNS`, `extra` as JSON text): made
        for every file a step writes (60,000 at 10,000 employees), so an extra that is JSON text (as
        `publish` makes it, or as read) is passed on as it is, and an empty one is not encoded."""
        extra = self.__dict__["_extra"]
        if not isinstance(extra, str):
            extra = extra_json(extra)
        return (
            self.path, self.kind, self.employee_id, self.input_hash, self.output_hash, self.size,
            self.mtime_ns, extra,
        )  # fmt: skip


@dataclass(slots=True)
class Outcome:
    """What happened to one output in this run."""

    path: str
    status: OutputStatus
    kind: str
    employee_id: str
    entry: Entry | None = None
    beside: str | None = None  # where the new version went when the file was kept
    message: str = ""


class Ledger:
    """The record of a round's outputs (or, `personnel`, of the output folder's own), kept in the output
    folder's state database (`store.state`)."""

    def __init__(self, root: Path, personnel: bool = False, kinds: tuple[str, ...] | None = None):
        """The ledger of `root`; of its files of `kinds` only, when given (a step reads only its own)."""
        self.root = root
        self.state = State(root) if personnel else State(root.parent)
        self.scope = "" if personnel else root.name
        self.file = self.state.path
        self.entries: dict[str, Entry] = {}
        try:
            self.entries = {row[0]: Entry(*row) for row in self.state.files(self.scope, kinds)}
        except (TypeError, ValueError) as exc:
            raise OutputError(f"{self.file}: the record of earlier runs is damaged ({exc}).") from exc
        self.steps: dict[str, dict[str, object]] = self.state.steps(self.scope)
        self._saved = dict(self.entries)
        self._saved_steps = dict(self.steps)

    @classmethod
    def personnel(cls, output: Path) -> Ledger:
        """The ledger of the output folder's own files (the personnel folders every round files into)."""
        return cls(output, personnel=True)

    def save(self) -> None:
        """Write the entries and steps changed since the ledger was read, in one transaction; rows other
        runs wrote meanwhile stay as they are."""
        saved = self._saved
        files = [
            e.row()
            for path, e in self.entries.items()
            if (before := saved.get(path)) is not e and before != e  # an unchanged file keeps its entry
        ]
        steps = {k: v for k, v in self.steps.items() if self._saved_steps.get(k) != v}
        if not files and not steps:
            return
        self.state.put_ledger(self.scope, files, steps)
        self._saved, self._saved_steps = dict(self.entries), dict(self.steps)

    def remember_step(self, step: str, fingerprint: str | None, outcomes: list[Outcome]) -> None:
        """Note what a whole step depended on and produced, so an unchanged re-run can skip it; and each
        file kept because a person edited it, as it is now (its stamp, and where the new version went):
        while it stays as they left it, the step is still unchanged (`unchanged_step`)."""
        kept = {}
        for outcome in outcomes:
            if outcome.status == KEPT:
                try:
                    stat = (self.root / outcome.path).stat()
                except OSError:
                    continue  # gone meanwhile: the next run finds it missing and writes it
                kept[outcome.path] = [stat.st_size, stat.st_mtime_ns, outcome.beside or ""]
        self.steps[step] = {"fingerprint": fingerprint, "paths": [o.path for o in outcomes], "kept": kept}

    def record(self, outcomes: list[Outcome]) -> None:
        """Take in what a run did."""
        for outcome in outcomes:
            if outcome.entry is not None:
                self.entries[outcome.entry.path] = outcome.entry

    def forget(self, paths: list[str]) -> None:
        """Drop these files' entries, here and in the state database (files no longer the round's)."""
        if not paths:
            return
        for path in paths:
            self.entries.pop(path, None)
            self._saved.pop(path, None)
        self.state.forget_files(self.scope, paths)

    def log_run(self, command: str, outcomes: list[Outcome]) -> None:
        """Append one line per run to `.appraisal/runs.jsonl` (`log_run`)."""
        log_run(self.root, command, outcomes)


# Whether a file can be looked up from an open folder (not on Windows, which has no O_DIRECTORY)
STAT_IN_FOLDER = [hasattr(os, "O_DIRECTORY") and os.stat in os.supports_dir_fd]


FILES_ONLY = "files"  # `unchanged_step`'s fingerprint when only the step's files are asked about


def unchanged_step(
    root: Path, step: str, fingerprint: str | None, kinds: tuple[str, ...] | None = None
) -> list[Outcome] | None:
    """The outcomes of a step of the round in `root` whose inputs did not change (`fingerprint`, as
    `Ledger.remember_step` kept it; `FILES_ONLY`: whatever it was) and whose files are all as written,
    or None.

    Read without making a ledger, which an unchanged step never needs: the step's own record, and the
    size and mtime of the files of its `kinds`, not their hashes and extras (at 10,000 employees, the
    ledgers of two steps were half of an unchanged `appraisal run`). Each file is stat'ed once, looked
    up from the round's folder where the system can (no path joined, no path walked from the top each
    time); on Windows by its joined path."""
    if fingerprint is None:
        return None
    try:
        last, rows = State(root.parent).step_and_stamps(root.name, step, kinds)
    except (OutputError, ValueError):  # damaged: the step runs, and its ledger says what is wrong
        return None
    same = isinstance(last, dict) and fingerprint in (FILES_ONLY, last.get("fingerprint"))
    paths = last.get("paths") if same else None
    if not isinstance(paths, list):
        return None
    stamps = {row[0]: row for row in rows}
    kept = last.get("kept") if isinstance(last.get("kept"), dict) else {}
    outcomes = []
    folder, base = None, os.fspath(root)
    try:
        if STAT_IN_FOLDER[0]:
            folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        for relative in paths:
            row = stamps.get(relative)
            try:
                if folder is not None:
                    stat = os.stat(relative, dir_fd=folder)
                else:  # Windows: no folder to start from, each path joined
                    stat = os.stat(os.path.join(base, relative))
            except (FileNotFoundError, NotADirectoryError, TypeError):
                return None
            if row is not None and relative in kept:  # edited by a person, and as they left it
                outcome = _still_kept(relative, row, stat, kept[relative])
                if outcome is None:
                    return None
                outcomes.append(outcome)
                continue
            if row is None or stat.st_size != row[3] or stat.st_mtime_ns != row[4]:
                return None
            outcomes.append(Outcome(relative, UNCHANGED, row[1], row[2]))
    except OSError:
        return None
    finally:
        if folder is not None:
            os.close(folder)
    return outcomes


def _still_kept(relative: str, row: tuple, stat: os.stat_result, kept: object) -> Outcome | None:
    """A file a person edited, kept when the step last ran (`Ledger.remember_step`), as it was then:
    kept again, with the same words; else None (the step runs)."""
    if not (isinstance(kept, list) and len(kept) == 3 and kept[:2] == [stat.st_size, stat.st_mtime_ns]):
        return None
    beside = str(kept[2])
    return Outcome(relative, KEPT, row[1], row[2], beside=beside, message=kept_message(relative, beside))


def kept_message(relative: str, beside: str) -> str:
    """What is said of a file kept because a person edited it."""
    return f"{relative} was changed since it was generated; the new version is {beside}"


def log_run(root: Path, command: str, outcomes: list[Outcome]) -> None:
    """Append one line per run to `.appraisal/runs.jsonl`: when, what, and what came of it."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    line = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        "counts": counts,
        "files": [
            {"path": o.path, "status": o.status, **({"beside": o.beside} if o.beside else {})}
            for o in outcomes
            if o.status != UNCHANGED
        ],
    }
    log = root / LEDGER_DIR / "runs.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def beside_path(path: Path) -> Path:
    """Where a new version goes when the file at `path` was edited: `name (new).docx`."""
    return path.with_name(f"{path.stem} (new){path.suffix}")


def publish(
    root: Path,
    relative: str,
    kind: str,
    employee_id: str,
    input_hash: str,
    render: Callable[[], bytes],
    previous: Entry | None,
    extra: dict[str, object] | None = None,
) -> Outcome:
    """Bring one output up to date, by the rules in this module's docstring; render only when needed."""
    path = root / relative
    extra = extra or {}
    stat = _stat(path)
    if (
        previous is not None
        and stat is not None
        and previous.input_hash == input_hash
        and (stat.st_size, stat.st_mtime_ns) == (previous.size, previous.mtime_ns)
    ):
        return Outcome(relative, UNCHANGED, kind, employee_id, previous)
    data = render()
    new_hash = digest(data)
    if stat is None:
        return _write(root, relative, kind, employee_id, input_hash, data, new_hash, extra, WRITTEN)
    current = digest(path.read_bytes())
    if current == new_hash:
        entry = Entry(
            relative,
            kind,
            employee_id,
            input_hash,
            new_hash,
            stat.st_size,
            stat.st_mtime_ns,
            extra_json(extra),
        )
        return Outcome(relative, UNCHANGED, kind, employee_id, entry)
    if previous is not None and current == previous.output_hash:
        return _write(root, relative, kind, employee_id, input_hash, data, new_hash, extra, UPDATED)
    # Someone changed the file since we wrote it (or it was never ours): keep it, put ours beside it.
    side = beside_path(path)
    if _stat(side) is None or digest(side.read_bytes()) != new_hash:
        atomic_write_bytes(side, data)
    relative_side = side.relative_to(root).as_posix()
    return Outcome(
        relative,
        KEPT,
        kind,
        employee_id,
        previous,
        beside=relative_side,
        message=kept_message(relative, relative_side),
    )


def _write(
    root: Path,
    relative: str,
    kind: str,
    employee_id: str,
    input_hash: str,
    data: bytes,
    new_hash: str,
    extra: dict[str, object],
    status: str,
) -> Outcome:
    stat = atomic_write_bytes(root / relative, data, new=status == WRITTEN)  # WRITTEN: none was there
    entry = Entry(
        relative, kind, employee_id, input_hash, new_hash, stat.st_size, stat.st_mtime_ns, extra_json(extra)
    )
    return Outcome(relative, status, kind, employee_id, entry)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


# `.name.<pid>-<n>.tmp` from `open_temporary_beside`, `.name.pdf.tmp` from the PDF conversion.
# `.name.<mkstemp's 8 characters>.tmp`; `.name.<pid>-<n>.tmp` from earlier versions; `.name.pdf.tmp`
_OUR_TEMPORARY = re.compile(r"^\..+\.([a-z0-9_]{8}|\d+-\d+|pdf)\.tmp$")


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a killed run left behind; called with the lock held, when none is in use."""
    for directory, _, files in os.walk(folder):
        for name in files:
            if _OUR_TEMPORARY.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, name))


# The folders this process holds, with how many holders each (outermost first): `run` holds its round for
# every step, and each step's own hold inside it is then only counted.
_HELD: dict[Path, int] = {}


@contextlib.contextmanager
def output_lock(folder: Path, written_in: Path | None = None) -> Iterator[None]:
    """Hold the output folder for this run; a second run at the same time refuses with a clear message
    (or waits up to `appraisal --wait SECONDS`).

    The lock is `filelock`'s (an OS lock on `.appraisal/lock`, released by the OS when a run is killed);
    `.appraisal/run` says who holds it, and whether the last run ended cleanly. After a run that did
    not, its temporary files are removed from `written_in` (default: the whole folder). Within one
    process the lock is re-entrant: a step held inside `run`'s hold of the same folder just goes on."""
    key = folder.resolve()
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    state = folder / LEDGER_DIR
    state.mkdir(parents=True, exist_ok=True)
    status = state / "run"
    lock = _acquire(folder, FileLock(state / "lock", timeout=_LOCK_WAIT[0]), status)
    _HELD[key] = 1
    try:
        ended_cleanly = _read_status(status).startswith(CLEAN_END)
        atomic_write_bytes(
            status, f"pid {os.getpid()}, started {dt.datetime.now():%Y-%m-%d %H:%M:%S}".encode()
        )
        if not ended_cleanly:  # only a run that was killed leaves temporaries: no need to walk 50,000 files
            remove_stale_temporaries(written_in or folder)
        try:
            with temporaries_in(state / "tmp"):
                yield
        except GeneratorExit:  # a caller that stopped reading `run`'s stages: nothing was left half-done
            _mark_clean_end(status)
            raise
        _mark_clean_end(status)
    finally:
        del _HELD[key]
        lock.release()


def _acquire(folder: Path, lock: FileLock, status: Path) -> FileLock:
    """`lock`, taken; else the error that says who holds it."""
    try:
        lock.acquire()
    except Timeout:
        holder = _read_status(status) or "unknown"
        waited = f" (waited {_LOCK_WAIT[0]:g} s)" if _LOCK_WAIT[0] else ""
        raise OutputError(
            f"{folder}: another appraisal run is writing here ({holder}){waited}. Wait for it to finish and "
            "run again, or give `appraisal --wait SECONDS ...` to wait for it."
        ) from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot lock the output folder ({exc.strerror}).") from None
    return lock


def _mark_clean_end(status: Path) -> None:
    if not status.parent.is_dir():  # the folder was removed while held (`purge`): nothing to mark
        return
    atomic_write_bytes(status, f"{CLEAN_END} {dt.datetime.now():%Y-%m-%d %H:%M:%S}".encode())


def _read_status(status: Path) -> str:
    try:
        return status.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
