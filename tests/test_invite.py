"""Step 1 end to end: letters, .ics and overviews from real workbooks, opened and read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import icalendar
import pytest
from click.testing import CliRunner
from lxml import etree
from support.helpers import (
    W,
    core_elements,
    custom_properties,
    docx_text,
    paragraphs,
    part,
    part_names,
    tree_bytes,
    tree_mtimes,
)

from pipeline.cli import cli
from pipeline.documents import invite as invite_module
from pipeline.documents.contexts import plan_invitations
from pipeline.documents.invite import render_invitations
from pipeline.render.templates import TemplateSet, bundled_templates
from pipeline.round.rules import check_workbook
from pipeline.store import batch, pdf
from pipeline.store.folder import RoundOutput

SAMPLE = Path(__file__).resolve().parent.parent / "input" / "round.xlsx"
OSLO = ZoneInfo("Europe/Oslo")

# Independent of the code under test: how Norwegian and English write a day.
WEEKDAYS = {
    "nb": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "nn": ["måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "søndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS_NO = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def written_like_the_reader(day: dt.date, start: dt.time, lang: str) -> str:
    """`mandag 18. januar 2027 kl. 09.00` / `Monday 18 January 2027 at 09:00`."""
    weekday = WEEKDAYS[lang][day.weekday()]
    if lang == "en":
        return f"{weekday} {day.day} {MONTHS_EN[day.month - 1]} {day.year} at {start:%H:%M}"
    return f"{weekday} {day.day}. {MONTHS_NO[day.month - 1]} {day.year} kl. {start:%H.%M}"


def invite(workbook: Path, output: Path, templates: Path | None = None, **options):
    round_, report = check_workbook(workbook)
    assert report.errors == []
    return render_invitations(round_, output, TemplateSet(templates, round_.settings.language), **options)


def statuses(result) -> dict[str, str]:
    return {o.path: o.status for o in result.outcomes}


def read_ics(path: Path) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    return event


def no_newline_inside_text(path: Path) -> bool:
    """Line breaks must be Word's `w:br`, never a raw newline inside `w:t`."""
    root = etree.fromstring(part(path, "word/document.xml"))
    return all("\n" not in (t.text or "") for t in root.iter(f"{{{W}}}t"))


@pytest.fixture
def runner():
    return CliRunner()


# -- what the documents say ----------------------------------------------------------------------------


def test_norwegian_letter_says_when_where_and_with_whom(base_workbook, tmp_path):
    invite(base_workbook, tmp_path / "out")

    letter = tmp_path / "out" / "2027-H1" / "employees" / "101-Ola Hansen" / "invitasjon.docx"
    lines = paragraphs(letter)
    assert "Hei Ola," in lines
    assert "mandag 18. januar 2027 kl. 10.00" in lines
    assert "60 minutter" in lines
    assert "Møterom 1" in lines
    assert "Kari Nordmann, Daglig leder" in lines
    assert "Merknad: Ta med målene fra i fjor" in lines
    assert "Ola Hansen" in docx_text(letter)
    assert "Hanne Hr" in docx_text(letter)


def test_english_employee_gets_an_english_letter(base_workbook, tmp_path):
    invite(base_workbook, tmp_path / "out")

    folder = tmp_path / "out" / "2027-H1" / "employees" / "103-Anne Lie"
    assert sorted(p.name for p in folder.iterdir()) == ["invitation.docx", "invitation.ics"]
    lines = paragraphs(folder / "invitation.docx")
    assert "Dear Anne," in lines
    assert "Tuesday 19 January 2027 at 10:30" in lines
    assert "45 minutes" in lines
    assert "Teams" in lines
    assert "Ola Hansen, Produksjonsleder" in lines
    assert " kl. " not in docx_text(folder / "invitation.docx")
    event = read_ics(folder / "invitation.ics")
    assert str(event["SUMMARY"]) == "Appraisal conversation with Ola Hansen"


