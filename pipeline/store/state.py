"""The output folder's state: one SQLite database, `<output>/.appraisal/state.sqlite`.

It holds, per round (a *scope*; the empty scope is the output folder itself, for the personnel files):

* `files`: the ledger of produced files (what went into each, the hash of the bytes written);
* `steps`: what each whole step depended on and produced, so an unchanged re-run can skip it;
* `conversations`: the register of collected conversations, one row per employee;
* `events`: what happened to each employee in the round, and when it first did: `invited`,
  `prepared`, `collected`, `approved` (the follow-up workbook's stages come from here);
* `documents`: small JSON records of a step's own (the follow-up workbook's runs, its input stamps);
* `deliveries`: what `send` did with each message of the outbox, per recipient (sending, sent, failed,
  rehearsed), when, and the server's words.

Every write is one transaction, so a run that is killed, or two runs at once, never leave a record
half-written or lose another run's rows (each writes only the rows it changed). On a local disk the
database runs in WAL mode. SQLite's documentation warns that WAL does not work on network file
systems, and HR often keeps output on a shared drive, so there the rollback journal (`DELETE`) is
used: a network file system is recognised from the mount table on Linux and from the drive type on
Windows, and `APPRAISAL_SQLITE_JOURNAL=wal|delete` overrides the choice.

An output folder made by an earlier version (JSON files: `ledger.json`, `register.json`,
`follow-up-state.json`) is migrated on first use, in one transaction; the JSON files are then
renamed `*.migrated` and kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import OutputError

STATE_DIR = ".appraisal"
DATABASE = "state.sqlite"
JOURNAL_SETTING = "APPRAISAL_SQLITE_JOURNAL"
NETWORK_FILE_SYSTEMS = frozenset(
    (
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "fuse.sshfs",
        "davfs",
    )
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    scope TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, employee_id TEXT NOT NULL,
    input_hash TEXT NOT NULL, output_hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}', PRIMARY KEY (scope, path));
CREATE TABLE IF NOT EXISTS steps (
    scope TEXT NOT NULL, step TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, step));
CREATE TABLE IF NOT EXISTS conversations (
    round_id TEXT NOT NULL, employee_id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (round_id, employee_id));
CREATE TABLE IF NOT EXISTS documents (
    scope TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (scope, name));
CREATE TABLE IF NOT EXISTS changes (scope TEXT PRIMARY KEY, counter INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    round_id TEXT NOT NULL, message_id TEXT NOT NULL, recipient TEXT NOT NULL, status TEXT NOT NULL,
    at TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', PRIMARY KEY (round_id, message_id, recipient));
CREATE TABLE IF NOT EXISTS events (
    round_id TEXT NOT NULL, employee_id TEXT NOT NULL, event TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (round_id, employee_id, event));
"""
REGISTER = "#register"  # the scope of a round's counter of changes to its register and events
FILE_COLUMNS = ("path", "kind", "employee_id", "input_hash", "output_hash", "size", "mtime_ns", "extra")


def extra_json(extra: dict[str, object] | None) -> str:
    """A file entry's extra data as the `files` table keeps it: JSON text, `{}` for none."""
    return json.dumps(extra, ensure_ascii=False) if extra else "{}"


def journal_mode(folder: Path) -> str:
    """`wal` on a local disk, `delete` (the rollback journal) on a network file system."""
    chosen = os.environ.get(JOURNAL_SETTING, "").strip().lower()
    if chosen in ("wal", "delete"):
        return chosen
    return "delete" if on_network_drive(folder) else "wal"


def on_network_drive(folder: Path) -> bool:
    """Whether `folder` is on a network file system (SMB, NFS, ...), as far as the system tells."""
    path = str(folder.resolve())
    if sys.platform == "win32":
        if path.startswith("\\\\"):
            return True
        import ctypes

        drive_remote = 4  # DRIVE_REMOTE
        return ctypes.windll.kernel32.GetDriveTypeW(path[:3]) == drive_remote  # type: ignore[attr-defined]
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False  # macOS and others: no mount table to read here; WAL unless the setting says otherwise
    return file_system_type(path, mounts) in NETWORK_FILE_SYSTEMS


def file_system_type(path: str, mounts: str) -> str:
    """The type of the file system holding `path`, from a Linux mount table (`/proc/mounts`)."""
    best, fs_type = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, fs_type = point, parts[2]
    return fs_type


