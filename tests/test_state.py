"""The output folder's state database: an earlier version's JSON state is migrated with nothing lost,
writes from two processes at once are all kept, the journal suits the disk, and the register can be
exported."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.register import Register
from pipeline.store.ledger import Entry, Ledger
from pipeline.store.state import State, file_system_type

DATA = Path(__file__).resolve().parent / "data"
MADE_WITH_JSON = DATA / "output-made-with-json-state"  # by the version before the state database
ROOT = Path(__file__).resolve().parent.parent


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_an_output_folder_made_with_json_state_is_migrated_and_nothing_is_lost(tmp_path):
    output = tmp_path / "output"
    shutil.copytree(MADE_WITH_JSON, output)
    register = load(output / "2027-H1" / "register.json")
    ledger = load(output / "2027-H1" / ".appraisal" / "ledger.json")
    personnel = load(output / ".appraisal" / "ledger.json")
    follow_up = load(output / "2027-H1" / ".appraisal" / "follow-up-state.json")

    migrated = Register(output / "2027-H1")

    assert (
        migrated.export()["conversations"] == register["conversations"] and len(migrated.conversations) == 4
    )
    round_ledger = Ledger(output / "2027-H1")
    assert {path: e.record() for path, e in round_ledger.entries.items()} == {
        e["path"]: e for e in ledger["entries"]
    }
    assert round_ledger.steps == ledger["steps"]
    assert {p: e.record() for p, e in Ledger.personnel(output).entries.items()} == {
        e["path"]: e for e in personnel["entries"]
    }
    assert State(output).document("2027-H1", "follow-up-state") == follow_up
    # the JSON files are kept beside, renamed, and never read again
    assert (output / "2027-H1" / "register.json.migrated").is_file()
    assert not (output / "2027-H1" / "register.json").exists()
    assert not (output / ".appraisal" / "ledger.json").exists()
    assert Register(output / "2027-H1").export()["conversations"] == register["conversations"]


def test_a_migrated_folder_goes_on_with_the_round(tmp_path):
    output = tmp_path / "output"
    shutil.copytree(MADE_WITH_JSON, output)

    result = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"}).invoke(
        cli, ["status", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(output), "--json"]
    )

    assert result.exit_code == 0, result.output
    exported = CliRunner().invoke(
        cli, ["export-state", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(output)]
    )
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout) == {
        "version": 1,
        "round": "2027-H1",
        "conversations": load(MADE_WITH_JSON / "2027-H1" / "register.json")["conversations"],
    }


def test_two_processes_writing_at_once_keep_every_record(tmp_path):
    output = tmp_path / "output"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from pipeline.store.ledger import Entry, Ledger
        name = sys.argv[1]
        for n in range(40):
            ledger = Ledger(Path({str(output)!r}) / name)  # read, add one, save: as each run does
            ledger.entries[f"{{name}}-{{n}}.docx"] = Entry(f"{{name}}-{{n}}.docx", "invitation", str(n), "i", "o", 1, 1)
            ledger.save()
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, name], stderr=subprocess.PIPE, text=True)
        for name in ("2027-H1", "2027-H2")
    ]
    ended = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], [err for _, err in ended]

    for name in ("2027-H1", "2027-H2"):
        assert sorted(Ledger(output / name).entries) == sorted(f"{name}-{n}.docx" for n in range(40))


def test_a_run_killed_mid_write_leaves_the_last_whole_state(tmp_path):
    root = tmp_path / "output" / "2027-H1"
    ledger = Ledger(root)
    ledger.entries["a.docx"] = Entry("a.docx", "invitation", "1", "i", "o", 1, 1)
    ledger.save()
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from pipeline.store import state
        real = state.State._put_files
        def put_then_die(db, scope, files):
            real(db, scope, files)
            os.kill(os.getpid(), signal.SIGKILL)  # inside the transaction, before it commits
        state.State._put_files = staticmethod(put_then_die)
        from pipeline.store.ledger import Entry, Ledger
        ledger = Ledger(Path({str(root)!r}))
        ledger.entries["b.docx"] = Entry("b.docx", "invitation", "2", "i", "o", 1, 1)
        ledger.save()
        """
    )
    assert subprocess.run([sys.executable, "-c", script], timeout=120).returncode < 0

    assert sorted(Ledger(root).entries) == ["a.docx"]