def test_every_letter_and_calendar_of_the_sample_round(tmp_path):
    round_, report = check_workbook(SAMPLE)
    assert report.errors == []
    people = {e.id: e for e in round_.employees}
    render_invitations(round_, tmp_path / "out", TemplateSet(None, "nb"))
    root = tmp_path / "out" / "2027-H1"

    scheduled = [m for m in round_.meetings if people[m.employee_id].active]
    assert len(scheduled) == 28
    assert sorted(p.name.split("-")[0] for p in (root / "employees").iterdir()) == sorted(
        m.employee_id for m in scheduled
    )
    for meeting in scheduled:
        employee = people[meeting.employee_id]
        interviewer = people[meeting.interviewer_id or employee.manager_id]
        lang = employee.language or "nb"
        stem = "invitation" if lang == "en" else "invitasjon"
        folder = root / "employees" / f"{employee.id}-{employee.name}"
        assert sorted(p.name for p in folder.iterdir()) == [f"{stem}.docx", f"{stem}.ics"]

        lines = paragraphs(folder / f"{stem}.docx")
        text = docx_text(folder / f"{stem}.docx")
        assert employee.name in text
        assert written_like_the_reader(meeting.date, meeting.start, lang) in lines
        assert (meeting.location or "Møterom Fjorden") in lines
        assert any(line.startswith(f"{interviewer.name}, ") for line in lines)
        if meeting.note:
            assert ("Note: " if lang == "en" else "Merknad: ") + meeting.note in lines
        else:
            assert "Merknad" not in text and "Note:" not in text

        event = read_ics(folder / f"{stem}.ics")
        start = dt.datetime.combine(meeting.date, meeting.start, tzinfo=OSLO)
        assert event.decoded("DTSTART") == start
        assert event.decoded("DTEND") == start + dt.timedelta(minutes=meeting.duration_minutes)
        assert str(event["UID"]) == f"2027-H1.{employee.id}@appraisal"
        assert event["SEQUENCE"] == 0
        assert str(event["ATTENDEE"]) == f"mailto:{employee.email}"
        assert event["ATTENDEE"].params["CN"] == employee.name
        assert str(event["ORGANIZER"]) == f"mailto:{interviewer.email}"
        assert str(event["LOCATION"]) == (meeting.location or "Møterom Fjorden")


