"""`appraisal run` as a whole (pipeline/run.py): what an unchanged re-run leaves alone."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from pipeline.cli import cli


def test_an_unchanged_rerun_does_not_write_the_validation_report_again(
    base_workbook, make_workbook, tmp_path
):
    """Issue 16: annotating a copy of a large workbook was most of an unchanged re-run. The report is
    written again only when the workbook, its problems or the code changed, or the file is not as
    written."""
    output = tmp_path / "output"
    report = output / "2027-H1" / "validation-report.xlsx"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})

    said = []

    def run(workbook):
        result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        said.append(next(line for line in result.output.splitlines() if line.startswith("Report")))
        return report.stat().st_mtime_ns

    first = run(base_workbook)
    assert run(base_workbook) == first  # nothing changed: left as it was
    assert said == [f"Report written to {report}", f"Report (unchanged): {report}"]

    changed = make_workbook(schedule={"102": {"start": __import__("datetime").time(14, 0)}})
    shutil.copyfile(changed, base_workbook)
    second = run(base_workbook)
    assert second != first  # the workbook changed

    report.unlink()
    assert run(base_workbook) and report.is_file()  # gone: written again


def _a_note_in_the_report_is_kept(report, run, note: str) -> None:
    """A person writes `note` in the validation report; the next `run()` keeps their copy in history/,
    says so, and makes the report anew."""
    import openpyxl

    book = openpyxl.load_workbook(report)
    book.worksheets[0]["H1"] = note
    book.save(report)

    said = run()

    [kept] = (report.parent / "history").glob("validation-report-*.xlsx")
    assert f"previous  {kept}" in said and f"Report written to {report}" in said
    assert openpyxl.load_workbook(kept).worksheets[0]["H1"].value == note
    assert openpyxl.load_workbook(report).worksheets[0]["H1"].value is None  # the report made anew


def test_a_validation_report_a_person_changed_is_kept_in_history_before_it_is_replaced(
    base_workbook, tmp_path
):
    """The report is the tool's, but people write in it (who fixes what). Replaced when it is not as
    written, it lost their notes; now they go to history/ first, as the follow-up workbook's do."""

    output = tmp_path / "output"
    report = output / "2027-H1" / "validation-report.xlsx"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})

    def run() -> str:
        result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "previous" not in run()
    _a_note_in_the_report_is_kept(report, run, "Kari fikser dette fredag")
    again = run()
    assert f"Report (unchanged): {report}" in again and "previous" not in again


def test_a_report_of_errors_a_person_wrote_in_is_kept_in_history_and_an_unchanged_one_is_left(
    make_workbook, tmp_path
):
    """With errors the report is all a run writes, and HR works from it: notes written in it (who
    fixes what) were lost at the next run, which wrote it anew every time. It is now recorded as the
    report of a round without errors is: left as it is when nothing changed, kept in history/ when a
    person changed it before it is replaced."""

    workbook = make_workbook(employees={"101": {"department": None}})
    output = tmp_path / "output"
    report = output / "2027-H1" / "validation-report.xlsx"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})

    def run() -> str:
        result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 1, result.output
        assert "Fix the errors above" in result.output
        return result.output

    assert f"Report written to {report}" in run()
    first = report.stat().st_mtime_ns
    assert f"Report (unchanged): {report}" in run()
    assert report.stat().st_mtime_ns == first

    _a_note_in_the_report_is_kept(report, run, "Kari fikser avdelingen fredag")
    documents = [p for p in (output / "2027-H1").rglob("*.docx")]
    assert documents == []  # still nothing but the report


def test_the_run_after_a_first_run_finds_the_follow_up_unchanged_without_reading_it(
    base_workbook, tmp_path, monkeypatch
):
    """Issue 16: the first run writes the managers' copies and the employees' plans after it has taken
    the stamps of what it reads; the quick check it remembers counts its own writes, so the next run
    with nothing changed does not read and merge the follow-up again. A manager's copy edited since
    (or any other input) still makes the next run read everything."""
    import pipeline.followup.rebuild as step  # the full run, after the quick check

    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    merges = []
    real_merge = step._merge_inputs

    def counting(*args, **kwargs):
        merges.append(1)
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(step, "_merge_inputs", counting)

    def run() -> int:
        merges.clear()
        result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return len(merges)

    assert run() == 1
    copies = sorted((output / "2027-H1" / "managers").glob("*/oppf*.xlsx"))
    plans = [p for p in (output / "2027-H1" / "employees").rglob("*.docx") if "mal" in p.name]
    assert copies and plans  # the run wrote both after it took the stamps of its inputs
    assert run() == 0  # nothing changed: not even the follow-up is read
    assert run() == 0

    import openpyxl

    book = openpyxl.load_workbook(copies[0])
    sheet = book.worksheets[1]
    sheet.cell(sheet.max_row, sheet.max_column).value = "endret av leder"
    book.save(copies[0])
    assert run() == 1  # a manager's edit is read (and merged)


