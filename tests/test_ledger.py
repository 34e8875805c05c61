"""The ledger: atomic writes, what is rewritten and what is kept, the record of runs, the output lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.locks import held_elsewhere

from pipeline.cli import cli
from pipeline.documents.invite import render_invitations
from pipeline.errors import OutputError
from pipeline.render.templates import TemplateSet
from pipeline.round.rules import check_workbook
from pipeline.store.files import atomic_write, atomic_write_bytes
from pipeline.store.ledger import (
    KEPT,
    UNCHANGED,
    UPDATED,
    WRITTEN,
    Ledger,
    beside_path,
    digest,
    output_lock,
    publish,
)


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*.tmp"))


# -- atomic writes -----------------------------------------------------------------------------------


def test_atomic_write_bytes_replaces_the_file_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "a" / "b" / "letter.docx"

    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second")

    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["letter.docx"]


def test_a_write_interrupted_halfway_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "letter.docx"
    target.write_bytes(b"old and complete")

    def write(temporary):
        temporary.write_bytes(b"half a docum")
        raise KeyboardInterrupt  # killed while writing

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, write)

    assert target.read_bytes() == b"old and complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.docx"]


def test_atomic_write_recreates_a_folder_removed_since_the_last_write(tmp_path):
    target = tmp_path / "round" / "letter.docx"
    atomic_write_bytes(target, b"one")
    target.unlink()
    target.parent.rmdir()

    atomic_write_bytes(target, b"two")

    assert target.read_bytes() == b"two"


@pytest.mark.parametrize("unnamed", [True, False], ids=["made-without-a-name", "temporary-file"])
@pytest.mark.parametrize("mode", [("private", 0o600), ("group", 0o660)])
def test_a_new_file_is_whole_under_its_name_with_its_mode_and_nothing_beside_it(
    tmp_path, monkeypatch, unnamed, mode
):
    """A new file is made without a name and linked in once whole (O_TMPFILE, where the system has it),
    or through a temporary file: either way it is there whole, with the file mode asked for, and its
    stat as written is the file's."""
    from pipeline.store import files

    monkeypatch.setattr(files, "_UNNAMED", [unnamed and files._UNNAMED[0]])
    files.apply_file_mode(mode[0])  # the conftest puts the umask back after the test
    target = tmp_path / "round" / "employees" / "brev.docx"

    written = atomic_write_bytes(target, b"a whole letter", new=True)

    assert target.read_bytes() == b"a whole letter"
    assert sorted(p.name for p in target.parent.iterdir()) == ["brev.docx"]
    assert target.stat().st_mode & 0o777 == mode[1]
    assert (written.st_size, written.st_mtime_ns) == (target.stat().st_size, target.stat().st_mtime_ns)


def test_a_file_said_to_be_new_that_is_there_after_all_is_replaced(tmp_path):
    target = tmp_path / "brev.docx"
    target.write_bytes(b"made meanwhile")

    atomic_write_bytes(target, b"ours", new=True)

    assert target.read_bytes() == b"ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brev.docx"]


