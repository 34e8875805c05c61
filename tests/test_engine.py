"""The document engine: compile once, render many; values as literal text; sandbox; no template metadata."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from markupsafe import Markup
from support.helpers import (
    W,
    core_elements,
    custom_properties,
    docx_text,
    make_docx,
    part,
    part_names,
    xml_text,
)

from pipeline.render.engine import CompiledTemplate, TemplateError, _JinjaPart
from pipeline.render.sandbox import escape_literal, literal

PROPERTIES = {
    "AppraisalRound": "2027-H1",
    "AppraisalEmployeeID": "00123",
    "AppraisalKind": "invitation",
    "AppraisalTemplateVersion": "abcdef012345",
}

# Everything a person might type into a cell; none of it may be evaluated or lost.
TRICKY = "Ærlig & <ekte> \"sitat\" 'enkle' {{ x }} {% if true %}ja{% endif %} {# c #} ØøÅå 😀 ]]> &amp;"


def compile_docx(path: Path, *texts: str, header: str | None = None) -> CompiledTemplate:
    return CompiledTemplate.load(make_docx(path, *texts, header=header), "invitation")


def render_to(template: CompiledTemplate, target: Path, context: dict, **kwargs) -> Path:
    target.write_bytes(
        template.render(context, kwargs.get("properties", PROPERTIES), kwargs.get("title", ""))
    )
    return target


# -- literal ---------------------------------------------------------------------------------------


def test_literal_escapes_xml_and_keeps_everything_else():
    assert literal("a & b <c> \"d\" 'e'") == "a &amp; b &lt;c&gt; &quot;d&quot; 'e'"
    assert literal("{{ x }} {% if %} ÆØÅ 😀") == "{{ x }} {% if %} ÆØÅ 😀"


def test_literal_turns_breaks_and_tabs_into_word_breaks():
    assert literal("a\r\nb\rc\nd\te") == (
        'a</w:t><w:br/><w:t xml:space="preserve">b</w:t><w:br/><w:t xml:space="preserve">c'
        '</w:t><w:br/><w:t xml:space="preserve">d</w:t><w:tab/><w:t xml:space="preserve">e'
    )


def test_literal_drops_characters_xml_cannot_hold_and_none_is_empty():
    assert literal("a\x00b\x07c\x1fd\ufffe") == "abcd"
    assert literal(None) == ""
    assert literal(42) == "42"


# -- rendering ---------------------------------------------------------------------------------------


def test_values_come_out_exactly_as_typed(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "Navn: {{ name }}", "Merknad: {{ note }}")
    note = f"første linje {TRICKY}\nandre linje\tetter tab"

    out = render_to(template, tmp_path / "out.docx", {"name": TRICKY, "note": note})

    assert docx_text(out) == f"Navn: {TRICKY}Merknad: {note}"
    body = etree.fromstring(part(out, "word/document.xml"))
    assert len(body.findall(f".//{{{W}}}br")) == 1
    # python-docx reads it too, so Word will.
    texts = [p.text for p in docx.Document(out).paragraphs]
    assert f"Navn: {TRICKY}" in texts


def test_value_with_template_syntax_is_not_evaluated(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "{{ a }}|{{ b }}")

    out = render_to(
        template, tmp_path / "out.docx", {"a": "{{ b }}", "b": "{% for i in range(3) %}x{% endfor %}"}
    )

    assert docx_text(out) == "{{ b }}|{% for i in range(3) %}x{% endfor %}"


def test_what_literal_made_is_escaped_once_and_nothing_becomes_markup(tmp_path):
    """The compiled templates' `escape` takes `literal`'s result as it is (issue 16). A plain value
    shows exactly as typed; a value marked safe, Markup in the context, a macro's output and an
    escape filter's are escaped by `literal` all the same (their entities show): nothing given to a
    template becomes markup in the document."""
    template = compile_docx(
        tmp_path / "t.docx",
        "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ a }}|{{ a|safe }}|{{ b }}|{{ m(a) }}|{{ a|e }}",
    )

    out = render_to(template, tmp_path / "out.docx", {"a": "<w:r>&amp;", "b": Markup("<i>x</i>")})

    assert docx_text(out).split("|") == [
        "<w:r>&amp;",
        "&lt;w:r&gt;&amp;amp;",
        "&lt;i&gt;x&lt;/i&gt;",
        "[&amp;lt;w:r&amp;gt;&amp;amp;amp;]",
        "&amp;lt;w:r&amp;gt;&amp;amp;amp;",
    ]
    body = part(out, "word/document.xml").decode("utf-8")
    assert "<w:r>&amp;" not in body and "<i>" not in body
    jinja = [p.template for _name, p in template.parts if isinstance(p, _JinjaPart)]
    assert jinja and all(t.root_render_func.__globals__["escape"] is escape_literal for t in jinja)


def test_compile_once_render_many(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "Hei {{ name }}!", header="Runde {{ round }}")

    first = render_to(template, tmp_path / "1.docx", {"name": "Kari", "round": "A"})
    second = render_to(template, tmp_path / "2.docx", {"name": "Ola & Per", "round": "B"})

    assert docx_text(first) == "Hei Kari!"
    assert docx_text(second) == "Hei Ola & Per!"
    header = next(n for n in part_names(second) if re.match(r"word/header\d*\.xml", n))
    assert xml_text(part(first, header)) == "Runde A"
    assert xml_text(part(second, header)) == "Runde B"


def test_same_inputs_give_the_same_bytes(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "Hei {{ name }}")
    again = CompiledTemplate.load(tmp_path / "t.docx", "invitation")

    assert template.render({"name": "Kari"}, PROPERTIES, "T") == again.render(
        {"name": "Kari"}, PROPERTIES, "T"
    )
    assert template.digest == hashlib.sha256((tmp_path / "t.docx").read_bytes()).hexdigest()


def test_custom_properties_and_title(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "x")

    out = render_to(template, tmp_path / "out.docx", {}, title="Invitasjon – Kari <&>")

    assert custom_properties(out) == PROPERTIES
    assert core_elements(out) == {"title": "Invitasjon – Kari <&>"}
    assert docx.Document(out).core_properties.title == "Invitasjon – Kari <&>"


def test_no_metadata_and_no_comments_from_the_template(tmp_path):
    source = tmp_path / "t.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("Hei {{ name }}, velkommen.")
    document.add_comment(paragraph.runs, text="Husk å endre dette før utsending", author="Sjef Hemmelig")
    document.core_properties.author = "Sjef Hemmelig"
    document.core_properties.last_modified_by = "Redaktør Skjult"
    document.core_properties.revision = 17
    document.core_properties.comments = "intern kommentar"
    document.core_properties.keywords = "hemmelig"
    document.save(source)
    assert "word/comments.xml" in part_names(source)

    out = render_to(CompiledTemplate.load(source, "invitation"), tmp_path / "out.docx", {"name": "Kari"})

    names = part_names(out)
    assert not [n for n in names if "comment" in n.lower() or n == "word/people.xml"]
    assert core_elements(out) == {"title": ""}
    for name in names:
        data = part(out, name)
        for secret in (b"Sjef Hemmelig", b"Redakt\xc3\xb8r Skjult", b"intern kommentar", b"hemmelig"):
            assert secret not in data, (name, secret)
    assert b"commentRangeStart" not in part(out, "word/document.xml")
    assert b"commentReference" not in part(out, "word/document.xml")
    assert b"comments" not in part(out, "[Content_Types].xml")
    assert b"comments" not in part(out, "word/_rels/document.xml.rels")
    assert docx_text(out) == "Hei Kari, velkommen."
    reopened = docx.Document(out)
    assert reopened.core_properties.author == ""
    assert reopened.core_properties.last_modified_by == ""
    assert [c for c in reopened.comments] == []


# -- errors ------------------------------------------------------------------------------------------


def test_undefined_variable_names_template_and_variable(tmp_path):
    template = compile_docx(tmp_path / "letter.docx", "Hei {{ employe.name }}")

    with pytest.raises(TemplateError) as caught:
        template.render({"employee": {"name": "Kari"}}, PROPERTIES)

    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'letter.docx'}: ")
    assert "'employe' is undefined" in message


def test_unknown_key_names_the_key(tmp_path):
    template = compile_docx(tmp_path / "letter.docx", "Hei {{ employee.nickname }}")

    with pytest.raises(TemplateError, match=r"letter\.docx: .*'nickname'"):
        template.render({"employee": {"name": "Kari"}}, PROPERTIES)


def test_syntax_error_gives_the_line_and_the_text_near_it(tmp_path):
    path = make_docx(tmp_path / "broken.docx", "Første avsnitt", "Hei {{ name }", "Siste")

    with pytest.raises(TemplateError) as caught:
        CompiledTemplate.load(path, "invitation")

    message = str(caught.value)
    assert message.startswith(f"{path}: Jinja syntax error in word/document.xml (line ")
    # docxtpl's patching joins the broken paragraph with the next; the text near the error still shows it.
    assert re.search(r"\(line \d+\) near \"Hei \{\{ name \}", message), message


def test_unclosed_block_is_a_syntax_error(tmp_path):
    path = make_docx(tmp_path / "open.docx", "{% if name %}Hei", "mer tekst")

    with pytest.raises(TemplateError, match=r"open\.docx: Jinja syntax error .*\(line \d+\).*endif"):
        CompiledTemplate.load(path, "invitation")


def test_not_a_word_document(tmp_path):
    path = tmp_path / "letter.docx"
    path.write_text("not a zip")

    with pytest.raises(TemplateError, match=r"letter\.docx: cannot be read as a Word document"):
        CompiledTemplate.load(path, "invitation")


def test_a_dict_in_the_context_reads_as_jinja_reads_it(tmp_path):
    """The sandbox's `getattr` looks a dict's keys up directly (issue 16), and gives what Jinja gives:
    a dict's own attribute (its methods) before a key of the same name, a missing key undefined."""
    template = compile_docx(
        tmp_path / "t.docx",
        "{{ d.name }}|{{ d['items'] }}|{{ d.items is callable }}|{{ d.missing is defined }}|{{ d.keys()|list|length }}",
    )

    out = render_to(template, tmp_path / "out.docx", {"d": {"name": "Kari", "items": "x"}})

    assert docx_text(out) == "Kari|x|True|False|2"


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "name.__class__.__base__.__subclasses__()",
        "cycler.__init__.__globals__.os.popen('touch {marker}').read()",
        "lipsum.__globals__['os'].system('touch {marker}')",
        "name|attr('__class__')",
        "kind.mro()",
        "person.__class__.__subclasses__()",
        "person.items.__self__.__class__",
    ],
)
def test_sandbox_refuses_to_reach_python(tmp_path, expression):
    marker = tmp_path / "executed"
    path = make_docx(tmp_path / "evil.docx", "{{ " + expression.format(marker=marker) + " }}")
    template = CompiledTemplate.load(path, "invitation")

    with pytest.raises(TemplateError) as caught:
        template.render({"name": "Kari", "kind": str, "person": {"__class__": "x", "items": "y"}}, PROPERTIES)

    assert str(caught.value).startswith(f"{path}: ")
    assert "unsafe" in str(caught.value)
    assert type(caught.value.__cause__).__name__ == "SecurityError"
    assert not marker.exists()