def _counting_merges(monkeypatch) -> list:
    """A list that gets an item each time the follow-up is read and merged (the full status step)."""
    import pipeline.followup.rebuild as step

    merges: list = []
    real_merge = step._merge_inputs

    def counting(*args, **kwargs):
        merges.append(1)
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(step, "_merge_inputs", counting)
    return merges


def test_a_lasting_warning_is_said_again_without_reading_the_follow_up_each_run(
    base_workbook, tmp_path, monkeypatch
):
    """Issue 16: a run with a warning was never skipped, so a column HR added to the follow-up (said
    on every run) made every later run read and merge it whole: 1.5 s against 0.3 s at 3,000. A
    warning said again by the next run on the same inputs is lasting: the run after that skips the
    step and says it again. A change (the column's value edited) reads everything again."""
    import openpyxl

    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    merges = _counting_merges(monkeypatch)
    follow_up = output / "2027-H1" / "follow-up.xlsx"

    def run() -> tuple[int, list[str]]:
        merges.clear()
        result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return len(merges), [line for line in result.output.splitlines() if line.startswith("Warning:")]

    assert run() == (1, [])
    book = openpyxl.load_workbook(follow_up)
    sheet = book.worksheets[1]
    column = sheet.max_column + 1
    for row in range(1, sheet.max_row + 1):
        sheet.cell(row, column).value = "HR-merknad"
    book.save(follow_up)

    merged, said = run()
    [added] = [line for line in said if "you added" in line]
    assert merged == 1
    assert run() == (1, said)  # said again on the same inputs: now known to be lasting
    assert run() == (0, said)  # skipped, and said again
    assert run() == (0, said)

    from pipeline.store.state import State

    state = State(output)
    record = state.document("2027-H1", "status-inputs")
    state.put_document("2027-H1", "status-inputs", {**record, "said": [{"code": "no-such-code"}]})
    assert run() == (1, said)  # a record that cannot be read back: the step looks again, and says it

    book = openpyxl.load_workbook(follow_up)
    book.worksheets[1].cell(book.worksheets[1].max_row, column).value = "endret"
    book.save(follow_up)
    assert run()[0] == 1  # the file changed: read and merged again


def test_a_warning_said_once_never_lets_the_next_run_skip(base_workbook, tmp_path, monkeypatch):
    """A copy edited and still open in Excel (its lock file beside it) is said, and not merged; the next run looks again
    and says it again, and only then is the step skipped, still saying it. Once the lock is gone, the
    copy is merged, and the warning is not said any more."""
    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    merges = _counting_merges(monkeypatch)

    def run() -> tuple[int, list[str]]:
        merges.clear()
        result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return len(merges), [line for line in result.output.splitlines() if line.startswith("Warning:")]

    import openpyxl

    run()
    copy = sorted((output / "2027-H1" / "managers").glob("*/oppf*.xlsx"))[0]
    book = openpyxl.load_workbook(copy)
    book.worksheets[1].cell(book.worksheets[1].max_row, book.worksheets[1].max_column).value = "endret"
    book.save(copy)  # edited, and still open
    lock = copy.parent / f"~${copy.name}"
    lock.write_bytes(b"Kari")
    merged, said = run()
    assert merged == 1 and any("is open" in line for line in said)
    assert run() == (1, said)
    assert run() == (0, said)
    lock.unlink()
    assert run() == (1, [])
    assert run() == (0, [])


def test_a_run_stopped_before_the_plans_are_written_writes_them_the_next_time(
    base_workbook, tmp_path, monkeypatch
):
    """Found by the random kills: the follow-up step remembered its inputs before the employees' plans
    were written, so a run killed in between left the next run finding the step unchanged, and the
    plans never came. The inputs are remembered once the plans are written."""
    import pipeline.run as run_module

    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    real = run_module.write_plans

    def killed(*args, **kwargs):
        raise RuntimeError("killed before the plans were written")

    monkeypatch.setattr(run_module, "write_plans", killed)
    stopped = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
    assert stopped.exit_code != 0 and "Step 5" in stopped.output  # stopped in the follow-up step
    assert not [p for p in (output / "2027-H1" / "employees").rglob("*.docx") if "mal" in p.name]

    monkeypatch.setattr(run_module, "write_plans", real)
    finished = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])

    assert finished.exit_code == 0, finished.output
    assert [p for p in (output / "2027-H1" / "employees").rglob("*.docx") if "mal" in p.name]