def table_rows(path: Path) -> list[list[str]]:
    """The first table of a document, as the text of each cell (python-docx)."""
    table = docx.Document(str(path)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_each_overview_lists_exactly_the_interviewers_own_meetings_in_time_order(tmp_path):
    round_, _ = check_workbook(SAMPLE)
    people = {e.id: e for e in round_.employees}
    render_invitations(round_, tmp_path / "out", TemplateSet(None, "nb"))
    root = tmp_path / "out" / "2027-H1"

    expected: dict[str, list] = {}
    for meeting in round_.meetings:
        employee = people[meeting.employee_id]
        if employee.active:
            expected.setdefault(meeting.interviewer_id or employee.manager_id, []).append(meeting)
    names = {e.name for e in round_.employees}

    folders = sorted((root / "managers").iterdir())
    assert [p.name for p in folders] == [f"{i}-{people[i].name}" for i in sorted(expected)]
    for folder in folders:
        interviewer_id = folder.name.split("-")[0]
        [overview] = list(folder.glob("*.docx"))  # beside it: the calendar of the same meetings
        assert overview.name == "samtaleoversikt.docx"  # every interviewer in the sample writes Norwegian
        own = sorted(expected[interviewer_id], key=lambda m: (m.date, m.start))
        listed = [line for line in paragraphs(overview) if line in names]
        assert listed == [people[m.employee_id].name for m in own]
        assert custom_properties(overview)["AppraisalEmployeeID"] == interviewer_id
        # each meeting's row gives the day its meeting-notes form is due (minutes_due_days after it)
        rows = table_rows(overview)
        headers = {  # in the interviewer's language
            "nb": ["Dato", "Tid", "Medarbeider", "Stilling og avdeling", "Sted", "Skjema innen", "Merknad"],
            "nn": ["Dato", "Tid", "Medarbeidar", "Stilling og avdeling", "Stad", "Skjema innan", "Merknad"],
        }
        assert rows[0][:7] == headers[people[interviewer_id].language or "nb"]
        due = round_.settings.minutes_due_days
        assert [r[5] for r in rows[1:]] == [
            (m.date + dt.timedelta(days=due)).strftime("%d.%m.%Y") for m in own
        ]


def test_inactive_employees_get_nothing(make_workbook, tmp_path):
    path = make_workbook(employees={"104": {"status": "on_leave"}})

    result = invite(path, tmp_path / "out")

    assert not any("104-" in o.path for o in result.outcomes)
    kari = tmp_path / "out" / "2027-H1" / "managers" / "100-Kari Nordmann" / "samtaleoversikt.docx"
    assert "Lise Dahl" not in docx_text(kari)
    assert "Ola Hansen" in paragraphs(kari)


# -- literal text ------------------------------------------------------------------------------------

FIRST = "Per & <Co> \"Q\" 'x' {{ employee.id }} 😀"
LAST = "Ærø {% if true %}Å{% endif %}\nBerg"
NOTE = "Ta med: skjema & <b>notater</b> {{ meeting.date }} {%p if x %} \"sitat\" 'a'\nLinje 2: ÆØÅ æøå 😀 ]]>"
ROOM = "Rom <A&B> {# C #}"


def test_a_row_full_of_special_characters_comes_out_as_typed(make_workbook, tmp_path):
    path = make_workbook(
        employees={"102": {"first_name": FIRST, "last_name": LAST}},
        schedule={"102": {"note": NOTE, "location": ROOM}},
    )

    result = invite(path, tmp_path / "out")

    assert {o.status for o in result.outcomes} == {"written"}
    root = tmp_path / "out" / "2027-H1"
    [folder] = [p for p in (root / "employees").iterdir() if p.name.startswith("102-")]
    letter = folder / "invitasjon.docx"
    text = docx_text(letter)
    assert f"{FIRST} {LAST}" in text
    assert f"Hei {FIRST}," in text
    assert f"Merknad: {NOTE}" in text
    assert ROOM in paragraphs(letter)
    assert no_newline_inside_text(letter)
    assert core_elements(letter)["title"] == f"Invitasjon – {FIRST} {LAST}"
    docx.Document(letter)  # still a valid document

    overview = root / "managers" / "101-Ola Hansen" / "samtaleoversikt.docx"
    overview_text = docx_text(overview)
    assert f"{FIRST} {LAST}" in overview_text
    assert NOTE in overview_text
    assert ROOM in overview_text
    assert no_newline_inside_text(overview)

    event = read_ics(folder / "invitasjon.ics")
    assert event["ATTENDEE"].params["CN"] == f"{FIRST} {LAST}"
    assert f"Merknad: {NOTE}" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == ROOM


# -- what the documents carry ------------------------------------------------------------------------


def test_documents_carry_the_round_employee_kind_and_template_version(base_workbook, tmp_path):
    invite(base_workbook, tmp_path / "out")
    root = tmp_path / "out" / "2027-H1"

    def version(lang, kind):
        return hashlib.sha256((bundled_templates() / lang / f"{kind}.docx").read_bytes()).hexdigest()[:12]

    cases = [
        (
            root / "employees" / "102-Per Berg" / "invitasjon.docx",
            "102",
            "invitation",
            version("nb", "invitation"),
        ),
        (
            root / "employees" / "103-Anne Lie" / "invitation.docx",
            "103",
            "invitation",
            version("en", "invitation"),
        ),
        (
            root / "managers" / "101-Ola Hansen" / "samtaleoversikt.docx",
            "101",
            "overview",
            version("nb", "overview"),
        ),
    ]
    for path, employee_id, kind, template_version in cases:
        assert custom_properties(path) == {
            "AppraisalRound": "2027-H1",
            "AppraisalEmployeeID": employee_id,
            "AppraisalKind": kind,
            "AppraisalTemplateVersion": template_version,
        }
        core = core_elements(path)
        assert set(core) == {"title"}
        assert not [n for n in part_names(path) if "comment" in n.lower()]


def test_no_author_or_comment_of_an_edited_template_reaches_the_documents(base_workbook, tmp_path):
    template = tmp_path / "templates" / "nb" / "invitation.docx"
    template.parent.mkdir(parents=True)
    document = docx.Document(bundled_templates() / "nb" / "invitation.docx")
    paragraph = next(p for p in document.paragraphs if p.runs and p.text.strip())
    document.add_comment(paragraph.runs, text="HR-intern: sjekk ordlyden", author="Hemmelig Forfatter")
    document.core_properties.author = "Hemmelig Forfatter"
    document.core_properties.last_modified_by = "Skjult Redaktør"
    document.core_properties.revision = 42
    document.save(template)
    assert "word/comments.xml" in part_names(template)

    invite(base_workbook, tmp_path / "out", templates=tmp_path / "templates")

    letter = tmp_path / "out" / "2027-H1" / "employees" / "102-Per Berg" / "invitasjon.docx"
    names = part_names(letter)
    assert not [n for n in names if "comment" in n.lower() or n == "word/people.xml"]
    assert set(core_elements(letter)) == {"title"}
    for name in names:
        data = part(letter, name)
        assert b"Hemmelig" not in data and b"HR-intern" not in data and b"Skjult" not in data, name
    assert b"commentReference" not in part(letter, "word/document.xml")
    assert "tirsdag 19. januar 2027 kl. 09.00" in paragraphs(letter)
    reopened = docx.Document(letter)
    assert (reopened.core_properties.author, reopened.core_properties.revision) == ("", 0)
    assert list(reopened.comments) == []
    assert (
        custom_properties(letter)["AppraisalTemplateVersion"]
        == hashlib.sha256(template.read_bytes()).hexdigest()[:12]
    )


# -- re-runs -----------------------------------------------------------------------------------------


def test_uid_is_stable_between_runs_and_folders(base_workbook, tmp_path):
    invite(base_workbook, tmp_path / "a")
    invite(base_workbook, tmp_path / "b")

    for folder in ("a", "b"):
        ics = tmp_path / folder / "2027-H1" / "employees" / "102-Per Berg" / "invitasjon.ics"
        assert str(read_ics(ics)["UID"]) == "2027-H1.102@appraisal"


def test_rerun_rewrites_nothing(base_workbook, tmp_path):
    first = invite(base_workbook, tmp_path / "out")
    root = tmp_path / "out" / "2027-H1"
    before = tree_bytes(root)
    mtimes = tree_mtimes(root)

    again = invite(base_workbook, tmp_path / "out")

    # 5 letters, 5 invitations, 2 overviews and 2 interviewers' calendars
    assert first.counts == {"written": 14, "updated": 0, "unchanged": 0, "kept": 0, "failed": 0}
    assert again.counts == {"written": 0, "updated": 0, "unchanged": 14, "kept": 0, "failed": 0}
    assert tree_mtimes(root) == mtimes
    assert tree_bytes(root) == before


@pytest.mark.parametrize("in_folder", [True, False], ids=["from-the-folder", "joined-paths-as-on-windows"])
def test_an_unchanged_step_reads_no_ledger_and_anything_changed_makes_it_run(
    base_workbook, tmp_path, monkeypatch, in_folder
):
    """Issue 16: a step whose inputs and files are as the last run left them is found so from its own
    record and the files' stamps, without making the ledger (half of an unchanged run at 10,000). A
    file a person edited, kept as they left it, is kept again without planning the step (it made every
    re-run plan the whole step). A file edited or removed since, or a record that is not what a run
    writes, makes the step run."""
    import json
    import sqlite3

    from pipeline.store import ledger as ledger_module

    monkeypatch.setattr(ledger_module, "STAT_IN_FOLDER", [in_folder and ledger_module.STAT_IN_FOLDER[0]])
    output = tmp_path / "out"
    root = output / "2027-H1"
    first = invite(base_workbook, output)
    made = []
    real_init = ledger_module.Ledger.__init__
    monkeypatch.setattr(
        ledger_module.Ledger, "__init__", lambda *a, **k: made.append(1) or real_init(*a, **k)
    )

    again = invite(base_workbook, output)
    assert again.unchanged and made == []
    assert again.counts["unchanged"] == 14
    # each file as the step made it: what it is and whose (what the events recorded after a step use)
    assert [(o.path, o.kind, o.employee_id) for o in again.outcomes] == [
        (o.path, o.kind, o.employee_id) for o in first.outcomes
    ]

    letter = root / "employees" / "102-Per Berg" / "invitasjon.docx"
    letter.write_bytes(letter.read_bytes() + b"edited")
    edited = invite(base_workbook, output)
    assert not edited.unchanged and made and statuses(edited)[letter.relative_to(root).as_posix()] == "kept"
    made.clear()
    still = invite(base_workbook, output)  # the letter as its editor left it: kept again, nothing planned
    assert still.unchanged and made == [] and still.counts["kept"] == 1 and still.counts["unchanged"] == 13
    said = [(o.path, o.beside, o.message) for o in edited.outcomes if o.status == "kept"]
    assert [(o.path, o.beside, o.message) for o in still.outcomes if o.status == "kept"] == said
    letter.write_bytes(letter.read_bytes() + b"again")
    assert not invite(base_workbook, output).unchanged  # edited again: looked at again

    letter.unlink()
    made.clear()
    gone = invite(base_workbook, output)
    assert not gone.unchanged and made and letter.is_file()

    assert invite(base_workbook, output).unchanged
    with sqlite3.connect(output / ".appraisal" / "state.sqlite") as db:
        db.execute(
            "UPDATE steps SET value = ? WHERE step = 'invite'", (json.dumps({"fingerprint": 7, "paths": 3}),)
        )
    made.clear()
    damaged = invite(base_workbook, output)
    assert not damaged.unchanged and made and damaged.counts["unchanged"] == 14


@pytest.mark.parametrize("workers", [1, 2])
def test_a_moved_meeting_updates_exactly_its_documents(make_workbook, tmp_path, monkeypatch, workers):
    # with 2 workers, the calendar facts are worked out in them, as in a large round
    monkeypatch.setattr(invite_module, "FACTS_IN_WORKERS", 1)
    root = tmp_path / "out" / "2027-H1"
    invite(make_workbook("before.xlsx"), tmp_path / "out", workers=workers)
    per = root / "employees" / "102-Per Berg"
    before = tree_bytes(root)
    first_event = read_ics(per / "invitasjon.ics")

    moved = invite(
        make_workbook("after.xlsx", schedule={"102": {"start": dt.time(11, 15)}}),
        tmp_path / "out",
        workers=workers,
    )

    changed = {path: status for path, status in statuses(moved).items() if status != "unchanged"}
    assert changed == {
        "employees/102-Per Berg/invitasjon.docx": "updated",
        "employees/102-Per Berg/invitasjon.ics": "updated",
        "managers/101-Ola Hansen/samtaleoversikt.docx": "updated",
        "managers/101-Ola Hansen/samtalekalender.ics": "updated",
    }
    after = tree_bytes(root)
    assert {p for p in after if after[p] != before.get(p)} == set(changed)
    event = read_ics(per / "invitasjon.ics")
    assert first_event["SEQUENCE"] == 0
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == str(first_event["UID"]) == "2027-H1.102@appraisal"
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 19, 11, 15, tzinfo=OSLO)
    assert "tirsdag 19. januar 2027 kl. 11.15" in paragraphs(per / "invitasjon.docx")
    assert "11.15–12.15" in paragraphs(root / "managers" / "101-Ola Hansen" / "samtaleoversikt.docx")

    settled = invite(tmp_path / "after.xlsx", tmp_path / "out", workers=workers)
    assert set(statuses(settled).values()) == {"unchanged"}
    assert read_ics(per / "invitasjon.ics")["SEQUENCE"] == 1