def test_a_new_file_is_made_without_a_name_where_the_file_system_can(tmp_path, monkeypatch):
    """The fast way is taken where the system and file system allow it (Linux, a local disk), not
    silently the other."""
    from pipeline.store import files

    monkeypatch.setattr(files, "_UNNAMED", [hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")])
    try:
        os.close(os.open(tmp_path, os.O_TMPFILE | os.O_WRONLY, 0o600))
    except (AttributeError, OSError):
        pytest.skip(
            "this system or file system makes no unnamed files: the temporary file's way is tested above"
        )
    target = tmp_path / "brev.docx"

    written = files._write_unnamed(target, b"a whole letter")

    assert written is not None and target.read_bytes() == b"a whole letter"
    assert files._write_unnamed(target, b"again") is None  # one is there now: the caller replaces it
    assert target.read_bytes() == b"a whole letter"


# -- publish -----------------------------------------------------------------------------------------


class Renderer:
    """A render callback that counts its calls."""

    def __init__(self, data: bytes):
        self.data = data
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.data


def test_publish_writes_then_leaves_an_unchanged_file_alone(tmp_path):
    first = publish(tmp_path, "e/letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)
    assert first.status == WRITTEN
    assert (tmp_path / "e" / "letter.docx").read_bytes() == b"v1"
    mtime = (tmp_path / "e" / "letter.docx").stat().st_mtime_ns

    renderer = Renderer(b"v1")
    second = publish(tmp_path, "e/letter.docx", "invitation", "101", "in-1", renderer, first.entry)

    assert second.status == UNCHANGED
    assert renderer.calls == 0  # same inputs, file as written: not even rendered
    assert (tmp_path / "e" / "letter.docx").stat().st_mtime_ns == mtime


def test_publish_updates_when_the_inputs_change(tmp_path):
    first = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)

    second = publish(tmp_path, "letter.docx", "invitation", "101", "in-2", Renderer(b"v2"), first.entry)

    assert second.status == UPDATED
    assert (tmp_path / "letter.docx").read_bytes() == b"v2"
    assert second.entry.output_hash == digest(b"v2")
    assert second.entry.input_hash == "in-2"


def test_publish_new_inputs_same_bytes_is_unchanged(tmp_path):
    first = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)
    mtime = (tmp_path / "letter.docx").stat().st_mtime_ns

    second = publish(tmp_path, "letter.docx", "invitation", "101", "in-2", Renderer(b"v1"), first.entry)

    assert second.status == UNCHANGED
    assert second.entry.input_hash == "in-2"
    assert (tmp_path / "letter.docx").stat().st_mtime_ns == mtime


def test_publish_keeps_an_edited_file_and_writes_beside_it(tmp_path):
    first = publish(tmp_path, "e/letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)
    (tmp_path / "e" / "letter.docx").write_bytes(b"v1 with the manager's edits")

    second = publish(tmp_path, "e/letter.docx", "invitation", "101", "in-2", Renderer(b"v2"), first.entry)

    assert second.status == KEPT
    assert second.beside == "e/letter (new).docx"
    assert (tmp_path / "e" / "letter.docx").read_bytes() == b"v1 with the manager's edits"
    assert (tmp_path / "e" / "letter (new).docx").read_bytes() == b"v2"
    assert second.message == (
        "e/letter.docx was changed since it was generated; the new version is e/letter (new).docx"
    )
    assert second.entry == first.entry  # the record still describes what we wrote

    third = publish(tmp_path, "e/letter.docx", "invitation", "101", "in-2", Renderer(b"v2"), second.entry)
    assert third.status == KEPT
    assert (tmp_path / "e" / "letter.docx").read_bytes() == b"v1 with the manager's edits"


def test_publish_keeps_a_file_it_never_wrote(tmp_path):
    (tmp_path / "letter.docx").write_bytes(b"someone else's")

    outcome = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"ours"), None)

    assert outcome.status == KEPT
    assert (tmp_path / "letter.docx").read_bytes() == b"someone else's"
    assert (tmp_path / "letter (new).docx").read_bytes() == b"ours"


def test_publish_without_a_record_but_identical_bytes_is_unchanged(tmp_path):
    # A run killed before it saved its record: the files it wrote are ours, byte for byte.
    (tmp_path / "letter.docx").write_bytes(b"v1")

    outcome = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)

    assert outcome.status == UNCHANGED
    assert outcome.entry.output_hash == digest(b"v1")
    assert not (tmp_path / "letter (new).docx").exists()


def test_publish_after_a_touch_without_change_is_unchanged(tmp_path):
    first = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), None)
    os.utime(tmp_path / "letter.docx", ns=(1, 1))  # copied around, same bytes

    second = publish(tmp_path, "letter.docx", "invitation", "101", "in-1", Renderer(b"v1"), first.entry)

    assert second.status == UNCHANGED
    assert second.entry.mtime_ns == 1


def test_beside_path():
    from pathlib import Path

    assert beside_path(Path("a/invitasjon.docx")) == Path("a/invitasjon (new).docx")
    assert beside_path(Path("a/invitasjon.ics")) == Path("a/invitasjon (new).ics")


# -- the record --------------------------------------------------------------------------------------


def test_ledger_round_trip(tmp_path):
    ledger = Ledger(tmp_path)
    outcome = publish(
        tmp_path, "e/æøå 😀.docx", "invitation", "00123", "in", Renderer(b"x"), None, {"sequence": 2}
    )
    ledger.record([outcome])
    ledger.save()

    again = Ledger(tmp_path)

    assert again.entries == {"e/æøå 😀.docx": outcome.entry}
    assert leftovers(tmp_path) == []


