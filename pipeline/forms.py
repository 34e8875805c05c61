"""The fillable forms' fields: their keys, how they are written into Word, and how they are read back.

One definition for writer and reader. Each answer is an inline plain-text content control (`w:sdt`)
whose alias and tag are the same stable, language-independent key (`strengths`, `goal.3.due`,
`review.<goal id>.status`), wrapped in a bookmark whose name is derived from the key, and placed in a
table cell of its own under its label. That survives the editors managers use:

* Word keeps everything;
* LibreOffice 7.4 drops `w:tag` and `w:showingPlcHdr` but keeps `w:alias` on text controls, and keeps
  bookmarks; a paragraph break typed in a field ends the control there and the rest follows inside the
  bookmark, which is why a control's answer is its bookmark's text when that holds more;
* if a control is deleted and the answer typed in its place, the bookmark or the cell under the label
  still finds it (reported as found "by bookmark" / "by layout").

Inline plain-text controls (multi-line) hold line breaks inside one paragraph in Word; LibreOffice 7.4
loses them (the lines run together). Dates and statuses are plain text too, since LibreOffice flattens
date and drop-down controls. The keys, and what LibreOffice keeps and loses, are in docs/forms.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NEW_ROWS = 5  # rows for new goals and for new actions on the meeting-notes form
FORM_KINDS = ("employee_preparation", "manager_preparation", "meeting_notes")


@dataclass(frozen=True)
class Field:
    """One answer on a form."""

    key: str
    kind: str  # text | date | status
    label_nb: str
    label_en: str
    placeholder_nb: str
    placeholder_en: str

    def label(self, lang: str) -> str:
        """The label shown above the answer."""
        return self.label_en if lang == "en" else self.label_nb

    def placeholder(self, lang: str) -> str:
        """The guidance shown in the empty answer."""
        return self.placeholder_en if lang == "en" else self.placeholder_nb


def _text(key: str, label_nb: str, label_en: str, hint_nb: str, hint_en: str) -> Field:
    return Field(key, "text", label_nb, label_en, hint_nb, hint_en)


DATE_HINT = ("dd.mm.åååå", "dd/mm/yyyy")  # as `meeting.date_short` writes dates in each language
STATUS_HINT = ("ikke startet / pågår / fullført / avbrutt", "not started / in progress / done / cancelled")

EMPLOYEE_PREPARATION = (
    _text(
        "prep.tasks",
        "Arbeidsoppgaver og resultater",
        "Tasks and results",
        "Hva har du jobbet med, og hva har du fått til?",
        "What have you worked on, and what have you achieved?",
    ),
    _text(
        "prep.went_well",
        "Det som har gått bra",
        "What went well",
        "Hva er du fornøyd med?",
        "What are you pleased with?",
    ),
    _text(
        "prep.less_well",
        "Det som har gått mindre bra",
        "What went less well",
        "Hva har vært krevende, og hvorfor?",
        "What has been demanding, and why?",
    ),
    _text(
        "prep.development",
        "Utvikling og kompetanse",
        "Development and competence",
        "Hva vil du lære eller bli bedre på? Hva trenger du?",
        "What would you like to learn or improve? What do you need?",
    ),
    _text(
        "prep.wellbeing",
        "Trivsel og arbeidsmiljø",
        "Well-being and working environment",
        "Hvordan har du det på jobb? Hva påvirker arbeidsmiljøet?",
        "How are you doing at work? What affects the working environment?",
    ),
    _text(
        "prep.collaboration",
        "Samarbeidet med lederen din",
        "Collaboration with your manager",
        "Hva fungerer, og hva kan bli bedre?",
        "What works, and what could be better?",
    ),
    _text(
        "prep.topics",
        "Temaer du vil ta opp",
        "Topics you want to raise",
        "Noe annet du vil snakke om?",
        "Anything else you would like to talk about?",
    ),
)

MANAGER_PREPARATION = (
    _text(
        "mprep.strengths",
        "Planlagt tilbakemelding: styrker",
        "Planned feedback: strengths",
        "Konkrete eksempler på det som går bra",
        "Concrete examples of what goes well",
    ),
    _text(
        "mprep.improvements",
        "Planlagt tilbakemelding: forbedringsområder",
        "Planned feedback: areas to improve",
        "Konkrete, konstruktive eksempler",
        "Concrete, constructive examples",
    ),
    _text(
        "mprep.questions",
        "Spørsmål til medarbeideren",
        "Questions to ask",
        "Hva vil du spørre om?",
        "What would you like to ask?",
    ),
    _text(
        "mprep.goal_proposals",
        "Forslag til nye mål",
        "Proposed goals",
        "Mål for neste periode",
        "Goals for the next period",
    ),
    _text(
        "mprep.development_proposals",
        "Forslag til utvikling",
        "Proposed development",
        "Kurs, oppgaver, mentor ...",
        "Courses, assignments, a mentor ...",
    ),
)

NOTES_FIELDS = (
    Field("held_on", "date", "Samtalen ble holdt", "Date held", *DATE_HINT),
    _text("interviewer_name", "Samtaleleder", "Interviewer", "Ditt navn", "Your name"),
    _text(
        "employee_view",
        "Medarbeiderens syn",
        "The employee's view",
        "Hva er medarbeiderens egne vurderinger?",
        "What is the employee's own assessment?",
    ),
    _text(
        "strengths",
        "Styrker",
        "Strengths",
        "Hva går bra? Gi konkrete eksempler.",
        "What goes well? Give concrete examples.",
    ),
    _text(
        "improvements",
        "Forbedringsområder",
        "Areas to improve",
        "Hva kan bli bedre, og hvordan?",
        "What could be better, and how?",
    ),
    _text(
        "development",
        "Utvikling og kompetansebehov",
        "Development and competence needs",
        "Hvilken utvikling er avtalt?",
        "What development was agreed?",
    ),
    _text(
        "summary",
        "Oppsummering",
        "Summary",
        "De viktigste punktene fra samtalen",
        "The main points of the conversation",
    ),
    Field("follow_up_date", "date", "Neste oppfølging", "Next follow-up", *DATE_HINT),
)

REVIEW_COLUMNS = (
    Field("status", "status", "Ny status", "New status", *STATUS_HINT),
    _text("comment", "Kommentar", "Comment", "Hvordan gikk det?", "How did it go?"),
)
GOAL_COLUMNS = (
    _text("text", "Mål", "Goal", "Beskriv målet", "Describe the goal"),
    _text(
        "measure",
        "Suksesskriterium",
        "Success measure",
        "Hvordan vet vi at det er nådd?",
        "How do we know it is reached?",
    ),
    Field("due", "date", "Frist", "Due", *DATE_HINT),
)
ACTION_COLUMNS = (
    _text("text", "Tiltak", "Action", "Hva skal gjøres?", "What is to be done?"),
    _text("owner", "Ansvarlig", "Responsible", "Hvem?", "Who?"),
    Field("due", "date", "Frist", "Due", *DATE_HINT),
)


def review_key(goal_id: str, column: str) -> str:
    """`review.<goal id>.status` / `.comment`."""
    return f"review.{goal_id}.{column}"


def form_fields(kind: str, goal_ids: list[str] | tuple[str, ...] = ()) -> list[Field]:
    """Every field of a form, in the order it appears; keys of repeating rows filled in."""
    if kind == "employee_preparation":
        return list(EMPLOYEE_PREPARATION)
    if kind == "manager_preparation":
        return list(MANAGER_PREPARATION)
    if kind != "meeting_notes":
        raise ValueError(f"unknown form kind {kind!r}")
    fields = list(NOTES_FIELDS[:2])
    for goal_id in goal_ids:
        for column in REVIEW_COLUMNS:
            fields.append(_keyed(column, review_key(goal_id, column.key)))
    fields += NOTES_FIELDS[2:6]
    for prefix, columns in (("goal", GOAL_COLUMNS), ("action", ACTION_COLUMNS)):
        for n in range(1, NEW_ROWS + 1):
            for column in columns:
                fields.append(_keyed(column, f"{prefix}.{n}.{column.key}"))
    fields += NOTES_FIELDS[6:]
    return fields


def _keyed(column: Field, key: str) -> Field:
    return Field(
        key, column.kind, column.label_nb, column.label_en, column.placeholder_nb, column.placeholder_en
    )


def bookmark_name(key: str) -> str:
    """The bookmark around a field: Word allows 40 letters, digits and `_`, starting with a letter."""
    return "apr_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


PLACEHOLDERS = {
    f.placeholder(lang)
    for lang in ("nb", "en")
    for f in (
        *EMPLOYEE_PREPARATION,
        *MANAGER_PREPARATION,
        *NOTES_FIELDS,
        *REVIEW_COLUMNS,
        *GOAL_COLUMNS,
        *ACTION_COLUMNS,
    )
}


# -- writing -----------------------------------------------------------------------------------------


def control_xml(
    key: str, placeholder: str, bookmark: str, bookmark_id: str, value: str = "", run_properties: str = ""
) -> str:
    """An inline plain-text content control in its bookmark, as WordprocessingML run-level XML.

    Arguments are inserted as they are, so a template may pass Jinja expressions
    (`review.{{ g.id }}.status`); plain values must already be XML-escaped.
    An empty `value` shows the placeholder (`w:showingPlcHdr`).
    """
    if value:
        content = f'<w:r>{run_properties}<w:t xml:space="preserve">{value}</w:t></w:r>'
        showing = ""
    else:
        content = (
            f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
            f'<w:t xml:space="preserve">{placeholder}</w:t></w:r>'
        )
        showing = "<w:showingPlcHdr/>"
    return (
        f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{bookmark}"/>'
        f'<w:sdt><w:sdtPr>{run_properties}<w:alias w:val="{key}"/><w:tag w:val="{key}"/>'
        f'{showing}<w:text w:multiLine="1"/></w:sdtPr>'
        f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        f'<w:bookmarkEnd w:id="{bookmark_id}"/>'
    )


def static_control_xml(field: Field, lang: str, bookmark_id: int, value: str = "") -> str:
    """A control for a fixed key (not inside a template loop), with escaped texts."""
    return control_xml(
        xml_escape(field.key),
        xml_escape(field.placeholder(lang)),
        bookmark_name(field.key),
        str(bookmark_id),
        xml_escape(value),
    )


# -- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One field as read from a returned form."""

    key: str
    text: str  # normalised; empty when the field shows its placeholder
    found_by: str  # tag | alias | bookmark | layout | missing


