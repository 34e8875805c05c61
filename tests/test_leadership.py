"""The leadership summary as a report (issue 11): its one-page Summary sheet checked against counts
made here from the workbook and the register, the consented well-being score, no name, ID, e-mail
or free text in any cell, chart title, header or sheet name; and `status --export`'s CSV."""

from __future__ import annotations

import csv
import statistics
import zipfile

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from test_followup import TODAY, company, company_register, write_register

from pipeline.cli import cli
from pipeline.followup.step import write_follow_up


@pytest.fixture
def output(tmp_path):
    return tmp_path / "output"


SCORES = {"E1000": 4, "E1001": 5, "E1002": 3, "E1003": 4, "E1004": 2}  # five in Produksjon consented


def summary_rows(path) -> dict[str, dict[str, object]]:
    """The Summary sheet's department table: {label: {header: value}}."""
    ws = openpyxl.load_workbook(path)["Oversikt"]
    headers = [c.value for c in ws[4]]
    rows = {}
    for values in ws.iter_rows(min_row=5, values_only=True):
        if not values[0]:
            break
        rows[values[0]] = dict(zip(headers[1:], values[1:], strict=True))
    return rows


def expected(round_, register: dict, department: str | None) -> dict[str, int]:
    """The figures of a department (None: the round), counted from the round and the register."""
    ids = {e.id for e in round_.employees if department is None or e.department == department}
    held = [register[i] for i in ids if i in register and register[i]["held_on"]]
    reviewed_done = {r["goal_id"] for c in register.values() for r in c["reviews"] if r["status"] == "done"}
    goals = [g for g in round_.goals if g.employee_id in ids]
    new = [item for i in ids if i in register for item in register[i]["goals"]]
    done = [g for g in goals if g.id in reviewed_done]
    open_ = [g for g in goals if g.id not in reviewed_done]
    return {
        "Ansatte": len(ids),
        "Samtaler holdt": len(held),
        "Referat mottatt": len(held),
        "Referat godkjent": sum(1 for c in held if c["approval"] and c["approval"]["approved"]),
        "Avtalt i runden": len(new),
        "Fullført": len(done),
        "Pågår": sum(1 for g in open_ if g.status == "in_progress"),
        "Forfalt": sum(1 for g in open_ if g.due < TODAY)
        + sum(1 for n in new if n["due"] < TODAY.isoformat()),
    }


def with_scores(conversations: dict) -> dict:
    for employee_id, score in SCORES.items():
        conversations[employee_id]["wellbeing"] = {"score": score}
    return conversations


def test_the_summary_sheet_counts_what_the_workbook_and_the_register_say(make_workbook, output):
    round_ = company(make_workbook)
    register = with_scores(company_register(output))
    write_register(output, register)

    result = write_follow_up(round_, output, today=TODAY)

    wb = openpyxl.load_workbook(result.leadership)
    assert wb.sheetnames[0] == "Oversikt"
    ws = wb["Oversikt"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 1
    rows = summary_rows(result.leadership)
    for label, department in (("Produksjon", "Produksjon"), ("Totalt", None)):
        figures = expected(round_, register, department)
        assert {k: rows[label][k] for k in figures} == figures, label
    # Salg (3) and Lager (2) are under 5: hidden, their figures only in "Other" (together 5).
    assert (rows["Salg"]["Ansatte"], rows["Salg"]["Invitert"]) == ("< 5", "i «Andre»")
    assert (rows["Lager"]["Ansatte"], rows["Lager"]["Invitert"]) == ("< 5", "i «Andre»")
    other = rows["Andre (skjulte grupper)"]
    assert other["Ansatte"] == 5
    assert (
        other["Samtaler holdt"]
        == expected(round_, register, "Salg")["Samtaler holdt"]
        + expected(round_, register, "Lager")["Samtaler holdt"]
    )
    # Well-being: five consented in Produksjon, no one elsewhere.
    scores = list(SCORES.values())
    produksjon = rows["Produksjon"]
    assert produksjon["Trivsel, svar"] == 5
    assert abs(produksjon["Trivsel, snitt (1–5)"] - statistics.mean(scores)) < 1e-9
    assert abs(produksjon["Trivsel, std.avvik"] - statistics.stdev(scores)) < 1e-9
    assert rows["Totalt"]["Trivsel, svar"] == 5
    assert rows["Salg"]["Trivsel, snitt (1–5)"] == "–"  # a hidden score reads as no score


def test_wellbeing_of_too_few_consenting_employees_is_not_shown(make_workbook, output):
    round_ = company(make_workbook)
    register = company_register(output)
    for employee_id in ("E1000", "E1001", "E1002", "E1003"):  # four: under 5
        register[employee_id]["wellbeing"] = {"score": 5}
    write_register(output, register)

    result = write_follow_up(round_, output, today=TODAY)
    rows = summary_rows(result.leadership)

    for label in ("Produksjon", "Totalt"):
        values = rows[label]
        assert (values["Trivsel, snitt (1–5)"], values["Trivsel, std.avvik"], values["Trivsel, svar"]) == (
            "–",
            "–",
            "< 5",
        )
    # and the summary's key figures beside the previous round: the hidden average reads as no score
    summary = openpyxl.load_workbook(result.leadership).worksheets[0]
    key_figures = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0] == "Trivsel, snitt (1–5)"}
    assert key_figures == {"Trivsel, snitt (1–5)": "–"}


