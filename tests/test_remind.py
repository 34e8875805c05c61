"""`appraisal remind` (issue 13): what is due or overdue, for whom, with the round's deadlines; `--email`
queues one reminder per person, never of the same thing twice within reminder_interval_days."""

from __future__ import annotations

import datetime as dt
import email
import shutil
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.mail.remind import find_reminders
from pipeline.round.rules import check_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"  # its returned forms in input/notes/: four accepted on 2027-02-01


def remind(workbook: Path, output: Path, today: str, *args: str):
    runner = CliRunner(env={"APPRAISAL_TODAY": today})
    return runner.invoke(cli, ["remind", "-w", str(workbook), "-o", str(output), *args])


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("remind") / "output"
    result = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"}).invoke(
        cli, ["run", "-w", str(SAMPLE), "-o", str(output), "-j", "2"]
    )
    assert result.exit_code == 0, result.output
    return output


@pytest.fixture
def output(sample_run, tmp_path):
    copy = tmp_path / "output"
    shutil.copytree(sample_run, copy)
    return copy


def test_preparation_is_reminded_from_reminder_days_before_the_meeting(base_workbook, tmp_path):
    round_, _ = check_workbook(base_workbook)  # meetings on 18, 18, 19, 19 and 20 January; 3 days before
    found = find_reminders(round_, tmp_path / "out", dt.date(2027, 1, 16))
    assert [(r.to.id, r.what, r.due) for r in found if r.what == "preparation"] == sorted(
        [("101", "preparation", dt.date(2027, 1, 18)), ("100", "preparation", dt.date(2027, 1, 18)),
         ("103", "preparation", dt.date(2027, 1, 19)), ("102", "preparation", dt.date(2027, 1, 19))],
        key=lambda t: {"100": "Kari", "101": "Ola", "102": "Per", "103": "Anne"}[t[0]],
    )  # fmt: skip


def test_meeting_notes_past_their_deadline_go_to_the_interviewer(base_workbook, tmp_path):
    round_, _ = check_workbook(base_workbook)  # due 7 days after: 25, 25, 26, 26 and 27 January
    found = find_reminders(round_, tmp_path / "out", dt.date(2027, 1, 27))
    late = [
        (r.to.id, r.about.id, r.due, r.days_overdue(dt.date(2027, 1, 27)))
        for r in found
        if r.what == "minutes"
    ]
    assert sorted(late) == [
        ("100", "101", dt.date(2027, 1, 25), 2),  # Kari holds Ola's meeting
        ("101", "100", dt.date(2027, 1, 25), 2),
        ("101", "102", dt.date(2027, 1, 26), 1),
        ("101", "103", dt.date(2027, 1, 26), 1),
    ]  # Lise's (27 January) is due today: not late yet


def test_the_sample_a_month_on_approvals_and_goals_past_due(output):
    result = remind(SAMPLE, output, "2027-03-01")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    approvals = [line for line in lines if "approval of the minutes due" in line]
    assert len(approvals) == 4  # the four accepted forms: minutes made 1 February, approval due 15 February
    assert all(line.rstrip().endswith(" 2027-02-15        14") for line in approvals), approvals
    assert any("goal or action past due" in line for line in lines)
    assert not any("meeting-notes form due" in line and "Erlend" in line for line in lines)  # collected
    assert lines[-1].startswith("The ") is False and "things due or overdue, for " in lines[-1]


def test_email_queues_one_reminder_per_person_and_never_the_same_twice_within_the_interval(output):
    first = remind(SAMPLE, output, "2027-03-01", "--email")
    outbox = output / "2027-H1" / "outbox"
    made = sorted(outbox.rglob("* 2027-03-01.eml"))  # påminnelse, påminning or reminder, by language
    people = {
        line.split("  ")[0]
        for line in first.output.splitlines()
        if "  " in line and not line.startswith("to ")
    }

    assert first.exit_code == 0, first.output
    assert len(made) == len(people - {""}) and made
    erlend = next(p for p in made if "1009-" in str(p))
    message = email.message_from_bytes(erlend.read_bytes(), policy=policy.default)
    assert message["To"] == "Erlend Bråten <erlend.braten@fjordtre.no>"
    assert (
        "Godkjenningen av referatet skulle vært sendt tilbake innen 15. februar 2027 (14 dager over fristen)."
        in (message.get_body(("plain",)).get_content())
    )

    again = remind(SAMPLE, output, "2027-03-05", "--email")  # within the 7 days: only what is new since
    assert "reminded of within the last reminder_interval_days: left out." in again.output
    for path in outbox.rglob("* 2027-03-05.eml"):  # goals that fell due since, and nothing reminded of before
        body = (
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            .get_body(("plain",))
            .get_content()
        )
        assert "Godkjenningen av referatet" not in body and "Samtaleskjemaet for" not in body, body

    later = remind(SAMPLE, output, "2027-03-08", "--email")  # a week on: reminded again, in new files
    assert later.exit_code == 0 and len(list(outbox.rglob("* 2027-03-08.eml"))) == len(made), later.output


def test_the_follow_up_shows_when_each_conversation_was_last_reminded_of(output):
    import openpyxl

    assert remind(SAMPLE, output, "2027-03-01", "--email").exit_code == 0
    status = CliRunner(env={"APPRAISAL_TODAY": "2027-03-01"}).invoke(
        cli, ["status", "-w", str(SAMPLE), "-o", str(output)]
    )
    assert status.exit_code == 0, status.output

    sheet = openpyxl.load_workbook(output / "2027-H1" / "follow-up.xlsx")["Samtaler"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "Sist påminnet" in r)
    column = header.index("Sist påminnet")
    reminded = {r[0]: r[column] for r in rows[rows.index(header) + 1 :] if r[0]}
    assert reminded["1009"] == dt.datetime(2027, 3, 1)  # Erlend: his approval is late
    assert reminded["1001"] is None  # Ingrid: held no meeting of her own, nothing to remind of