def test_a_large_rounds_calendar_facts_are_worked_out_by_the_workers_as_alone(
    base_workbook, tmp_path, monkeypatch
):
    """From FACTS_IN_WORKERS invitations on, each .ics's facts (SEQUENCE and DTSTAMP from the ledger,
    the event, the interviewer's summary) are worked out in the worker processes (issue 16): the same
    facts, in the same order, as the parent alone works out."""
    round_, _ = check_workbook(base_workbook)
    invite(base_workbook, tmp_path / "out")
    ledger = RoundOutput.for_round(round_, tmp_path / "out").ledger()
    invitations = plan_invitations(round_)
    later = dt.datetime(2027, 1, 5, 8, 0, tzinfo=dt.UTC)
    alone = invite_module.calendar_facts(round_, ledger, invitations, later)
    original = invite_module._calendar_facts
    monkeypatch.setattr(invite_module, "FACTS_IN_WORKERS", 1)
    monkeypatch.setattr(invite_module, "_calendar_facts", lambda *a: {**original(*a), "pid": os.getpid()})

    shared = invite_module.calendar_facts(round_, ledger, invitations, later, workers=2)

    assert os.getpid() not in {facts.pop("pid") for facts in shared}
    assert shared == alone
    assert len(alone) == len(invitations) > 1
    assert {facts["sequence"] for facts in alone} == {0}  # from the ledger: the first run's


