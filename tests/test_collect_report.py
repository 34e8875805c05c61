"""The collect report HR can forward (collect/report.py): output/<round>/collect-report.xlsx, written by
every `collect` from every file collected in the round so far, in the round's language, with the
fields titled as each form shows them, sorted by interviewer; no answer typed in a form is in it."""

from __future__ import annotations

import openpyxl
import pytest
from test_collect import (
    ASE,
    ASE_ANSWERS,
    EMILY,
    EMILY_ANSWERS,
    ERLEND,
    ERLEND_ANSWERS,
    ROUND,
    run_collect,
    sample,  # noqa: F401  (a fixture: test_collect's meeting-notes forms)
)

from pipeline import texts

HEADERS = ["Samtaleleder", "Medarbeider", "Ansattnr.", "Fil", "Utfall", "Felt i skjemaet", "Problem",
           "Hva som må gjøres", "Samlet inn"]  # fmt: skip
HEADER_ROW = 4


@pytest.fixture
def forms(request):
    """The sample round's meeting-notes forms, to fill in (test_collect's module-wide fixture)."""
    return request.getfixturevalue("sample")


def report_rows(output) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(output / ROUND / "collect-report.xlsx").active
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    assert list(rows[0]) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


def said(part: str, code: str) -> str:
    return texts.get("nb", f"collect_report.{part}.{code}")


@pytest.fixture
def collected(forms, tmp_path):
    notes = tmp_path / "notes"
    forms.fill(
        ERLEND,
        notes / "Siri" / "erlend.docx",
        {**ERLEND_ANSWERS, "goal.2.due": "snart", "wellbeing_score": "4"},
    )
    forms.fill(ASE, notes / "åse.docx", {**ASE_ANSWERS, "summary": ""})
    forms.fill(
        EMILY,
        notes / "Siri" / "emily.docx",
        {**EMILY_ANSWERS, "goal.1.text": "Lead a campaign", "goal.1.due": "soon"},
    )
    (notes / "tom.docx").write_bytes(b"")
    (notes / "scan.pdf").write_bytes(b"%PDF-1.7\n")
    (notes / "~$åse.docx").write_bytes(b"lock")
    result = run_collect(notes, tmp_path / "output")
    assert result.exit_code == 1, result.output  # tom.docx is rejected
    return notes, tmp_path / "output", result.output


def test_each_problem_is_a_row_with_the_fields_title_the_problem_and_what_to_do(collected):
    _, output, printed = collected
    assert f"Report for HR to forward: {output / ROUND / 'collect-report.xlsx'}" in printed
    rows = report_rows(output)
    files = [row["Fil"] for row in rows]
    # Files whose interviewer is not known first, then by interviewer (Bjørn before Siri), then employee.
    assert files[:2] == ["scan.pdf", "tom.docx"] or files[:2] == ["tom.docx", "scan.pdf"]
    assert {rows[0]["Samtaleleder"], rows[1]["Samtaleleder"]} == {"(ukjent)"}
    interviewers = [row["Samtaleleder"] for row in rows[2:]]
    assert interviewers == sorted(interviewers) and set(interviewers) == {"Bjørn Kristiansen", "Siri Sæther"}
    assert "~$åse.docx" not in files  # Word's lock file is nothing anyone sent
    empty = next(row for row in rows if row["Fil"] == "tom.docx")
    assert (empty["Utfall"], empty["Problem"], empty["Hva som må gjøres"]) == (
        "ikke lest", said("problems", "file-empty"), said("todo", "file-empty"))  # fmt: skip

    ase = [row for row in rows if row["Fil"] == "åse.docx"]
    required = next(row for row in ase if row["Felt i skjemaet"] == "Oppsummering")
    assert (required["Medarbeider"], required["Ansattnr."], required["Utfall"]) == (
        "Åse Nygård",
        ASE,
        "ufullstendig",
    )
    assert required["Problem"] == "Et obligatorisk felt er tomt: det ble ikke skrevet noe referat."
    assert required["Hva som må gjøres"] == "Fyll ut feltet og send skjemaet på nytt."

    erlend = {row["Felt i skjemaet"]: row for row in rows if row["Fil"] == "Siri/erlend.docx"}
    assert erlend["Mål 2 – frist"]["Problem"] == "Ikke en dato."
    assert erlend["Trivsel på en skala fra 1 til 5 (valgfritt)"]["Problem"] == said(
        "problems", "score-without-consent"
    )
    # The English form's field is titled as that form shows it; the report stays in the round's language.
    emily = {row["Felt i skjemaet"]: row for row in rows if row["Fil"] == "Siri/emily.docx"}
    assert (
        emily["Goal 1 – due"]["Problem"] == "Ikke en dato." and emily["Goal 1 – due"]["Utfall"] == "godtatt"
    )


