"""A document whose place changes (a name corrected, a meeting given to another interviewer): the step
writes it in its new place and takes the one it wrote before away, with its folder when nothing else is
left there; one a person changed since stays, and the step says where the current one is
(`pipeline/store/moved.py`)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import docx
import icalendar
import openpyxl
from click.testing import CliRunner
from support.helpers import tree_bytes

from pipeline.cli import cli
from pipeline.documents.invite import render_invitations
from pipeline.documents.prepare import render_forms
from pipeline.render.templates import TemplateSet
from pipeline.round.rules import check_workbook

PER = "employees/102-Per Berg"
PER_RENAMED = "employees/102-Per Berg-Lie"
OLA = "managers/101-Ola Hansen"
KARI = "managers/100-Kari Nordmann"


def both_steps(workbook: Path, output: Path) -> list:
    """invite and prepare, as `appraisal run` does them: what each moved."""
    round_, report = check_workbook(workbook)
    assert report.errors == []
    templates = TemplateSet(None, round_.settings.language)
    return [
        *render_invitations(round_, output, templates).moved,
        *render_forms(round_, output, templates).moved,
    ]


def sequence(path: Path) -> int:
    [event] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    return int(event["SEQUENCE"])


def test_a_corrected_name_moves_the_employees_documents_and_leaves_no_old_folder(make_workbook, tmp_path):
    output, root = tmp_path / "out", tmp_path / "out" / "2027-H1"
    both_steps(make_workbook("first.xlsx"), output)
    # the meeting moved once: its invitation's SEQUENCE is 1, and must not start again at 0
    both_steps(make_workbook("moved.xlsx", schedule={"102": {"start": dt.time(11, 15)}}), output)
    assert sequence(root / PER / "invitasjon.ics") == 1
    renamed = make_workbook(
        "renamed.xlsx",
        employees={"102": {"last_name": "Berg-Lie"}},
        schedule={"102": {"start": dt.time(11, 15)}},
    )

    moved = both_steps(renamed, output)

    assert not (root / PER).exists() and not (root / OLA / "102-Per Berg").exists()
    names = ["invitasjon.docx", "invitasjon.ics", "forberedelsesskjema.docx"]
    assert sorted((m.old, m.new, m.removed) for m in moved) == sorted(
        [(f"{PER}/{n}", f"{PER_RENAMED}/{n}", True) for n in names]
        + [
            (f"{OLA}/102-Per Berg/{n}", f"{OLA}/102-Per Berg-Lie/{n}", True)
            for n in ("forberedelse-leder.docx", "samtaleskjema.docx")
        ]
    )
    for name in names:
        assert (root / PER_RENAMED / name).is_file()
    assert sequence(root / PER_RENAMED / "invitasjon.ics") == 1
    # the next run finds nothing to move, and nothing to write
    before = tree_bytes(root)
    assert both_steps(renamed, output) == []
    assert tree_bytes(root) == before


def test_a_meeting_given_to_another_interviewer_leaves_nothing_of_it_in_the_first_ones_folder(
    make_workbook, tmp_path
):
    output, root = tmp_path / "out", tmp_path / "out" / "2027-H1"
    both_steps(make_workbook("first.xlsx"), output)
    assert (root / OLA / "102-Per Berg" / "samtaleskjema.docx").is_file()

    both_steps(make_workbook("kari.xlsx", schedule={"102": {"interviewer_id": "100"}}), output)

    assert not (root / OLA / "102-Per Berg").exists()
    assert {p.name for p in (root / KARI / "102-Per Berg").iterdir()} == {
        "forberedelse-leder.docx",
        "samtaleskjema.docx",
    }
    # Ola's folder holds his other people and his own overview still
    assert (root / OLA / "103-Anne Lie" / "meeting-notes-form.docx").is_file()


def test_a_form_a_manager_began_to_fill_in_stays_where_it_is_and_the_step_says_so(make_workbook, tmp_path):
    output, root = tmp_path / "out", tmp_path / "out" / "2027-H1"
    first = make_workbook("first.xlsx")
    runner = CliRunner()
    assert runner.invoke(cli, ["prepare", "-w", str(first), "-o", str(output)]).exit_code == 0
    begun = root / OLA / "102-Per Berg" / "samtaleskjema.docx"
    document = docx.Document(begun)
    document.add_paragraph("Notater før samtalen: snakke om kurs.")
    document.save(begun)
    edited = begun.read_bytes()
    to_kari = make_workbook("kari.xlsx", schedule={"102": {"interviewer_id": "100"}})

    result = runner.invoke(cli, ["prepare", "-w", str(to_kari), "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert begun.read_bytes() == edited
    current = root / KARI / "102-Per Berg" / "samtaleskjema.docx"
    assert current.is_file()
    assert (
        f"kept     {begun} (changed by someone, so not removed; the current one is "
        f"{KARI}/102-Per Berg/samtaleskjema.docx)"
    ) in result.output
    assert f"moved    {root / OLA / '102-Per Berg' / 'forberedelse-leder.docx'} -> " in result.output
    assert "  moved                     1" in result.output
    # said again on the next run that makes the forms, and still kept
    again = runner.invoke(cli, ["prepare", "-w", str(to_kari), "-o", str(output), "--only", "102"])
    assert f"kept     {begun}" in again.output
    assert begun.read_bytes() == edited


def test_a_whole_run_after_a_name_is_corrected_files_everything_of_theirs_under_the_new_name(tmp_path):
    """`appraisal run` on the sample, its forms collected; then Øyvind Lie's name corrected to Øyvind
    Lie-Hansen: his letter, forms, plan and minutes (collected before, so not written again) are all
    under his new name, and nothing is left under the old one."""
    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "input", tmp_path / "input")  # the sample, with its returned forms
    workbook, output = tmp_path / "input" / "round.xlsx", tmp_path / "output"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01"})
    args = ["run", "-w", str(workbook), "-o", str(output), "-j", "1"]
    assert runner.invoke(cli, args).exit_code == 0
    round_folder = output / "2027-H1"
    assert (round_folder / "minutes" / "1005-Øyvind Lie.docx").is_file()
    book = openpyxl.load_workbook(workbook)
    sheet = book["Ansatte"]
    [row] = [r for r in sheet.iter_rows(min_row=2) if str(r[0].value) == "1005"]
    row[2].value = "Lie-Hansen"
    # and Emily's documents from now on in bokmål: her letter and forms are made again in it
    [emily] = [r for r in sheet.iter_rows(min_row=2) if str(r[0].value) == "1012"]
    emily[7].value = "bokmål"
    book.save(workbook)
    # one copy moved already, as a collect killed right after it renamed the file leaves it
    (round_folder / "minutes" / "1005-Øyvind Lie.docx").rename(
        round_folder / "minutes" / "1005-Øyvind Lie-Hansen.docx"
    )

    result = runner.invoke(cli, args)

    assert result.exit_code == 0, result.output
    assert not list(output.rglob("*Øyvind Lie/*")) and not list(output.rglob("*Øyvind Lie.docx"))
    mine = round_folder / "employees" / "1005-Øyvind Lie-Hansen"
    assert {p.name for p in mine.iterdir()} >= {
        "invitasjon.docx",
        "invitasjon.ics",
        "forberedelsesskjema.docx",
        "referat.docx",
        "mine-mal-og-tiltak.docx",
    }
    assert (round_folder / "minutes" / "1005-Øyvind Lie-Hansen.docx").is_file()
    assert (
        "moved      minutes/1005-Øyvind Lie.docx -> minutes/1005-Øyvind Lie-Hansen.docx "
        "(the minutes filed where they now belong)"
    ) in result.output
    state = runner.invoke(cli, ["export-state", "-o", str(output)])
    assert json.loads(state.output)["conversations"]["1005"]["minutes"][:2] == [
        "minutes/1005-Øyvind Lie-Hansen.docx",
        "employees/1005-Øyvind Lie-Hansen/referat.docx",
    ]
    # Emily's documents are in bokmål under their bokmål names; her minutes, in English, keep theirs
    hers = {p.name for p in (round_folder / "employees" / "1012-Emily Clarke").iterdir()}
    assert {"invitasjon.docx", "forberedelsesskjema.docx", "minutes.docx"} <= hers
    assert not hers & {"invitation.docx", "preparation-form.docx", "referat.docx"}
    # and the next run has nothing more to move
    assert "moved" not in runner.invoke(cli, args).output