def test_a_changed_note_rewrites_the_letter_but_does_not_move_the_meeting(make_workbook, tmp_path):
    invite(make_workbook("before.xlsx"), tmp_path / "out")

    changed = invite(
        make_workbook("after.xlsx", schedule={"102": {"note": "Ta med kaffe"}}), tmp_path / "out"
    )

    assert {p for p, s in statuses(changed).items() if s != "unchanged"} == {
        "employees/102-Per Berg/invitasjon.docx",
        "employees/102-Per Berg/invitasjon.ics",
        "managers/101-Ola Hansen/samtaleoversikt.docx",
    }
    event = read_ics(tmp_path / "out" / "2027-H1" / "employees" / "102-Per Berg" / "invitasjon.ics")
    assert event["SEQUENCE"] == 0
    assert "Merknad: Ta med kaffe" in str(event["DESCRIPTION"])


def test_an_edited_letter_is_kept_and_the_new_version_written_beside_it(runner, base_workbook, tmp_path):
    output = tmp_path / "out"
    args = ["invite", "-w", str(base_workbook), "-o", str(output), "-j", "1"]
    assert runner.invoke(cli, args).exit_code == 0
    root = output / "2027-H1"
    letter = root / "employees" / "102-Per Berg" / "invitasjon.docx"
    generated = letter.read_bytes()
    document = docx.Document(letter)
    document.add_paragraph("Tillegg fra lederen: vi møtes i kantina.")
    document.save(letter)
    edited = letter.read_bytes()

    result = runner.invoke(cli, args)

    assert result.exit_code == 0, result.output
    assert letter.read_bytes() == edited
    beside = letter.with_name("invitasjon (new).docx")
    assert beside.read_bytes() == generated
    assert result.output.splitlines() == [
        f"kept     {letter} (changed by someone; new version: employees/102-Per Berg/invitasjon (new).docx)",
        "",
        "  written                   0",
        "  updated                   0",
        "  unchanged                13",
        "  kept because edited       1",
        "  failed                    0",
        f"Output: {root}",
    ]
    assert "Tillegg fra lederen: vi møtes i kantina." in paragraphs(letter)


# -- interruptions -----------------------------------------------------------------------------------


