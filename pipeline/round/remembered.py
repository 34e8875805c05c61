"""A checked workbook remembered: the round and its report, kept beside the output folder's state, so
that a command run again on the same bytes does not read and check 10,000 rows again (issue 16).

Reading and checking a workbook of 10,000 employees takes about a second, a third of an unchanged
re-run of `appraisal run`; loading what the last check found takes a tenth of that. What is kept is
used only when everything the check depends on is the same: the workbook's bytes and where it is,
the tool's code, the versions of the libraries that read values and know holidays and e-mail
addresses, and the day the check is made for (deadlines and short notice count from it). The same file
given as `round.xlsx`, `./round.xlsx` or by its absolute path from another folder is one workbook; the
round loaded carries the path given this time.

The record is a pickle, because it holds the model's own records (frozen dataclasses, dates, enums)
and nothing else reads it. It is read with an unpickler that makes only those (Python's documented
"restricting globals"): a file put in its place can make the check run again, never run code. A
record that cannot be read, of another key, or cut off by a kill is not used, and is written anew.
Only a check without errors is kept: with errors nothing else runs, and the report is written anyway.
A check never makes the output folder: its record is written once the command has made it (`keep`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import pickle
import sys
import zlib
from dataclasses import dataclass, field
from importlib import util
from pathlib import Path

from pipeline import clock, model
from pipeline.errors import AppraisalError
from pipeline.model import Report, Round
from pipeline.store.batch import code_digest
from pipeline.store.files import atomic_write_bytes
from pipeline.store.ledger import digest, input_digest
from pipeline.store.state import STATE_DIR

FOLDER = "checked"  # in <output>/.appraisal/
MAGIC = b"appraisal-checked-1\n"
# libraries whose versions can change what a check finds: values read, holidays known, addresses accepted
# (import names)
LIBRARIES = ("python_calamine", "openpyxl", "holidays", "email_validator", "defusedxml")
# what a record may make: the model's records and the standard library's dates, nothing that runs code
_ALLOWED = {
    "datetime": {"date", "time", "datetime", "timedelta", "timezone"},
    "zoneinfo": {"ZoneInfo._unpickle"},
    "builtins": {"set", "frozenset"},
}


@dataclass
class Checked:
    """A workbook's round and report, and the record of them still to keep (`keep`)."""

    round: Round
    report: Report
    record: Path | None = None
    key: str | None = field(default=None, repr=False)  # a new check's, to keep it under

    def keep(self) -> None:
        """Write the record of a new check, once the output folder is there: a check never makes the
        folder (a command refused after it leaves none). A record that cannot be written costs only the
        time it would have saved. Call it before anything is added to the report: the record is of the
        round and report as the check found them."""
        output = self.record.parents[2] if self.record is not None else None  # <output>/.appraisal/checked/
        if output is None or self.key is None or not output.is_dir():
            return
        data = _pack(self.key, (self.round, self.report))
        if data is None:
            return
        try:
            atomic_write_bytes(self.record, data)
        except (OSError, AppraisalError):
            return
        self.key = None


def check_workbook_remembered(path: Path, output: Path, today: dt.date | None = None) -> Checked:
    """`check_workbook(path)`, or what it found the last time for the same inputs (module docstring).
    A new check without errors is kept in `output`'s state folder by `Checked.keep`."""
    today = today or clock.today()
    try:
        before = _digest(path)
    except OSError:  # missing, unreadable: the check says so in its own words
        return Checked(*_check(path, today))
    where = _where(path)
    key = _key(where, before, today)
    record = _record_path(where, output)
    remembered = _load(record, key)
    if remembered is not None:
        found, report = remembered
        return Checked(dataclasses.replace(found, path=str(Path(path))), report)
    round_, report = _check(path, today)
    checked = Checked(round_, report)
    if not report.errors and round_.settings.round_id and _digest(path) == before:
        # kept (`keep`) as the check found it; not when the workbook changed while it was read (then
        # its bytes are not those of the key)
        checked.record, checked.key = record, key
    return checked


def _check(path: Path, today: dt.date) -> tuple[Round, Report]:
    from pipeline.round.rules import check_workbook  # the reader and the rules, loaded only when they run

    return check_workbook(path, today)


def _digest(path: Path) -> str:
    return digest(Path(path).read_bytes())


def _where(path: Path) -> Path:
    """The workbook's own path, however it was given (relative, with `./` or `..`, through a link)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # a loop of links: the check says what is wrong
        return Path(path).absolute()


def _key(path: Path, workbook: str, today: dt.date) -> str:
    versions = _installed(LIBRARIES)
    return input_digest(code_digest(), workbook, str(path), today.isoformat(), versions, sys.version_info[:2])


def _installed(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each library as installed: where, the name of its `.dist-info` folder (which holds the version) and
    when its files were written (a reinstall writes them anew). Found without importing it, and without
    `importlib.metadata`, whose import and look-ups were 30 ms of the 0.4 s an unchanged run of 3,000
    employees takes (issue 16)."""
    found: list[tuple[str, ...]] = []
    listed: dict[str, list[str]] = {}
    for name in names:
        spec = util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            written = str(os.stat(origin).st_mtime_ns) if origin else ""
        except OSError:
            written = ""
        if not written:
            found.append((name, ""))
            continue
        package = os.path.dirname(origin)
        site = os.path.dirname(package)
        if site not in listed:
            try:
                listed[site] = os.listdir(site)
            except OSError:
                listed[site] = []
        info = sorted(e for e in listed[site] if e.startswith(f"{name}-") and e.endswith(".dist-info"))
        found.append((name, origin, *info, written))
    return found


def _record_path(path: Path, output: Path) -> Path:
    """One record per workbook (by its own path, `_where`) in an output folder."""
    name = hashlib.sha256(str(Path(path).absolute()).encode("utf-8")).hexdigest()[:24]
    return output / STATE_DIR / FOLDER / f"{name}.pickle"


class _Unpickler(pickle.Unpickler):
    """Makes the model's records and dates only (`_ALLOWED`)."""

    def find_class(self, module: str, name: str) -> object:
        if module == model.__name__ or name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a checked round")


def _load(record: Path, key: str) -> tuple[Round, Report] | None:
    """The remembered round and report for `key`, or None (none kept, another key, damaged, refused)."""
    try:
        data = record.read_bytes()
    except OSError:
        return None
    head = _head(key)
    if not data.startswith(head):
        return None
    try:
        found = _Unpickler(io.BytesIO(zlib.decompress(data[len(head) :]))).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with the record, the check simply runs again
        return None
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], Round)
        and isinstance(found[1], Report)
    ):
        return found
    return None


def _pack(key: str, checked: tuple[Round, Report]) -> bytes | None:
    try:
        data = zlib.compress(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL), 1)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return _head(key) + data


def _head(key: str) -> bytes:
    """A record's first bytes: what it is, and the key it was kept for."""
    return MAGIC + key.encode("ascii") + b"\n"