def test_a_finished_stage_is_let_go_while_the_next_one_runs(base_workbook, tmp_path, monkeypatch):
    """Issue 16: at 100,000 employees the invitations' and forms' results (300,000 outcomes) were still
    held, through the command's loop, while the follow-up step ran: the run's peak was near its 2 GB.
    When the follow-up step starts, no earlier step's result is left."""
    import gc

    import pipeline.run as run_module
    from pipeline.store.batch import BatchResult

    real, alive = run_module.status_step, []

    def status_step(*args, **kwargs):
        gc.collect()
        alive.extend(o for o in gc.get_objects() if isinstance(o, BatchResult) and o.outcomes)
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "status_step", status_step)
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(tmp_path / "out"), "-j", "1"])

    assert result.exit_code == 0, result.output
    assert "Step 5" in result.output and alive == []


def test_the_same_round_run_from_another_folder_is_found_unchanged(base_workbook, tmp_path, monkeypatch):
    """Issue 16: a re-run found everything unchanged only when given the same path strings. The same
    workbook given by its absolute path from another folder was checked again, the same templates found
    at another path (`./templates` there, the built-in ones byte for byte) redid every document step,
    and the output folder given another way made the follow-up step read and merge everything again."""
    import pipeline.followup.rebuild as step
    import pipeline.round.remembered as remembered
    from pipeline.render.templates import bundled_templates

    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    calls = []
    for module, name in ((remembered, "_check"), (step, "_merge_inputs")):
        real = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k)
        )

    import pipeline.store.batch as batch

    real_run_jobs = batch.run_jobs
    monkeypatch.setattr(batch, "run_jobs", lambda *a, **k: calls.append("run_jobs") or real_run_jobs(*a, **k))

    def run(workbook: str, out: str) -> str:
        calls.clear()
        result = runner.invoke(cli, ["run", "-w", workbook, "-o", out, "-j", "1"])
        assert result.exit_code == 0, result.output
        return result.output

    def files() -> dict:
        return {
            p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file() and ".appraisal" not in p.parts
        }

    monkeypatch.chdir(base_workbook.parent)
    run(base_workbook.name, "output")
    before = files()
    assert {"_check", "run_jobs", "_merge_inputs"} <= set(calls) and before

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(bundled_templates(), elsewhere / "templates")  # the same bytes at another path
    monkeypatch.chdir(elsewhere)
    said = run(str(base_workbook), str(output))
    assert calls == []  # neither checked, nor any document planned, nor the follow-up merged again
    assert files() == before
    assert "written                   0" in said and "unchanged" in said

    monkeypatch.chdir(base_workbook.parent)
    run(f"./{base_workbook.name}", "./output/")
    assert calls == [] and files() == before


def test_a_meeting_moved_within_its_day_does_not_read_the_follow_up_again(
    base_workbook, tmp_path, monkeypatch
):
    """Issue 16: the follow-up, its managers' copies, the plans and the leadership summary show a
    meeting's day, not its hour, place or length. Such a change to the workbook, and the documents
    written again for it, made the status step read and merge the follow-up again to find nothing
    changed (2.5 s of a 7.5 s run at 10,000). Now only a change to what the step reads from the
    workbook does: a meeting moved to another day, or given to another interviewer."""
    import datetime as dt

    import openpyxl

    from pipeline.round.schema import SCHEDULE, sheet_name

    workbook = base_workbook  # this test's own, edited in place
    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    merges = _counting_merges(monkeypatch)
    follow_up = output / "2027-H1" / "follow-up.xlsx"

    def run(column: int | None = None, value: object = None) -> tuple[int, str]:
        if column is not None:
            book = openpyxl.load_workbook(workbook)
            book[sheet_name(SCHEDULE.kind, "nb")].cell(2, column).value = value
            book.save(workbook)
        merges.clear()
        result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return len(merges), result.output

    def shown_day(employee_id: str) -> object:
        sheet = openpyxl.load_workbook(follow_up).worksheets[1]
        [row] = [row for row in sheet.iter_rows(values_only=True) if row[0] == employee_id]
        return next(value for value in row if isinstance(value, dt.datetime))

    assert run()[0] == 1
    schedule = openpyxl.load_workbook(workbook)[sheet_name(SCHEDULE.kind, "nb")]
    employee_id, day, start = (schedule.cell(2, column).value for column in (1, 2, 3))
    before = follow_up.read_bytes()

    merged, said = run(3, dt.time(14, 0) if start.hour < 12 else dt.time(9, 0))  # within the day
    assert merged == 0 and follow_up.read_bytes() == before
    assert "updated" in said  # the employee's letter, calendar invitation and forms: written again
    import pipeline.followup.step as step

    looked: list = []
    monkeypatch.setattr(step, "step_content", lambda round_: looked.append(1) or 1 / 0)
    assert run()[0] == 0 and looked == []  # the workbook is known as it is now: not looked into again
    monkeypatch.undo()
    merges = _counting_merges(monkeypatch)
    assert run(5, "Møterom Fjord")[0] == 0  # another room: nothing the step reads

    assert run(2, day + dt.timedelta(days=1))[0] == 1  # another day: shown in the follow-up
    assert shown_day(employee_id).date() == (day + dt.timedelta(days=1)).date()
    assert run()[0] == 0
    assert run(6, "102")[0] == 1  # another interviewer: the meeting is in another manager's copy