def test_runtime_error_in_a_template_is_a_template_error(tmp_path):
    # Every value is text, so arithmetic on one is an easy mistake for a template author to make.
    path = make_docx(tmp_path / "odd.docx", "Slutt: {{ meeting.duration_minutes + 15 }}")
    template = CompiledTemplate.load(path, "invitation")

    with pytest.raises(TemplateError) as caught:
        template.render({"meeting": {"duration_minutes": "60"}}, PROPERTIES)

    assert str(caught.value).startswith(f"{path}: TypeError in word/document.xml: ")


@pytest.mark.parametrize("expression", ["'a' * 10**10", "name * 1000000", "[1] * 10**9", "10 ** 100000"])
def test_sandbox_refuses_to_exhaust_memory(tmp_path, expression):
    path = make_docx(tmp_path / "greedy.docx", "{{ " + expression + " }}")
    template = CompiledTemplate.load(path, "invitation")

    with pytest.raises(TemplateError) as caught:
        template.render({"name": "Kari"}, PROPERTIES)

    assert type(caught.value.__cause__).__name__ == "SecurityError"


def test_sandbox_still_allows_a_modest_product(tmp_path):
    path = make_docx(tmp_path / "rule.docx", "{{ '-' * 20 }}{{ 2 ** 10 }}")
    out = tmp_path / "rule-out.docx"
    out.write_bytes(CompiledTemplate.load(path, "invitation").render({}, PROPERTIES))
    assert "-" * 20 + "1024" in docx_text(out)