def test_wal_on_a_local_disk_and_the_rollback_journal_when_asked(tmp_path, monkeypatch):
    State(tmp_path / "local")
    with sqlite3.connect(tmp_path / "local" / ".appraisal" / "state.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    monkeypatch.setenv("APPRAISAL_SQLITE_JOURNAL", "delete")
    State(tmp_path / "shared")
    with sqlite3.connect(tmp_path / "shared" / ".appraisal" / "state.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_network_file_systems_are_recognised_from_the_mount_table():
    mounts = "\n".join(
        (
            "/dev/sda1 / ext4 rw 0 0",
            "//fileserver/hr /mnt/hr cifs rw 0 0",
            "server:/export /srv/nfs nfs4 rw 0 0",
            "/dev/sdb1 /mnt/hr/local ext4 rw 0 0",
            "/dev/sdc1 /mnt/with\\040space xfs rw 0 0",
        )
    )
    assert file_system_type("/home/hr/output", mounts) == "ext4"
    assert file_system_type("/mnt/hr/2027/output", mounts) == "cifs"
    assert file_system_type("/srv/nfs/output", mounts) == "nfs4"
    assert file_system_type("/mnt/hr/local/output", mounts) == "ext4"  # the nearest mount point wins
    assert file_system_type("/mnt/hrx", mounts) == "ext4"
    assert file_system_type("/mnt/with space/x", mounts) == "xfs"


def test_export_state_of_a_round_that_is_not_there_says_so(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["export-state", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(tmp_path), "--round", "2031-H1"],
    )

    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"Error: {tmp_path / '2031-H1'}: no such round in {tmp_path} (run the round's steps first)."
    )


def test_each_step_records_what_happened_to_each_employee(tmp_path):
    output = tmp_path / "output"
    result = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"}).invoke(
        cli, ["run", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(output), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    register = Register(output / "2027-H1")

    events = register.events()

    scheduled = {p.name.split("-")[0] for p in (output / "2027-H1" / "employees").iterdir()}
    assert events["invited"] == events["prepared"] == scheduled and len(scheduled) == 28
    assert events["collected"] == set(register.conversations) == {"1005", "1009", "1012", "1018"}
    assert "approved" not in events
    # run again with nothing changed: the steps are skipped whole, and what happened is still known
    again = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"}).invoke(
        cli, ["run", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(output), "-j", "1"]
    )
    assert again.exit_code == 0 and "unchanged" in again.output
    assert Register(output / "2027-H1").events() == events


def test_a_migrated_folder_keeps_who_was_invited_prepared_and_collected(tmp_path):
    output = tmp_path / "output"
    shutil.copytree(MADE_WITH_JSON, output)
    ledger = load(output / "2027-H1" / ".appraisal" / "ledger.json")

    events = Register(output / "2027-H1").events()

    assert events["invited"] == {e["employee_id"] for e in ledger["entries"] if e["kind"] == "invitation"}
    assert events["prepared"] == {e["employee_id"] for e in ledger["entries"] if e["kind"] == "meeting_notes"}
    assert events["collected"] == set(load(MADE_WITH_JSON / "2027-H1" / "register.json")["conversations"])


def _stored_texts(output: Path, round_id: str = "2027-H1") -> dict[str, str]:
    return State(output).conversation_texts(round_id)


def test_a_register_makes_and_saves_only_the_records_it_is_asked_for(tmp_path):
    """A collect of a few forms into a large round makes and compares those employees' records, not every
    record of the round (issue 16); the others stay exactly as stored, and the order is the register's."""
    from pipeline.register import Conversation

    root = tmp_path / "output" / "2027-H1"
    root.mkdir(parents=True)
    register = Register(root)
    for number in (3, 1, 2):
        register.conversations[f"100{number}"] = Conversation(
            employee_id=f"100{number}",
            sha256=f"sha-{number}",
            content=f"c-{number}",
            answers={"summary": "ok"},
        )
    register.save()
    before = _stored_texts(tmp_path / "output")

    again = Register(root)
    conversations = again.conversations
    assert list(conversations) == ["1001", "1002", "1003"] and len(conversations) == 3
    assert "1002" in conversations and "1009" not in conversations and conversations.get("1009") is None
    # what identifies each collected form is read without making the records
    assert conversations.forms() == {f"100{n}": (f"sha-{n}", f"c-{n}") for n in (1, 2, 3)}
    assert conversations._made == {}
    conversations["1002"].answers["summary"] = "changed in place"  # a nested value, changed where it is
    conversations["1004"] = Conversation(employee_id="1004", sha256="sha-4")
    assert set(conversations._made) == {"1002", "1004"}
    again.save()

    after = _stored_texts(tmp_path / "output")
    assert after["1001"] == before["1001"] and after["1003"] == before["1003"]
    assert json.loads(after["1002"])["answers"] == {"summary": "changed in place"}
    assert json.loads(after["1004"])["sha256"] == "sha-4"
    third = Register(root)
    assert list(third.conversations) == ["1001", "1002", "1003", "1004"]
    assert third.conversations["1002"].answers == {"summary": "changed in place"}
    # saving again with nothing changed writes nothing
    third.conversations["1003"]  # noqa: B018 - looked up, not changed
    third.save()
    assert _stored_texts(tmp_path / "output") == after


def test_a_register_record_that_is_not_an_object_is_left_out_as_before(tmp_path):
    root = tmp_path / "output" / "2027-H1"
    root.mkdir(parents=True)
    state = State(tmp_path / "output")
    state.put_conversations("2027-H1", {"1001": {"employee_id": "1001", "sha256": "x"}})
    with sqlite3.connect(state.path) as db:
        db.execute("INSERT INTO conversations VALUES ('2027-H1', '1002', '[1, 2]')")
    register = Register(root)
    assert list(register.conversations) == ["1001"] and register.conversations.forms() == {"1001": ("x", "")}
    register.conversations.clear()
    assert len(register.conversations) == 0 and dict(register.conversations.items()) == {}


def test_the_forms_collected_are_read_by_sqlite_as_python_reads_them(tmp_path):
    """Issue 16: `Conversations.forms` decoded every stored record in Python to find two values (0.18 s
    of each collect at 10,000). SQLite's JSON functions read them now, with the same result; a record
    that is not JSON at all is left out instead of stopping the collect."""
    from pipeline.register import Conversations

    root = tmp_path / "output" / "2027-H1"
    root.mkdir(parents=True)
    state = State(tmp_path / "output")
    state.put_conversations(
        "2027-H1",
        {
            "1001": {
                "employee_id": "1001",
                "sha256": "a" * 64,
                "content": "c1",
                "answers": {"x": '{"sha256"}'},
            },
            "1002": {"employee_id": "1002", "sha256": "b" * 64},  # no content
            "1003": {"employee_id": "1003", "content": "c3"},  # no form: not listed
            "1004": {"employee_id": "1004", "sha256": "", "content": "c4"},
        },
    )
    expected = {"1001": ("a" * 64, "c1"), "1002": ("b" * 64, "")}
    assert state.conversation_forms("2027-H1") is not None  # this SQLite has JSON functions
    assert Register(root).conversations.forms() == expected
    assert Conversations(state.conversation_texts("2027-H1")).forms() == expected  # decoded in Python
    with sqlite3.connect(state.path) as db:
        db.execute("INSERT INTO conversations VALUES ('2027-H1', '1005', '{cut off')")
    assert Register(root).conversations.forms() == expected