class State:
    """The state database of one output folder. Open it where it is needed: each call is a short
    transaction, and no connection is kept (worker processes are forked while a state is in use)."""

    def __init__(self, output: Path):
        self.output = output
        self.path = output / STATE_DIR / DATABASE
        self.mode = journal_mode(output if output.exists() else output.parent)
        if not self.path.exists():  # made here, so that it gets the process's file mode (SQLite: 0644)
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o666))
        with self._connect() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
        self._migrate()

    @contextlib.contextmanager
    def _connect(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One connection for one transaction: committed when the block ends, rolled back on an error.
        A reading transaction takes no write lock, so readers never wait for each other."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"{self.path}: the state of earlier runs cannot be opened ({exc}).") from None
        try:
            self._set_journal(db)
            db.execute("PRAGMA synchronous=NORMAL" if self.mode == "wal" else "PRAGMA synchronous=FULL")
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
            yield db
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise OutputError(
                f"{self.path}: the state of earlier runs is damaged or cannot be written ({exc}). Restore it "
                "from a backup, or move it away to start afresh (files people edited are then kept as unknown)."
            ) from None
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _set_journal(self, db: sqlite3.Connection) -> None:
        """Switch the journal when it is not the one this disk wants. Switching needs the database to
        itself, and SQLite answers "busy" at once rather than waiting, so a process that finds another
        one using it tries again for a while."""
        if db.execute("PRAGMA journal_mode").fetchone()[0] == self.mode:
            return
        for _attempt in range(100):
            try:
                db.execute(f"PRAGMA journal_mode={self.mode}")
                return
            except sqlite3.OperationalError:
                time.sleep(0.05)
        db.execute(f"PRAGMA journal_mode={self.mode}")

    # -- the ledger ------------------------------------------------------------------------------------

    def files(self, scope: str, kinds: tuple[str, ...] | None = None) -> list[tuple]:
        """The produced files of a scope (of `kinds` only, when given): rows of `FILE_COLUMNS`, `extra`
        still JSON text (the ledger's entries)."""
        query = f"SELECT {', '.join(FILE_COLUMNS)} FROM files WHERE scope = ?"
        if kinds is not None:
            query += f" AND kind IN ({', '.join('?' * len(kinds))})"
        with self._connect(write=False) as db:
            return db.execute(query, (scope, *(kinds or ()))).fetchall()

    def steps(self, scope: str) -> dict[str, dict[str, object]]:
        """Each step's last fingerprint and files."""
        with self._connect(write=False) as db:
            rows = db.execute("SELECT step, value FROM steps WHERE scope = ?", (scope,)).fetchall()
        return {step: json.loads(value) for step, value in rows}

    def step_and_stamps(
        self, scope: str, step: str, kinds: tuple[str, ...] | None
    ) -> tuple[object, list[tuple]]:
        """One step's last fingerprint and files (None when it has none), and the stamps of the files of
        `kinds` (every kind when None): rows of path, kind, employee ID, size and mtime, read in one
        transaction, without the hashes and extras a ledger entry holds."""
        query = "SELECT path, kind, employee_id, size, mtime_ns FROM files WHERE scope = ?"
        if kinds is not None:
            query += f" AND kind IN ({', '.join('?' * len(kinds))})"
        with self._connect(write=False) as db:
            found = db.execute(
                "SELECT value FROM steps WHERE scope = ? AND step = ?", (scope, step)
            ).fetchone()
            if found is None:
                return None, []
            return json.loads(found[0]), db.execute(query, (scope, *(kinds or ()))).fetchall()

    def put_ledger(self, scope: str, files: list[tuple], steps: dict[str, dict[str, object]]) -> None:
        """Write changed entries (rows of `FILE_COLUMNS`, `extra` as JSON text) and steps, in one
        transaction."""
        with self._connect() as db:
            self._put_files(db, scope, files)
            db.executemany(
                "INSERT OR REPLACE INTO steps VALUES (?, ?, ?)",
                [(scope, step, json.dumps(value, ensure_ascii=False)) for step, value in steps.items()],
            )
            self._changed(db, scope)

    # -- the register --------------------------------------------------------------------------------

    def conversation_texts(self, round_id: str) -> dict[str, str]:
        """A round's collected conversations as stored (JSON text), by employee ID, in its order."""
        with self._connect(write=False) as db:
            rows = db.execute(
                "SELECT employee_id, data FROM conversations WHERE round_id = ? ORDER BY employee_id",
                (round_id,),
            ).fetchall()
        return dict(rows)

    def conversation_forms(self, round_id: str) -> dict[str, tuple[object, object]] | None:
        """Employee ID -> the `sha256` and `content` of each stored conversation (None for a value not
        there or a record that is not JSON), read by SQLite's JSON functions; None when this SQLite has
        none. Decoding 10,000 records in Python to find two values each took 0.18 s of every collect."""
        query = (
            "SELECT employee_id, CASE WHEN json_valid(data) THEN json_extract(data, '$.sha256') END, "
            "CASE WHEN json_valid(data) THEN json_extract(data, '$.content') END "
            "FROM conversations WHERE round_id = ?"
        )
        try:
            with self._connect(write=False) as db:
                rows = db.execute(query, (round_id,)).fetchall()
        except sqlite3.OperationalError:  # built without JSON functions (before SQLite 3.38, it may be)
            return None
        return {employee_id: (sha256, content) for employee_id, sha256, content in rows}

    def put_conversations(self, round_id: str, conversations: dict[str, dict]) -> dict[str, str]:
        """Write these conversations (others of the round stay as they are), in one transaction; each as
        the text now stored (`conversation_texts`)."""
        with self._connect() as db:
            texts = self._put_conversations(db, round_id, conversations)
            self._changed(db, round_id, register=True)
        return texts

    def rounds(self) -> list[str]:
        """The rounds with a register, in order."""
        with self._connect(write=False) as db:
            return [r for (r,) in db.execute("SELECT DISTINCT round_id FROM conversations ORDER BY round_id")]

    # -- events ------------------------------------------------------------------------------------------

    def add_events(self, round_id: str, events: list[tuple[str, str]], at: str) -> None:
        """Record (employee ID, event) pairs; an event already recorded keeps its first time."""
        if not events:
            return
        with self._connect() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
                [(round_id, e, name, at) for e, name in events],
            )
            if db.total_changes != before:
                self._changed(db, round_id, register=True)

    def events(self, round_id: str) -> dict[str, set[str]]:
        """Event -> the employees it happened to, in a round."""
        found: dict[str, set[str]] = {}
        with self._connect(write=False) as db:
            for employee_id, name in db.execute(
                "SELECT employee_id, event FROM events WHERE round_id = ?", (round_id,)
            ):
                found.setdefault(name, set()).add(employee_id)
        return found

    # -- a step's own records -------------------------------------------------------------------------

    def document(self, scope: str, name: str) -> object | None:
        """A JSON record, or None."""
        with self._connect(write=False) as db:
            row = db.execute(
                "SELECT value FROM documents WHERE scope = ? AND name = ?", (scope, name)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put_document(self, scope: str, name: str, value: object) -> None:
        """Write a JSON record (one transaction)."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
                (scope, name, json.dumps(value, ensure_ascii=False, separators=(",", ":"))),
            )

    def documents_named(self, name: str, wanted: Callable[[str], bool] | None = None) -> dict[str, object]:
        """Every scope's JSON record called `name`, by scope; of the scopes `wanted` accepts only, when
        given (the others are not decoded)."""
        with self._connect(write=False) as db:
            rows = db.execute("SELECT scope, value FROM documents WHERE name = ? ORDER BY scope", (name,))
            return {scope: json.loads(value) for scope, value in rows if wanted is None or wanted(scope)}

    def version(self, scope: str, register: bool = False) -> int:
        """A counter that goes up with every change to a scope's files or register (for cheap re-run
        checks); `register`: one that goes up with its register and events only."""
        with self._connect(write=False) as db:
            row = db.execute(
                "SELECT counter FROM changes WHERE scope = ?", (scope + REGISTER * register,)
            ).fetchone()
        return int(row[0]) if row else 0

    # -- deliveries ------------------------------------------------------------------------------------

    def deliveries(self, round_id: str) -> dict[tuple[str, str], tuple[str, str, str]]:
        """(Message-ID, recipient) -> (status, when, the server's words) of a round's messages."""
        with self._connect(write=False) as db:
            rows = db.execute(
                "SELECT message_id, recipient, status, at, detail FROM deliveries WHERE round_id = ?",
                (round_id,),
            ).fetchall()
        return {(m, r): (status, at, detail) for m, r, status, at, detail in rows}

    def put_delivery(
        self, round_id: str, message_id: str, recipient: str, status: str, at: str, detail: str = ""
    ) -> None:
        """Record what became of one message for one recipient (one transaction, committed on return)."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, message_id, recipient, status, at, detail),
            )

    # -- retention -------------------------------------------------------------------------------------

    def round_counts(self, scope: str, round_id: str) -> dict[str, int]:
        """How many rows a round has: its ledger's files, conversations, events and other records."""

        def count(db: sqlite3.Connection, table: str, column: str, key: str) -> int:
            return db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (key,)).fetchone()[0]

        with self._connect(write=False) as db:
            return {
                "files": count(db, "files", "scope", scope),
                "conversations": count(db, "conversations", "round_id", round_id),
                "events": count(db, "events", "round_id", round_id),
                "records": count(db, "documents", "scope", scope),
            }

    def forget_round(self, scope: str, round_id: str, keep: dict[str, object]) -> None:
        """Delete every row of a round, in one transaction, but the records in `keep` (name -> value),
        which are written as given."""
        with self._connect() as db:
            for table in ("files", "steps", "documents", "changes"):
                db.execute(f"DELETE FROM {table} WHERE scope IN (?, ?)", (scope, scope + REGISTER))
            for table in ("conversations", "events"):
                db.execute(f"DELETE FROM {table} WHERE round_id = ?", (round_id,))
            db.executemany(
                "INSERT INTO documents VALUES (?, ?, ?)",
                [
                    (scope, k, json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                    for k, v in keep.items()
                ],
            )

    def forget_files(self, scope: str, paths: list[str]) -> None:
        """Delete these files' rows from a scope's ledger, in one transaction."""
        with self._connect() as db:
            db.executemany("DELETE FROM files WHERE scope = ? AND path = ?", [(scope, p) for p in paths])
            self._changed(db, scope)

    # -- inside a transaction --------------------------------------------------------------------------

    @staticmethod
    def _put_files(db: sqlite3.Connection, scope: str, files: list[tuple]) -> None:
        """Rows of `FILE_COLUMNS`, `extra` as JSON text. Inserted in the order of the table's key: in a
        step's order, 60,000 rows took three times as long (each lands somewhere else in the index)."""
        db.executemany(
            f"INSERT OR REPLACE INTO files (scope, {', '.join(FILE_COLUMNS)}) VALUES ({', '.join('?' * 9)})",
            [(scope, *row) for row in sorted(files, key=lambda row: row[0])],
        )

    @staticmethod
    def _put_conversations(
        db: sqlite3.Connection, round_id: str, conversations: dict[str, dict]
    ) -> dict[str, str]:
        texts = {k: json.dumps(v, ensure_ascii=False) for k, v in conversations.items()}
        db.executemany(
            "INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)",
            [(round_id, k, t) for k, t in texts.items()],
        )
        return texts

    @staticmethod
    def _changed(db: sqlite3.Connection, scope: str, register: bool = False) -> None:
        db.executemany(
            "INSERT INTO changes VALUES (?, 1) ON CONFLICT(scope) DO UPDATE SET counter = counter + 1",
            [(scope,), (scope + REGISTER,)] if register else [(scope,)],
        )

    # -- an output folder made by an earlier version ---------------------------------------------------

    def _migrate(self) -> None:
        """Take in the JSON state files of an earlier version, once; then rename them `*.migrated`."""
        with self._connect() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'json-migrated'").fetchone():
                return
        found = _json_state_files(self.output)
        with self._connect() as db:
            if db.execute("SELECT 1 FROM meta WHERE key = 'json-migrated'").fetchone():
                return  # another process migrated it meanwhile
            for scope, kind, path in found:
                _import(db, scope, kind, path)
                self._changed(db, scope, register=True)
            db.execute("INSERT INTO meta VALUES ('json-migrated', ?)", (str(len(found)),))
        for _scope, _kind, path in found:
            with contextlib.suppress(OSError):
                path.rename(path.with_name(path.name + ".migrated"))


def _json_state_files(output: Path) -> list[tuple[str, str, Path]]:
    """(scope, kind, path) of every JSON state file an earlier version left in the output folder."""
    found = []
    ledger = output / STATE_DIR / "ledger.json"
    if ledger.is_file():
        found.append(("", "ledger", ledger))
    if output.is_dir():
        for folder in sorted(p for p in output.iterdir() if p.is_dir() and p.name != STATE_DIR):
            for kind, path in (
                ("ledger", folder / STATE_DIR / "ledger.json"),
                ("register", folder / "register.json"),
                ("follow-up-state", folder / STATE_DIR / "follow-up-state.json"),
            ):
                if path.is_file():
                    found.append((folder.name, kind, path))
    return found


def _import(db: sqlite3.Connection, scope: str, kind: str, path: Path) -> None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputError(
            f"{path}: cannot be read to move it into the state database ({exc}); repair or move it away."
        ) from None
    if kind == "ledger":
        State._put_files(
            db,
            scope,
            [
                (*(e[c] for c in FILE_COLUMNS[:-1]), extra_json(e.get("extra")))
                for e in data.get("entries", [])
            ],
        )
        made = {"invitation": "invited", "meeting_notes": "prepared"}  # what the earlier version inferred
        db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
            [
                (scope, e["employee_id"], made[e["kind"]], "")
                for e in data.get("entries", [])
                if e.get("kind") in made and scope
            ],
        )
        db.executemany(
            "INSERT OR REPLACE INTO steps VALUES (?, ?, ?)",
            [(scope, step, json.dumps(value)) for step, value in dict(data.get("steps", {})).items()],
        )
    elif kind == "register":
        conversations = dict(data.get("conversations", {}))
        State._put_conversations(db, scope, conversations)
        db.executemany(
            "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
            [(scope, k, "collected", str(v.get("collected_at") or "")) for k, v in conversations.items()]
            + [
                (scope, k, "approved", str((v.get("approval") or {}).get("recorded_at") or ""))
                for k, v in conversations.items()
                if (v.get("approval") or {}).get("approved") is True
            ],
        )
    else:
        db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", (scope, "follow-up-state", json.dumps(data))
        )