def chart_texts(ws) -> list[str]:
    """The titles of a sheet's charts and of their series."""
    found = []
    for chart in ws._charts:
        if chart.title is not None and chart.title.tx is not None and chart.title.tx.rich is not None:
            found += [run.t for p in chart.title.tx.rich.p for run in (p.r or [])]
        for series in chart.series:
            if series.tx is not None and series.tx.v:
                found.append(series.tx.v)
    return found


def test_no_name_id_email_or_free_text_in_any_cell_chart_or_sheet_name(make_workbook, output):
    round_ = company(make_workbook)
    register = with_scores(company_register(output))
    write_register(output, register)
    result = write_follow_up(round_, output, today=TODAY)

    people = set()
    for e in round_.employees:
        people |= {e.id, e.first_name, e.last_name, e.name, e.email}
    for goal in round_.goals:
        people |= {goal.id, goal.description, goal.comment or "", goal.responsible or ""}
    for item in register.values():
        people |= {r["comment"] for r in item["reviews"]} | set(item["answers"].values())
        people |= {g["id"] for g in item["goals"]} | {g["description"] for g in item["goals"]}
        people |= {g["measure"] for g in item["goals"]}
        if item["approval"]:
            people.add(item["approval"]["comment"])
    people = {p for p in people if p}
    assert len(people) > 60

    wb = openpyxl.load_workbook(result.leadership)
    texts: list[str] = []
    charts = 0
    for ws in wb.worksheets:
        texts.append(ws.title)
        texts += [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
        texts += chart_texts(ws)
        charts += len(ws._charts)
        texts += [part.text or "" for part in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right)]
    assert charts >= 2 and texts
    assert not [(t, p) for t in texts for p in people if p in t]
    with zipfile.ZipFile(result.leadership) as archive:  # and nowhere else in the file
        for name in archive.namelist():
            content = archive.read(name).decode("utf-8", "replace")
            assert not [p for p in people if p in content], name


