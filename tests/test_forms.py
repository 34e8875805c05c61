"""Steps 2-3: the preparation forms and the meeting-notes form, generated for the sample round and opened,
then re-saved and converted by real LibreOffice (the reader's contract for `collect`).

The expectations come from the workbook and from `pipeline.forms` (the one list of keys), not from the
templates: a key missing from a template, a goal in the wrong person's form or an answer LibreOffice
loses fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree
from support import printing
from support.formfill import fill_form
from support.helpers import W, custom_properties, part, type_in_libreoffice
from support.wordlike import edit_document, type_paragraphs

from pipeline import texts
from pipeline.documents.prepare import render_forms
from pipeline.forms import fields, reading
from pipeline.model import Round
from pipeline.render.templates import TemplateSet
from pipeline.round.reader import read_round
from pipeline.store import layout, pdf

SAMPLE = Path(__file__).resolve().parent.parent / "input" / "round.xlsx"
DATA = Path(__file__).resolve().parent / "data"
NS = {"w": W}
KINDS = ("employee_preparation", "manager_preparation", "meeting_notes")
PREFILLED = ("held_on", "interviewer_name")

# Independent of the code under test: how each language writes a status and a date.
STATUS = {
    "nb": {"not_started": "ikke startet", "in_progress": "pågår", "done": "fullført", "cancelled": "avbrutt"},
    "nn": {"not_started": "ikkje starta", "in_progress": "pågår", "done": "fullført", "cancelled": "avbrote"},
    "en": {
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "cancelled": "cancelled",
    },
}
TYPE = {
    "nb": {"goal": "Mål", "action": "Tiltak"},
    "nn": {"goal": "Mål", "action": "Tiltak"},
    "en": {"goal": "Goal", "action": "Action"},
}
DATE_FORMAT = {"nb": "%d.%m.%Y", "nn": "%d.%m.%Y", "en": "%d/%m/%Y"}
GOAL_HEADERS = {
    "nb": ["Type", "Beskrivelse", "Suksesskriterium", "Frist", "Status", "Fremdrift"],
    "nn": ["Type", "Skildring", "Suksesskriterium", "Frist", "Status", "Framdrift"],
    "en": ["Type", "Description", "Success measure", "Due", "Status", "Progress"],
}


@dataclass(frozen=True)
class Form:
    """One generated form and what the workbook says it is for."""

    path: Path
    kind: str
    employee_id: str
    lang: str
    goal_ids: tuple[str, ...]
    interviewer_id: str
    prefilled: tuple[tuple[str, str], ...]  # (key, text) of the answers the form starts with

    @property
    def fields(self) -> list[fields.Field]:
        return fields.form_fields(self.kind, self.goal_ids)


def is_single(key: str) -> bool:
    """A single answer (under its label), not one of a row of repeating items."""
    return not key.startswith(("review.", "goal.", "action."))


@dataclass(frozen=True)
class Generated:
    round_: Round
    root: Path  # output/<round>
    forms: list[Form]

    def find(self, kind: str, employee_id: str) -> Form:
        return next(f for f in self.forms if f.kind == kind and f.employee_id == employee_id)


def interviewers(round_: Round) -> dict[str, str]:
    """Employee ID -> interviewer ID, straight from the workbook: the schedule's interviewer, else the
    manager; active, scheduled employees only (their first meeting)."""
    employees = {e.id: e for e in round_.employees}
    result: dict[str, str] = {}
    for meeting in round_.meetings:
        employee = employees[meeting.employee_id]
        if employee.active and employee.id not in result:
            result[employee.id] = meeting.interviewer_id or employee.manager_id
    return result


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Generated:
    round_, report = read_round(SAMPLE)
    assert not report.errors
    output = tmp_path_factory.mktemp("forms")
    result = render_forms(round_, output, TemplateSet(None, "nb"), workers=1)
    assert [o.message for o in result.outcomes if o.status == "failed"] == []
    root = layout.round_folder(output, round_.settings.round_id)
    employees = {e.id: e for e in round_.employees}
    who = interviewers(round_)
    meetings: dict[str, object] = {}
    for meeting in round_.meetings:
        meetings.setdefault(meeting.employee_id, meeting)
    made = []
    for outcome in result.outcomes:
        employee = employees[outcome.employee_id]
        lang = employee.language or round_.settings.language
        prefilled = ()
        if outcome.kind == "meeting_notes":
            held_on = meetings[employee.id].date.strftime(DATE_FORMAT["en" if lang == "en" else "nb"])
            prefilled = (("held_on", held_on), ("interviewer_name", employees[who[employee.id]].name))
        made.append(
            Form(
                path=root / outcome.path,
                kind=outcome.kind,
                employee_id=employee.id,
                lang=lang,
                goal_ids=tuple(g.id for g in round_.goals if g.employee_id == employee.id),
                interviewer_id=who[employee.id],
                prefilled=prefilled,
            )
        )
    return Generated(round_, root, made)


def document_xml(path: Path) -> bytes:
    return part(path, "word/document.xml")


def field_controls(root: etree._Element) -> list[etree._Element]:
    """The answer controls: every content control but the locked header (tagged `appraisal.header`)."""
    return [
        sdt for sdt in root.iter(f"{{{W}}}sdt") if sdt_value(sdt, "tag") not in (None, "appraisal.header")
    ]


def sdt_value(sdt: etree._Element, name: str) -> str | None:
    element = sdt.find(f"w:sdtPr/w:{name}", NS)
    return None if element is None else element.get(f"{{{W}}}val")


def control_text(sdt: etree._Element) -> str:
    return "".join(t.text or "" for t in sdt.iter(f"{{{W}}}t"))


# -- the generated forms -------------------------------------------------------------------------------


def test_every_active_scheduled_employee_gets_three_forms(generated):
    expected = Counter({kind: len(interviewers(generated.round_)) for kind in KINDS})
    assert Counter(f.kind for f in generated.forms) == expected
    names = {
        ("employee_preparation", "nb"): "employees/{e}/forberedelsesskjema.docx",
        ("employee_preparation", "en"): "employees/{e}/preparation-form.docx",
        ("manager_preparation", "nb"): "managers/{m}/{e}/forberedelse-leder.docx",
        ("manager_preparation", "en"): "managers/{m}/{e}/manager-preparation.docx",
        ("meeting_notes", "nb"): "managers/{m}/{e}/samtaleskjema.docx",
        ("meeting_notes", "en"): "managers/{m}/{e}/meeting-notes-form.docx",
        ("employee_preparation", "nn"): "employees/{e}/forebuingsskjema.docx",
        ("manager_preparation", "nn"): "managers/{m}/{e}/forebuing-leiar.docx",
        ("meeting_notes", "nn"): "managers/{m}/{e}/samtaleskjema.docx",
    }
    employees = {e.id: e for e in generated.round_.employees}
    for form in generated.forms:
        expected_path = names[(form.kind, form.lang)].format(
            e=f"{form.employee_id}-{employees[form.employee_id].name}",
            m=f"{form.interviewer_id}-{employees[form.interviewer_id].name}",
        )
        assert form.path.relative_to(generated.root).as_posix() == expected_path
        docx.Document(str(form.path))  # opens


# Titles people see on the fields in Word, written out here rather than taken from pipeline.forms.
TITLES = {
    "nb": {
        "summary": "Oppsummering",
        "held_on": "Samtalen ble holdt",
        "goal.1.text": "Mål 1",
        "goal.1.due": "Mål 1 – frist",
        "action.2.owner": "Tiltak 2 – ansvarlig",
        "wellbeing_consent": "Trivsel – samtykke",
        "prep.tasks": "Arbeidsoppgaver og resultater",
    },
    "nn": {
        "summary": "Oppsummering",
        "held_on": "Samtalen vart halden",
        "goal.1.text": "Mål 1",
        "goal.1.due": "Mål 1 – frist",
        "action.2.owner": "Tiltak 2 – ansvarleg",
        "wellbeing_consent": "Trivsel – samtykke",
        "prep.tasks": "Arbeidsoppgåver og resultat",
    },
    "en": {
        "summary": "Summary",
        "held_on": "Date held",
        "goal.1.text": "Goal 1",
        "goal.1.due": "Goal 1 – due",
        "action.2.owner": "Action 2 – responsible",
        "wellbeing_consent": "Well-being – consent",
        "prep.tasks": "Tasks and results",
    },
}
REVIEW_TITLES = {
    "nb": ("Tidligere mål/tiltak {n} – ny status", "Tidligere mål/tiltak {n} – kommentar"),
    "nn": ("Tidlegare mål/tiltak {n} – ny status", "Tidlegare mål/tiltak {n} – kommentar"),
    "en": ("Earlier goal/action {n} – new status", "Earlier goal/action {n} – comment"),
}


def test_every_key_is_a_tag_once_with_a_human_title_inside_its_bookmark(generated):
    for form in generated.forms:
        lang = form.lang
        xml = document_xml(form.path)
        root = etree.fromstring(xml)
        text = xml.decode("utf-8")
        keys = [f.key for f in form.fields]
        controls = field_controls(root)
        assert sorted(sdt_value(s, "tag") for s in controls) == sorted(keys), form.path
        titles = {sdt_value(s, "tag"): sdt_value(s, "alias") for s in controls}
        assert len(set(titles.values())) == len(keys), form.path  # each title names one field
        assert not set(titles.values()) & set(keys), form.path  # never the key
        for key, title in TITLES[lang].items():
            if key in titles:
                assert titles[key] == title, (form.path, key)
        for n, goal_id in enumerate(form.goal_ids if form.kind == "meeting_notes" else (), start=1):
            for column, title in zip(("status", "comment"), REVIEW_TITLES[lang], strict=True):
                assert titles[fields.review_key(goal_id, column)] == title.format(n=n)
        for key in keys:
            assert text.count(f'<w:tag w:val="{key}"/>') == 1, (form.path, key)
        for sdt in controls:
            # rich text (no w:text): LibreOffice keeps line breaks typed in it; Word may not delete it
            assert sdt.find("w:sdtPr/w:text", NS) is None
            assert sdt_value(sdt, "lock") == "sdtLocked"
            start, end = sdt.getprevious(), sdt.getnext()
            key = sdt_value(sdt, "tag")
            assert start.tag == f"{{{W}}}bookmarkStart", (form.path, key)
            assert start.get(f"{{{W}}}name") == fields.bookmark_name(key)
            assert end.tag == f"{{{W}}}bookmarkEnd"
            assert end.get(f"{{{W}}}id") == start.get(f"{{{W}}}id")
        ids = [b.get(f"{{{W}}}id") for b in root.iter(f"{{{W}}}bookmarkStart")]
        assert len(ids) == len(set(ids)) == len(keys), form.path
        assert all(i.isdigit() for i in ids), form.path


def test_each_answer_sits_alone_in_a_cell_under_its_label_or_in_a_row_of_its_own(generated):
    for form in generated.forms:
        root = etree.fromstring(document_xml(form.path))
        single = {f.key: f for f in form.fields if is_single(f.key)}
        for sdt in field_controls(root):
            key = sdt_value(sdt, "tag")
            cell = next(a for a in sdt.iterancestors(f"{{{W}}}tc"))
            assert len(field_controls(cell)) == 1, (form.path, key)
            if key in single:
                row = cell.getparent()
                assert len(row.findall("w:tc", NS)) == 1, key
                above = row.getprevious()
                assert above.tag == f"{{{W}}}tr" and len(above.findall("w:tc", NS)) == 1
                label = "".join(t.text or "" for t in above.iter(f"{{{W}}}t"))
                assert label == single[key].label(form.lang), (form.path, key)


def test_empty_answers_show_their_placeholder_and_the_meeting_is_prefilled(generated):
    for form in generated.forms:
        lang = form.lang
        fields = {f.key: f for f in form.fields}
        for sdt in field_controls(etree.fromstring(document_xml(form.path))):
            key = sdt_value(sdt, "tag")
            showing = sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None
            if key in PREFILLED:
                assert not showing, key
                assert control_text(sdt) == dict(form.prefilled)[key]
            else:
                assert showing, (form.path, key)
                assert control_text(sdt) == fields[key].placeholder(lang)
                styles = [s.get(f"{{{W}}}val") for s in sdt.iter(f"{{{W}}}rStyle")]
                assert styles == ["PlaceholderText"]


def test_the_placeholder_style_is_defined_in_each_form(generated):
    for kind in KINDS:
        for form in (f for f in generated.forms if f.kind == kind):
            styles = etree.fromstring(part(form.path, "word/styles.xml"))
            style = styles.find('w:style[@w:styleId="PlaceholderText"]', NS)
            assert style is not None and style.get(f"{{{W}}}type") == "character"
            assert style.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "808080"


def test_a_fresh_form_reads_back_empty_but_for_the_prefilled_meeting(generated):
    for form in generated.forms:
        answers = reading.read_answers(document_xml(form.path), form.fields, form.lang)
        assert list(answers) == [f.key for f in form.fields]
        assert {a.found_by for a in answers.values()} == {"tag"}, form.path
        assert {k: a.text for k, a in answers.items() if a.text} == dict(form.prefilled), form.path
    assert {k for f in generated.forms for k, _ in f.prefilled} == set(PREFILLED)


def test_the_meeting_notes_header_is_locked_and_names_the_meeting(generated):
    for form in (f for f in generated.forms if f.kind == "meeting_notes"):
        root = etree.fromstring(document_xml(form.path))
        body = root.find("w:body", NS)
        locked = [sdt for sdt in body.findall("w:sdt", NS) if sdt_value(sdt, "lock") == "sdtContentLocked"]
        assert len(locked) == 1
        header = locked[0].find("w:sdtContent/w:tbl", NS)
        text = "".join(t.text or "" for t in header.iter(f"{{{W}}}t"))
        employee = next(e for e in generated.round_.employees if e.id == form.employee_id)
        interviewer = next(e for e in generated.round_.employees if e.id == form.interviewer_id)
        for expected in (
            generated.round_.settings.round_id,
            employee.name,
            employee.id,
            employee.job_title,
            employee.department,
            interviewer.name,
        ):
            assert expected in text, (form.path, expected)
        assert not field_controls(header)  # nothing to fill in inside the locked part


def goal_table_rows(path: Path, lang: str) -> list[list[str]] | None:
    """The rows of the goals table under its header row (python-docx: it holds no controls)."""
    for table in docx.Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0] == GOAL_HEADERS[lang]:
            return rows[1:]
    return None


def test_preparation_forms_list_exactly_the_employees_goals_from_the_workbook(generated):
    goals = generated.round_.goals
    for form in (f for f in generated.forms if f.kind != "meeting_notes"):
        lang = form.lang
        own = [g for g in goals if g.employee_id == form.employee_id]
        expected = [
            [
                TYPE[lang][g.type],
                g.description + (f"\n{g.comment}" if g.comment else ""),
                g.measure,
                g.due.strftime(DATE_FORMAT[lang]),
                STATUS[lang][g.status],
                f"{g.progress} %",
            ]
            for g in own
        ]
        rows = goal_table_rows(form.path, lang)
        text = "\n".join(p.text for p in docx.Document(str(form.path)).paragraphs)
        if own:
            assert rows == expected, form.path
        else:
            assert rows is None
            assert {"nb": "ikke registrert mål", "nn": "ikkje registrert mål", "en": "No goals"}[lang] in text
        others = {g.description for g in goals if g.employee_id != form.employee_id}
        body = part(form.path, "word/document.xml").decode("utf-8")
        assert not [d for d in others if d in body], form.path


def test_the_meeting_notes_review_each_goal_of_the_employee(generated):
    goals = generated.round_.goals
    for form in (f for f in generated.forms if f.kind == "meeting_notes"):
        root = etree.fromstring(document_xml(form.path))
        own = [g for g in goals if g.employee_id == form.employee_id]
        rows = []
        for sdt in field_controls(root):
            key = sdt_value(sdt, "tag")
            if key.startswith("review.") and key.endswith(".status"):
                row = next(sdt.iterancestors(f"{{{W}}}tr"))
                rows.append((key, "".join(t.text or "" for t in row.find("w:tc", NS).iter(f"{{{W}}}t"))))
        lang = form.lang
        assert rows == [
            (fields.review_key(g.id, "status"), TYPE[lang][g.type] + g.description) for g in own
        ], form.path


def test_forms_carry_their_identity_in_custom_properties(generated):
    for form in generated.forms:
        properties = custom_properties(form.path)
        assert properties["AppraisalRound"] == "2027-H1"
        assert properties["AppraisalEmployeeID"] == form.employee_id
        assert properties["AppraisalKind"] == form.kind
        assert properties["AppraisalInterviewerID"] == form.interviewer_id
        assert properties["AppraisalFormVersion"] == "2"
        assert json.loads(properties["AppraisalGoals"]) == list(form.goal_ids)
        assert len(properties["AppraisalTemplateVersion"]) == 12


def test_manager_folders_hold_only_their_own_peoples_forms(generated):
    who = interviewers(generated.round_)
    managers = generated.root / "managers"
    for folder in managers.iterdir():
        manager_id = folder.name.split("-", 1)[0]
        own = sorted(e for e, m in who.items() if m == manager_id)
        people = sorted(p.name.split("-", 1)[0] for p in folder.iterdir() if p.is_dir())
        assert people == own, folder.name
        for person in folder.iterdir():
            if not person.is_dir():
                continue
            kinds = sorted(custom_properties(p)["AppraisalKind"] for p in person.glob("*.docx"))
            assert kinds == ["manager_preparation", "meeting_notes"], person
            for document in person.glob("*.docx"):
                assert custom_properties(document)["AppraisalInterviewerID"] == manager_id
    assert sorted(f.name.split("-", 1)[0] for f in managers.iterdir()) == sorted(set(who.values()))
    for folder in (generated.root / "employees").iterdir():
        kinds = [custom_properties(p)["AppraisalKind"] for p in folder.glob("*.docx")]
        assert kinds == ["employee_preparation"], folder.name


# -- what LibreOffice keeps ----------------------------------------------------------------------------

# Answers a manager might type: line breaks, XML's special characters, Norwegian letters, an emoji.
MULTILINE = 'Første linje & <b>fet</b>\nAndre linje: "sitat" Æøå 😀'
FILLED = {
    "meeting_notes": {
        "held_on": "21.01.2027",
        "strengths": MULTILINE,
        "summary": "Kort & godt > ingenting",
        "goal.1.text": "Øke salget < 10 % rabatt",
        "goal.1.due": "31.12.2027",
        "action.5.owner": "Kari & Ola",
        "wellbeing_score": "4",
        "review.{goal}.status": "fullført",
        "review.{goal}.comment": "Ferdig i april.\nGodt jobbet 👍",
    },
    "employee_preparation": {"prep.tasks": MULTILINE, "prep.topics": "Hjemmekontor & «fleksitid»"},
    "manager_preparation": {"mprep.questions": MULTILINE},
}
# An answer of several paragraphs, as Word saves it when Enter is pressed in a field.
PARAGRAPHS_KEY = {
    "meeting_notes": "development",
    "employee_preparation": "prep.went_well",
    "manager_preparation": "mprep.strengths",
}
PARAGRAPHS = ["Første avsnitt", "Andre avsnitt & <mer> 😀"]


def soffice() -> str:
    found = pdf.find_soffice()
    if found is None:
        pytest.fail("LibreOffice (soffice) is needed for the forms' round trip: .ci/run installs it")
    return found


def convert(files: list[Path], to: str, outdir: Path, profile: Path) -> None:
    """One LibreOffice call converting every file."""
    soffice()
    printing.convert(files, to, outdir, profile)


@dataclass(frozen=True)
class RoundTrip:
    form: Form
    answers: dict[str, str]  # what was typed before the re-save
    resaved: Path


# Forms sent through LibreOffice: each kind in both languages, with and without goals.
ROUND_TRIP_EMPLOYEES = ("1009", "1012", "1003")  # nb with goals, en with goals, nb without goals


@pytest.fixture(scope="module")
def round_trips(generated, tmp_path_factory) -> list[RoundTrip]:
    work = tmp_path_factory.mktemp("libreoffice")
    inputs, outputs = work / "in", work / "out"
    inputs.mkdir()
    planned: list[tuple[Form, dict[str, str], Path]] = []
    for employee_id in ROUND_TRIP_EMPLOYEES:
        for kind in KINDS:
            form = generated.find(kind, employee_id)
            copy = inputs / f"{kind}-{employee_id}-empty.docx"
            shutil.copyfile(form.path, copy)
            planned.append((form, {}, copy))
            goal = form.goal_ids[0] if form.goal_ids else None
            answers = {
                key.format(goal=goal): value
                for key, value in FILLED[kind].items()
                if goal is not None or "{goal}" not in key
            }
            filled = inputs / f"{kind}-{employee_id}-filled.docx"
            fill_form(form.path, filled, answers)
            edit_document(
                filled, filled, lambda root, k=kind: type_paragraphs(root, PARAGRAPHS_KEY[k], PARAGRAPHS)
            )
            planned.append((form, {**answers, PARAGRAPHS_KEY[kind]: "\n".join(PARAGRAPHS)}, filled))
    convert([p for _, _, p in planned], "docx", outputs, work / "profile")
    return [RoundTrip(form, answers, outputs / path.name) for form, answers, path in planned]


def test_libreoffice_keeps_every_field_findable_and_every_answer_with_its_lines(round_trips):
    for trip in round_trips:
        assert trip.resaved.is_file(), f"LibreOffice did not re-save {trip.resaved.name}"
        answers = reading.read_answers(document_xml(trip.resaved), trip.form.fields, trip.form.lang)
        missing = [key for key, answer in answers.items() if answer.found_by == "missing"]
        assert missing == [], trip.resaved.name
        expected = {**dict(trip.form.prefilled), **{k: reading.normalise(v) for k, v in trip.answers.items()}}
        read = {key: answer.text for key, answer in answers.items() if answer.text}
        assert read == expected, trip.resaved.name  # hints read as empty; line breaks kept
        assert not [k for k, a in answers.items() if a.beside or not a.control], trip.resaved.name


def test_libreoffice_drops_tag_and_title_and_keeps_the_bookmark_of_every_control(round_trips):
    """LibreOffice 7.4 drops a rich-text control's `w:tag` and `w:alias` but keeps the control and the
    bookmarks: the reader finds every field by its bookmark."""
    for trip in round_trips:
        root = etree.fromstring(document_xml(trip.resaved))
        bookmarks = {b.get(f"{{{W}}}name") for b in root.iter(f"{{{W}}}bookmarkStart")}
        assert not [
            s for s in root.iter(f"{{{W}}}sdt") if sdt_value(s, "tag") not in (None, "appraisal.header")
        ]
        answers = reading.read_answers(document_xml(trip.resaved), trip.form.fields, trip.form.lang)
        for field in trip.form.fields:
            assert fields.bookmark_name(field.key) in bookmarks, (trip.resaved.name, field.key)
            assert answers[field.key].found_by == "bookmark", (trip.resaved.name, field.key)


def unwrap_controls(xml: bytes) -> etree._Element:
    """The document as if an editor had dropped every content control but kept its text."""
    root = etree.fromstring(xml)
    for sdt in list(root.iter(f"{{{W}}}sdt")):
        content = sdt.find("w:sdtContent", NS)
        parent = sdt.getparent()
        index = parent.index(sdt)
        for offset, child in enumerate(list(content) if content is not None else []):
            parent.insert(index + offset, child)
        parent.remove(sdt)
    return root


def test_without_controls_answers_are_found_by_bookmark_then_by_their_place_in_the_form(round_trips):
    for trip in round_trips:
        root = unwrap_controls(document_xml(trip.resaved))
        fields = trip.form.fields
        expected = {k: reading.normalise(v) for k, v in trip.answers.items()}
        answers = reading.read_answers(etree.tostring(root), fields, trip.form.lang)
        assert {a.found_by for a in answers.values()} == {"bookmark"}, trip.resaved.name
        assert not [a for a in answers.values() if a.control], trip.resaved.name
        for key, value in expected.items():
            assert answers[key].text == value, (trip.resaved.name, key)
        for bookmark in list(root.iter(f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd")):
            bookmark.getparent().remove(bookmark)
        answers = reading.read_answers(etree.tostring(root), fields, trip.form.lang)
        # the cell under the label, or the row and column in a table of repeating rows
        assert {a.found_by for a in answers.values()} == {"layout"}, trip.resaved.name
        for key, value in expected.items():
            assert answers[key].text == value, (trip.resaved.name, key)


def test_libreoffice_converts_the_forms_to_pdf(generated, tmp_path):
    """The `--pdf` path: each kind in both languages, with and without goals, in one LibreOffice call."""
    soffice()
    output = tmp_path / "output"
    result = render_forms(
        generated.round_,
        output,
        TemplateSet(None, "nb"),
        only=set(ROUND_TRIP_EMPLOYEES),
        workers=1,
        pdf=True,
    )
    documents = sorted(o.path for o in result.outcomes)
    assert len(documents) == 3 * len(ROUND_TRIP_EMPLOYEES)
    assert result.pdf_failed == []
    assert sorted(result.pdf_written) == sorted(p.replace(".docx", ".pdf") for p in documents)
    root = layout.round_folder(output, "2027-H1")
    employees = {e.id: e for e in generated.round_.employees}
    for outcome in result.outcomes:
        pdf = (root / outcome.path).with_suffix(".pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert employees[outcome.employee_id].name in text, pdf
        form = generated.find(outcome.kind, outcome.employee_id)
        for field in form.fields:
            if is_single(field.key):
                assert " ".join(field.label(form.lang).split()) in " ".join(text.split()), (pdf, field.key)


def test_libreoffice_keeps_the_identity_of_the_form(round_trips):
    for trip in round_trips:
        assert custom_properties(trip.resaved) == custom_properties(trip.form.path), trip.resaved.name


# -- typing in LibreOffice ----------------------------------------------------------------------------

# (key, hint or value to start from, how, keys typed): Enter is "\n", Shift+Enter "\v" (see the script)
TYPED_IN_LIBREOFFICE = [
    ("held_on", "19.01.2027", "replace", ["21.1"]),
    ("review.2026-H1-1009-G1.status", texts.get("nb", "forms.hints.status"), "replace", ["Pågår (ca. 50 %)"]),
    ("strengths", "Hva går bra? Gi konkrete eksempler.", "replace",
     ["Første linje & <b>", "\v", 'Andre linje "sitat" Æøå 😀', "\n", "Nytt avsnitt"]),
    ("employee_view", "Hva er medarbeiderens egne vurderinger?", "after", [" Trives godt i teamet."]),
    ("improvements", "Hva kan bli bedre, og hvordan?", "next-line", ["Etter feltet, på ny linje"]),
    ("wellbeing", fields.NOTES_CONVERSATION[4].placeholder("nb"), "replace", ["Travelt i perioder", "\v", "men godt"]),
    ("wellbeing_score", "1 = svært lav, 5 = svært høy", "replace", ["4"]),
    ("wellbeing_consent", "ja / nei", "replace", ["Ja"]),
    ("goal.1.text", "Beskriv målet", "replace", ["Øke salget < 10 %"]),
    ("goal.1.due", "dd.mm.åååå", "replace", ["Q2 2027"]),
    ("summary", "De viktigste punktene fra samtalen", "replace", ["Kort & godt", "\n", "Neste gang i juni"]),
]  # fmt: skip
TYPED_EXPECTED = {
    "held_on": "21.1",
    "interviewer_name": "Siri Sæther",
    "review.2026-H1-1009-G1.status": "Pågår (ca. 50 %)",
    "strengths": 'Første linje & <b>\nAndre linje "sitat" Æøå 😀\nNytt avsnitt',
    "employee_view": "Trives godt i teamet.",
    "improvements": "Etter feltet, på ny linje",
    "wellbeing": "Travelt i perioder\nmen godt",
    "wellbeing_score": "4",
    "wellbeing_consent": "Ja",
    "goal.1.text": "Øke salget < 10 %",
    "goal.1.due": "Q2 2027",
    "summary": "Kort & godt\nNeste gang i juni",
}


def test_a_form_typed_in_libreoffice_reads_back_with_every_line(generated, tmp_path):
    """Typed through LibreOffice's own editing (UNO), with Enter and Shift+Enter, a hint left beside an
    answer and an answer after the field: every answer comes back as typed, hint texts removed."""
    form = generated.find("meeting_notes", "1009")
    typed = tmp_path / "typed.docx"
    type_in_libreoffice(form.path, typed, TYPED_IN_LIBREOFFICE)
    answers = reading.read_answers(document_xml(typed), form.fields, form.lang)
    assert {key: a.text for key, a in answers.items() if a.text} == TYPED_EXPECTED
    assert {a.found_by for a in answers.values()} == {"bookmark"}
    assert custom_properties(typed) == custom_properties(form.path)


def test_a_version_1_form_typed_in_libreoffice_still_reads_back(generated):
    """A form of version 1 (plain-text controls, alias = tag = key) typed in LibreOffice 7.4 before the
    design changed (tests/data/README.md): every field found, a second paragraph read from the cell;
    the Shift+Enter line break was lost by LibreOffice when it saved the file."""
    path = DATA / "meeting-notes-typed-in-libreoffice.docx"
    properties = custom_properties(path)
    assert (properties["AppraisalKind"], properties["AppraisalEmployeeID"]) == ("meeting_notes", "1009")
    assert properties["AppraisalFormVersion"] == "1"
    version_1 = {"wellbeing", "cooperation", "career", "wellbeing_score", "wellbeing_consent"}
    wanted = [
        f
        for f in fields.form_fields("meeting_notes", json.loads(properties["AppraisalGoals"]))
        if f.key not in version_1
    ]
    answers = reading.read_answers(document_xml(path), wanted, "nb")
    assert "missing" not in {a.found_by for a in answers.values()}
    assert {key: a.text for key, a in answers.items() if a.text} == {
        "held_on": "19.01.2027",
        "interviewer_name": "Siri Sæther",
        "review.2026-H1-1009-G1.status": "fullført",
        "strengths": 'Første linje & <b>Andre linje "sitat" Æøå 😀',  # as LibreOffice 7.4 saved it
        "development": "Første avsnitt\nAndre avsnitt & <mer>",
        "goal.1.text": "Øke salget < 10 %",
        "summary": "Kort & godt",
    }


def documented_fields(kind: str, goal_ids: list[str]) -> list[tuple[str, ...]]:
    """The key table of one form in docs/forms.md, `<goal id>` and `<n>` expanded as the form repeats
    them: each review row per goal, the rows of new goals, then those of new actions."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "forms.md").read_text(encoding="utf-8")
    section = text.split(f"(`{kind}`)\n", 1)[1].split("\n#", 1)[0]
    rows = [
        tuple(cell.strip().strip("`") for cell in line.strip("|").split("|"))
        for line in section.splitlines()
        if line.startswith("| `")
    ]
    expanded: list[tuple[str, ...]] = []
    index = 0
    while index < len(rows):
        key = rows[index][0]
        group = [r for r in rows[index:] if r[0].split(".")[:2] == key.split(".")[:2]]
        if "<goal id>" in key:
            group = [r for r in rows[index:] if r[0].startswith("review.")]
            for goal_id in goal_ids:
                expanded += [(r[0].replace("<goal id>", goal_id), *r[1:]) for r in group]
        elif "<n>" in key:
            for n in range(1, fields.NEW_ROWS + 1):
                expanded += [(r[0].replace("<n>", str(n)), *r[1:]) for r in group]
        else:
            group = [rows[index]]
            expanded.append(rows[index])
        index += len(group)
    return expanded


@pytest.mark.parametrize("kind", KINDS)
def test_docs_list_exactly_the_fields_of_forms_py(kind):
    goal_ids = ["2026-H1-1009-G1", "2026-H1-1009-G2"]
    assert documented_fields(kind, goal_ids) == [
        (f.key, f.kind, f.label("nb"), f.label("en"), f.placeholder("nb"), f.placeholder("en"))
        for f in fields.form_fields(kind, goal_ids)
    ]