def _text_of(element: etree._Element) -> str:
    """All text inside an element as a person sees it: runs, breaks, tabs, paragraphs, insertions and
    field results; deleted text and field codes left out."""
    parts: list[str] = []
    first_paragraph = True
    for node in element.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == f"{{{W}}}p":
            if not first_paragraph:
                parts.append("\n")
            first_paragraph = False
        elif tag == f"{{{W}}}t":
            if not _inside(node, "del"):
                parts.append(node.text or "")
        elif tag in (f"{{{W}}}br", f"{{{W}}}cr"):
            parts.append("\n")
        elif tag == f"{{{W}}}tab" and _inside(node, "r"):
            parts.append("\t")
    return "".join(parts)


def _inside(node: etree._Element, local: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == f"{{{W}}}{local}":
            return True
        parent = parent.getparent()
    return False


def normalise(text: str) -> str:
    """Whitespace as a reader expects it: lines trimmed, runs of spaces folded, no blank lines at the ends."""
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _is_placeholder(sdt: etree._Element, text: str, hints: set[str]) -> bool:
    if sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None:
        return True
    return text in hints


def safe_parser() -> etree.XMLParser:
    """The parser for XML from returned files: no entities resolved, no DTD loaded, nothing fetched."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def read_answers(document_xml: bytes, fields: list[Field], lang: str) -> dict[str, Answer]:
    """Find each field's answer in a form's word/document.xml: by tag, else alias, else bookmark, else
    the table cell under its label. `document_xml` must come from a parser that refuses DTDs."""
    root = etree.fromstring(document_xml, safe_parser())
    by_tag: dict[str, etree._Element] = {}
    by_alias: dict[str, etree._Element] = {}
    for sdt in root.iter(f"{{{W}}}sdt"):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        alias = sdt.find("w:sdtPr/w:alias", NS)
        if tag is not None:
            by_tag.setdefault(tag.get(f"{{{W}}}val", ""), sdt)
        if alias is not None:
            by_alias.setdefault(alias.get(f"{{{W}}}val", ""), sdt)
    walked: dict[str, str] | None = None

    def bookmark_text(key: str) -> str | None:
        # Walking the whole document for bookmarks is the reader's slowest part, and a form Word saved
        # (every field found by its tag, whole) never needs it: walk only when asked, and once.
        nonlocal walked
        if walked is None:
            walked = _bookmark_texts(root)
        return walked.get(bookmark_name(key))

    # the forms' hint texts and those of the fields asked for (defined elsewhere, such as the minutes'
    # approval fields): LibreOffice drops the placeholder flag and keeps the hint as text
    hints = PLACEHOLDERS | {hint for f in fields for hint in (f.placeholder_nb, f.placeholder_en)}
    answers: dict[str, Answer] = {}
    for field in fields:
        for source, sdt in (("tag", by_tag.get(field.key)), ("alias", by_alias.get(field.key))):
            if sdt is not None:
                content = sdt.find("w:sdtContent", NS)
                text = normalise(_text_of(content)) if content is not None else ""
                text = "" if _is_placeholder(sdt, text, hints) else text
                # LibreOffice ends a control at a paragraph break typed inside it and writes the rest
                # after it, still inside the bookmark around the control: the bookmark holds it all.
                spanned = bookmark_text(field.key) if text and source == "alias" else None
                if spanned is not None:
                    spanned = normalise(spanned)
                    if len(spanned) > len(text) and spanned.startswith(text):
                        text = spanned
                answers[field.key] = Answer(field.key, text, source)
                break
        else:
            kept = bookmark_text(field.key)
            kept = None if kept is None else normalise(kept)
            if kept and kept not in hints:
                answers[field.key] = Answer(field.key, kept, "bookmark")
                continue
            # An empty bookmark: the control went with its text, and an answer typed beside it is
            # still in the cell under the label.
            found = _under_label(root, field, lang)
            found = "" if found in hints else found
            if found or (found is not None and kept is None):
                answers[field.key] = Answer(field.key, found, "layout")
            elif kept is not None:
                answers[field.key] = Answer(field.key, "", "bookmark")
            else:
                answers[field.key] = Answer(field.key, "", "missing")
    return answers


def _bookmark_texts(root: etree._Element) -> dict[str, str]:
    """Text between each bookmark's start and end, in document order."""
    open_names: dict[str, str] = {}  # id -> name
    collected: dict[str, list[str]] = {}
    paragraph_seen: dict[str, bool] = {}
    for node in root.iter():
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == f"{{{W}}}bookmarkStart":
            name = node.get(f"{{{W}}}name", "")
            if name.startswith("apr_"):
                # LibreOffice splits a bookmark over a control of several paragraphs in two with one
                # name, the first never ended: the second goes on with the first
                if name not in open_names.values():
                    collected[name] = []
                    # started inside a paragraph: the next paragraph begins a new line
                    paragraph_seen[name] = _inside(node, "p")
                open_names[node.get(f"{{{W}}}id", "")] = name
        elif tag == f"{{{W}}}bookmarkEnd":
            ended = open_names.pop(node.get(f"{{{W}}}id", ""), None)
            for other in [i for i, name in open_names.items() if name == ended]:
                del open_names[other]
        elif open_names:
            for name in set(open_names.values()):
                if tag == f"{{{W}}}t" and not _inside(node, "del"):
                    collected[name].append(node.text or "")
                elif tag in (f"{{{W}}}br", f"{{{W}}}cr"):
                    collected[name].append("\n")
                elif tag == f"{{{W}}}p":
                    if paragraph_seen[name]:
                        collected[name].append("\n")
                    paragraph_seen[name] = True
    return {name: "".join(parts) for name, parts in collected.items()}


def _under_label(root: etree._Element, field: Field, lang: str) -> str | None:
    """The text of the table cell below the cell holding the field's label (single fields only)."""
    labels = {normalise(field.label_nb).casefold(), normalise(field.label_en).casefold()}
    for table in root.iter(f"{{{W}}}tbl"):
        rows = table.findall("w:tr", NS)
        for index, row in enumerate(rows[:-1]):
            cells = row.findall("w:tc", NS)
            if len(cells) != 1:
                continue
            if normalise(_text_of(cells[0])).rstrip(":").casefold() in labels:
                below = rows[index + 1].findall("w:tc", NS)
                if len(below) == 1:
                    return normalise(_text_of(below[0]))
    return None
