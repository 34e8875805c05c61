"""Managers' own follow-up copies (issue 12): written with only their people, edited the way people edit
them, and merged back three ways into HR's workbook.

The base round (tests/conftest.py): Ola (101) interviews Kari (100), Per (102) and Anne (103); Kari
(100) interviews Ola (101) and Lise (104). Goals G-1 (Per) and G-2 (Anne); the register (test_followup's
`base_sources`) adds 2027-H1-100-G1 (Kari) and 2027-H1-102-A1 (Per).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from support.helpers import docx_text, edit_in_calc
from test_followup import ROUND, TODAY, base_sources, cell_of, round_from, table

from pipeline.cli import cli
from pipeline.followup.carry import carry_over
from pipeline.followup.managers import Copies
from pipeline.followup.step import write_follow_up
from pipeline.store import pdf

OLA = Path(ROUND) / "managers" / "101-Ola Hansen" / "oppfolging.xlsx"
KARI = Path(ROUND) / "managers" / "100-Kari Nordmann" / "oppfolging.xlsx"
NAMES = {
    "100": "Kari Nordmann",
    "101": "Ola Hansen",
    "102": "Per Berg",
    "103": "Anne Lie",
    "104": "Lise Dahl",
}
GOALS = "Mål og tiltak"
TALKS = "Samtaler"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "output"


def edit(path: Path, changes: dict[tuple[str, str, str], object]) -> None:
    """Type into a workbook as a person would: {(sheet, ID, header): value}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, key, header), value in changes.items():
        cell_of(wb[sheet], header, key).value = value
    wb.save(path)


