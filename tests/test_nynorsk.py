"""Nynorsk readers get nynorsk (issue 24): every document the tool writes for a reader whose language is
`nn` is in nynorsk, a bokmål reader's in bokmål and an English reader's in English. Checked on the
sample round (bokmål, nynorsk and English readers) with the workbook's own values and the answers
typed left out, by words each written form uses and the others do not; and the nynorsk templates are
spell-checked with Debian's nynorsk dictionary (hunspell-no), as the nynorsk texts are."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from support import spelling
from support.formfill import fill_form
from support.helpers import custom_properties

from pipeline.collect.step import collect_forms
from pipeline.documents.invite import render_invitations
from pipeline.documents.prepare import render_forms
from pipeline.render.templates import TemplateSet, bundled_templates
from pipeline.round.rules import check_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NYNORSK_READER = "1017"  # Gunnhild Moe, who is also an interviewer
# Words nynorsk uses and bokmål writes otherwise: in no bokmål or English document.
NYNORSK_ONLY = frozenset(
    ("ikkje", "kva", "korleis", "kven", "kvar", "eg", "frå", "berre", "kvarandre", "vere", "nokon", "noko",
     "mykje", "medarbeidar", "medarbeidaren", "leiar", "leiaren", "samtaleleiar", "førebu", "førebuing",
     "tidlegare", "førre", "skildring", "framdrift", "halden", "vart", "dei", "henne", "ein", "eit")
)  # fmt: skip
ANSWERS = {
    "held_on": "20.01.2027",
    "interviewer_name": "Per Arne Løken",
    "employee_view": "Nøgd med arbeidet.",
    "summary": "God samtale.",
    "goal.1.text": "Leie eitt prosjekt",
    "goal.1.due": "30.09.2027",
}


def words_of(path: Path, values: list[str]) -> set[str]:
    """The lower-case words of a document's text (body, headers and footers), the round's own values
    and the answers typed left out."""
    with zipfile.ZipFile(path) as docx:
        parts = [n for n in docx.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
        texts = []
        for name in parts:
            root = etree.fromstring(docx.read(name))
            texts.extend("".join(p.itertext()) for p in root.iter(f"{{{W}}}p"))
    text = "\n".join(texts)
    for value in values:  # longest first, so that a name goes before the first name inside it
        text = text.replace(value, " ")
    return {w.lower() for w in spelling.words(text)}


def round_values(round_) -> list[str]:
    found = {round_.settings.title, round_.settings.organisation, round_.settings.hr_contact_name}
    for e in round_.employees:
        found |= {e.name, e.first_name, e.last_name, e.email, e.department, e.job_title}
    for m in round_.meetings:
        found |= {m.location, m.note}
    for g in round_.goals:
        found |= {g.description, g.measure, g.comment, g.responsible}
    found |= set(ANSWERS.values())
    return sorted((v for v in found if v), key=len, reverse=True)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, list[Path]]:
    """Every document of the sample round, invitations to minutes, by the language of its reader."""
    round_, report = check_workbook(SAMPLE, today=dt.date(2026, 12, 1))
    assert not report.errors
    output = tmp_path_factory.mktemp("nynorsk")
    templates = TemplateSet(None, "nb")
    render_invitations(round_, output, templates, workers=1)
    made = render_forms(round_, output, templates, workers=1)
    root = output / round_.settings.round_id
    notes = output.parent / "returned"
    people = {e.id: e for e in round_.employees}
    for outcome in made.outcomes:  # a filled form for one reader of each language, and the nynorsk one
        if outcome.kind == "meeting_notes" and outcome.employee_id in (NYNORSK_READER, "1009", "1012"):
            fill_form(root / outcome.path, notes / f"{outcome.employee_id}.docx", ANSWERS)
    result = collect_forms(round_, notes, output, templates, today=dt.date(2027, 2, 1))
    assert result.conversations_written == 3, [(f.path.name, f.status, f.messages) for f in result.files]
    by_lang: dict[str, list[Path]] = {}
    for path in sorted(root.rglob("*.docx")):
        person = people[custom_properties(path)["AppraisalEmployeeID"]]
        by_lang.setdefault(person.language or round_.settings.language, []).append(path)
    by_lang["values"] = round_values(round_)  # type: ignore[assignment]
    return by_lang


def test_the_nynorsk_reader_gets_every_kind_of_document_in_nynorsk(documents):
    kinds = {custom_properties(p)["AppraisalKind"] for p in documents["nn"]}
    assert kinds == {
        "invitation",
        "overview",
        "employee_preparation",
        "manager_preparation",
        "meeting_notes",
        "minutes",
    }
    for path in documents["nn"]:
        found = words_of(path, documents["values"])
        assert not found & spelling.BOKMAL_ONLY, (path.name, sorted(found & spelling.BOKMAL_ONLY))
        assert len(found & NYNORSK_ONLY) >= 3, (path.name, sorted(found & NYNORSK_ONLY))
        assert sorted(spelling.unknown(found) - {w.lower() for w in spelling.NYNORSK_TERMS}) == [], path.name
        with zipfile.ZipFile(path) as docx:
            assert b'w:val="nn-NO"' in docx.read("word/styles.xml")  # Word spell-checks it as nynorsk


def test_bokmal_and_english_readers_get_no_nynorsk(documents):
    assert documents["nb"] and documents["en"]
    for path in documents["nb"]:
        found = words_of(path, documents["values"])
        assert not found & NYNORSK_ONLY, (path.name, sorted(found & NYNORSK_ONLY))
        assert found & spelling.BOKMAL_ONLY, path.name
    for path in documents["en"]:
        found = words_of(path, documents["values"])
        assert not found & (NYNORSK_ONLY | spelling.BOKMAL_ONLY) - {"dei"}, path.name


def test_every_nynorsk_template_is_spelled_as_nynorsk():
    folder = bundled_templates() / "nn"
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(
        p.stem for p in (folder.parent / "nb").glob("*.docx")
    )
    for path in folder.glob("*.docx"):
        found = words_of(path, [])
        assert len(found) > 20, path.name
        assert not found & spelling.BOKMAL_ONLY, (path.name, sorted(found & spelling.BOKMAL_ONLY))
        assert sorted(spelling.unknown(found) - {w.lower() for w in spelling.NYNORSK_TERMS}) == [], path.name


def test_a_nynorsk_round_from_init_writes_and_reads_back_nynorsk(tmp_path, monkeypatch):
    """`appraisal init --lang nn` writes a nynorsk workbook whose headers and values read back; a round
    whose language is nn writes its workbooks in nynorsk, and the follow-up merge reads the nynorsk
    statuses people type ("avbrote")."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    monkeypatch.setenv("APPRAISAL_TODAY", "2027-02-01")
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--lang", "nn", "--example", str(tmp_path)]).exit_code == 0
    workbook, output = tmp_path / "input" / "round.xlsx", tmp_path / "output"
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Rettleiing", "Runde", "Tilsette", "Samtaleplan", "Mål", "Tilgjenge"]
    assert "ikkje starta" in {c.value for c in book["Mål"]["H"]}
    assert "Sal og marknad" in {c.value for c in book["Tilsette"]["E"]}  # the example, in nynorsk
    round_, report = check_workbook(workbook, today=dt.date(2026, 12, 1))
    assert not report.errors and round_.settings.language == "nn"
    assert {g.status for g in round_.goals} == {"not_started", "in_progress", "done", "cancelled"}

    result = runner.invoke(
        cli, ["run", "-w", str(workbook), "-o", str(output), "--templates", str(tmp_path / "templates")]
    )
    assert result.exit_code == 0, result.output
    root = output / "2027-H1"
    assert openpyxl.load_workbook(root / "follow-up.xlsx").sheetnames == [
        "Oversikt",
        "Samtalar",
        "Mål og tiltak",
    ]
    summary = openpyxl.load_workbook(root / "leadership-summary.xlsx")
    assert summary.sheetnames == ["Oversikt", "Avdelingar", "Samtaleleiarar", "Samanlikning"]
    assert openpyxl.load_workbook(root / "validation-report.xlsx").sheetnames[0] == "Problem"

    follow_up = openpyxl.load_workbook(root / "follow-up.xlsx")
    goals = follow_up["Mål og tiltak"]
    header = next(r for r in range(1, 6) if goals.cell(r, 1).value == "Mål-ID")
    column = next(c.column for c in goals[header] if c.value == "Status")
    goals.cell(header + 1, column).value = "avbrote"
    goal_id = goals.cell(header + 1, 1).value
    follow_up.save(root / "follow-up.xlsx")
    result = runner.invoke(cli, ["status", "-w", str(workbook), "-o", str(output), "--json"])
    assert result.exit_code == 0, result.output
    assert "value-not-understood" not in result.output
    again = openpyxl.load_workbook(root / "follow-up.xlsx")["Mål og tiltak"]
    row = next(r for r in again.iter_rows(min_row=header + 1, values_only=True) if r[0] == goal_id)
    assert row[column - 1] == "avbrote"


def test_every_nynorsk_email_template_is_spelled_as_nynorsk():
    """The e-mails' templates (text, Jinja) in nynorsk: the same ones as in bokmål, no bokmål word, every
    word in the nynorsk dictionary (the variables left out)."""
    import re

    folder = bundled_templates() / "nn"
    assert sorted(p.name for p in folder.glob("*.txt")) == sorted(
        p.name for p in (folder.parent / "nb").glob("*.txt")
    )
    for path in folder.glob("*.txt"):
        text = re.sub(r"\{[{%].*?[%}]\}", " ", path.read_text(encoding="utf-8")).replace("Subject:", "")
        found = {w.lower() for w in spelling.words(text)}
        assert len(found) > 20, path.name
        assert not found & spelling.BOKMAL_ONLY, (path.name, sorted(found & spelling.BOKMAL_ONLY))
        assert sorted(spelling.unknown(found) - {w.lower() for w in spelling.NYNORSK_TERMS}) == [], path.name
