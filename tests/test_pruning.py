"""Templates are pruned when loaded: documents keep only the styles and lists they use, and look the same.

The bundled templates still carry python-docx's (and Word's) full `styles.xml`, as a template HR re-saved
in Word would: the pruning at load is what keeps every document small."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from support.formfill import fill_form
from support.helpers import W, custom_properties, docx_text, make_docx, part, part_names
from support.printing import convert
from support.wordlike import edit_document, edit_part

from pipeline.documents.examples import example_contexts
from pipeline.documents.kinds import TEMPLATE_KINDS
from pipeline.forms import fields, reading
from pipeline.render import pruning
from pipeline.render.engine import CompiledTemplate
from pipeline.render.templates import bundled_templates

KINDS = TEMPLATE_KINDS
PROPERTIES = {"AppraisalRound": "2027-H1", "AppraisalKind": "x"}
STYLE_REFERENCE = re.compile(r'<w:(?:pStyle|rStyle|tblStyle|basedOn|link|next)\b[^>]*?w:val="([^"]*)"')


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, object]]:
    return example_contexts(None)


def render(path: Path, kind: str, context: dict, target: Path) -> Path:
    target.write_bytes(CompiledTemplate.load(path, kind).render(context, PROPERTIES, "Tittel"))
    return target


def unpruned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load templates as they were before pruning."""
    monkeypatch.setattr(pruning, "prune_package", lambda contents: None)
    monkeypatch.setattr(pruning, "strip_revision_ids", lambda xml: xml)


def test_the_bundled_templates_carry_every_style_as_a_word_saved_template_would():
    for kind in KINDS:
        styles = part(bundled_templates() / "nb" / f"{kind}.docx", "word/styles.xml")
        assert len(styles) > 300_000 and b"<w:latentStyles" in styles, kind


@pytest.mark.parametrize("lang", ("nb", "en", "nn"))
def test_every_document_keeps_only_what_it_uses_and_the_form_is_at_most_15_kb(tmp_path, examples, lang):
    for kind in KINDS:
        document = render(
            bundled_templates() / lang / f"{kind}.docx", kind, examples[kind], tmp_path / f"{kind}.docx"
        )
        size = document.stat().st_size
        assert size <= (15_000 if kind == "meeting_notes" else 13_000), (kind, size)
        names = part_names(document)
        assert not [n for n in names if n.startswith("customXml/") or n == "word/webSettings.xml"]
        styles = part(document, "word/styles.xml").decode()
        assert "<w:latentStyles" not in styles and len(styles) < 12_000, kind
        defined = set(re.findall(r'w:styleId="([^"]*)"', styles))
        used = {
            ref
            for name in names
            if name.endswith(".xml")
            for ref in STYLE_REFERENCE.findall(part(document, name).decode())
        }
        assert used <= defined, (kind, used - defined)  # every style referred to is there
        numbering = part(document, "word/numbering.xml").decode()
        lists = set(re.findall(r'<w:num w:numId="([^"]*)"', numbering))
        for name in names:
            if name.endswith(".xml"):
                assert set(re.findall(r'<w:numId w:val="([^"]*)"', part(document, name).decode())) <= lists
        for rels in (n for n in names if n.endswith(".rels")):  # no relationship to a part that is gone
            base = "" if rels == "_rels/.rels" else rels.split("_rels/")[0]
            for target in re.findall(r'Target="([^"]*)"', part(document, rels).decode()):
                assert str(Path(base, target)).replace("word/../", "") in names, (kind, rels, target)
        content_types = part(document, "[Content_Types].xml").decode()
        for override in re.findall(r'PartName="/([^"]*)"', content_types):
            assert override in names, (kind, override)


def test_pruning_a_document_changes_nothing_a_reader_sees(tmp_path, examples, monkeypatch):
    """LibreOffice prints each kind of document the same, page for page, pixel for pixel, with and
    without pruning."""
    documents = [
        render(bundled_templates() / "nb" / f"{k}.docx", k, examples[k], tmp_path / f"{k}-pruned.docx")
        for k in KINDS
    ]
    with monkeypatch.context() as patched:
        unpruned(patched)
        documents += [
            render(bundled_templates() / "nb" / f"{k}.docx", k, examples[k], tmp_path / f"{k}-full.docx")
            for k in KINDS
        ]
    assert part(documents[-1], "word/styles.xml").count(b"<w:style ") > 100  # really not pruned
    convert(documents, "pdf", tmp_path / "pdf")
    for kind in KINDS:
        pictures = {}
        for variant in ("pruned", "full"):
            prefix = tmp_path / "png" / f"{kind}-{variant}"
            prefix.parent.mkdir(exist_ok=True)
            pdf = tmp_path / "pdf" / f"{kind}-{variant}.pdf"
            subprocess.run(["pdftoppm", "-r", "60", "-gray", str(pdf), str(prefix)], check=True, timeout=120)
            pictures[variant] = [p.read_bytes() for p in sorted(prefix.parent.glob(f"{prefix.name}*.pgm"))]
        assert pictures["pruned"], kind
        assert pictures["pruned"] == pictures["full"], kind