def test_a_run_interrupted_halfway_leaves_whole_files_and_the_next_run_completes(
    base_workbook, tmp_path, monkeypatch
):
    real_replace, real_link = os.replace, os.link
    calls = {"n": 0}

    def then_interrupt(real):
        """A file's last step, naming it (a new file, `store.files`) or moving it into place."""

        def step(source, target, **options):
            calls["n"] += ".appraisal" not in Path(target).parts  # documents only, not the run's own state
            if calls["n"] == 6:
                raise KeyboardInterrupt  # Ctrl-C between writing a file and giving it its place
            real(source, target, **options)

        return step

    monkeypatch.setattr(os, "replace", then_interrupt(real_replace))
    monkeypatch.setattr(os, "link", then_interrupt(real_link))
    with pytest.raises(KeyboardInterrupt):
        invite(base_workbook, tmp_path / "out")
    monkeypatch.setattr(os, "replace", real_replace)
    monkeypatch.setattr(os, "link", real_link)

    root = tmp_path / "out" / "2027-H1"
    assert [p for p in root.rglob("*") if p.name.endswith(".tmp")] == []
    done = sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".appraisal" not in p.parts
    )
    assert len(done) == 5
    for path in done:
        if path.endswith(".docx"):
            docx.Document(root / path)
        else:
            read_ics(root / path)

    result = invite(base_workbook, tmp_path / "out")

    assert {p: s for p, s in statuses(result).items() if s == "unchanged"} == dict.fromkeys(done, "unchanged")
    assert result.counts == {"written": 9, "updated": 0, "unchanged": 5, "kept": 0, "failed": 0}