def test_a_column_of_hr_s_own_edited_in_the_workbook_makes_no_step_plan_again(
    base_workbook, tmp_path, monkeypatch
):
    """Issue 16: HR keeps columns of their own in the workbook (who confirmed, a room booked) and edits
    them through the round, and Excel saves a workbook anew when it is only opened. Each such save
    changed the workbook's bytes, so every document step planned all its files again and the status
    step rebuilt the follow-up, to find it all as it was. The steps now go by what was read from the
    workbook: the check runs again (the bytes changed), nothing else does; a value the tool reads does."""
    import re

    import openpyxl

    import pipeline.store.batch as batch
    from pipeline.round.schema import SCHEDULE, sheet_name

    output = tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"})
    merges = _counting_merges(monkeypatch)
    planned: list = []  # each step that planned its files (an unchanged one plans none)
    real_run_jobs = batch.run_jobs
    monkeypatch.setattr(batch, "run_jobs", lambda *a, **k: planned.append(1) or real_run_jobs(*a, **k))

    def run(**cells: object) -> tuple[int, int, str]:
        if cells:
            book = openpyxl.load_workbook(base_workbook)
            sheet = book[sheet_name(SCHEDULE.kind, "nb")]
            for cell, value in cells.items():
                sheet[cell] = value
            book.save(base_workbook)
        merges.clear()
        planned.clear()
        result = runner.invoke(cli, ["run", "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return len(merges), len(planned), result.output

    assert run()[:2] == (1, 3)  # invitations, forms, plans
    assert run()[:2] == (0, 0)
    merged, steps, said = run(J1="Bekreftet", J2="ja", J3="nei")  # a column of HR's own, far to the right
    assert (merged, steps) == (0, 0) and "Checked" in said  # the check runs again: the bytes changed
    merged, steps, said = run(E2="Møterom Fjord")  # a room: read by the tool, shown in the invitation
    # the letter, its .ics and the interviewer's overview and calendar; that employee's forms
    assert (merged, steps) == (0, 2) and re.findall(r"updated\s+(\d+)", said) == ["4", "3"]


def test_a_workbook_sorted_in_calc_rewrites_nothing_made_from_it(tmp_path):
    """HR sorts the sheets of the round's workbook in LibreOffice Calc (people by last name, meetings by
    start time, goals by due date): what is made from it follows the IDs, not the rows' order, so the next
    run rewrites only the validation report (a copy of the workbook). Before, the goals' new order
    rewrote the forms of everyone with two goals, their plans, the follow-up (with a copy in history/)
    and every manager's copy."""
    import hashlib
    from pathlib import Path

    import openpyxl
    from support.helpers import edit_in_calc

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "input", tmp_path / "input")  # the sample, with its returned forms
    workbook, output = tmp_path / "input" / "round.xlsx", tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"})

    def run() -> str:
        result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
        return result.output

    def files() -> dict[str, tuple[int, str]]:
        return {
            p.relative_to(output).as_posix(): (
                p.stat().st_mtime_ns,
                hashlib.sha256(p.read_bytes()).hexdigest(),
            )
            for p in output.rglob("*")
            if p.is_file() and ".appraisal" not in p.parts
        }

    def first_column(sheet: str) -> list[object]:
        book = openpyxl.load_workbook(workbook, read_only=True)
        values = [row[0] for row in book[sheet].iter_rows(min_row=2, values_only=True) if row[0]]
        book.close()
        return values

    run()
    before = files()
    edit_in_calc(
        workbook,
        [
            {"sheet": "Ansatte", "do": "sort", "by": "Etternavn*"},
            {"sheet": "Samtaleplan", "do": "sort", "by": "Starttid*", "descending": True},
            {"sheet": "Mål", "do": "sort", "by": "Frist", "descending": True},
        ],
    )
    people, goals = first_column("Ansatte"), first_column("Mål")
    assert people != sorted(people) and goals != sorted(goals)  # the rows are in another order now

    said = run()

    after = files()
    assert sorted(after) == sorted(before)
    assert [name for name in before if after[name] != before[name]] == ["2027-H1/validation-report.xlsx"]
    assert "unchanged output/2027-H1/follow-up.xlsx" in said.replace(str(output), "output")
