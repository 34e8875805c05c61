"""Each employee's own plan (issue 25, followup/plans.py): `appraisal status` writes, per employee with a
goal or action, their goals and actions as they stand after the follow-up's merge, in their language,
with what changed since the previous version marked; nothing about anyone else; rewritten only when
its content changed. Checked on the sample round collected the way `make demo` does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from support.helpers import custom_properties
from test_engine import audit

from pipeline.round.rules import check_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"
ROUND = "2027-H1"
TODAY = "2027-02-01"
PLAN_NAMES = {
    "nb": "mine-mal-og-tiltak.docx",
    "nn": "mine-mal-og-tiltak.docx",
    "en": "my-goals-and-actions.docx",
}


def appraisal(*args: str, cwd: Path) -> str:
    env = {**os.environ, "APPRAISAL_TODAY": TODAY, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The sample round run whole (invitations to follow-up, the returned forms in input/notes)."""
    work = tmp_path_factory.mktemp("plans")
    appraisal("run", "-w", str(SAMPLE), "-o", str(work / "output"), cwd=work)
    return work


@pytest.fixture
def output(demo, tmp_path) -> Path:
    """A copy of the demo's output to change."""
    shutil.copytree(demo / "output", tmp_path / "output")
    return tmp_path / "output"


def plans(output: Path) -> dict[str, Path]:
    """Employee ID -> their plan."""
    found = {}
    for path in (output / ROUND / "employees").glob("*/*.docx"):
        if custom_properties(path)["AppraisalKind"] == "plan":
            found[custom_properties(path)["AppraisalEmployeeID"]] = path
    return found


def rows(path: Path) -> list[dict[str, str]]:
    """The plan's table: per item its type, description, measure or responsible, due, status, comment
    and change."""
    (table,) = docx.Document(str(path)).tables
    keys = ("goal", "detail", "due", "status", "comment", "change")
    found = []
    for row in table.rows[1:]:
        cells = dict(zip(keys, (c.text for c in row.cells), strict=True))
        kind, _, description = cells.pop("goal").partition("\n")
        found.append({"type": kind, "description": description, **cells})
    return found


def expected_items(output: Path) -> dict[str, set[str]]:
    """Per employee, the descriptions their plan must list, counted here from the round workbook's
    Goals sheet (open when the round began) and the register (agreed in the minutes of this round)."""
    round_, _ = check_workbook(SAMPLE)
    expected: dict[str, set[str]] = {}
    for goal in round_.goals:
        if goal.status not in ("done", "cancelled"):
            expected.setdefault(goal.employee_id, set()).add(goal.description)
    register = json.loads(appraisal("export-state", "-w", str(SAMPLE), "-o", str(output), cwd=output.parent))
    for employee_id, conversation in register["conversations"].items():
        for item in conversation["goals"]:
            expected.setdefault(employee_id, set()).add(item["description"])
    left = {e.id for e in round_.employees if e.status == "left"}
    return {k: v for k, v in expected.items() if k not in left}


def test_each_plan_lists_exactly_the_employees_own_items_in_their_language(demo):
    output = demo / "output"
    round_, _ = check_workbook(SAMPLE)
    people = {e.id: e for e in round_.employees}
    found = plans(output)
    expected = expected_items(output)
    assert set(found) == set(expected)
    assert "1013" not in found  # Thomas Fjeld has left
    for employee_id, path in found.items():
        person = people[employee_id]
        lang = person.language or "nb"
        assert path.name == PLAN_NAMES[lang]
        listed = rows(path)
        assert {r["description"] for r in listed} == expected[employee_id], person.name
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        assert person.name in text
        heading = {"nb": "Mine mål og tiltak", "nn": "Mine mål og tiltak", "en": "My goals and actions"}[lang]
        assert heading in text
        others = {d for k, v in expected.items() if k != employee_id for d in v} - expected[employee_id]
        everything = text + "\n".join(str(r) for r in listed)
        assert not [d for d in others if d in everything], person.name
        responsible = {r["detail"] for r in listed}
        assert not [
            p.name
            for p in people.values()
            if p.id != employee_id and p.name in text and p.name not in responsible
        ], person.name
    assert {people[e].language or "nb" for e in found} >= {"nb", "en"}


def test_an_item_done_before_the_round_is_not_listed(demo):
    round_, _ = check_workbook(SAMPLE)
    done_before = {g.description for g in round_.goals if g.status in ("done", "cancelled")}
    assert done_before
    for path in plans(demo / "output").values():
        assert not {r["description"] for r in rows(path)} & done_before