# -- long texts of a template deflated once (issue 16) ----------------------------------------------------


def _parts_without_shared_texts(template: CompiledTemplate) -> CompiledTemplate:
    """The same template rendering every part as one text deflated whole: the reference."""
    parts = [
        (n, dataclasses.replace(p, shared={}) if isinstance(p, _JinjaPart) else p) for n, p in template.parts
    ]
    return dataclasses.replace(template, parts=parts)


def _unpacked(document: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        assert archive.testzip() is None  # every part's checksum and length as given
        return {name: archive.read(name) for name in archive.namelist()}


def test_long_texts_deflated_once_give_the_same_document(tmp_path):
    """A long stretch of template text first, repeated by a loop, between values people typed, and
    last in the part: the document holds the same text as one rendered and deflated whole."""
    long = "Lang tekst som går igjen. " * 200
    template = compile_docx(
        tmp_path / "t.docx",
        long,
        "Hei {{ name }}",
        "{% for item in items %}" + long + "{{ item }}{% endfor %}",
        long,
    )
    assert any(isinstance(p, _JinjaPart) and p.shared for _, p in template.parts)
    reference = _parts_without_shared_texts(template)
    for context in ({"name": TRICKY, "items": ["én", TRICKY, ""]}, {"name": "", "items": []}):
        packed = template.render(context, PROPERTIES, "T")
        document = _unpacked(packed)
        assert document == _unpacked(reference.render(context, PROPERTIES, "T"))
        assert packed != reference.render(context, PROPERTIES, "T")  # the long texts' own bytes were used
        assert docx_text_of(document).count(long.strip()) == 2 + len(context["items"])


@pytest.mark.parametrize("lang", ("nb", "nn", "en"))
def test_every_default_template_renders_the_same_with_its_long_texts_deflated_once(lang):
    from pipeline.documents.examples import example_contexts
    from pipeline.render.templates import TemplateSet

    templates = TemplateSet(None, lang)
    differ = []
    for kind, context in example_contexts(None).items():
        template = templates.get(kind, lang)
        packed, whole = template.render(context, PROPERTIES), _parts_without_shared_texts(template).render(context, PROPERTIES)  # fmt: skip
        assert _unpacked(packed) == _unpacked(whole), kind
        differ += [kind] if packed != whole else []
    assert {"meeting_notes", "employee_preparation", "manager_preparation"} <= set(differ)


def test_a_template_error_inside_a_long_texts_part_names_the_template(tmp_path):
    template = compile_docx(tmp_path / "t.docx", "x" * 5000, "{{ name + 1 }}")

    with pytest.raises(TemplateError, match=r"t\.docx: TypeError in word/document\.xml"):
        template.render({"name": "Kari"}, PROPERTIES)


def docx_text_of(parts: dict[str, bytes]) -> str:
    return xml_text(parts["word/document.xml"])


# -- every document the tool writes is valid OOXML --------------------------------------------------------

TEMPLATES = sorted(
    (Path(__file__).resolve().parent.parent / "pipeline" / "default_templates").glob("*/*.docx")
)


def audit(path: Path) -> list[str]:
    """What openxml-audit, an independent OOXML validator, finds wrong: errors, and anything it expects
    Word to repair or rewrite (its app-compat rules), as readable lines."""
    from openxml_audit import OpenXmlValidator, predict
    from openxml_audit.verdict import AppPrediction

    result = OpenXmlValidator().validate(path)
    findings = [f"{e.severity.value}: {e.description}" for e in result.errors if e.severity.value == "error"]
    verdict = predict(result)
    if verdict.prediction is not AppPrediction.OPENS_CLEAN:
        findings.append(verdict.headline)
    return findings


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_template_is_valid_and_word_would_not_repair_it(template):
    assert audit(template) == []


@pytest.fixture(scope="module")
def produced(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """One document of each kind in both languages, made from the sample round as a user would."""
    import datetime as dt

    from support.formfill import fill_form

    from pipeline.collect.step import collect_forms
    from pipeline.documents.contexts import overview_context, plan_invitations
    from pipeline.documents.invite import render_invitations
    from pipeline.documents.prepare import render_forms
    from pipeline.render.templates import TemplateSet
    from pipeline.round.reader import read_round
    from pipeline.store.layout import round_folder

    round_, _ = read_round(Path(__file__).resolve().parent.parent / "input" / "round.xlsx")
    output = tmp_path_factory.mktemp("valid")
    templates = TemplateSet(None, "nb")
    people = {"1009": "nb", "1012": "en"}
    made: dict[tuple[str, str], Path] = {}
    root = round_folder(output, round_.settings.round_id)
    for result in (
        render_invitations(round_, output, templates, only=set(people), workers=1),
        render_forms(round_, output, templates, only=set(people), workers=1),
    ):
        for outcome in result.outcomes:
            if outcome.employee_id in people and outcome.path.endswith(".docx"):
                made[(outcome.kind, people[outcome.employee_id])] = root / outcome.path
    # the overview is in the interviewer's language: made in both from the same interviewer's meetings
    invitations = [i for i in plan_invitations(round_) if i.interviewer and i.interviewer.id == "1008"]
    for lang in people.values():
        context = overview_context(
            round_, invitations[0].interviewer, [(i.employee, i.meeting) for i in invitations], lang
        )
        made[("overview", lang)] = output / f"overview-{lang}.docx"
        made[("overview", lang)].write_bytes(templates.get("overview", lang).render(context, PROPERTIES))
    returned = output.parent / "returned"
    for employee_id in people:
        fill_form(
            made[("meeting_notes", people[employee_id])],
            returned / f"{employee_id}.docx",
            {"summary": "Kort & godt.\nTo linjer.", "goal.1.text": "Mål", "goal.1.due": "Q2 2027"},
        )
    collect_forms(round_, returned, output, templates, today=dt.date(2027, 2, 1))
    for employee_id, lang in people.items():
        made[("minutes", lang)] = next((root / "minutes").glob(f"{employee_id}-*.docx"))
    return made


KINDS = ("invitation", "overview", "employee_preparation", "manager_preparation", "meeting_notes", "minutes")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ("nb", "en"))
def test_every_kind_of_document_is_valid_and_word_would_not_repair_it(produced, kind, lang):
    assert audit(produced[(kind, lang)]) == []


def test_bookmarks_repeated_by_a_template_loop_get_ids_of_their_own():
    from pipeline.render.bookmarks import renumber as renumber_bookmarks

    row = '<w:bookmarkStart w:id="1000" w:name="a"/><w:r/><w:bookmarkEnd w:id="1000"/>'
    xml = (
        '<w:bookmarkStart w:id="7" w:name="x"/>'
        + row * 3
        + '<w:bookmarkEnd w:id="7"/><w:bookmarkEnd w:id="9"/>'
    )
    assert renumber_bookmarks(xml) == (
        '<w:bookmarkStart w:id="0" w:name="x"/>'
        '<w:bookmarkStart w:id="1" w:name="a"/><w:r/><w:bookmarkEnd w:id="1"/>'
        '<w:bookmarkStart w:id="2" w:name="a"/><w:r/><w:bookmarkEnd w:id="2"/>'
        '<w:bookmarkStart w:id="3" w:name="a"/><w:r/><w:bookmarkEnd w:id="3"/>'
        '<w:bookmarkEnd w:id="0"/><w:bookmarkEnd w:id="9"/>'  # an end without a start is left alone
    )


ROW = '<w:bookmarkStart w:id="1000" w:name="a"/><w:r/><w:bookmarkEnd w:id="1000"/>'


def _rendered(source: str, **context: object) -> tuple[str, str]:
    """How a part's bookmarks are numbered, and the part rendered with `context`."""
    from pipeline.render import bookmarks
    from pipeline.render.sandbox import make_environment

    plan = bookmarks.plan(source)
    if plan.how == bookmarks.CALLS:
        context = {**context, **bookmarks.Numbering(plan.first_free).names()}
    xml = make_environment().from_string(plan.source).render(context)
    return plan.how, bookmarks.renumber(xml) if plan.how == bookmarks.WHOLE else xml


def test_only_the_bookmarks_a_loop_repeats_are_numbered_as_the_document_is_rendered():
    source = '<w:bookmarkStart w:id="7" w:name="x"/>{% for g in goals %}' + ROW + "{% endfor %}"
    how, xml = _rendered(source + '<w:bookmarkEnd w:id="7"/>', goals=[1, 2, 3])
    assert how == "calls"
    assert xml == (
        '<w:bookmarkStart w:id="7" w:name="x"/>'  # outside the loop: as in the template
        '<w:bookmarkStart w:id="1001" w:name="a"/><w:r/><w:bookmarkEnd w:id="1001"/>'
        '<w:bookmarkStart w:id="1002" w:name="a"/><w:r/><w:bookmarkEnd w:id="1002"/>'
        '<w:bookmarkStart w:id="1003" w:name="a"/><w:r/><w:bookmarkEnd w:id="1003"/>'
        '<w:bookmarkEnd w:id="7"/>'
    )
    assert _rendered(source, goals=[]) == ("calls", '<w:bookmarkStart w:id="7" w:name="x"/>')


@pytest.mark.parametrize(
    ("source", "how", "count"),
    [
        ('<w:bookmarkStart w:id="1" w:name="a"/><w:bookmarkEnd w:id="1"/>', "none", 1),
        # the same ID twice outside a loop (a template edited by hand): every bookmark renumbered
        ('<w:bookmarkStart w:id="1" w:name="a"/><w:bookmarkStart w:id="1" w:name="b"/>', "whole", 2),
        ('<w:bookmarkStart w:id="x" w:name="a"/><w:bookmarkEnd w:id="x"/>', "whole", 1),
        (
            '<w:bookmarkStart w:id="2147483647" w:name="a"/>{% for g in goals %}' + ROW + "{% endfor %}",
            "whole",
            3,
        ),
        # a bookmark that starts outside a loop and ends inside it
        (
            '<w:bookmarkStart w:id="1" w:name="a"/>{% for g in goals %}<w:bookmarkEnd w:id="1"/>{% endfor %}',
            "whole",
            1,
        ),
        ('{% set n = 2 %}<w:bookmarkStart w:id="1" w:name="a"/><w:bookmarkEnd w:id="1"/>', "none", 1),
        # a comment's words are not the template's: its `endfor` closes nothing
        ("{# {% endfor %} #}{% for g in goals %}" + ROW + "{% endfor %}", "calls", 2),
    ],
)
def test_a_part_whose_bookmarks_may_repeat_gets_ids_of_its_own_whatever_the_template_does(source, how, count):
    found, xml = _rendered(source, goals=[1, 2])
    assert found == how
    root = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>')
    ids = [b.get(f"{{{W}}}id") for b in root.iter(f"{{{W}}}bookmarkStart")]
    assert len(ids) == len(set(ids)) == count and all(i.isdigit() for i in ids), xml


def test_a_stale_styles_with_effects_part_of_an_old_template_is_not_passed_on(tmp_path):
    """python-docx's default template brings word/stylesWithEffects.xml, a stale copy of the styles that
    makes Word offer to repair the document: a template that still has it gives documents without it."""
    source = make_docx(tmp_path / "old.docx", "Hei {{ name }}")
    assert "word/stylesWithEffects.xml" in part_names(source)
    document = render_to(CompiledTemplate.load(source, "invitation"), tmp_path / "out.docx", {"name": "Kari"})
    assert "word/stylesWithEffects.xml" not in part_names(document)
    assert b"stylesWithEffects" not in part(document, "[Content_Types].xml")
    assert b"stylesWithEffects" not in part(document, "word/_rels/document.xml.rels")
    assert audit(document) == []