def every_cell(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def first_run(make_workbook, output, **description):
    round_ = round_from(make_workbook, **description)
    base_sources(output)
    return round_, write_follow_up(round_, output, today=TODAY)


# -- slice 1: the copies -----------------------------------------------------------------------------


def test_each_interviewer_gets_a_copy_with_only_their_people(make_workbook, output):
    # G-3: an earlier round's action that was already done when this round began: not in any copy
    done = {"employee_id": "103", "type": "action", "description": "Gammelt kurs", "status": "done"}
    round_, result = first_run(make_workbook, output, goals={"G-3": {**done, "agreed_in_round": "2026-H1"}})

    assert sorted(p.relative_to(output) for p in result.copies.written) == sorted([OLA, KARI])
    ola, kari = output / OLA, output / KARI
    assert sorted(table(ola, TALKS)) == ["100", "102", "103"]
    assert sorted(table(ola, GOALS)) == ["2027-H1-100-G1", "2027-H1-102-A1", "G-1", "G-2"]
    assert sorted(table(kari, TALKS)) == ["101", "104"]
    assert table(kari, GOALS) == {}
    assert "G-3" in table(result.follow_up, GOALS)
    # the same values as HR's workbook, the same editable (marked) columns and drop-downs
    hr = table(result.follow_up, GOALS)
    for key, row in table(ola, GOALS).items():
        assert row == hr[key]
    wb = openpyxl.load_workbook(ola)
    assert wb.sheetnames == ["Oversikt", TALKS, GOALS]

    def drop_downs(book):  # the columns with drop-downs, and their lists
        return [(str(v.sqref).split(":")[0], v.formula1) for v in book[GOALS].data_validations.dataValidation]

    assert drop_downs(wb) == drop_downs(openpyxl.load_workbook(result.follow_up))
    assert wb.custom_doc_props["AppraisalManager"].value == "101"
    assert wb.custom_doc_props["AppraisalRound"].value == ROUND


def test_no_cell_of_a_copy_names_anyone_who_is_not_theirs(make_workbook, output):
    first_run(make_workbook, output)

    for path, manager, theirs in ((OLA, "101", {"100", "102", "103"}), (KARI, "100", {"101", "104"})):
        cells = " | ".join(every_cell(output / path))
        for employee_id, name in NAMES.items():
            if employee_id in theirs or employee_id == manager:
                continue
            assert name not in cells, (path, name)
            assert not any(c == employee_id for c in every_cell(output / path)), (path, employee_id)
        assert "Fritekst som aldri skal ut" not in cells  # the minutes' free text is not in any workbook


def test_a_copy_is_in_the_managers_language(make_workbook, output):
    first_run(make_workbook, output, employees={"101": {"language": "en"}})

    english = output / ROUND / "managers" / "101-Ola Hansen" / "follow-up.xlsx"
    assert openpyxl.load_workbook(english).sheetnames == ["Overview", "Conversations", "Goals and actions"]
    assert table(english, "Goals and actions")["G-2"]["Status"] == "not_started"
    assert openpyxl.load_workbook(output / KARI).sheetnames == ["Oversikt", TALKS, GOALS]


def test_an_unchanged_copy_is_not_rewritten(make_workbook, output):
    round_, result = first_run(make_workbook, output)
    stamp = (output / OLA).stat().st_mtime_ns

    again = write_follow_up(round_, output, today=TODAY, fresh=True)

    assert again.copies.written == [] and again.copies.unchanged == 2
    assert (output / OLA).stat().st_mtime_ns == stamp


def test_an_employee_who_moves_goes_to_the_new_copy_and_is_marked_in_the_old(make_workbook, output):
    first_run(make_workbook, output)
    moved = round_from(make_workbook, schedule={"103": {"interviewer_id": "100"}})

    write_follow_up(moved, output, today=TODAY)

    ola, kari = table(output / OLA, TALKS), table(output / KARI, TALKS)
    assert sorted(kari) == ["101", "103", "104"] and "G-2" in table(output / KARI, GOALS)
    assert ola["103"]["Kilde"] == "flyttet til en annen leder" and ola["103"]["Trinn"] is None
    assert "G-2" not in table(output / OLA, GOALS)


# -- slice 2: merging back ---------------------------------------------------------------------------


def test_a_managers_edit_reaches_hrs_workbook_and_the_copy_is_remade_with_a_backup(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    edit(
        output / OLA,
        {
            (GOALS, "G-1", "Status"): "avbrutt",
            (GOALS, "G-1", "Kommentar"): '=HYPERLINK("http://x","klikk")',
            (GOALS, "G-2", "Frist"): dt.datetime(2027, 9, 1),
            (TALKS, "102", "Oppfølging holdt"): "10.03.2027",
        },
    )
    edited = (output / OLA).read_bytes()

    result = write_follow_up(round_, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    assert hr["G-1"]["Status"] == "avbrutt" and hr["G-1"]["Kommentar"] == '=HYPERLINK("http://x","klikk")'
    assert hr["G-2"]["Frist"] == dt.date(2027, 9, 1) and hr["G-2"]["Forfalt"] == "nei"
    assert table(result.follow_up, TALKS)["102"]["Oppfølging holdt"] == dt.date(2027, 3, 10)
    assert result.counts["copy_edits"] == 4 and result.conflicts == []
    backups = list((output / OLA).parent.joinpath("history").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    copy = table(output / OLA, GOALS)
    assert copy["G-1"]["Status"] == "avbrutt" and copy["G-1"]["Sist oppdatert"] == TODAY
    comment = cell_of(openpyxl.load_workbook(output / OLA)[GOALS], "Kommentar", "G-1")
    assert comment.data_type == "s"  # a formula typed by a manager stays text everywhere
    # the edit stays an edit: later runs keep it, and nothing more is merged
    later = write_follow_up(round_, output, today=TODAY, fresh=True)
    assert table(later.follow_up, GOALS)["G-1"]["Status"] == "avbrutt"
    assert later.counts.get("copy_edits", 0) == 0 and later.copies.written == []


def test_a_managers_copy_moves_with_their_corrected_name_and_their_last_edit_is_merged_on_the_way(
    make_workbook, output
):
    """Ola's name corrected to Ola Hansen-Berg: his folder's name follows it, and so does his copy; the
    edit he made in the copy where it was is merged first and kept in the new folder's history."""
    first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-1", "Status"): "avbrutt"})
    edited = (output / OLA).read_bytes()
    round_ = round_from(make_workbook, employees={"101": {"last_name": "Hansen-Berg"}})
    moved = Path(ROUND) / "managers" / "101-Ola Hansen-Berg" / "oppfolging.xlsx"

    result = write_follow_up(round_, output, today=TODAY)

    assert not (output / OLA).parent.exists()
    assert result.copies.moved == [(output / OLA, output / moved)]
    assert table(output / moved, GOALS)["G-1"]["Status"] == "avbrutt"
    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "avbrutt"
    [backup] = (output / moved).parent.joinpath("history").iterdir()
    assert backup.read_bytes() == edited
    # where it is now is where it is merged from: his next edit is taken, and nothing moves again
    edit(output / moved, {(GOALS, "G-1", "Kommentar"): "Tatt opp igjen i mars"})
    later = write_follow_up(round_, output, today=TODAY)
    assert table(later.follow_up, GOALS)["G-1"]["Kommentar"] == "Tatt opp igjen i mars"
    assert later.copies.moved == []


def test_a_copy_whose_move_a_killed_run_left_half_done_is_taken_from_its_old_place_by_the_next(
    make_workbook, output
):
    """The run wrote the copy in the renamed folder, and was killed before it took the old one away:
    the record still names the old place (`earlier`). The next run finishes the move."""
    first_run(make_workbook, output)
    old = (output / OLA).read_bytes()
    round_ = round_from(make_workbook, employees={"101": {"last_name": "Hansen-Berg"}})
    moved = Path(ROUND) / "managers" / "101-Ola Hansen-Berg" / "oppfolging.xlsx"
    write_follow_up(round_, output, today=TODAY)
    (output / OLA).parent.mkdir()
    (output / OLA).write_bytes(old)  # as the killed run left it
    record = Copies.read(output / ROUND)
    record.entry("101")["earlier"] = OLA.relative_to(ROUND).as_posix()
    record.save()

    write_follow_up(round_, output, today=TODAY)

    assert not (output / OLA).parent.exists()
    assert (output / moved).is_file()
    assert "earlier" not in Copies.read(output / ROUND).entry("101")


def test_changed_on_both_sides_is_a_conflict_and_hrs_value_stays(make_workbook, output):
    round_, result = first_run(make_workbook, output)
    edit(result.follow_up, {(GOALS, "G-2", "Status"): "pågår"})
    edit(output / OLA, {(GOALS, "G-2", "Status"): "avbrutt", (GOALS, "G-1", "Fremdrift (%)"): 80})

    result = write_follow_up(round_, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    assert hr["G-2"]["Status"] == "pågår" and hr["G-1"]["Fremdrift (%)"] == 80
    assert [(c["id"], c["column"], c["hr"], c["manager"]) for c in result.conflicts] == [
        ("G-2", "status", "in_progress", "cancelled")
    ]
    assert "follow-up-conflict" in [p.code for p in result.problems]
    sheet = openpyxl.load_workbook(result.follow_up)["Konflikter"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Dato", "Ark", "ID", "Kolonne", "HRs verdi (beholdt)", "Lederens verdi", "Leder")
    assert rows[1][1:7] == (GOALS, "G-2", "Status", "pågår", "avbrutt", "Ola Hansen")
    assert sheet["A2"].is_date and "FollowUpConflicts" in sheet.tables  # a real date, a real table
    assert sheet.column_dimensions["A"].width >= 12  # wide enough that the date prints, not "###"
    # the Overview's note wraps over the printed page (merged across its columns), not cut at its edge
    overview = openpyxl.load_workbook(output / OLA)["Oversikt"]
    assert any(str(r).startswith("A2:") for r in overview.merged_cells.ranges)
    assert table(output / OLA, GOALS)["G-2"]["Status"] == "pågår"  # the copy now shows HR's value

    again = write_follow_up(round_, output, today=TODAY, fresh=True)  # listed once, and kept listed
    sheet = openpyxl.load_workbook(again.follow_up)["Konflikter"]
    assert len(list(sheet.iter_rows(values_only=True))) == 2
    assert again.conflicts == []


def test_a_managers_edit_wins_over_a_change_from_the_sources_with_a_warning(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-2", "Kommentar"): "Meldt på kurs i mai"})
    changed = round_from(make_workbook, goals={"G-2": {"comment": "Ny kommentar fra HR-arket"}})

    result = write_follow_up(changed, output, today=TODAY)

    assert table(result.follow_up, GOALS)["G-2"]["Kommentar"] == "Meldt på kurs i mai"
    kept = [p.message for p in result.problems if p.code == "edit-kept-against-source"]
    assert len(kept) == 1 and "Ola Hansen's copy" in kept[0] and "Ny kommentar fra HR-arket" in kept[0]
    assert result.conflicts == []


def test_sorted_filtered_extended_and_deleted_rows_in_a_copy(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    wb = openpyxl.load_workbook(output / OLA)
    ws = wb[GOALS]
    rows = sorted(
        (list(r) for r in ws.iter_rows(min_row=3, values_only=True) if r[0]), key=lambda r: r[0], reverse=True
    )
    for number, values in enumerate(rows, start=3):  # sorted backwards by ID
        for column, value in enumerate(values, start=1):
            ws.cell(row=number, column=column, value=value)
    ws.auto_filter.ref = f"A2:P{2 + len(rows)}"
    last = ws.max_column + 1
    ws.cell(row=2, column=last, value="Mitt notat")
    cell_of(ws, "Mitt notat", "G-1").value = "ringe Per"
    cell_of(ws, "Status", "G-1").value = "avbrutt"
    ws.delete_rows(next(r for r in range(3, 10) if ws.cell(row=r, column=1).value == "G-2"))
    wb.save(output / OLA)

    result = write_follow_up(round_, output, today=TODAY)

    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "avbrutt"
    copy = table(output / OLA, GOALS)
    assert copy["G-1"]["Mitt notat"] == "ringe Per"  # the manager's column is kept in their copy
    assert "G-2" in copy  # a deleted row comes back from HR's workbook
    assert "Mitt notat" not in openpyxl.load_workbook(result.follow_up)[GOALS][2][-1].value


def test_rows_for_someone_elses_people_are_refused(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    wb = openpyxl.load_workbook(output / KARI)
    ws = wb[GOALS]
    ws.append(["G-1", "102", "Per Berg", "Produksjon", "mål", "Lære CNC-fresen", None, None, None, "avbrutt"])
    cell_of(wb[TALKS], "Oppfølging holdt", "104").value = dt.datetime(2027, 3, 1)
    wb.save(output / KARI)

    result = write_follow_up(round_, output, today=TODAY)

    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "fullført"
    assert table(result.follow_up, TALKS)["104"]["Oppfølging holdt"] == dt.date(2027, 3, 1)
    refused = [p.message for p in result.problems if p.code == "manager-copy-rows-refused"]
    assert len(refused) == 1 and "G-1" in refused[0]


def test_a_copy_in_the_wrong_folder_is_refused_and_left_as_it_is(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-1", "Status"): "avbrutt"})
    shutil.copyfile(output / OLA, output / KARI)
    placed = (output / KARI).read_bytes()

    result = write_follow_up(round_, output, today=TODAY)

    assert [p.code for p in result.problems if p.file == str(output / KARI)] == ["manager-copy-refused"]
    assert (output / KARI).read_bytes() == placed
    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "avbrutt"  # from Ola's own copy


def test_an_open_copy_is_merged_on_a_later_run(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-1", "Status"): "avbrutt"})
    lock = (output / OLA).parent / ".~lock.oppfolging.xlsx#"
    lock.write_text("x")
    edited = (output / OLA).read_bytes()

    result = write_follow_up(round_, output, today=TODAY)

    assert "manager-copy-open" in [p.code for p in result.problems]
    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "fullført"
    assert (output / OLA).read_bytes() == edited
    lock.unlink()
    result = write_follow_up(round_, output, today=TODAY)
    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "avbrutt"


def test_returned_copies_are_collected_from_a_folder_once_and_an_old_one_merges_against_its_own_run(
    make_workbook, output, tmp_path
):
    round_, _ = first_run(make_workbook, output)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    old = inbox / "Ola sin fil.xlsx"
    shutil.copyfile(output / OLA, old)  # sent by e-mail after the first run
    edit(output / OLA, {(GOALS, "G-1", "Kommentar"): "Kommentar fra mappen"})
    write_follow_up(round_, output, today=TODAY)  # the copy in the folder is merged and rewritten
    edit(old, {(GOALS, "G-2", "Fremdrift (%)"): 40})  # the old copy comes back later, edited elsewhere

    runner = CliRunner()
    args = ["status", "-w", str(round_.path), "-o", str(output), "--collect", str(inbox)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
        shown = runner.invoke(cli, args)
        assert shown.exit_code == 0, shown.output
        assert "merged 1 manager's copy: 1 change(s) taken, 0 new row(s), 0 conflict(s)" in shown.output
        hr = table(output / ROUND / "follow-up.xlsx", GOALS)
        # the old copy's G-1 comment was what it was given: not a change, so the newer one stays
        assert hr["G-1"]["Kommentar"] == "Kommentar fra mappen" and hr["G-2"]["Fremdrift (%)"] == 40
        again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "merged" not in again.output  # already merged: skipped
    assert table(output / OLA, GOALS)["G-2"]["Fremdrift (%)"] == 40


def test_a_copy_resaved_by_libreoffice_merges(make_workbook, output, tmp_path):
    soffice = pdf.find_soffice()
    assert soffice is not None, "LibreOffice (soffice) is needed: .ci/run installs it"
    round_, _ = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-1", "Status"): "avbrutt", (GOALS, "G-2", "Kommentar"): "=1+1"})
    resaved = tmp_path / "resaved"
    run = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(output / OLA),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    (resaved / "oppfolging.xlsx").replace(output / OLA)

    result = write_follow_up(round_, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    assert hr["G-1"]["Status"] == "avbrutt" and hr["G-2"]["Kommentar"] == "=1+1"
    assert result.counts["copy_edits"] == 2 and result.conflicts == []


def test_a_copy_sorted_and_edited_in_libreoffice_calc_merges(make_workbook, output):
    """Ola edits his copy in real Calc (UNO), as people do: sorts his goals by due date, newest first,
    inserts a column of his own notes, deletes a row, and types a status and a comment that starts like
    a formula; then saves it (Keep current format)."""
    round_, _ = first_run(make_workbook, output)
    where = {"sheet": GOALS, "header": 2}
    edit_in_calc(
        output / OLA,
        [
            {**where, "do": "sort", "by": "Frist", "descending": True},
            {**where, "do": "insert-column", "before": "Status", "title": "Mine notater",
             "values": {"G-1": "spør om sertifikat", "G-2": "følg opp i mars"}},
            {**where, "do": "set", "id": "G-1", "column": "Status", "value": "fullført"},
            {**where, "do": "set", "id": "G-1", "column": "Fremdrift (%)", "value": 100},
            {**where, "do": "set", "id": "G-1", "column": "Kommentar", "value": "=Ferdig, se kurs"},
            {**where, "do": "delete-row", "id": "G-2"},
        ],
    )  # fmt: skip
    with zipfile.ZipFile(output / OLA) as saved:
        assert b"LibreOffice" in saved.read("docProps/app.xml")  # saved by Calc

    result = write_follow_up(round_, output, today=TODAY)

    assert result.counts["copies_merged"] == 1 and result.conflicts == []
    hr = table(result.follow_up, GOALS)
    assert (hr["G-1"]["Status"], hr["G-1"]["Fremdrift (%)"], hr["G-1"]["Kommentar"]) == (
        "fullført", 100, "=Ferdig, se kurs"
    )  # fmt: skip
    assert cell_of(openpyxl.load_workbook(result.follow_up)[GOALS], "Kommentar", "G-1").data_type == "s"
    assert hr["G-2"]["Status"] == "ikke startet"  # deleting a row is not an edit
    assert "Mine notater" not in next(iter(hr.values()))  # his own column stays in his copy
    copy = table(output / OLA, GOALS)
    assert "G-2" in copy  # the deleted row comes back
    assert list(next(iter(copy.values())))[-1] == "Mine notater"  # kept, to the right of the generated
    assert copy["G-1"]["Mine notater"] == "spør om sertifikat" and copy["G-1"]["Status"] == "fullført"


def test_a_copy_sorted_in_calc_keeps_the_managers_order_on_every_later_run(make_workbook, output):
    """Ola sorts his goals by due date in Calc and leaves the copy in his folder. It is merged and written
    again in his order (it came back in the sources' order before), and so is every copy after it: a
    new day's, one with HR's edit in it. HR's follow-up keeps its own order."""
    round_, first = first_run(make_workbook, output)
    hr_order = list(table(first.follow_up, GOALS))
    edit_in_calc(
        output / OLA, [{"sheet": GOALS, "header": 2, "do": "sort", "by": "Frist", "descending": True}]
    )
    by_due = list(table(output / OLA, GOALS))
    assert by_due != sorted(by_due, key=hr_order.index)  # his order is not the sources'

    merged = write_follow_up(round_, output, today=TODAY)

    assert merged.counts["copies_merged"] == 1 and list(table(output / OLA, GOALS)) == by_due
    assert list(table(merged.follow_up, GOALS)) == hr_order
    edit(merged.follow_up, {(GOALS, by_due[-1], "Kommentar"): "Sjekket av HR"})
    later = write_follow_up(round_, output, today=TODAY + dt.timedelta(days=1))

    assert output / OLA in later.copies.written
    copy = table(output / OLA, GOALS)
    assert list(copy) == by_due and copy[by_due[-1]]["Kommentar"] == "Sjekket av HR"


def test_a_comment_typed_in_calc_that_looks_like_a_number_or_a_date_stays_as_typed(make_workbook, output):
    """Ola types `10 %` and `1/2` as comments in his copy in Calc, through its own input (a cell in General
    takes them for 0.1 and a date, and HR got `0.1` and a date's serial number): the comment column is text,
    so HR gets what he typed."""
    from openpyxl.utils import get_column_letter

    round_, _ = first_run(make_workbook, output)
    sheet = openpyxl.load_workbook(output / OLA)[GOALS]
    column = get_column_letter(cell_of(sheet, "Kommentar", "G-1").column)
    rows = {key: cell_of(sheet, "Kommentar", key).row for key in ("G-1", "G-2")}
    edit_in_calc(
        output / OLA,
        [{"sheet": GOALS, "do": "type", "at": f"{column}{rows[key]}", "rows": [[typed]]}
         for key, typed in (("G-1", "10 %"), ("G-2", "1/2"))],
    )  # fmt: skip

    result = write_follow_up(round_, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    assert (hr["G-1"]["Kommentar"], hr["G-2"]["Kommentar"]) == ("10 %", "1/2")
    assert result.counts["copy_edits"] == 2


def test_a_copys_run_is_remembered_however_many_runs_were_killed_before_writing_it():
    from pipeline.followup.managers import KEPT_RUNS, _runs_kept

    written = {"token": "t0", "file": "f0"}
    killed = [{"token": f"k{n}"} for n in range(KEPT_RUNS + 3)]  # each recorded, none wrote the copy
    runs = [written]
    for run in killed:
        runs = _runs_kept(runs, run)
    assert runs == [written, *killed[-KEPT_RUNS:]]


def test_a_row_a_manager_adds_becomes_a_new_action_with_a_stable_id(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    wb = openpyxl.load_workbook(output / OLA)
    ws = wb[GOALS]
    headers = [c.value for c in ws[2]]

    def add(**values):
        ws.append([values.get(h) for h in headers])

    add(**{"Ansattnr": "102", "Type": "tiltak", "Beskrivelse": "Kurs i truckkjøring", "Status": "pågår"})
    add(**{"Navn": "anne lie", "Beskrivelse": "Bli fadder for lærlingen", "Type": "mål", "Frist": "1.9.2027"})
    add(**{"Ansattnr": "104", "Beskrivelse": "Ikke Olas medarbeider"})
    add(**{"Ansattnr": "103", "Kommentar": "uten beskrivelse"})
    wb.save(output / OLA)

    result = write_follow_up(round_, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    first, second = hr["2027-H1-102-F1"], hr["2027-H1-103-F1"]
    assert (first["Type"], first["Beskrivelse"], first["Status"], first["Kilde"]) == (
        "tiltak", "Kurs i truckkjøring", "pågår", "lagt inn for hånd"
    )  # fmt: skip
    assert (second["Navn"], second["Type"], second["Frist"]) == ("Anne Lie", "mål", dt.date(2027, 9, 1))
    assert first["Avtalt i runde"] == ROUND and result.counts["copy_new_rows"] == 2
    refused = [p.message for p in result.problems if p.code == "manager-copy-rows-refused"]
    assert len(refused) == 1 and "2 row(s)" in refused[0] and "needs a description" in refused[0]
    copy = table(output / OLA, GOALS)
    assert {"2027-H1-102-F1", "2027-H1-103-F1"} <= set(copy) and None not in copy

    # the new rows are ordinary rows from now on: a change in the copy is merged, and nothing doubles
    edit(output / OLA, {(GOALS, "2027-H1-102-F1", "Status"): "fullført"})
    edit(result.follow_up, {(GOALS, "2027-H1-103-F1", "Kommentar"): "HR: avtalt med Anne"})
    again = write_follow_up(round_, output, today=TODAY)
    hr = table(again.follow_up, GOALS)
    assert hr["2027-H1-102-F1"]["Status"] == "fullført"
    assert hr["2027-H1-103-F1"]["Kommentar"] == "HR: avtalt med Anne"
    assert sorted(k for k in hr if "-F" in k) == ["2027-H1-102-F1", "2027-H1-103-F1"]
    assert table(output / OLA, GOALS)["2027-H1-103-F1"]["Kommentar"] == "HR: avtalt med Anne"
    # read back from HR's workbook, their type is what it was when merged (the plans show its label)
    types = {row.key: row.values["type"] for row in again.goal_rows if "-F" in str(row.key)}
    assert types == {"2027-H1-102-F1": "action", "2027-H1-103-F1": "goal"}


# -- history -----------------------------------------------------------------------------------------


def test_every_change_is_in_the_history_with_who_made_it(make_workbook, output):
    round_, result = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "G-2", "Status"): "pågår"})
    write_follow_up(round_, output, today=TODAY)
    edit(result.follow_up, {(GOALS, "G-2", "Kommentar"): "Kurs booket"})
    changed = round_from(make_workbook, goals={"G-2": {"due": dt.date(2027, 4, 1)}})
    result = write_follow_up(changed, output, today=TODAY)

    hr = table(result.follow_up, GOALS)
    assert hr["G-2"]["Sist endret av"] in ("HR", "kildene")  # both in the same run
    assert table(output / OLA, GOALS)["G-2"]["Sist endret av"] == hr["G-2"]["Sist endret av"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPRAISAL_TODAY", TODAY.isoformat())
        shown = CliRunner().invoke(cli, ["history", "G-2", "-w", str(changed.path), "-o", str(output)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "G-2: 3 change(s)"
    assert "Ola Hansen" in lines[1] and "Status: “not_started” → “in_progress”" in lines[1]
    assert {line.split()[3] for line in lines[2:]} == {"HR", "the"}
    assert any("Comment: (empty) → “Kurs booket”" in line for line in lines[2:])
    assert any("Due date: “2027-03-01” → “2027-04-01”" in line for line in lines[2:])

    unknown = CliRunner().invoke(cli, ["history", "G-99", "-w", str(changed.path), "-o", str(output)])
    assert unknown.exit_code == 1 and "No change of G-99 is recorded" in unknown.output


# -- carry-over --------------------------------------------------------------------------------------


def test_open_goals_carry_over_into_the_next_rounds_forms_and_follow_up(make_workbook, output):
    round_, _ = first_run(make_workbook, output)
    edit(output / OLA, {(GOALS, "2027-H1-102-A1", "Status"): "fullført"})  # done through the year
    write_follow_up(round_, output, today=TODAY)
    # the next round: HR copied G-2 onto its Goals sheet, and dropped G-1 (done)
    following = make_workbook(round={"round_id": "2027-H2"}, goals={"G-1": None})

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPRAISAL_TODAY", "2026-12-01")
        shown = CliRunner().invoke(cli, ["prepare", "-w", str(following), "-o", str(output)])
        assert shown.exit_code == 0, shown.output
        assert (
            "Carried over 1 open goal(s) and action(s) from round 2027-H1 (1 more are already on the Goals sheet)."
            in shown.output
        )
        status = CliRunner().invoke(cli, ["status", "-w", str(following), "-o", str(output)])
        assert status.exit_code == 0, status.output

    form = output / "2027-H2" / "managers" / "101-Ola Hansen" / "100-Kari Nordmann" / "samtaleskjema.docx"
    text = docx_text(form)
    assert "Lede prosjekt Fjord" in text  # Kari's open goal from 2027-H1 is on her meeting-notes form
    assert "Sertifisering truck" not in docx_text(form.parent.parent / "102-Per Berg" / "samtaleskjema.docx")
    goals = table(output / "2027-H2" / "follow-up.xlsx", GOALS)
    assert sorted(goals) == ["2027-H1-100-G1", "G-2"]  # G-2 once: the Goals sheet's row is the same goal
    assert goals["2027-H1-100-G1"]["Avtalt i runde"] == "2027-H1"
    assert "2027-H1-100-G1" in table(
        output / "2027-H2" / "managers" / "101-Ola Hansen" / "oppfolging.xlsx", GOALS
    )


def test_a_goal_finished_in_the_previous_round_leaves_the_next_rounds_forms(make_workbook, output):
    """Found this session: a step was skipped when the workbook's bytes were as before, but the goals
    carried over from the previous round are not in the workbook. A goal finished there since stayed on
    the next round's forms until the workbook changed."""
    round_, _ = first_run(make_workbook, output)
    following = make_workbook(round={"round_id": "2027-H2"}, goals={"G-1": None})
    form = output / "2027-H2" / "managers" / "101-Ola Hansen" / "100-Kari Nordmann" / "samtaleskjema.docx"
    runner = CliRunner(env={"APPRAISAL_TODAY": "2026-12-01"})
    first = runner.invoke(cli, ["prepare", "-w", str(following), "-o", str(output)])
    assert first.exit_code == 0, first.output
    assert "Carried over 2 open goal(s)" in first.output and "Lede prosjekt Fjord" in docx_text(form)
    unchanged = runner.invoke(cli, ["prepare", "-w", str(following), "-o", str(output)])
    assert (
        "written                   0" in unchanged.output
        and "updated                   0" in unchanged.output
    )

    edit(output / OLA, {(GOALS, "2027-H1-100-G1", "Status"): "fullført"})  # finished through the year
    write_follow_up(round_, output, today=TODAY)
    again = runner.invoke(cli, ["prepare", "-w", str(following), "-o", str(output)])

    assert again.exit_code == 0, again.output
    assert "Carried over 1 open goal(s)" in again.output
    assert "Lede prosjekt Fjord" not in docx_text(form)  # the form made again, without it


def test_the_previous_round_can_be_named(make_workbook, output):
    first_run(make_workbook, output)
    earlier_name = round_from(
        make_workbook, round={"round_id": "2026-H2", "previous_round": "2027-H1"}, goals=[]
    )

    round_, carried = carry_over(earlier_name, output)

    assert (carried.previous, carried.carried) == ("2027-H1", 3)
    assert sorted(g.id for g in round_.goals) == ["2027-H1-100-G1", "2027-H1-102-A1", "G-2"]
    missing = round_from(make_workbook, round={"round_id": "2028-H1", "previous_round": "2019"})
    assert carry_over(missing, output)[1].message.startswith("Round sheet, previous_round: no round “2019”")


def test_a_returned_copy_with_macros_is_refused_and_an_unchanged_one_changes_nothing(
    make_workbook, output, tmp_path
):
    round_, _ = first_run(make_workbook, output)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    edit(output / OLA, {(GOALS, "G-2", "Status"): "avbrutt"})
    with zipfile.ZipFile(output / OLA) as source, zipfile.ZipFile(inbox / "ola.xlsm", "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro")
    shutil.copyfile(output / KARI, inbox / "kari.xlsx")  # as the tool wrote it
    (inbox / "notes.xlsx").write_bytes(b"PK\x03\x04 broken")
    (inbox / "ola.ods").write_bytes(b"PK\x03\x04 an OpenDocument spreadsheet")

    result = write_follow_up(round_, output, today=TODAY, collect_dir=inbox)

    codes = sorted(p.code for p in result.problems if "inbox" in (p.file or ""))
    assert codes == ["manager-copy-refused", "manager-copy-unreadable", "not-a-manager-copy"]
    assert result.counts["copies_merged"] == 1  # Ola's copy in his folder; Kari's unchanged one is skipped
    assert table(result.follow_up, GOALS)["G-2"]["Status"] == "avbrutt"


def test_hr_typing_back_the_sources_value_is_still_hrs_change_against_a_managers(make_workbook, output):
    round_, result = first_run(make_workbook, output)  # G-1's sources say done (reviewed in the minutes)
    edit(result.follow_up, {(GOALS, "G-1", "Status"): "pågår"})
    result = write_follow_up(round_, output, today=TODAY)  # the copy now shows HR's "pågår"
    edit(result.follow_up, {(GOALS, "G-1", "Status"): "fullført"})  # HR changes it back
    edit(output / OLA, {(GOALS, "G-1", "Status"): "avbrutt"})

    result = write_follow_up(round_, output, today=TODAY)

    assert table(result.follow_up, GOALS)["G-1"]["Status"] == "fullført"
    assert [(c["id"], c["hr"], c["manager"]) for c in result.conflicts] == [("G-1", "done", "cancelled")]