def test_no_answer_typed_in_a_form_is_in_the_report(collected):
    _, output, _ = collected
    cells = {str(v) for row in report_rows(output) for v in row.values() if v is not None}
    typed = [  # an action's owner is a name the report shows anyway
        v
        for answers in (ERLEND_ANSWERS, ASE_ANSWERS, EMILY_ANSWERS)
        for k, v in answers.items()
        if k != "action.1.owner"
    ]
    assert not [v for v in [*typed, "snart", "soon", "Lead a campaign"] if any(v in cell for cell in cells)]
    assert "4" not in cells  # the score given without consent


def test_a_file_without_problems_has_one_row(forms, tmp_path):
    notes = tmp_path / "notes"
    forms.fill(ASE, notes / "åse.docx", {**ASE_ANSWERS, "employee_view": "Trives godt."})
    assert run_collect(notes, tmp_path / "output").exit_code == 0
    (row,) = report_rows(tmp_path / "output")
    assert (row["Fil"], row["Utfall"], row["Problem"], row["Samtaleleder"]) == (
        "åse.docx",
        "godtatt",
        None,
        "Bjørn Kristiansen",
    )


def test_the_report_covers_every_collect_of_the_round_and_a_replaced_form_says_so(forms, tmp_path):
    output = tmp_path / "output"
    first, second = tmp_path / "first", tmp_path / "second"
    forms.fill(ASE, first / "åse.docx", {**ASE_ANSWERS, "summary": ""})
    forms.fill(ERLEND, first / "erlend.docx", {**ERLEND_ANSWERS, "goal.2.due": "snart"})
    run_collect(first, output)
    assert run_collect(first, output).exit_code == 0  # again: unchanged, and the problems still stand
    assert {row["Felt i skjemaet"] for row in report_rows(output) if row["Fil"] == "erlend.docx"} == {
        "Mål 2 – frist"
    }

    forms.fill(ASE, second / "åse-rettet.docx", ASE_ANSWERS)
    assert run_collect(second, output).exit_code == 0
    rows = report_rows(output)
    assert {row["Fil"] for row in rows} == {"åse.docx", "erlend.docx", "åse-rettet.docx"}
    (old,) = [row for row in rows if row["Fil"] == "åse.docx"]
    assert old["Utfall"] == "erstattet"
    assert old["Problem"] == "Erstattet av et senere skjema (åse-rettet.docx); ingenting å gjøre."
    (new,) = [row for row in rows if row["Fil"] == "åse-rettet.docx"]
    assert new["Utfall"] == "godtatt" and new["Problem"] is None


def test_an_edited_report_is_kept_first_and_an_open_one_is_left_as_it_is(forms, tmp_path):
    notes, output = tmp_path / "notes", tmp_path / "output"
    forms.fill(ASE, notes / "åse.docx", {**ASE_ANSWERS, "summary": ""})
    run_collect(notes, output)
    report = output / ROUND / "collect-report.xlsx"
    written = report.stat().st_mtime_ns, report.read_bytes()
    run_collect(notes, output)
    assert not (output / ROUND / "history").exists()  # not edited
    assert (report.stat().st_mtime_ns, report.read_bytes()) == written  # and the same: not written again

    book = openpyxl.load_workbook(report)
    book.active["J5"] = "Sendt til Bjørn 3. februar"
    book.save(report)
    result = run_collect(notes, output)
    (kept,) = (output / ROUND / "history").glob("collect-report-*.xlsx")
    assert openpyxl.load_workbook(kept).active["J5"].value == "Sendt til Bjørn 3. februar"
    assert f"The report had been edited; that copy is kept as {kept}" in result.output
    assert openpyxl.load_workbook(report).active["J5"].value is None

    (report.parent / f".~lock.{report.name}#").write_text("open")
    before = report.read_bytes()
    result = run_collect(notes, output)
    assert report.read_bytes() == before
    assert "is open" in result.output and "not rewritten" in result.output


