"""Step 5: the follow-up workbook and the leadership summary, checked by opening the files they write.

Each test builds a real round workbook (`make_workbook`), writes the round's register and ledger by
hand in the formats `collect` and `invite` write, runs `write_follow_up`, and reads the result back
with openpyxl: figures against the data, edits that must survive a re-run, and privacy of the summary.
The base round (tests/conftest.py): employees 100-104, one meeting each on 18-20 January 2027, goals
G-1 (Per, 102, due 30.06.2027, in progress) and G-2 (Anne, 103, due 01.03.2027, not started).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.chart import BarChart

from pipeline.cli import cli
from pipeline.errors import OutputError
from pipeline.followup.step import write_follow_up
from pipeline.register import Conversation, Register
from pipeline.round.reader import read_round
from pipeline.store import pdf
from pipeline.store.ledger import Entry, Ledger
from pipeline.store.state import State

TODAY = dt.date(2027, 3, 15)
ROUND = "2027-H1"
LONG = "x" * 40_000


# -- building the sources ----------------------------------------------------------------------------


def round_from(make_workbook, **description):
    round_, report = read_round(make_workbook(**description))
    assert not report.errors, report.to_list()
    return round_


def conversation(employee_id, held_on, collected_at, reviews=(), goals=(), approval=None):
    """A register entry as `collect` writes it."""
    return {
        "employee_id": employee_id,
        "held_on": held_on,
        "collected_at": collected_at,
        "reviews": list(reviews),
        "goals": list(goals),
        "approval": approval,
        "minutes": [f"minutes/{employee_id}.docx"],
        "answers": {"summary": "Fritekst som aldri skal ut"},
    }


def new_item(item_id, kind, description, due="2027-06-01", measure="", responsible=""):
    return {
        "id": item_id,
        "type": kind,
        "description": description,
        "measure": measure,
        "responsible": responsible,
        "due": due,
        "due_text": "",
    }


def write_register(output: Path, conversations: dict, round_id: str = ROUND) -> None:
    root = output / round_id
    root.mkdir(parents=True, exist_ok=True)
    register = Register(root)
    register.conversations.clear()
    register.conversations.update(
        {k: Conversation.from_json(copy.deepcopy(v)) for k, v in conversations.items()}
    )
    register.save()


def read_register(output: Path, round_id: str = ROUND) -> dict:
    return Register(output / round_id).export()


def write_ledger(output: Path, invited=(), prepared=(), round_id: str = ROUND) -> None:
    ledger = Ledger(output / round_id)
    for kind, people in (("invitation", invited), ("meeting_notes", prepared)):
        for employee_id in people:
            path = f"{kind}/{employee_id}.docx"
            ledger.entries[path] = Entry(path, kind, employee_id, "i", "o", 1, 1)
    ledger.save()
    # what writing them means, as invite and prepare record it
    events = [(e, "invited") for e in invited] + [(e, "prepared") for e in prepared]
    State(output).add_events(round_id, events, "2027-01-05T08:00:00+00:00")


def base_sources(output: Path) -> None:
    """100: held, minutes approved; 102: held, G-1 reviewed done, a new action; invitations for
    100-103, meeting-notes forms for 100 and 101."""
    write_register(
        output,
        {
            "100": conversation(
                "100",
                "2027-01-18",
                "2027-01-20T10:00:00+00:00",
                goals=[new_item("2027-H1-100-G1", "goal", "Lede prosjekt Fjord", due="2027-02-01")],
                approval={"approved": True, "date": "2027-01-22", "comment": "Ser bra ut"},
            ),
            "102": conversation(
                "102",
                "2027-01-19",
                "2027-01-21T10:00:00+00:00",
                reviews=[{"goal_id": "G-1", "status": "done", "comment": "Kjører fresen selv nå"}],
                goals=[new_item("2027-H1-102-A1", "action", "Sertifisering truck", responsible="Ola")],
            ),
        },
    )
    write_ledger(output, invited=["100", "101", "102", "103"], prepared=["100", "101"])


# -- reading the results -----------------------------------------------------------------------------


def table(path: Path, sheet: str, header_row: int = 2) -> dict[str, dict[str, object]]:
    """A data sheet as {first column: {header: value}} (dates as dates)."""
    ws = openpyxl.load_workbook(path)[sheet]
    headers = [c.value for c in ws[header_row]]
    rows = {}
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if any(v is not None for v in row):
            values = {
                h: (v.date() if isinstance(v, dt.datetime) else v) for h, v in zip(headers, row, strict=False)
            }
            rows[values[headers[0]]] = values
    return rows


def cell_of(ws, header: str, key: str, header_row: int = 2):
    column = next(c.column for c in ws[header_row] if c.value == header)
    row = next(r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value == key)
    return ws.cell(row=row, column=column)


def edit(path: Path, changes: dict[tuple[str, str, str], object]) -> None:
    """Type into the follow-up workbook as a person would: {(sheet, ID, header): value}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, key, header), value in changes.items():
        cell_of(wb[sheet], header, key).value = value
    wb.save(path)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "output"


# -- figures -----------------------------------------------------------------------------------------