def test_status_export_writes_tidy_csv_with_a_bom_and_the_same_suppression(make_workbook, output, tmp_path):
    round_ = company(make_workbook)
    register = with_scores(company_register(output))
    write_register(output, register)
    export = tmp_path / "csv"

    run = CliRunner().invoke(
        cli,
        ["status", "-w", str(round_.path), "-o", str(output), "--export", str(export)],
        catch_exceptions=False,
        env={"APPRAISAL_TODAY": TODAY.isoformat()},
    )

    assert run.exit_code == 0, run.output
    path = export / "figures.csv"
    assert run.output.splitlines()[-1] == f"written   {path}"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["round", "grouping", "group", "measure", "value", "suppressed"]
    assert set(frame["round"]) == {"2027-H1"}
    assert set(frame["grouping"]) == {"department", "interviewer", "total"}

    def value(grouping, group, measure):
        found = frame[(frame.grouping == grouping) & (frame.group == group) & (frame.measure == measure)]
        assert len(found) == 1, (grouping, group, measure)
        return found.iloc[0]["value"], found.iloc[0]["suppressed"]

    for measure, figure in expected(round_, register, "Produksjon").items():
        name = {
            "Ansatte": "employees",
            "Samtaler holdt": "held",
            "Referat mottatt": "minutes",
            "Referat godkjent": "approved",
            "Avtalt i runden": "agreed",
            "Fullført": "done",
            "Pågår": "in_progress",
            "Forfalt": "goals_overdue",
        }[measure]
        assert value("department", "Produksjon", name) == (str(figure), "false")
    assert value("total", "Totalt", "employees") == ("12", "false")
    # The same groups hidden as in the summary: Salg and Lager, both interviewer groups; nothing else.
    hidden = frame[frame.suppressed == "true"]
    assert set(zip(hidden.grouping, hidden.group, strict=True)) >= {
        ("department", "Salg"),
        ("department", "Lager"),
        ("interviewer", "Samtaleleder 1"),
        ("interviewer", "Samtaleleder 2"),
    }
    assert (hidden["value"] == "").all()
    assert value("department", "Salg", "employees") == ("", "true")
    assert value("department", "Andre (skjulte grupper)", "employees") == ("5", "false")
    assert value("department", "Produksjon", "wellbeing_count") == ("5", "false")
    assert float(value("total", "Totalt", "wellbeing_mean")[0]) == statistics.mean(SCORES.values())
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(frame) + 1 and all(len(r) == 6 for r in rows)
    text = raw.decode("utf-8-sig")
    names = {e.id for e in round_.employees} | {e.first_name for e in round_.employees}
    names |= {e.last_name for e in round_.employees} | {e.email for e in round_.employees}
    assert not [n for n in names if n and n in text]


def test_the_csv_export_never_hands_excel_a_formula(tmp_path):
    """A department named like a formula (typed in the workbook) is exported as inert text."""
    from pipeline.followup.export import export_figures
    from pipeline.followup.figures import ConversationFact
    from pipeline.followup.frames import FigureFrames
    from pipeline.model import Settings

    hostile = '=HYPERLINK("http://evil.example","klikk")'
    facts = [
        ConversationFact(name, f"M{n % 2}", "invited", False)
        for n in range(12)
        for name in (hostile, "+Drift")
    ]
    settings = Settings(round_id="2027-H1", min_group_size=5)
    [path] = export_figures(tmp_path, settings, FigureFrames(facts, []), None)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = {row["group"] for row in rows if row["grouping"] == "department"}
    assert groups == {"'" + hostile, "'+Drift"}
    assert all(not row[key].startswith(("=", "+", "@")) for row in rows for key in row)
    assert {row["value"] for row in rows if row["measure"] == "employees" and row["grouping"] == "total"} == {
        "24"
    }


def test_a_chart_of_many_groups_shows_the_largest_and_pools_the_rest():
    from pipeline.followup.figures import MAX_BARS, Figures, chart_bars

    groups = {f"G{n:02d}": Figures(employees=n, approved=n // 2) for n in range(1, 31)}
    bars = chart_bars("Fullført", {"conversation_rate": "Referat godkjent (%)"}, groups, "Øvrige grupper")
    labels = [label for label, _ in bars.groups]
    assert len(labels) == MAX_BARS and labels[:2] == ["G30", "G29"] and labels[-1] == "Øvrige grupper"
    rest = range(1, 31 - (MAX_BARS - 1))  # the 11 smallest, pooled
    assert bars.groups[-1][1] == (sum(n // 2 for n in rest) / sum(rest),)
    few = chart_bars("Fullført", {"conversation_rate": "x"}, dict(list(groups.items())[:5]), "Øvrige grupper")
    assert [label for label, _ in few.groups] == ["G01", "G02", "G03", "G04", "G05"]  # in the table's order