@pytest.mark.parametrize("killed_at", ["register", "ledger"])
def test_a_collect_killed_before_its_register_is_saved_loses_no_problem_from_the_report(
    forms, tmp_path, killed_at
):
    """Found by the kill test: a collect killed after saving the register but before its record of the
    files made the next collect find the forms "already collected", and the report lost their problems.
    The record (and the ledgers) are now saved first: killed before the register, the next collect
    reads the forms again and reports what they hold."""
    import os
    import signal
    import subprocess
    import sys

    from test_collect import COLLECTED_ON, ROOT, SAMPLE

    notes, output = tmp_path / "notes", tmp_path / "output"
    forms.fill(ERLEND, notes / "erlend.docx", {**ERLEND_ANSWERS, "goal.2.due": "snart"})
    target = {"register": "pipeline.register.Register.save", "ledger": "pipeline.store.ledger.Ledger.save"}
    module, cls, method = target[killed_at].rsplit(".", 2)
    script = (
        "import os, signal, sys, importlib\n"
        f"owner = getattr(importlib.import_module({module!r}), {cls!r})\n"
        f"setattr(owner, {method!r}, lambda self: os.kill(os.getpid(), signal.SIGKILL))\n"
        "from pipeline.cli import main\n"
        f"main(['collect', {str(notes)!r}, '-w', {str(SAMPLE)!r}, '-o', {str(output)!r}])\n"
    )
    env = {**os.environ, "APPRAISAL_TODAY": COLLECTED_ON.isoformat(), "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL

    again = run_collect(notes, output)

    assert again.exit_code == 0, again.output
    assert "accepted   erlend.docx" in again.output
    rows = [r for r in report_rows(output) if r["Ansattnr."] == ERLEND]
    assert {r["Utfall"] for r in rows} == {said("outcomes", "accepted")}
    assert any(r["Problem"] == said("problems", "not-a-date") for r in rows), rows


def test_the_report_written_as_xml_reads_as_the_report_openpyxl_makes(tmp_path, monkeypatch):
    """Its rows are written as XML (`sheetrows.py`), a tenth of the cost of openpyxl's cells: cell for
    cell, look for look, the same workbook."""
    import datetime as dt
    from types import SimpleNamespace

    from test_sheetxml import picture

    from pipeline.collect import report

    settings = SimpleNamespace(
        language="nb", organisation="Fjordtre AS", round_id=ROUND, title="Samtaler 2027"
    )
    rows = [
        ["Siri Dahl", "Erlend Moe", "1002", "notes/erlend.docx", "Godtatt", "", "", "", dt.date(2027, 2, 1)],
        ["", "Åse Berg", "1003", "åse.docx", "Ufullstendig", "Oppsummering", "=SUM(A1)", "To\nlinjer", ""],
        [" Siri ", "Tom", "#N/A", "tom\r\n.docx", "Avvist", "x" * 200, "1,5", "-3", dt.date(2026, 12, 31)],
    ]
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    report._workbook(SimpleNamespace(settings=settings), rows).save(fast)
    monkeypatch.setattr(report, "RAW_ROWS", False)
    report._workbook(SimpleNamespace(settings=settings), rows).save(slow)
    seen = picture(fast)
    assert seen == picture(slow)
    assert seen[seen["sheets"][0]]["cells"]["G6"][:2] == ("=SUM(A1)", "s")  # typed text stays text