def test_damaged_state_is_a_clear_error(tmp_path):
    (tmp_path / ".appraisal").mkdir()
    (tmp_path / ".appraisal" / "state.sqlite").write_bytes(b"not a database, half a copy of one" * 200)

    with pytest.raises(OutputError, match=r"state\.sqlite: the state of earlier runs is damaged"):
        Ledger(tmp_path / "round")


def test_runs_are_logged(tmp_path):
    ledger = Ledger(tmp_path)
    written = publish(tmp_path, "a.docx", "invitation", "1", "in", Renderer(b"x"), None)
    same = publish(tmp_path, "a.docx", "invitation", "1", "in", Renderer(b"x"), written.entry)

    ledger.log_run("invite", [written])
    ledger.log_run("invite", [same])

    runs = [json.loads(line) for line in (tmp_path / ".appraisal" / "runs.jsonl").read_text().splitlines()]
    assert [(r["command"], r["counts"], r["files"]) for r in runs] == [
        ("invite", {"written": 1}, [{"path": "a.docx", "status": "written"}]),
        ("invite", {"unchanged": 1}, []),
    ]


# -- the lock ----------------------------------------------------------------------------------------


def test_lock_refuses_a_second_holder_and_is_released_after(tmp_path):
    with held_elsewhere(tmp_path / "round") as holder:
        with pytest.raises(OutputError) as caught, output_lock(tmp_path / "round"):
            pass
        assert str(caught.value).startswith(
            f"{tmp_path / 'round'}: another appraisal run is writing here (pid {holder.pid}, "
        )

    with output_lock(tmp_path / "round"):  # free again
        pass


def test_the_lock_is_reentrant_within_one_process_and_released_by_the_outermost(tmp_path):
    """`run` holds its round for every step; each step's own hold inside it just goes on."""
    status = tmp_path / "round" / ".appraisal" / "run"
    with output_lock(tmp_path / "round"):
        with output_lock(tmp_path / "round"):
            pass
        assert status.read_text().startswith(f"pid {os.getpid()}, started")  # still held
        holder = subprocess.run(
            [sys.executable, "-c", f"from pathlib import Path\nfrom pipeline.store.ledger import output_lock\n"
             f"with output_lock(Path({str(tmp_path / 'round')!r})): pass"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert holder.returncode == 1 and "another appraisal run is writing here" in holder.stderr
    assert status.read_text().startswith("ended cleanly")

    with held_elsewhere(tmp_path / "round"):  # released: another process can take it
        pass


def test_invite_refuses_while_another_run_holds_the_folder(base_workbook, tmp_path):
    output = tmp_path / "out"
    root = output / "2027-H1"

    with held_elsewhere(root) as holder:
        result = CliRunner().invoke(cli, ["invite", "-w", str(base_workbook), "-o", str(output), "-j", "1"])

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {root}: another appraisal run is writing here (pid {holder.pid}, "
    )
    assert result.stderr.rstrip().endswith(
        "Wait for it to finish and run again, or give `appraisal --wait SECONDS ...` to wait for it."
    )
    assert "Traceback" not in result.output
    assert list(root.rglob("*.docx")) == []


def test_render_refuses_while_a_child_process_holds_the_folder(base_workbook, tmp_path):
    root = tmp_path / "out" / "2027-H1"
    round_, _ = check_workbook(base_workbook)
    with held_elsewhere(root) as holder:
        with pytest.raises(OutputError) as caught:
            render_invitations(round_, tmp_path / "out", TemplateSet(None, "nb"))

        assert str(caught.value).startswith(
            f"{root}: another appraisal run is writing here (pid {holder.pid}, "
        )
    assert list(root.rglob("*.docx")) == []

    result = render_invitations(
        round_, tmp_path / "out", TemplateSet(None, "nb")
    )  # released with the process
    assert result.count(WRITTEN) == 14


def test_taking_the_lock_clears_temporaries_a_killed_run_left(tmp_path):
    folder = tmp_path / "round" / "employees" / "101-Ola Hansen"
    folder.mkdir(parents=True)
    stale = [
        folder / ".invitasjon.docx.4242-0.tmp",  # from versions before mkstemp
        folder / ".invitasjon.docx.k3j_9x0q.tmp",
        folder / ".invitasjon.pdf.tmp",
    ]
    others = [folder / "invitasjon.docx", folder / "notater.tmp", folder / ".~lock.invitasjon.docx#"]
    for path in stale + others:
        path.write_bytes(b"x")

    with output_lock(tmp_path / "round"):
        pass

    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in others)


def test_a_killed_holder_leaves_the_folder_free_and_its_temporaries_are_cleared(tmp_path):
    root = tmp_path / "round"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, sys
                from pathlib import Path
                from pipeline.store.ledger import output_lock
                from pipeline.store.files import open_temporary_beside
                with output_lock(Path({str(root)!r})):
                    handle, temporary = open_temporary_beside(Path({str(root)!r}) / "a" / "brev.docx")
                    print(temporary, flush=True)
                    sys.stdin.readline()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    temporary = Path(holder.stdout.readline().strip())
    assert temporary.exists() and temporary.parent == root / "a"
    holder.kill()
    holder.wait(timeout=30)

    with output_lock(root):  # no second holder: the OS released the lock with the process
        assert not temporary.exists()
    assert (root / ".appraisal" / "run").read_text().startswith("ended cleanly")


def test_a_run_killed_while_openpyxl_writes_a_workbook_leaves_no_names_in_the_systems_temporary_folder(
    tmp_path,
):
    """openpyxl writes each sheet to a temporary file first (`openpyxl.*`, in the system's folder) and
    removes it when the workbook is saved, or at exit: a kill leaves it. While a run holds its output
    folder, these go to a private folder in it instead, which the next run holding the folder empties."""
    root, system = tmp_path / "round", tmp_path / "system-tmp"
    system.mkdir()
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import openpyxl
        from pipeline.store.ledger import output_lock
        with output_lock(Path({str(root)!r})):
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet("Oppfølging")
            for number in range(200):
                sheet.append([f"E{{number}}", "Kari Nordmann", "Vil bytte avdeling"])
            os.kill(os.getpid(), signal.SIGKILL)  # before the save: the sheet is in its temporary file
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "TMPDIR": str(system)}, capture_output=True
    )
    assert killed.returncode == -9, killed.stderr

    assert list(system.iterdir()) == []
    left = list((root / ".appraisal" / "tmp").iterdir())
    assert [p.name[:9] for p in left] == ["openpyxl."]
    assert b"Kari Nordmann" in left[0].read_bytes()
    with output_lock(root):  # the next run
        assert list((root / ".appraisal" / "tmp").iterdir()) == []
    assert not (root / ".appraisal" / "tmp").exists()
    assert not [p for p in root.rglob("*") if p.is_file() and b"Kari" in p.read_bytes()]