def test_the_leadership_summary_is_left_as_it_is_when_only_the_follow_up_changes(
    make_workbook, output, capsys
):
    """The sources give the rows in another order (a round made here: the reader gives them in their IDs'
    order): the follow-up is written again, its rows where HR's file has them, while the summary's
    figures are the same, and its file is left alone (it would differ only in the moment it was
    saved)."""
    import dataclasses

    from pipeline.cli.show import print_status

    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    before = (first.leadership.read_bytes(), first.leadership.stat().st_mtime_ns)
    follow_up = first.follow_up.read_bytes()

    sorted_round = dataclasses.replace(round_, employees=list(reversed(round_.employees)))
    again = write_follow_up(sorted_round, output, today=TODAY)

    assert again.follow_up.read_bytes() != follow_up  # written again
    assert list(table(again.follow_up, "Samtaler"))[:2] == [e.id for e in round_.employees][:2]  # as HR's
    assert (again.leadership.read_bytes(), again.leadership.stat().st_mtime_ns) == before
    capsys.readouterr()
    print_status(again)
    assert capsys.readouterr().out.splitlines()[:2] == [
        f"written   {again.follow_up}",
        f"unchanged {again.leadership}",
    ]
    # a run killed after it recorded itself and before it wrote the summary (`tests/test_kills.py`
    # found it): the record holds no hash of the file, which is written by the next run
    from pipeline.followup.record import read_state, write_state

    state = read_state(output / ROUND, None)
    del state["runs"][-1]["leadership"]
    write_state(output / ROUND, state)
    again.leadership.unlink()
    assert write_follow_up(round_, output, today=TODAY).leadership.exists()  # the rows in their first order
    again = write_follow_up(sorted_round, output, today=TODAY)
    # what was left is what would be written: the summary made anew for the sorted round says the same
    kept = openpyxl.load_workbook(again.leadership)
    again.leadership.unlink()
    made = openpyxl.load_workbook(write_follow_up(sorted_round, output, today=TODAY).leadership)
    assert kept.sheetnames == made.sheetnames
    for name in kept.sheetnames:
        assert list(kept[name].values) == list(made[name].values), name


def test_the_run_that_wrote_the_workbook_there_is_remembered_however_many_runs_were_killed_since():
    from pipeline.followup.rebuild import KEPT_RUNS
    from pipeline.followup.record import runs_kept

    on_disk = {"token": "t0", "file": "f0"}
    killed = [{"token": f"k{n}"} for n in range(KEPT_RUNS + 2)]  # each recorded, none wrote the file
    runs = [on_disk]
    for run in killed:
        runs = runs_kept(runs, run, "t0", KEPT_RUNS)
    assert runs == [on_disk, *killed[-KEPT_RUNS:]]
    # once a run writes the file, the older ones go as before
    written = {"token": "t9", "file": "f9"}
    assert runs_kept(runs, written, "t0", KEPT_RUNS)[0] == on_disk
    assert runs_kept(runs, written, None, KEPT_RUNS) == [*killed[-(KEPT_RUNS - 1) :], written]


def test_goals_are_last_updated_on_the_day_their_minutes_were_made(make_workbook, output):
    """The day `collect` made the minutes (its `today`, which `APPRAISAL_TODAY` sets, as `make demo`
    does) is the day a goal was last updated from them, as it is the day the minutes were received:
    not the moment of the clock it was recorded at, which may be another day."""
    round_ = round_from(make_workbook)
    base_sources(output)
    register = Register(output / ROUND)
    for employee_id in ("100", "102"):  # collected on 7 December by the clock, made as of 1 February
        register.conversations[employee_id].collected_at = "2026-12-07T10:00:00+00:00"
        register.conversations[employee_id].minutes_made_on = "2027-02-01"
    register.save()

    result = write_follow_up(round_, output, today=TODAY)

    goals = table(result.follow_up, "Mål og tiltak")
    made_on = dt.date(2027, 2, 1)
    # reviewed in the minutes (G-1), and new in them (an action and a goal)
    assert [goals[g]["Sist oppdatert"] for g in ("G-1", "2027-H1-102-A1", "2027-H1-100-G1")] == [made_on] * 3
    assert table(result.follow_up, "Samtaler")["102"]["Referat mottatt"] == made_on


def test_sheets_rows_and_figures_follow_the_sources(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)

    result = write_follow_up(round_, output, today=TODAY)

    assert result.follow_up == output / ROUND / "follow-up.xlsx"
    assert result.leadership == output / ROUND / "leadership-summary.xlsx"
    assert result.backup is None and result.warnings == []
    assert openpyxl.load_workbook(result.follow_up).sheetnames == ["Oversikt", "Samtaler", "Mål og tiltak"]
    talks = table(result.follow_up, "Samtaler")
    assert {k: v["Trinn"] for k, v in talks.items()} == {
        "100": "godkjent",
        "101": "forberedt",
        "102": "referat mottatt",
        "103": "invitert",
        "104": "planlagt",
    }
    assert talks["100"]["Samtaledato"] == dt.date(2027, 1, 18)
    assert talks["100"]["Holdt"] == dt.date(2027, 1, 18)
    assert talks["100"]["Referat mottatt"] == dt.date(2027, 1, 20)
    assert talks["100"]["Godkjent dato"] == dt.date(2027, 1, 22)
    assert talks["100"]["Dager over frist, referat"] is None
    # 101: meeting 18.01 + 7 days = 25.01, no minutes by 15.03: 49 days over.
    assert talks["101"]["Frist referat"] == dt.date(2027, 1, 25)
    assert talks["101"]["Dager over frist, referat"] == 49
    # 102: minutes 21.01 + 14 days = 04.02, not approved by 15.03: 39 days over.
    assert talks["102"]["Frist godkjenning"] == dt.date(2027, 2, 4)
    assert talks["102"]["Dager over frist, godkjenning"] == 39
    assert talks["104"]["Dager over frist, referat"] == 47
    assert talks["104"]["Samtaleleder"] == "Kari Nordmann"

    goals = table(result.follow_up, "Mål og tiltak")
    assert list(goals) == ["G-1", "G-2", "2027-H1-100-G1", "2027-H1-102-A1"]
    assert (goals["G-1"]["Status"], goals["G-1"]["Fremdrift (%)"], goals["G-1"]["Kommentar"]) == (
        "fullført",
        100,
        "Kjører fresen selv nå",
    )
    assert goals["G-1"]["Sist oppdatert"] == dt.date(2027, 1, 21)
    assert (goals["G-2"]["Status"], goals["G-2"]["Forfalt"], goals["G-2"]["Frist"]) == (
        "ikke startet",
        "ja",
        dt.date(2027, 3, 1),
    )
    assert goals["G-1"]["Forfalt"] == "nei"
    assert goals["2027-H1-100-G1"]["Forfalt"] == "ja"  # due 01.02.2027
    assert goals["2027-H1-102-A1"]["Type"] == "tiltak"
    assert goals["2027-H1-102-A1"]["Ansvarlig"] == "Ola"
    assert goals["2027-H1-102-A1"]["Avtalt i runde"] == ROUND
    assert {v["Kilde"] for v in goals.values()} == {"arbeidsboken", "referat"}

    overview = openpyxl.load_workbook(result.follow_up)["Oversikt"]
    # the title row, then the note, then the table
    assert overview["A1"].value == "Oppfølging – Medarbeidersamtaler våren 2027"
    rows = {(r[0], r[1]): r[2:] for r in overview.iter_rows(min_row=4, values_only=True) if r[0]}
    figures = dict(zip([c.value for c in overview[3]][2:], rows[("Totalt", None)], strict=True))
    assert figures == {
        "Ansatte": 5,
        "Invitert": 4,
        "Forberedt": 3,  # 100, 101 from their forms, 102 because it was held
        "Samtaler holdt": 2,
        "Referat mottatt": 2,
        "Referat godkjent": 1,
        "Samtaler over frist": 4,  # 101, 103, 104 minutes; 102 approval
        "Mål og tiltak": 4,
        "Avtalt i runden": 2,
        "Fullført": 1,
        "Pågår": 0,
        "Forfalt": 2,
        "Referat godkjent (%)": pytest.approx(0.2),
        "Mål og tiltak fullført (%)": pytest.approx(0.25),
    }
    assert rows[("Avdeling", "Produksjon")][:3] == (3, 3, 2)
    assert rows[("Samtaleleder", "Ola Hansen")][0] == 3  # 100 (named on the schedule), 102, 103
    assert result.figures.approved == 1 and result.counts["goals"] == 4