def edit_follow_up(output: Path, goal_id: str, changes: dict[str, object]) -> None:
    """Change a goal's editable cells in HR's follow-up workbook, as HR would."""
    path = output / ROUND / "follow-up.xlsx"
    book = openpyxl.load_workbook(path)
    ws = book["Mål og tiltak"]
    header = next(r for r in range(1, 6) if ws.cell(r, 1).value == "Mål-ID")
    columns = {c.value: c.column for c in ws[header]}
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == goal_id)
    for column, value in changes.items():
        ws.cell(row, columns[column]).value = value
    book.save(path)


def test_an_edit_in_the_follow_up_changes_the_plan_with_the_change_marked(output):
    import datetime as dt

    plan = plans(output)["1009"]
    before = {r["description"]: r for r in rows(plan)}
    goal = "2026-H1-1009-G1"
    description = "Øke omsetningen hos de ti største kundene med 8 %"
    assert before[description]["change"] == ""  # the first version marks nothing
    edit_follow_up(output, goal, {"Status": "fullført", "Frist": dt.datetime(2027, 3, 31)})

    printed = appraisal("status", "-w", str(SAMPLE), "-o", str(output), cwd=output.parent)

    assert "employees' plans: 1 written" in printed
    after = {r["description"]: r for r in rows(plan)}
    assert after[description]["status"].startswith("fullført")
    assert after[description]["change"] == "Fullført; Ny frist (var: 31.12.2026)"
    assert [d for d, r in after.items() if r["change"]] == [description]
    printed = appraisal("status", "-w", str(SAMPLE), "-o", str(output), cwd=output.parent)
    assert "employees' plans: 0 written" in printed or "unchanged" in printed
    assert {r["description"]: r for r in rows(plan)} == after  # the same version, marks and all


def test_an_edit_in_a_managers_copy_reaches_the_plan(output):
    copy = next((output / ROUND / "managers").glob("1008-*/oppfolging.xlsx"))
    book = openpyxl.load_workbook(copy)
    ws = book["Mål og tiltak"]
    header = next(r for r in range(1, 8) if ws.cell(r, 1).value == "Mål-ID")
    columns = {c.value: c.column for c in ws[header]}
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == "2026-H1-1009-G1")
    ws.cell(row, columns["Status"]).value = "avbrutt"
    book.save(copy)

    appraisal("status", "-w", str(SAMPLE), "-o", str(output), cwd=output.parent)

    changed = {r["description"]: r for r in rows(plans(output)["1009"])}
    item = changed["Øke omsetningen hos de ti største kundene med 8 %"]
    assert item["status"].startswith("avbrutt") and item["change"] == "Ny status (var: pågår)"


def test_a_plan_a_person_edited_is_not_overwritten(output):
    plan = plans(output)["1009"]
    document = docx.Document(str(plan))
    document.add_paragraph("Notat fra Erlend: snakk med Siri om kunde X.")
    document.save(str(plan))
    edited = plan.read_bytes()
    edit_follow_up(output, "2026-H1-1009-G1", {"Kommentar": "Oppdatert av HR"})

    printed = appraisal("status", "-w", str(SAMPLE), "-o", str(output), cwd=output.parent)

    assert plan.read_bytes() == edited
    assert "kept because edited" in printed


def test_a_plan_deleted_since_is_written_again_by_the_next_run(output):
    """A plan gone from an employee's folder is written again, as a letter or a form is, although
    nothing else changed (the follow-up's quick check skipped the plans, and left it gone)."""
    run = ("run", "-w", str(SAMPLE), "-o", str(output))
    appraisal(*run, cwd=output.parent)
    plan = plans(output)["1009"]
    made = plan.read_bytes()
    plan.unlink()

    printed = appraisal(*run, cwd=output.parent)

    assert plan.read_bytes() == made
    assert "employees' plans: 1 written" in printed


def test_a_plan_template_hr_edited_makes_the_next_run_write_the_plans_with_it(output):
    """Found this session: the status step was skipped whole when the follow-up's inputs were as before,
    plans included, so a plan template HR edited (`--templates`) changed nothing until something else
    did. What the plans are made from is now part of what must be unchanged."""
    templates = output.parent / "templates"
    shutil.copytree(ROOT / "pipeline" / "default_templates", templates)
    appraisal("status", "-w", str(SAMPLE), "-o", str(output), "-t", str(templates), cwd=output.parent)
    again = appraisal("status", "-w", str(SAMPLE), "-o", str(output), "-t", str(templates), cwd=output.parent)
    assert "unchanged" in again and "written" not in again.replace("0 written", "")  # the same bytes: quick
    template = docx.Document(str(templates / "nb" / "plan.docx"))
    template.add_paragraph("Spørsmål om planen? Kontakt HR.")
    template.save(str(templates / "nb" / "plan.docx"))

    printed = appraisal(
        "status", "-w", str(SAMPLE), "-o", str(output), "-t", str(templates), cwd=output.parent
    )

    assert "employees' plans:" in printed and "employees' plans: 0 written" not in printed
    assert "Kontakt HR" in "\n".join(p.text for p in docx.Document(str(plans(output)["1009"])).paragraphs)


