"""A checked workbook remembered (`round.remembered`): the same bytes on the same day give what the last
check found without reading the workbook again; anything else checks again; the record runs no code."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import zlib
from pathlib import Path

from pipeline.round.remembered import MAGIC, Checked, check_workbook_remembered
from pipeline.round.rules import check_workbook
from pipeline.store.state import STATE_DIR

TODAY = dt.date(2026, 12, 1)
# short notice before the meetings of 18 January, a setting misspelt, an employee without a meeting:
# warnings of several checks, each with its wording's arguments (dates, names), and no error
WARNINGS = {
    "round": {"invitation_date": dt.date(2027, 1, 5), "invitation_dato": dt.date(2026, 12, 1)},
    "schedule": {"103": None},
}


def _check(workbook: Path, output: Path, today: dt.date = TODAY) -> Checked:
    """A check as a command makes it, its output folder there."""
    output.mkdir(exist_ok=True)
    checked = check_workbook_remembered(workbook, output, today)
    checked.keep()
    return checked


def _records(output: Path) -> list[Path]:
    return sorted((output / STATE_DIR / "checked").glob("*.pickle"))


def _found(checked) -> tuple:
    """A check's round and every problem with its wording's key and arguments (not compared by ==)."""
    round_, report = (checked.round, checked.report) if isinstance(checked, Checked) else checked
    return round_, [(issue, issue.phrase) for issue in report.issues]


def test_the_same_workbook_on_the_same_day_is_what_the_last_check_found(make_workbook, tmp_path):
    workbook, output = make_workbook(**WARNINGS), tmp_path / "output"
    fresh = check_workbook(workbook, TODAY)
    assert fresh[1].issues and fresh[1].ok  # warnings, and they are kept with the round

    first = _check(workbook, output)
    [record] = _records(output)
    written = (record.read_bytes(), record.stat().st_mtime_ns)
    again = _check(workbook, output)

    assert _found(first) == _found(again) == _found(fresh)
    assert again.round.employee("101").name == fresh[0].employee("101").name
    # read from the record, not checked and written again
    assert (record.read_bytes(), record.stat().st_mtime_ns) == written


def test_an_edited_workbook_is_checked_again(make_workbook, tmp_path):
    output = tmp_path / "output"
    workbook = make_workbook("round.xlsx", **WARNINGS)
    _check(workbook, output)

    make_workbook("round.xlsx", **WARNINGS, employees={"102": {"first_name": "Petter"}})
    round_ = _check(workbook, output).round

    assert round_.employee("102").first_name == "Petter"


def test_another_day_is_checked_again(make_workbook, tmp_path):
    workbook, output = make_workbook(round={"invitation_date": None}), tmp_path / "output"

    early = _check(workbook, output)
    late = _check(workbook, output, dt.date(2027, 1, 5))

    assert early.report.issues == []
    assert [(i.cell, i.code) for i in late.report.issues] == [("B2", "short-notice"), ("B3", "short-notice")]


def test_a_workbook_with_errors_is_not_remembered(make_workbook, tmp_path):
    workbook, output = make_workbook(employees={"102": {"manager_id": "999"}}), tmp_path / "output"

    report = _check(workbook, output).report

    assert report.errors
    assert _records(output) == []


class _RunsCode:
    def __reduce__(self):
        return (os.system, (f"touch {self.proof}",))


def test_a_record_put_in_its_place_runs_no_code(make_workbook, tmp_path):
    workbook, output, proof = make_workbook(**WARNINGS), tmp_path / "output", tmp_path / "ran"
    fresh = _check(workbook, output)
    [record] = _records(output)
    head = record.read_bytes().split(b"\n", 2)[:2]  # the magic line and the key: the record is taken as ours
    hostile = _RunsCode()
    hostile.proof = proof
    record.write_bytes(b"\n".join(head) + b"\n" + zlib.compress(pickle.dumps((hostile, fresh.report))))

    again = _check(workbook, output)

    assert not proof.exists()
    assert _found(again) == _found(fresh)
    rewritten = record.read_bytes()  # a record of our own again, used from now on
    assert rewritten.startswith(MAGIC)
    _check(workbook, output)
    assert record.read_bytes() == rewritten and not proof.exists()


def test_a_damaged_record_is_checked_again(make_workbook, tmp_path):
    workbook, output = make_workbook(**WARNINGS), tmp_path / "output"
    fresh = _check(workbook, output)
    [record] = _records(output)
    record.write_bytes(record.read_bytes()[:-100])  # cut off, as by a kill mid-write on a disk without rename

    assert _found(_check(workbook, output)) == _found(fresh)
    assert _found(_check(workbook, output)) == _found(fresh)


def test_a_check_makes_no_output_folder(make_workbook, tmp_path):
    workbook, output = make_workbook(**WARNINGS), tmp_path / "output"

    checked = check_workbook_remembered(workbook, output, TODAY)
    checked.keep()
    assert not output.exists()

    output.mkdir()  # as the command makes it
    checked.keep()
    assert len(_records(output)) == 1
    assert _found(check_workbook_remembered(workbook, output, TODAY)) == _found(checked)


def test_the_same_workbook_given_another_way_is_what_the_last_check_found(
    make_workbook, tmp_path, monkeypatch
):
    """One workbook, however it is given: by name from its folder, with `./`, by its absolute path from
    elsewhere. The round found carries the path given this time (its bytes are read through it)."""
    workbook, output = make_workbook(**WARNINGS), tmp_path / "output"
    monkeypatch.chdir(workbook.parent)
    first = _check(Path(workbook.name), output)
    [record] = _records(output)
    written = record.stat().st_mtime_ns

    monkeypatch.chdir(tmp_path.parent)
    again = _check(workbook, output)
    monkeypatch.chdir(workbook.parent)
    dotted = _check(Path(".") / ".." / workbook.parent.name / workbook.name, output)

    assert _found(again)[1] == _found(dotted)[1] == _found(first)[1]
    assert _records(output) == [record] and record.stat().st_mtime_ns == written  # not checked again
    assert (first.round.path, again.round.path) == (workbook.name, str(workbook))
    assert dotted.round.path == str(Path("..") / workbook.parent.name / workbook.name)


def test_a_library_installed_anew_or_in_another_version_makes_the_check_run_again(tmp_path, monkeypatch):
    """The remembered check is keyed by the libraries that read and check the workbook, as installed: a
    new version (its `.dist-info` folder) or the same one installed again (its files written anew)
    gives another key; a library not installed is keyed as such. Found without importlib.metadata."""
    import sys

    from pipeline.round.remembered import _installed

    site = tmp_path / "site"
    (site / "fakelib").mkdir(parents=True)
    (site / "fakelib" / "__init__.py").write_text("", "utf-8")
    (site / "fakelib-1.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])

    first = _installed(("fakelib", "no_such_library_here"))
    assert first[1] == ("no_such_library_here", "")
    assert first[0][2] == "fakelib-1.0.dist-info"
    (site / "fakelib-1.0.dist-info").rename(site / "fakelib-2.0.dist-info")
    assert _installed(("fakelib",))[0] != first[0]
    (site / "fakelib-2.0.dist-info").rename(site / "fakelib-1.0.dist-info")
    assert _installed(("fakelib",))[0] == first[0]
    stamp = os.stat(site / "fakelib" / "__init__.py").st_mtime_ns
    os.utime(site / "fakelib" / "__init__.py", ns=(stamp + 10**9, stamp + 10**9))
    assert _installed(("fakelib",))[0] != first[0]