def test_real_excel_features(make_workbook, output):
    base_sources(output)
    path = write_follow_up(round_from(make_workbook), output, today=TODAY).follow_up
    wb = openpyxl.load_workbook(path)

    for ws in wb.worksheets:
        assert len(ws.tables) == 1
        (only,) = ws.tables.values()
        # the Overview has a title row above its note; the data sheets start with the note
        first = 3 if ws.title == "Oversikt" else 2
        assert only.ref.startswith(f"A{first}:") and only.autoFilter is not None
        assert ws.freeze_panes in (f"B{first + 1}", f"C{first + 1}")
        assert ws.page_setup.orientation == "landscape"
        # fitted to the page's width only where that keeps the text readable; else across pages,
        # with the first columns repeated on each (issue 11: never squeezed to one page)
        fitted = ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert fitted or ws.print_title_cols == "$A:$B"
        assert ws.print_title_rows == f"${first}:${first}"
    overview = wb["Oversikt"]
    assert isinstance(overview._charts[0], BarChart)

    goals = wb["Mål og tiltak"]
    headers = {c.value: c for c in goals[2]}
    assert wb["Mål og tiltak"].tables["GoalsAndActions"].ref == "A2:Q6"
    status_letter = headers["Status"].column_letter
    (status_list,) = [dv for dv in goals.data_validations.dataValidation if dv.type == "list"]
    assert status_list.formula1 == '"ikke startet,pågår,fullført,avbrutt"'
    assert f"{status_letter}3" in status_list.sqref
    rules = [rule for cf in goals.conditional_formatting for rule in cf.rules]
    assert any("TODAY()" in rule.formula[0] for rule in rules)
    # Editable columns stand out: another header colour, a note, and a shading over their cells.
    assert headers["Status"].fill.fgColor.rgb != headers["Mål-ID"].fill.fgColor.rgb
    assert headers["Kommentar"].fill.fgColor.rgb == headers["Status"].fill.fgColor.rgb
    assert "endre" in headers["Status"].comment.text and headers["Beskrivelse"].comment is None
    assert "kan du endre" in goals["A1"].value
    due = cell_of(goals, "Frist", "G-2")
    assert isinstance(due.value, dt.datetime) and due.number_format == "DD.MM.YYYY"
    assert cell_of(goals, "Mål-ID", "G-2").data_type == "s"
    assert goals.column_dimensions[headers["Beskrivelse"].column_letter].width >= len("Sertifisering truck")

    talks = wb["Samtaler"]
    (dates,) = talks.data_validations.dataValidation
    assert dates.type == "date"
    assert cell_of(talks, "Godkjent dato", "100").number_format == "DD.MM.YYYY"


def test_an_english_round_writes_english_sheets_and_labels(make_workbook, output):
    base_sources(output)
    round_ = round_from(make_workbook, lang="en", round={"language": "en"})

    result = write_follow_up(round_, output, today=TODAY)
    path = result.follow_up

    assert openpyxl.load_workbook(path).sheetnames == ["Overview", "Conversations", "Goals and actions"]
    summary = openpyxl.load_workbook(result.leadership)
    assert summary.sheetnames == ["Summary", "Departments", "Interviewers", "Comparison"]
    assert [c.value for c in summary["Summary"][4]][-3:] == [
        "Well-being, average (1–5)",
        "Well-being, std. deviation",
        "Well-being, answers",
    ]
    goals = table(path, "Goals and actions")
    assert goals["G-2"]["Status"] == "not_started" and goals["G-2"]["Overdue"] == "yes"
    assert table(path, "Conversations")["100"]["Stage"] == "approved"


# -- people's edits ----------------------------------------------------------------------------------