def test_a_plan_template_showing_more_of_the_employee_follows_a_change_to_it(output):
    """Found this session: a plan's hash held the employee's name only, while its template may show any
    of their facts (`employee.department`, `employee.job_title`, ...). With a template HR edited to show
    the department, a department changed in the workbook left every plan as it was. The hash now holds
    the employee's whole record, as the invitations' and the forms' do."""
    templates = output.parent / "templates"
    shutil.copytree(ROOT / "pipeline" / "default_templates", templates)
    template = docx.Document(str(templates / "nb" / "plan.docx"))
    template.add_paragraph("Avdeling: {{ employee.department }}")
    template.save(str(templates / "nb" / "plan.docx"))
    workbook = output.parent / "round.xlsx"
    shutil.copyfile(SAMPLE, workbook)
    appraisal("status", "-w", str(workbook), "-o", str(output), "-t", str(templates), cwd=output.parent)

    def shown() -> str:
        lines = [p.text for p in docx.Document(str(plans(output)["1009"])).paragraphs]
        return next(line for line in lines if line.startswith("Avdeling:"))

    before = shown()
    book = openpyxl.load_workbook(workbook)
    sheet = book["Ansatte"]
    header = next(
        row for row in sheet.iter_rows(max_row=5) if any(str(c.value).startswith("Avdeling") for c in row)
    )
    column = next(c.column for c in header if str(c.value).startswith("Avdeling"))
    row = next(r for r in sheet.iter_rows(min_row=header[0].row + 1) if str(r[0].value) == "1009")
    row[column - 1].value = "Nytt team"
    book.save(workbook)

    appraisal("status", "-w", str(workbook), "-o", str(output), "-t", str(templates), cwd=output.parent)

    assert before != "Avdeling: Nytt team" and shown() == "Avdeling: Nytt team"


@pytest.mark.parametrize("employee_id", ["1009", "1012"])
def test_a_plan_is_valid_and_converts_with_libreoffice(demo, employee_id, tmp_path):
    from support.printing import print_to_pdf

    plan = plans(demo / "output")[employee_id]
    assert audit(plan) == []
    (printed,) = print_to_pdf([plan], tmp_path).values()
    assert 1 <= printed.pages <= 2


def test_nynorsk_english_and_who_gets_no_plan(make_workbook, tmp_path):
    """A nynorsk reader's plan is nynorsk, an English reader's English; someone who has left gets none,
    and so does someone whose every item was finished before the round."""
    from pipeline.render.templates import TemplateSet
    from pipeline.round.reader import read_round
    from pipeline.run import status_step

    goal = {"type": "goal", "measure": "Målt", "due": None, "responsible": None, "progress": None,
            "comment": None, "agreed_in_round": "2026-H1"}  # fmt: skip
    workbook = make_workbook(
        employees={
            "102": {"language": "nn"},
            "105": {
                "first_name": "Tor",
                "last_name": "Lund",
                "email": "tor@fjordtre.no",
                "department": "Salg",
                "job_title": "Selger",
                "manager_id": "100",
                "language": "nb",
                "status": "left",
            },
        },  # fmt: skip
        goals={
            "G-3": {
                **goal,
                "employee_id": "105",
                "description": "Åpent mål for en som har sluttet",
                "status": "in_progress",
            },
            "G-4": {**goal, "employee_id": "104", "description": "Fullført i fjor", "status": "done"},
            "G-5": {**goal, "employee_id": "101", "description": "Avbrutt i fjor", "status": "cancelled"},
        },
    )
    round_, report = read_round(workbook)
    assert not report.errors, report.to_list()
    output = tmp_path / "output"

    result = status_step(round_, output, templates=TemplateSet(None, "nb"), workers=1)

    found = plans(output)
    assert sorted(found) == ["102", "103"] and result.plans is not None
    nynorsk = "\n".join(p.text for p in docx.Document(str(found["102"])).paragraphs)
    assert "Her er måla og tiltaka dine frå medarbeidarsamtalen" in nynorsk
    assert [r["status"] for r in rows(found["102"])] == ["pågår (50 %)"]
    english = "\n".join(p.text for p in docx.Document(str(found["103"])).paragraphs)
    assert "My goals and actions" in english and found["103"].name == "my-goals-and-actions.docx"
    assert [(r["type"], r["status"], r["due"]) for r in rows(found["103"])] == [
        ("Action", "not started", "01/03/2027")
    ]
    assert audit(found["102"]) == []