def test_a_pruned_form_reads_back_every_field(tmp_path):
    """Each form of an employee with goals, every field filled, reads back whole."""
    from pipeline.documents.prepare import render_forms
    from pipeline.render.templates import TemplateSet
    from pipeline.round.reader import read_round
    from pipeline.store.layout import round_folder

    round_, _ = read_round(Path(__file__).resolve().parent.parent / "input" / "round.xlsx")
    result = render_forms(round_, tmp_path, TemplateSet(None, "nb"), only={"1009"}, workers=1)
    root = round_folder(tmp_path, round_.settings.round_id)
    made = [root / o.path for o in result.outcomes if o.path.endswith(".docx")]
    assert len(made) == 3
    for form in made:
        properties = custom_properties(form)
        kind, goals = properties["AppraisalKind"], json.loads(properties.get("AppraisalGoals", "[]"))
        assert b"<w:latentStyles" not in part(form, "word/styles.xml")
        every = fields.form_fields(kind, goals)
        answers = {field.key: f"svar {n} på {field.key}" for n, field in enumerate(every)}
        fill_form(form, tmp_path / f"filled-{kind}.docx", answers)
        read = reading.read_answers(part(tmp_path / f"filled-{kind}.docx", "word/document.xml"), every, "nb")
        assert {key: answer.text for key, answer in read.items()} == answers, kind
        assert {answer.found_by for answer in read.values()} == {"tag"}, kind


def word_saved(source: Path, target: Path) -> Path:
    """The template as Word saves it: revision IDs on every paragraph and run, and in the settings."""

    def mark_runs(root: etree._Element) -> None:
        for element in root.iter(f"{{{W}}}p", f"{{{W}}}r"):
            element.set(f"{{{W}}}rsidR", "00AB12CD")
            element.set(f"{{{W}}}rsidRPr", "00EF3456")

    def list_revisions(root: etree._Element) -> None:
        revisions = etree.SubElement(root, f"{{{W}}}rsids")
        etree.SubElement(revisions, f"{{{W}}}rsidRoot").set(f"{{{W}}}val", "00AB12CD")
        for n in range(500):
            etree.SubElement(revisions, f"{{{W}}}rsid").set(f"{{{W}}}val", f"00{n:06X}")

    edit_part(source, target, "word/document.xml", mark_runs)
    return edit_part(target, target, "word/settings.xml", list_revisions)


def test_a_template_re_saved_in_word_is_pruned_too(tmp_path, examples):
    source = word_saved(bundled_templates() / "nb" / "meeting_notes.docx", tmp_path / "meeting_notes.docx")
    assert part(source, "word/document.xml").count(b"w:rsidR=") > 100
    document = render(source, "meeting_notes", examples["meeting_notes"], tmp_path / "form.docx")
    for name in part_names(document):
        if name.endswith(".xml"):
            assert b"rsid" not in part(document, name), name
    assert document.stat().st_size <= 15_000
    assert docx_text(document) == docx_text(
        render(
            bundled_templates() / "nb" / "meeting_notes.docx",
            "meeting_notes",
            examples["meeting_notes"],
            tmp_path / "plain.docx",
        )
    )


def test_a_style_named_by_the_template_language_keeps_every_style(tmp_path):
    """Pruning cannot know which style a Jinja expression names, so it keeps them all."""
    source = make_docx(tmp_path / "t.docx", "Hei {{ name }}")

    def style_by_name(root: etree._Element) -> None:
        paragraph = next(root.iter(f"{{{W}}}p"))
        properties = etree.Element(f"{{{W}}}pPr")
        etree.SubElement(properties, f"{{{W}}}pStyle").set(f"{{{W}}}val", "{{ style }}")
        paragraph.insert(0, properties)

    edit_document(source, tmp_path / "styled.docx", style_by_name)
    document = render(
        tmp_path / "styled.docx", "invitation", {"name": "Kari", "style": "Heading2"}, tmp_path / "out.docx"
    )
    styles = etree.fromstring(part(document, "word/styles.xml"))
    assert len(styles.findall(f"{{{W}}}style")) > 100
    assert b'w:pStyle w:val="Heading2"' in part(document, "word/document.xml")