def test_edits_survive_a_re_run_as_text_and_the_old_file_goes_to_history(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    edit(
        first.follow_up,
        {
            ("Mål og tiltak", "G-2", "Status"): "Fullført",
            ("Mål og tiltak", "G-2", "Fremdrift (%)"): 100,
            ("Mål og tiltak", "G-1", "Kommentar"): '=HYPERLINK("http://x","y")',
            ("Samtaler", "102", "Godkjent dato"): dt.datetime(2027, 3, 1),
            ("Samtaler", "101", "Oppfølging holdt"): "18.03.2027",
        },
    )
    edited_bytes = first.follow_up.read_bytes()

    second = write_follow_up(round_, output, today=TODAY)

    assert second.backup is not None and second.backup.parent == output / ROUND / "history"
    assert re.fullmatch(r"follow-up-\d{8}-\d{6}\.xlsx", second.backup.name)
    assert second.backup.read_bytes() == edited_bytes
    goals = openpyxl.load_workbook(second.follow_up)["Mål og tiltak"]
    comment = cell_of(goals, "Kommentar", "G-1")
    assert comment.value == '=HYPERLINK("http://x","y")' and comment.data_type == "s"
    assert cell_of(goals, "Status", "G-2").value == "fullført"
    assert cell_of(goals, "Fremdrift (%)", "G-2").value == 100
    assert cell_of(goals, "Forfalt", "G-2").value == "nei"
    assert cell_of(goals, "Sist oppdatert", "G-2").value.date() == TODAY
    talks = table(second.follow_up, "Samtaler")
    assert talks["102"]["Godkjent dato"] == dt.date(2027, 3, 1) and talks["102"]["Trinn"] == "godkjent"
    assert talks["102"]["Dager over frist, godkjenning"] is None
    assert talks["101"]["Oppfølging holdt"] == dt.date(2027, 3, 18)
    assert second.counts["edits_kept"] == 5 and second.counts["conflicts"] == 0
    assert second.figures.approved == 2 and second.figures.done == 2

    written = second.follow_up.stat().st_mtime_ns
    third = write_follow_up(round_, output, today=TODAY)  # the edits stay edits on every later run

    assert third.unchanged and third.backup is None
    assert third.follow_up.stat().st_mtime_ns == written
    assert len(list((output / ROUND / "history").iterdir())) == 1
    assert table(third.follow_up, "Mål og tiltak")["G-1"]["Kommentar"] == '=HYPERLINK("http://x","y")'


def test_sources_change_under_an_edit_the_edit_wins_and_is_reported(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    edit(first.follow_up, {("Mål og tiltak", "G-2", "Status"): "pågår"})
    register = read_register(output)
    register["conversations"]["103"] = conversation(
        "103",
        "2027-01-19",
        "2027-03-10T09:00:00+00:00",
        reviews=[{"goal_id": "G-2", "status": "done", "comment": "Kurset er tatt"}],
    )
    register["conversations"]["102"]["reviews"][0]["status"] = "cancelled"
    write_register(output, register["conversations"])

    result = write_follow_up(round_, output, today=TODAY)

    goals = table(result.follow_up, "Mål og tiltak")
    assert goals["G-2"]["Status"] == "pågår"  # typed by a person: kept
    assert goals["G-2"]["Kommentar"] == "Kurset er tatt"  # not edited: follows the new review
    assert goals["G-1"]["Status"] == "avbrutt"  # not edited: follows the sources
    assert result.counts["conflicts"] == 1
    assert any("G-2" in w and "pågår" in w and "fullført" in w for w in result.warnings)


def test_status_json_gives_the_warnings_with_codes(make_workbook, output):
    workbook = make_workbook()
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    edit(first.follow_up, {("Mål og tiltak", "G-2", "Status"): "pågår"})
    register = read_register(output)
    register["conversations"]["102"]["reviews"][0]["status"] = "cancelled"
    register["conversations"]["103"] = conversation(
        "103", "2027-01-19", "2027-03-10T09:00:00+00:00", reviews=[{"goal_id": "G-2", "status": "done"}]
    )
    write_register(output, register["conversations"])

    result = CliRunner(env={"APPRAISAL_TODAY": TODAY.isoformat()}).invoke(
        cli, ["status", "-w", str(workbook), "-o", str(output), "--json"]
    )

    assert result.exit_code == 0, result.output
    [kept] = json.loads(result.stdout)
    assert (kept["severity"], kept["code"], kept["sheet"]) == ("warning", "edit-kept-against-source", None)
    assert "G-2" in kept["message"] and "pågår" in kept["message"]


def test_sorted_filtered_reordered_extended_and_deleted_rows(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    edit(first.follow_up, {("Mål og tiltak", "2027-H1-102-A1", "Kommentar"): "Bestilt kurs"})
    write_follow_up(round_, output, today=TODAY)  # the comment is now part of what was written

    wb = openpyxl.load_workbook(first.follow_up)
    ws = wb["Mål og tiltak"]
    grid = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    header, body = grid[0], grid[1:]
    # A person sorts descending by ID, moves Kommentar to the front, hides a row, deletes the row
    # of 2027-H1-102-A1, adds a column (text and a formula) and a row of their own.
    body = sorted((r for r in body if r[0] != "2027-H1-102-A1"), key=lambda r: r[0], reverse=True)
    move = header.index("Kommentar")
    order = [move, *[i for i in range(len(header)) if i != move]]
    ws.delete_rows(2, ws.max_row)
    ws.append([header[i] for i in order] + ["Mitt notat"])
    for row in body:
        ws.append([row[i] for i in order] + [None])
    g2 = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=2).value == "G-2")
    ws.cell(row=g2, column=1).value = "Purret 10.03"
    ws.cell(row=g2, column=len(header) + 1).value = f"=LEN(A{g2})"
    ws.row_dimensions[g2 - 1].hidden = True
    ws.append(["", "X-1", "104", None, None, None, "Egen oppgave"])
    ws.append(["Uten ID", None])
    for table_name in list(ws.tables):
        del ws.tables[table_name]
    wb.save(first.follow_up)

    result = write_follow_up(round_, output, today=TODAY)

    goals = table(result.follow_up, "Mål og tiltak")
    # in the order the person sorted them, the row made again after the row it follows in the sources'
    assert list(goals) == ["G-2", "G-1", "2027-H1-100-G1", "2027-H1-102-A1", "X-1", None]
    assert goals["G-2"]["Kommentar"] == "Purret 10.03"
    assert goals["2027-H1-102-A1"]["Kommentar"] == "Bestilt kurs"  # deleted: back, with its edit
    assert goals["X-1"]["Kilde"] == "lagt inn for hånd" and goals["X-1"]["Beskrivelse"] == "Egen oppgave"
    assert goals[None]["Kilde"] == "uten ID – ikke flettet" and goals[None]["Kommentar"] == "Uten ID"
    ws = openpyxl.load_workbook(result.follow_up)["Mål og tiltak"]
    headers = [c.value for c in ws[2]]
    assert headers[-1] == "Mitt notat" and headers[:2] == ["Mål-ID", "Ansattnr"]
    note = cell_of(ws, "Mitt notat", "G-2")
    assert note.data_type == "f" and note.value == f"=LEN(A{note.row})"  # moved with its row
    assert result.counts["restored_rows"] == 1 and result.counts["hand_rows"] == 1
    assert result.counts["unmatched_rows"] == 1 and result.counts["extra_columns"] == 1
    assert result.figures.goals == 5  # the hand-made goal counts; the row without an ID does not


def test_hr_s_follow_up_sorted_in_calc_keeps_its_order_and_a_new_goal_follows_its_neighbour(
    make_workbook, output
):
    """HR sorts the goals of the follow-up by due date in LibreOffice Calc. The next run keeps that order
    (it undid it before, and kept HR's sorted file in history/), leaves the managers' copies alone (they
    keep the sources' order), and a run after it leaves the follow-up as it is. A goal added to the round
    since comes right after the goal it follows in the sources' order."""
    from support.helpers import edit_in_calc

    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    goals = "Mål og tiltak"
    assert list(table(first.follow_up, goals)) == ["G-1", "G-2", "2027-H1-100-G1", "2027-H1-102-A1"]
    edit_in_calc(
        first.follow_up, [{"sheet": goals, "header": 2, "do": "sort", "by": "Frist", "descending": True}]
    )
    by_due = ["G-1", "2027-H1-102-A1", "G-2", "2027-H1-100-G1"]  # 30.06, 01.06, 01.03, 01.02.2027
    assert list(table(first.follow_up, goals)) == by_due

    again = write_follow_up(round_, output, today=TODAY)

    assert list(table(again.follow_up, goals)) == by_due
    assert again.copies.written == [] and again.copies.unchanged == len(first.copies.written)
    stamp = again.follow_up.stat().st_mtime_ns
    assert (
        write_follow_up(round_, output, today=TODAY).same[0] and again.follow_up.stat().st_mtime_ns == stamp
    )

    new_goal = {"employee_id": "103", "description": "Lære seg nytt lønnssystem", "due": dt.date(2027, 9, 1)}
    round_ = round_from(make_workbook, goals={"G-3": new_goal})
    added = write_follow_up(round_, output, today=TODAY)

    assert list(table(added.follow_up, goals)) == ["G-1", "2027-H1-102-A1", "G-2", "G-3", "2027-H1-100-G1"]


def test_a_totals_row_switched_on_is_not_read_as_a_row(make_workbook, output):
    """Excel's "Total row" of a table is a row of SUBTOTAL formulas under the data: not a goal, not a
    row made by hand. A row whose last cells are empty is still read, with those cells empty."""
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    before = table(first.follow_up, "Mål og tiltak")
    wb = openpyxl.load_workbook(first.follow_up)
    ws = wb["Mål og tiltak"]
    last = ws.max_row
    ws.append([None, None, f"=SUBTOTAL(103,C3:C{last})", None, f"=subtotal(109,E3:E{last})"])
    ws.append(["X-9", "104", None, None, None, None, "Kort rad"])  # nothing typed after the description
    wb.save(first.follow_up)

    result = write_follow_up(round_, output, today=TODAY)

    goals = table(result.follow_up, "Mål og tiltak")
    assert set(goals) == set(before) | {"X-9"}  # no row without an ID from the totals
    assert goals["X-9"]["Kilde"] == "lagt inn for hånd" and goals["X-9"]["Kommentar"] is None
    assert result.counts["hand_rows"] == 1 and result.counts["unmatched_rows"] == 0


def test_rows_whose_source_vanished_are_kept_and_marked(make_workbook, output):
    base_sources(output)
    write_follow_up(round_from(make_workbook), output, today=TODAY)

    round_ = round_from(make_workbook, goals={"G-2": None}, employees={"104": {"status": "left"}})
    result = write_follow_up(round_, output, today=TODAY)

    goals = table(result.follow_up, "Mål og tiltak")
    talks = table(result.follow_up, "Samtaler")
    assert goals["G-2"]["Kilde"] == "fjernet fra kilden" and goals["G-2"]["Beskrivelse"] == "Kurs i HMS"
    assert talks["104"]["Kilde"] == "fjernet fra kilden" and talks["104"]["Navn"] == "Lise Dahl"
    assert result.counts["removed_rows"] == 2
    assert (result.figures.employees, result.figures.goals) == (4, 3)


def test_a_restored_older_copy_is_merged_against_the_run_that_wrote_it(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)  # G-2: not started
    register = read_register(output)
    register["conversations"]["103"] = conversation(
        "103",
        "2027-01-19",
        "2027-03-10T09:00:00+00:00",
        reviews=[{"goal_id": "G-2", "status": "done", "comment": ""}],
    )
    write_register(output, register["conversations"])
    second = write_follow_up(round_, output, today=TODAY)  # G-2: done, from the review
    second.backup.replace(first.follow_up)  # someone puts the older file back

    third = write_follow_up(round_, output, today=TODAY)

    # The old file's "ikke startet" is what its own run generated, not an edit: the review wins.
    assert table(third.follow_up, "Mål og tiltak")["G-2"]["Status"] == "fullført"
    assert third.counts["edits_kept"] == 0


def test_an_open_workbook_is_not_overwritten(make_workbook, output):
    round_ = round_from(make_workbook)
    first = write_follow_up(round_, output, today=TODAY)
    before = first.follow_up.read_bytes()
    for lock in ("~$follow-up.xlsx", ".~lock.follow-up.xlsx#"):
        (output / ROUND / lock).write_text("Kari")

        with pytest.raises(OutputError, match=r"follow-up\.xlsx.*open.*Close it"):
            write_follow_up(round_, output, today=TODAY + dt.timedelta(days=1))

        (output / ROUND / lock).unlink()
    assert first.follow_up.read_bytes() == before
    assert not (output / ROUND / "history").exists()


def test_an_unreadable_workbook_is_refused_not_replaced(make_workbook, output):
    round_ = round_from(make_workbook)
    first = write_follow_up(round_, output, today=TODAY)
    first.follow_up.write_bytes(b"PK\x03\x04 not really a workbook")

    with pytest.raises(OutputError, match="not replaced"):
        write_follow_up(round_, output, today=TODAY)

    assert first.follow_up.read_bytes() == b"PK\x03\x04 not really a workbook"


def test_a_missing_workbook_comes_back_with_its_edits(make_workbook, output):
    round_ = round_from(make_workbook)
    first = write_follow_up(round_, output, today=TODAY)
    edit(first.follow_up, {("Mål og tiltak", "G-1", "Kommentar"): "Viktig"})
    write_follow_up(round_, output, today=TODAY)
    first.follow_up.unlink()

    result = write_follow_up(round_, output, today=TODAY)

    assert table(result.follow_up, "Mål og tiltak")["G-1"]["Kommentar"] == "Viktig"
    assert any("was not there" in w for w in result.warnings)


# -- safe text ---------------------------------------------------------------------------------------


def typed_as_text(workbook: openpyxl.Workbook) -> None:
    """HR typed `=1+1` or `#N/A` as text (openpyxl would otherwise store a formula or an error)."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def test_text_from_people_is_always_text(make_workbook, output):
    risky = ["=cmd|' /C calc'!A0", "+47 99", "-minus", "@SUM(A1)", "#N/A"]
    round_ = round_from(
        make_workbook,
        goals={"G-1": {"description": "=1+1", "responsible": "@Per", "measure": "#N/A"}},
        edit=typed_as_text,
    )
    write_register(
        output,
        {
            "102": conversation(
                "102",
                "2027-01-19",
                "2027-01-21T10:00:00+00:00",
                reviews=[{"goal_id": "G-1", "status": "", "comment": "Linje 1\nLinje 2\x07\x1b slutt"}],
                goals=[
                    new_item(f"2027-H1-102-G{i}", "goal", text, measure=text)
                    for i, text in enumerate(risky, 1)
                ]
                + [new_item("2027-H1-102-A1", "action", LONG)],
            )
        },
    )

    result = write_follow_up(round_, output, today=TODAY)

    ws = openpyxl.load_workbook(result.follow_up)["Mål og tiltak"]
    for i, text in enumerate(risky, 1):
        for header in ("Beskrivelse", "Suksesskriterium"):
            cell = cell_of(ws, header, f"2027-H1-102-G{i}")
            assert (cell.value, cell.data_type) == (text, "s")
    assert (cell_of(ws, "Beskrivelse", "G-1").value, cell_of(ws, "Beskrivelse", "G-1").data_type) == (
        "=1+1",
        "s",
    )
    assert cell_of(ws, "Ansvarlig", "G-1").value == "@Per"
    assert (
        cell_of(ws, "Suksesskriterium", "G-1").value,
        cell_of(ws, "Suksesskriterium", "G-1").data_type,
    ) == ("#N/A", "s")
    assert cell_of(ws, "Kommentar", "G-1").value == "Linje 1\nLinje 2 slutt"  # control characters gone
    cut = cell_of(ws, "Beskrivelse", "2027-H1-102-A1").value
    assert len(cut) == 32_767 and cut.endswith("… [forkortet]")
    assert result.counts["texts_cut"] == 1
    assert any("2027-H1-102-A1" in w and "40,000 characters" in w for w in result.warnings)
    # Re-running over the cut text is not mistaken for an edit, and warns again (the source is still long).
    again = write_follow_up(round_, output, today=TODAY)
    assert again.counts["edits_kept"] == 0 and again.counts["texts_cut"] == 1


def test_a_department_named_like_a_formula_is_text_in_the_charts_values_too(make_workbook, output):
    """The Overview's chart takes its labels from hidden rows below the table: a department's name
    from the workbook is a text cell there as everywhere, never a formula."""
    base_sources(output)
    round_ = round_from(
        make_workbook, employees={"104": {"department": '=HYPERLINK("x")'}}, edit=typed_as_text
    )

    result = write_follow_up(round_, output, today=TODAY)

    ws = openpyxl.load_workbook(result.follow_up)["Oversikt"]
    found = [c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert len(found) >= 2 and any(ws.row_dimensions[c.row].hidden for c in found)  # the table, the chart
    assert {c.data_type for c in found} == {"s"}


# -- the leadership summary --------------------------------------------------------------------------


DEPARTMENTS = {"Produksjon": 7, "Salg": 3, "Lager": 2}


def company(make_workbook):
    """Twelve employees with unmistakable IDs (E1000...): Produksjon 7 (E1000-E1006), Salg 3, Lager 2.
    E1000 interviews E1001-E1003; E1001 interviews E1000 and E1004-E1011."""
    employees, schedule = [], []
    number = 0
    for department, size in DEPARTMENTS.items():
        for _ in range(size):
            employee_id = f"E{1000 + number}"
            employees.append(
                {
                    "id": employee_id,
                    "first_name": f"Fornavn{number}q",
                    "last_name": f"Etternavn{number}q",
                    "email": f"p{number}@fjordtre.no",
                    "department": department,
                    "manager_id": None if number == 0 else "E1000" if number < 4 else "E1001",
                    "status": "active",
                }
            )
            day = dt.date(2027, 1, 18) + dt.timedelta(days=number % 5)
            schedule.append(
                {
                    "employee_id": employee_id,
                    "date": day,
                    "start": dt.time(8 + number // 5, 0),
                    "interviewer_id": "E1001" if number == 0 else None,
                }
            )
            number += 1
    goals = [
        {
            "id": f"M-{i}",
            "employee_id": f"E{1000 + i}",
            "type": "goal",
            "description": f"Hemmelig mål {i} om helse",
            "comment": f"Privat kommentar {i}",
            "responsible": f"Ansvarlig{i}q",
            "due": dt.date(2027, 2, 1),
            "status": "in_progress",
            "agreed_in_round": "2026-H1",
        }
        for i in range(12)
    ]
    return round_from(make_workbook, employees=employees, schedule=schedule, goals=goals)


def company_register(output: Path) -> dict:
    conversations = {
        f"E{1000 + i}": conversation(
            f"E{1000 + i}",
            "2027-01-20",
            "2027-01-25T08:00:00+00:00",
            reviews=[
                {"goal_id": f"M-{i}", "status": "done" if i % 2 else "", "comment": f"Sårbar vurdering {i}"}
            ],
            goals=[
                new_item(f"2027-H1-E{1000 + i}-G1", "goal", f"Nytt personlig mål {i}", measure=f"Måltall {i}")
            ],
            approval={"approved": True, "date": "2027-02-01", "comment": f"Godkjent med forbehold {i}"}
            if i < 8
            else None,
        )
        for i in range(10)
    }
    write_register(output, conversations)
    return conversations


def all_cells(path: Path) -> list[object]:
    wb = openpyxl.load_workbook(path)
    return [
        cell.value for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None
    ]


def table_rows(ws) -> list[tuple]:
    """A leadership sheet's rows from row 5 that show and have a first cell (a chart's values are in
    hidden rows)."""
    return [
        tuple(c.value for c in row)
        for row in ws.iter_rows(min_row=5)
        if row[0].value and not ws.row_dimensions[row[0].row].hidden
    ]


def test_leadership_summary_hides_small_groups_and_every_personal_detail(make_workbook, output):
    round_ = company(make_workbook)
    conversations = company_register(output)
    follow_up = write_follow_up(round_, output, today=TODAY)
    edit(follow_up.follow_up, {("Mål og tiltak", "M-0", "Kommentar"): "Skrevet i oppfølgingsboka"})
    result = write_follow_up(round_, output, today=TODAY)

    wb = openpyxl.load_workbook(result.leadership)
    assert wb.sheetnames == ["Oversikt", "Avdelinger", "Samtaleledere", "Sammenligning"]
    departments = {r[0]: r[1:] for r in table_rows(wb["Avdelinger"])}
    headers = [c.value for c in wb["Avdelinger"][4]]
    produksjon = dict(zip(headers[1:], departments["Produksjon"], strict=True))
    assert produksjon["Ansatte"] == 7 and produksjon["Samtaler holdt"] == 7
    assert produksjon["Referat godkjent"] == 7 and produksjon["Referat godkjent (%)"] == 1
    assert produksjon["Mål og tiltak"] == 14 and produksjon["Fullført"] == 3  # M-1, M-3, M-5
    assert departments["Salg"][:2] == ("< 5", "i «Andre»")
    assert departments["Lager"][:2] == ("< 5", "i «Andre»")
    other = dict(zip(headers[1:], departments["Andre (skjulte grupper)"], strict=True))
    assert (other["Ansatte"], other["Samtaler holdt"], other["Referat godkjent"]) == (5, 3, 1)
    assert departments["Totalt"][:2] == (12, 10)  # employees, invited (ten were held)
    # Interviewers are numbered, never named. The second has 3 employees; pooled alone they could be
    # had as total minus the first, so the first joins "Other" too.
    interviewers = {r[0]: r[1:3] for r in table_rows(wb["Samtaleledere"])}
    assert interviewers == {
        "Andre (skjulte grupper)": (12, 10),
        "Totalt": (12, 10),
        "Samtaleleder 1": ("≥ 5", "i «Andre»"),
        "Samtaleleder 2": ("< 5", "i «Andre»"),
    }
    assert isinstance(wb["Avdelinger"]._charts[0], BarChart)
    # every interviewer group hidden: the sheet says so in one sentence and draws no chart
    assert (
        wb["Samtaleledere"]["A3"].value
        == "Alle gruppene her er skjult for å verne små grupper; bare totalen vises."
    )
    assert wb["Samtaleledere"]._charts == []

    # Nothing personal anywhere: no name, no ID, no free text, in any cell or any part of the file.
    forbidden = {e.first_name for e in round_.employees} | {e.last_name for e in round_.employees}
    forbidden |= {e.id for e in round_.employees} | {g.id for g in round_.goals}
    forbidden |= {g.description for g in round_.goals} | {g.comment for g in round_.goals if g.comment}
    forbidden |= {g.responsible for g in round_.goals}
    for item in conversations.values():
        forbidden |= {r["comment"] for r in item["reviews"]}
        if item["approval"]:
            forbidden.add(item["approval"]["comment"])
        forbidden |= {g["description"] for g in item["goals"]} | {g["measure"] for g in item["goals"]}
        forbidden |= {g["id"] for g in item["goals"]} | set(item["answers"].values())
    forbidden |= {"Skrevet i oppfølgingsboka", "Fritekst som aldri skal ut"}
    forbidden = {f for f in forbidden if f}
    for value in all_cells(result.leadership):
        text = str(value)
        assert not [f for f in forbidden if f in text], text
    with zipfile.ZipFile(result.leadership) as archive:
        for name in archive.namelist():
            content = archive.read(name).decode("utf-8", "replace")
            assert not [f for f in forbidden if f in content], name
    # ... while the follow-up workbook, for HR, has them.
    assert "Fornavn3q Etternavn3q" in all_cells(result.follow_up)


def test_the_previous_round_is_shown_beside_this_one(make_workbook, output):
    before = round_from(
        make_workbook,
        round={
            "round_id": "2026-H1",
            "period_start": dt.date(2026, 1, 18),
            "period_end": dt.date(2026, 1, 29),
        },
        schedule=[],
        goals=[],
    )
    write_register(
        output,
        {
            "102": conversation(
                "102",
                "2026-01-19",
                "2026-01-21T10:00:00+00:00",
                goals=[new_item("G-1", "goal", "Lære CNC-fresen")],
            ),
            "103": conversation(
                "103",
                "2026-01-19",
                "2026-01-21T10:00:00+00:00",
                goals=[new_item("G-2", "action", "Kurs i HMS")],
                approval={"approved": True, "date": "2026-02-01", "comment": ""},
            ),
        },
        round_id="2026-H1",
    )
    write_follow_up(before, output, today=dt.date(2026, 3, 1))
    (output / "2025-H2").mkdir()  # an older round without a register is not a candidate
    (output / "2028-H1").mkdir()  # nor a later one
    write_register(output, {}, round_id="2028-H1")
    base_sources(output)

    result = write_follow_up(round_from(make_workbook), output, today=TODAY)

    assert result.previous_round == "2026-H1"
    ws = openpyxl.load_workbook(result.leadership)["Sammenligning"]
    assert [c.value for c in ws[4]] == ["Nøkkeltall", "Denne runden (2027-H1)", "Forrige runde (2026-H1)"]
    rows = {r[0]: r[1:] for r in table_rows(ws)}
    assert rows["Ansatte"] == (5, 5)
    assert rows["Samtaler holdt"] == (2, 2)
    assert rows["Referat godkjent"] == (1, 1)
    # G-1 and G-2 were agreed in 2026-H1; now G-1 is done (reviewed), G-2 not started.
    assert rows["fullført"] == (1, 0.5) and rows["ikke startet"] == (1, 0.5)
    assert ws._charts
    # The Summary page has the same comparison, last round's goals done, and a chart of both rounds.
    summary = openpyxl.load_workbook(result.leadership)["Oversikt"]
    lines = {r[0]: r[1:3] for r in table_rows(summary)}
    assert lines["Nøkkeltall"] == ("Denne runden (2027-H1)", "Forrige runde (2026-H1)")
    assert lines["Samtaler holdt"] == (2, 2) and lines["Referat godkjent"] == (1, 1)
    assert lines["Mål og tiltak fra forrige runde: fullført"][0] == 1
    assert lines["Mål og tiltak fra forrige runde: i alt"][0] == 2
    assert [len(chart.series) for chart in summary._charts] == [2]


# -- LibreOffice -------------------------------------------------------------------------------------


def test_both_files_open_in_libreoffice_and_a_libreoffice_save_keeps_the_edits(
    make_workbook, output, tmp_path
):
    soffice = pdf.find_soffice()
    assert soffice is not None, "LibreOffice (soffice) is needed: .ci/run installs it"
    round_ = round_from(make_workbook)
    base_sources(output)
    result = write_follow_up(round_, output, today=TODAY)
    edit(result.follow_up, {("Mål og tiltak", "G-2", "Kommentar"): "=2+2"})
    result = write_follow_up(round_, output, today=TODAY)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    converted = tmp_path / "converted"

    run = subprocess.run(
        [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            str(result.follow_up),
            str(result.leadership),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert run.returncode == 0, run.stderr
    for name in ("follow-up.pdf", "leadership-summary.pdf"):
        assert (converted / name).read_bytes().startswith(b"%PDF"), run.stdout + run.stderr

    # A person opens the workbook in LibreOffice Calc, edits and saves it as .xlsx.
    edit(result.follow_up, {("Mål og tiltak", "G-1", "Status"): "avbrutt"})
    resaved = tmp_path / "resaved"
    run = subprocess.run(
        [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(result.follow_up),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    (resaved / "follow-up.xlsx").replace(result.follow_up)

    again = write_follow_up(round_, output, today=TODAY)

    goals = table(again.follow_up, "Mål og tiltak")
    assert goals["G-1"]["Status"] == "avbrutt" and goals["G-2"]["Kommentar"] == "=2+2"
    assert again.counts["edits_kept"] == 2 and again.counts["conflicts"] == 0


def test_an_edited_due_date_is_kept_and_moves_the_overdue_flag(make_workbook, output):
    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    goals = table(first.follow_up, "Mål og tiltak")
    assert goals["G-2"]["Frist"] == dt.date(2027, 3, 1) and goals["G-2"]["Forfalt"] == "ja"
    edit(first.follow_up, {("Mål og tiltak", "G-2", "Frist"): dt.datetime(2027, 4, 30)})

    second = write_follow_up(round_, output, today=TODAY)

    goals = table(second.follow_up, "Mål og tiltak")
    assert goals["G-2"]["Frist"] == dt.date(2027, 4, 30) and goals["G-2"]["Forfalt"] == "nei"
    assert (
        second.counts["edits_kept"] == 1 and second.figures.goals_overdue == first.figures.goals_overdue - 1
    )
    assert write_follow_up(round_, output, today=TODAY).unchanged  # an edit stays an edit


def test_a_record_from_before_the_due_date_was_editable_does_not_make_due_dates_edits(make_workbook, output):
    """A follow-up workbook written by an earlier version has no baseline for the due date: its due
    dates, as the sources gave them, are not taken for a person's edits after the upgrade."""
    from pipeline.store.state import State

    round_ = round_from(make_workbook)
    base_sources(output)
    first = write_follow_up(round_, output, today=TODAY)
    state = State(output).document(ROUND, "follow-up-state")
    for run in state["runs"]:  # as an earlier version wrote it
        run.pop("editable")
        for record in run["goals"].values():
            for part in ("g", "w"):
                (record.get(part) or {}).pop("due", None)
    State(output).put_document(ROUND, "follow-up-state", state)
    edit(first.follow_up, {("Mål og tiltak", "G-1", "Kommentar"): "Godt i gang"})

    second = write_follow_up(round_, output, today=TODAY)

    assert second.counts["edits_kept"] == 1 and second.counts["conflicts"] == 0  # the comment only
    goals = table(second.follow_up, "Mål og tiltak")
    assert goals["G-1"]["Kommentar"] == "Godt i gang" and goals["G-2"]["Frist"] == dt.date(2027, 3, 1)