def test_a_lost_record_makes_identical_files_unchanged_not_kept(base_workbook, tmp_path):
    invite(base_workbook, tmp_path / "out")
    root = tmp_path / "out" / "2027-H1"
    for ics in root.rglob(
        "*.ics"
    ):  # written by a run that was killed a while ago, before it saved its record
        data = re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:20261101T080000Z", ics.read_bytes())
        ics.write_bytes(data)
    mtimes = tree_mtimes(root)
    shutil.rmtree(root / ".appraisal")
    shutil.rmtree(tmp_path / "out" / ".appraisal")  # the state database, with the ledger

    result = invite(base_workbook, tmp_path / "out")

    assert result.counts == {"written": 0, "updated": 0, "unchanged": 14, "kept": 0, "failed": 0}
    assert tree_mtimes(root) == mtimes
    assert not list(root.rglob("* (new).*"))
    assert read_ics(root / "employees" / "102-Per Berg" / "invitasjon.ics").decoded("DTSTAMP") == dt.datetime(
        2026, 11, 1, 8, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("unnamed", [True, False], ids=["new-files-made-without-a-name", "temporary-files"])
def test_a_process_killed_while_writing_leaves_no_half_document(base_workbook, tmp_path, unnamed):
    """Killed when a document is whole but not yet in its place: a new file made without a name is
    simply gone (the kernel frees it); a temporary file is left, and the next run clears it away."""
    output = tmp_path / "out"
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from pipeline.documents.invite import render_invitations
        from pipeline.render.templates import TemplateSet
        from pipeline.round.rules import check_workbook
        from pipeline.store import files
        files._UNNAMED[0] = files._UNNAMED[0] and {unnamed!r}

        calls = 0
        def killed_before(real):  # a file's last step: naming a new one, or moving one into place
            def step(source, target, **options):
                global calls
                calls += ".appraisal" not in Path(target).parts  # documents only, not the run's own state
                if calls == 4:  # the file is complete, it has not got its name or place
                    os.kill(os.getpid(), signal.SIGKILL)
                real(source, target, **options)
            return step
        os.replace, os.link = killed_before(os.replace), killed_before(os.link)
        round_, _ = check_workbook({str(base_workbook)!r})
        render_invitations(round_, Path({str(output)!r}), TemplateSet(None, "nb"))
        """
    )

    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)

    assert killed.returncode == -signal.SIGKILL
    root = output / "2027-H1"
    documents = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".docx", ".ics")]
    assert len(documents) == 3
    for path in documents:
        if path.suffix == ".docx":
            docx.Document(path)
    stale = [p.relative_to(root).as_posix() for p in root.rglob("*.tmp")]
    if unnamed:
        assert stale == []
    else:
        assert len(stale) == 1 and stale[0].startswith("employees/101-Ola Hansen/.invitasjon.ics.")

    result = invite(base_workbook, output)

    assert result.counts == {"written": 11, "updated": 0, "unchanged": 3, "kept": 0, "failed": 0}
    assert list(root.rglob("*.tmp")) == []  # the killed run's temporary file is cleared away
    for outcome in result.outcomes:
        if outcome.path.endswith(".docx"):
            assert custom_properties(root / outcome.path)["AppraisalRound"] == "2027-H1"


# -- the command -------------------------------------------------------------------------------------


def test_only_writes_those_employees_and_their_interviewers_overviews(runner, tmp_path):
    output = tmp_path / "out"

    result = runner.invoke(
        cli, ["invite", "-w", str(SAMPLE), "-o", str(output), "--only", "1004, 1005", "-j", "1"]
    )

    assert result.exit_code == 0, result.output
    root = output / "2027-H1"
    files = sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".appraisal" not in p.parts
    )
    assert files == [
        "employees/1004-Tone Bakken/invitasjon.docx",
        "employees/1004-Tone Bakken/invitasjon.ics",
        "employees/1005-Øyvind Lie/invitasjon.docx",
        "employees/1005-Øyvind Lie/invitasjon.ics",
        "managers/1002-Bjørn Kristiansen/samtalekalender.ics",
        "managers/1002-Bjørn Kristiansen/samtaleoversikt.docx",
    ]
    # The overview still lists all of Bjørn's meetings, not only the two re-sent.
    overview = paragraphs(root / "managers" / "1002-Bjørn Kristiansen" / "samtaleoversikt.docx")
    assert [n for n in ("Åse Nygård", "Tone Bakken", "Øyvind Lie", "Hans Jørgen Dahl") if n in overview] == [
        "Åse Nygård",
        "Tone Bakken",
        "Øyvind Lie",
        "Hans Jørgen Dahl",
    ]
    assert "  written                   6" in result.output.splitlines()


def test_only_with_an_unknown_id_is_a_usage_error(runner, tmp_path):
    output = tmp_path / "out"

    result = runner.invoke(cli, ["invite", "-w", str(SAMPLE), "-o", str(output), "--only", "1004,9999"])

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for --only: not an active employee: 9999"
    assert not output.exists()


def test_only_with_an_employee_who_left_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(cli, ["invite", "-w", str(SAMPLE), "-o", str(tmp_path / "out"), "--only", "1013"])

    assert result.exit_code == 2
    assert "not an active employee: 1013" in result.stderr


def test_invite_refuses_a_workbook_with_errors(runner, make_workbook, tmp_path):
    path = make_workbook(employees={"101": {"department": None}})

    result = runner.invoke(cli, ["invite", "-w", str(path), "-o", str(tmp_path / "out")])

    assert result.exit_code == 1
    assert "  Ansatte!E3         error   Avdeling: Avdeling is required; fill it in. [required-value]" in (
        result.stdout.splitlines()
    )
    assert "1 error, 0 warnings." in result.stdout.splitlines()
    assert result.stderr == "Nothing was produced: fix the errors above and run again.\n"
    assert not (tmp_path / "out").exists()


def test_default_paths(runner, base_workbook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "input").mkdir()
    shutil.copy(base_workbook, tmp_path / "input" / "round.xlsx")

    result = runner.invoke(cli, ["invite", "-j", "1"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Output: output/2027-H1"
    assert (tmp_path / "output" / "2027-H1" / "employees" / "100-Kari Nordmann" / "invitasjon.docx").is_file()


# -- workers -----------------------------------------------------------------------------------------


def big_round(make_workbook) -> Path:
    """The base round plus ten managers under Kari with ten people each: 115 employees, 240+ outputs."""
    employees = make_workbook.rows("employees")
    schedule = make_workbook.rows("schedule")
    days = [dt.date(2027, 1, d) for d in (18, 19, 20, 22, 25, 26, 27, 28, 29, 19)]
    for m in range(10):
        manager = f"2{m:02d}"
        employees.append(
            {
                "id": manager,
                "first_name": f"Leder{m}",
                "last_name": "Østby",
                "email": f"leder{m}@fjordtre.no",
                "department": f"Avdeling {m}",
                "job_title": "Leder",
                "manager_id": "100",
                "language": "nb",
                "status": "active",
            }
        )
        # Kari holds the managers' conversations on Thursday the 21st, half an hour each.
        schedule.append(
            {
                "employee_id": manager,
                "date": dt.date(2027, 1, 21),
                "start": dt.time(8 + m // 2, 30 * (m % 2)),
                "duration": 30,
                "location": "Kontoret til Kari",
            }
        )
        for n in range(10):
            person = f"3{m:02d}{n}"
            employees.append(
                {
                    "id": person,
                    "first_name": f"Ansatt{n}",
                    "last_name": f"Ærlig-{m} & <{n}>",
                    "email": f"a{m}x{n}@fjordtre.no",
                    "department": f"Avdeling {m}",
                    "manager_id": manager,
                    "language": "en" if n % 3 == 0 else "nb",
                    "status": "active",
                }
            )
            schedule.append(
                {
                    "employee_id": person,
                    "date": days[m],
                    "start": dt.time(8 + n // 2, 30 * (n % 2)),
                    "duration": 30,
                    "location": f"Rom {m}",
                    "note": f"Merknad {n}\nlinje 2" if n % 4 == 0 else None,
                }
            )
    return make_workbook("big.xlsx", employees=employees, schedule=schedule)


def without_dtstamp(files: dict[str, bytes]) -> dict[str, bytes]:
    """DTSTAMP is the time of the run; everything else must be byte for byte the same."""
    return {
        path: b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(b"DTSTAMP:"))
        if path.endswith(".ics")
        else data
        for path, data in files.items()
    }


def test_workers_produce_the_same_files_as_one_process(runner, make_workbook, tmp_path):
    path = big_round(make_workbook)
    round_, report = check_workbook(path)
    assert report.issues == []

    one = runner.invoke(cli, ["invite", "-w", str(path), "-o", str(tmp_path / "one"), "--jobs", "1"])
    two = runner.invoke(cli, ["invite", "-w", str(path), "-o", str(tmp_path / "two"), "--jobs", "2"])

    assert one.exit_code == 0, one.output
    assert two.exit_code == 0, two.output
    files_one = tree_bytes(tmp_path / "one" / "2027-H1")
    files_two = tree_bytes(tmp_path / "two" / "2027-H1")
    assert len(files_one) == 2 * 115 + 2 * 12  # letters and invitations; overviews and calendars
    assert len(files_one) >= batch.PARALLEL_FROM  # large enough for the worker processes to be used
    assert without_dtstamp(files_two) == without_dtstamp(files_one)
    assert "  written                 254" in two.output.splitlines()

    again = runner.invoke(cli, ["invite", "-w", str(path), "-o", str(tmp_path / "two"), "--jobs", "2"])
    assert "  unchanged               254" in again.output.splitlines()


# -- PDF through LibreOffice -------------------------------------------------------------------------


def test_pdf_of_the_letter_and_the_overview(runner, base_workbook, tmp_path):
    assert pdf.find_soffice() is not None, "LibreOffice (soffice) is needed: .ci/run installs it"
    assert shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is needed: .ci/run installs it"
    output = tmp_path / "out"

    result = runner.invoke(
        cli, ["invite", "-w", str(base_workbook), "-o", str(output), "--only", "103", "--pdf", "-j", "1"]
    )

    assert result.exit_code == 0, result.output
    assert "  PDF written               2" in result.output.splitlines()
    root = output / "2027-H1"
    letter = root / "employees" / "103-Anne Lie" / "invitation.pdf"
    overview = root / "managers" / "101-Ola Hansen" / "samtaleoversikt.pdf"

    def pdf_text(path):
        assert path.read_bytes().startswith(b"%PDF")
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout

    assert "Anne Lie" in pdf_text(letter)
    assert "Tuesday 19 January 2027 at 10:30" in " ".join(pdf_text(letter).split())
    overview_text = pdf_text(overview)
    for name in ("Anne Lie", "Per Berg", "Kari Nordmann"):
        assert name in overview_text


def _letters(folder: Path, count: int) -> list[Path]:
    from support.helpers import make_docx
    from support.wordlike import edit_document

    first = make_docx(folder / "folder-0" / "letter.docx", "Brev nummer 000")

    def numbered(n: int):
        def edit(root: etree._Element) -> None:
            text = next(t for t in root.iter(f"{{{W}}}t") if t.text == "Brev nummer 000")
            text.text = f"Brev nummer {n:03d}"

        return edit

    # the same small letter with its own number, quicker than python-docx
    return [first] + [
        edit_document(first, folder / f"folder-{n}" / "letter.docx", numbered(n)) for n in range(1, count)
    ]


def _numbers(pdfs: list[Path]) -> list[str]:
    return [
        re.search(
            r"Brev nummer (\d+)",
            subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout,
        )[1]
        for p in pdfs
    ]


def test_more_documents_than_one_libreoffice_call_converts_are_all_converted(tmp_path):
    """LibreOffice 7.4 converts the first 246 files of one call and silently drops the rest: `--pdf`
    gives it at most 200 a call, one call after the other on one worker."""
    letters = _letters(tmp_path, 260)

    converted, failed = pdf.convert_to_pdf(letters, workers=1)

    assert failed == []
    assert converted == [d.with_suffix(".pdf") for d in letters]
    assert _numbers(converted[195:205] + converted[-3:]) == [
        f"{n:03d}" for n in (*range(195, 205), 257, 258, 259)
    ]


def test_documents_are_shared_between_libreoffice_processes_and_each_pdf_is_its_own(tmp_path):
    """One LibreOffice per worker converts its share (at least 20 documents each): every PDF lands
    beside its own document, two documents of one name do not meet, the order is kept, and a document
    LibreOffice cannot read is named as failed while the rest are converted."""
    letters = _letters(tmp_path, 41)
    broken = tmp_path / "broken" / "letter.docx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 not a document")
    documents = [*letters[:7], broken, *letters[7:]]

    converted, failed = pdf.convert_to_pdf(documents, workers=2)

    assert failed == [broken]
    assert converted == [d.with_suffix(".pdf") for d in letters]
    assert _numbers(converted) == [f"{n:03d}" for n in range(41)]


def test_durations_are_written_as_each_language_writes_them():
    from pipeline.render.locale import duration

    assert [duration(m, "nb") for m in (1, 45, 90)] == ["1 minutt", "45 minutter", "1 time og 30 minutter"]
    assert [duration(m, "nn") for m in (1, 45, 90)] == ["1 minutt", "45 minutt", "1 time og 30 minutt"]
    assert [duration(m, "en") for m in (1, 45, 90)] == ["1 minute", "45 minutes", "1 hour 30 minutes"]