def test_temporary_files_go_to_the_outermost_held_folder_and_back_to_the_systems_after(tmp_path):
    import tempfile

    before = tempfile.gettempdir()
    with output_lock(tmp_path / "round"):
        assert Path(tempfile.gettempdir()) == tmp_path / "round" / ".appraisal" / "tmp"
        with output_lock(tmp_path):  # the personnel folder's hold, inside the round's
            assert Path(tempfile.gettempdir()) == tmp_path / "round" / ".appraisal" / "tmp"
            with tempfile.NamedTemporaryFile() as inside:
                assert Path(inside.name).parent == tmp_path / "round" / ".appraisal" / "tmp"
    assert tempfile.gettempdir() == before
    assert not (tmp_path / ".appraisal" / "tmp").exists()


def test_files_are_written_with_the_chosen_file_mode_not_a_temporary_files_private_one(tmp_path):
    from pipeline.store.files import apply_file_mode

    apply_file_mode("group")  # the conftest puts the umask back after the test
    atomic_write_bytes(tmp_path / "new" / "brev.docx", b"x")
    assert (tmp_path / "new" / "brev.docx").stat().st_mode & 0o777 == 0o660
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o770


def test_a_killed_runs_workers_end_with_it(tmp_path):
    """Kill the process running a parallel map: its worker processes end too, instead of running on."""
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from pipeline.store.batch import parallel_map\n"
        "folder = Path(sys.argv[1])\n"
        "def task(i):\n"
        "    (folder / str(os.getpid())).touch()\n"
        "    time.sleep(60)\n"
        "parallel_map(task, 4, 2, chunk=1, at_least=1)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], cwd=Path(__file__).resolve().parents[1]
    )
    deadline = time.monotonic() + 60
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(p.name) for p in tmp_path.iterdir()]
    assert len(workers) == 2
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30  # a bound to wait for, not a speed asserted
    while (
        any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers)
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)] == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
