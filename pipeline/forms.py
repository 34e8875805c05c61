"""The fillable forms' fields: their keys, how they are written into Word, and how they are read back.

One definition for writer and reader. Each answer (form version 2, docs/forms.md) is

* an inline **rich-text content control** (`w:sdt` without `w:text`): Word shows its title (`w:alias`),
  a human label in the form's language such as "Oppsummering" or "Mål 1 – frist", and keeps its
  `w:tag`, the stable, language-independent key (`summary`, `goal.1.due`, `review.<goal id>.status`);
* wrapped in a **bookmark** whose name is derived from the key: LibreOffice 7.4 drops a rich-text
  control's tag and alias but keeps bookmarks, so the bookmark is the identity both editors keep;
* alone in a **table cell** of its own, under its label (single answers) or in its column of a table of
  repeating rows (earlier goals under review, new goals, new actions).

The reader reads the **whole cell**: whatever a person typed there (inside the control, beside it,
after it, in further paragraphs, where a deleted control stood) is the answer, in document order, with
paragraphs and line breaks as lines. Hint texts are recognised by their text, whatever the placeholder
flag says. Rich text rather than plain text because LibreOffice 7.4 writes a line break typed inside a
plain-text control as nothing; in a rich-text control it keeps it. Forms of version 1 (plain-text
controls, alias = tag = key) are read by the same code.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NEW_ROWS = 5  # rows for new goals and for new actions on the meeting-notes form
FORM_KINDS = ("employee_preparation", "manager_preparation", "meeting_notes")
LANGS = ("nb", "en")  # the languages forms are written in (nn reads the nb forms)


@dataclass(frozen=True)
class Field:
    """One answer on a form."""

    key: str
    kind: str  # text | date | status | score | yesno
    label_nb: str
    label_en: str
    placeholder_nb: str
    placeholder_en: str
    title_nb: str = ""  # the control's title (w:alias) when it differs from the label
    title_en: str = ""
    group: str = ""  # review | goal | action: one cell of a table of repeating rows
    row: int = 0  # 1-based row among the group's rows
    column: int = 0  # 0-based column among the group's fields

    def label(self, lang: str) -> str:
        """The label shown above the answer (or the column's header)."""
        return self.label_en if lang == "en" else self.label_nb

    def placeholder(self, lang: str) -> str:
        """The guidance shown in the empty answer."""
        return self.placeholder_en if lang == "en" else self.placeholder_nb

    def title(self, lang: str) -> str:
        """The field's title as Word shows it on the control: a label unique in the form."""
        title = self.title_en if lang == "en" else self.title_nb
        return title or self.label(lang)

    @property
    def hints(self) -> tuple[str, ...]:
        """The field's hint in every language the forms are written in."""
        return (self.placeholder_nb, self.placeholder_en)


def _text(key: str, label_nb: str, label_en: str, hint_nb: str, hint_en: str) -> Field:
    return Field(key, "text", label_nb, label_en, hint_nb, hint_en)


DATE_HINT = ("dd.mm.åååå", "dd/mm/yyyy")  # as `meeting.date_short` writes dates in each language
STATUS_HINT = ("ikke startet / pågår / fullført / avbrutt", "not started / in progress / done / cancelled")
YES_NO_HINT = ("ja / nei", "yes / no")

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

# The meeting-notes form, in the order of the conversation (SPEC §5).
NOTES_OPENING = (
    Field("held_on", "date", "Samtalen ble holdt", "Date held", *DATE_HINT),
    _text("interviewer_name", "Samtaleleder", "Interviewer", "Ditt navn", "Your name"),
)
NOTES_CONVERSATION = (
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
        "wellbeing",
        "Trivsel, arbeidsmiljø og arbeidsbelastning",
        "Well-being, working environment and workload",
        "Hvordan har medarbeideren det på jobb? Hvordan er arbeidsmengden?",
        "How is the employee doing at work? How is the workload?",
    ),
    _text(
        "cooperation",
        "Samarbeidet med lederen (tilbakemelding til lederen)",
        "Cooperation with the manager (feedback to the manager)",
        "Hva fungerer i samarbeidet, og hva kan lederen gjøre annerledes?",
        "What works in the cooperation, and what could the manager do differently?",
    ),
    _text(
        "career",
        "Kompetanse- og karriereønsker",
        "Competence and career wishes",
        "Hvilke ønsker har medarbeideren for kompetanse og karriere framover?",
        "What does the employee wish for in competence and career?",
    ),
)
NOTES_SCORE = (
    Field(
        "wellbeing_score",
        "score",
        "Trivsel på en skala fra 1 til 5 (valgfritt)",
        "Well-being on a scale of 1 to 5 (optional)",
        "1 = svært lav, 5 = svært høy",
        "1 = very low, 5 = very high",
    ),
    Field(
        "wellbeing_consent",
        "yesno",
        "Kan tallet brukes, uten navn, i tall for ledelsen? (ja/nei)",
        "May the score be used, without the employee's name, in figures for leadership? (yes/no)",
        *YES_NO_HINT,
        title_nb="Trivsel – samtykke",
        title_en="Well-being – consent",
    ),
)
NOTES_CLOSING = (
    _text(
        "summary",
        "Oppsummering",
        "Summary",
        "De viktigste punktene fra samtalen",
        "The main points of the conversation",
    ),
    Field("follow_up_date", "date", "Neste oppfølging", "Next follow-up", *DATE_HINT),
)
NOTES_FIELDS = (*NOTES_OPENING, *NOTES_CONVERSATION, *NOTES_SCORE, *NOTES_CLOSING)

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
GROUP_COLUMNS = {"review": REVIEW_COLUMNS, "goal": GOAL_COLUMNS, "action": ACTION_COLUMNS}
# A row's name in the fields' titles: "Mål 2 – frist", "Tidligere mål/tiltak 1 – ny status"
GROUP_TITLES = {
    "review": ("Tidligere mål/tiltak", "Earlier goal/action"),
    "goal": ("Mål", "Goal"),
    "action": ("Tiltak", "Action"),
}


def review_key(goal_id: str, column: str) -> str:
    """`review.<goal id>.status` / `.comment`."""
    return f"review.{goal_id}.{column}"


@functools.lru_cache(maxsize=16384)
def row_field(group: str, row: int, column: Field, key: str) -> Field:
    """One cell of a table of repeating rows, titled after its row ("Mål 2 – frist")."""
    index = GROUP_COLUMNS[group].index(column)
    names = GROUP_TITLES[group]
    titles = []
    for lang_index, lang in enumerate(LANGS):
        title = f"{names[lang_index]} {row}"
        if index or group == "review":
            title += f" – {column.label(lang).lower()}"
        titles.append(title)
    return Field(
        key,
        column.kind,
        column.label_nb,
        column.label_en,
        column.placeholder_nb,
        column.placeholder_en,
        title_nb=titles[0],
        title_en=titles[1],
        group=group,
        row=row,
        column=index,
    )


def form_fields(kind: str, goal_ids: list[str] | tuple[str, ...] = ()) -> list[Field]:
    """Every field of a form, in the order it appears; keys of repeating rows filled in."""
    if kind == "employee_preparation":
        return list(EMPLOYEE_PREPARATION)
    if kind == "manager_preparation":
        return list(MANAGER_PREPARATION)
    if kind != "meeting_notes":
        raise ValueError(f"unknown form kind {kind!r}")
    fields = list(NOTES_OPENING)
    for row, goal_id in enumerate(goal_ids, start=1):
        for column in REVIEW_COLUMNS:
            fields.append(row_field("review", row, column, review_key(goal_id, column.key)))
    fields += NOTES_CONVERSATION
    fields += NOTES_SCORE
    for group, columns in (("goal", GOAL_COLUMNS), ("action", ACTION_COLUMNS)):
        for n in range(1, NEW_ROWS + 1):
            for column in columns:
                fields.append(row_field(group, n, column, f"{group}.{n}.{column.key}"))
    fields += NOTES_CLOSING
    return fields


@functools.lru_cache(maxsize=8192)
def bookmark_name(key: str) -> str:
    """The bookmark around a field: Word allows 40 letters, digits and `_`, starting with a letter."""
    return "apr_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


PLACEHOLDERS = frozenset(
    hint
    for f in (
        *EMPLOYEE_PREPARATION,
        *MANAGER_PREPARATION,
        *NOTES_FIELDS,
        *REVIEW_COLUMNS,
        *GOAL_COLUMNS,
        *ACTION_COLUMNS,
    )
    for hint in f.hints
)


# -- writing -----------------------------------------------------------------------------------------


def control_xml(
    key: str, title: str, placeholder: str, bookmark: str, bookmark_id: str, value: str = ""
) -> str:
    """An inline rich-text content control in its bookmark, as WordprocessingML run-level XML.

    Arguments are inserted as they are, so a template may pass Jinja expressions (`{{g.key_status}}`);
    plain values must already be XML-escaped. An empty `value` shows the placeholder (`w:showingPlcHdr`,
    in Word's `Placeholder Text` style). The control may not be deleted in Word (`sdtLocked`), only its
    content edited.
    """
    if value:
        content = f'<w:r><w:t xml:space="preserve">{value}</w:t></w:r>'
        showing = ""
    else:
        content = (
            f'<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
            f'<w:t xml:space="preserve">{placeholder}</w:t></w:r>'
        )
        showing = "<w:showingPlcHdr/>"
    return (
        f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{bookmark}"/>'
        f'<w:sdt><w:sdtPr><w:alias w:val="{title}"/><w:tag w:val="{key}"/>'
        f'<w:lock w:val="sdtLocked"/>{showing}</w:sdtPr>'
        f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        f'<w:bookmarkEnd w:id="{bookmark_id}"/>'
    )


def static_control_xml(field: Field, lang: str, bookmark_id: int, value: str = "") -> str:
    """A control for a fixed key (not inside a template loop), with escaped texts."""
    return control_xml(
        xml_escape(field.key),
        xml_escape(field.title(lang), {'"': "&quot;"}),
        xml_escape(field.placeholder(lang)),
        bookmark_name(field.key),
        str(bookmark_id),
        xml_escape(value),
    )


# -- reading -----------------------------------------------------------------------------------------

_P, _T, _BR, _CR, _TAB, _TC, _SDT = (f"{{{W}}}{n}" for n in ("p", "t", "br", "cr", "tab", "tc", "sdt"))
_DEL, _MOVE_FROM, _R = f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}r"
_BM_START, _BM_END = f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd"
_NO_BREAK_HYPHEN = f"{{{W}}}noBreakHyphen"
_VAL, _ID, _NAME = f"{{{W}}}val", f"{{{W}}}id", f"{{{W}}}name"
_PPR, _NUM_PR, _NUM_ID, _ILVL = (f"{{{W}}}{n}" for n in ("pPr", "numPr", "numId", "ilvl"))
_SDT_PR, _TAG, _ALIAS = (f"{{{W}}}{n}" for n in ("sdtPr", "tag", "alias"))
# what `_read_region` looks at; lxml skips every other element (run and paragraph properties...) in C
_READ_TAGS = (_P, _T, _BR, _CR, _TAB, _SDT, _DEL, _MOVE_FROM, _BM_START, _BM_END, _NO_BREAK_HYPHEN)


@dataclass(frozen=True)
class Answer:
    """One field as read from a returned form."""

    key: str
    text: str  # normalised; hints removed; empty when nothing was typed
    found_by: str  # how the field's place was found: tag | bookmark | alias | layout | missing
    control: bool = False  # the field's content control is still there
    beside: bool = False  # some of the text was typed outside the control (beside it, after it)


def normalise(text: str) -> str:
    """Whitespace as a reader expects it: lines trimmed, runs of spaces folded, no blank lines at the ends."""
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def strip_hints(text: str, own: tuple[str, ...], every: frozenset[str]) -> str:
    """`text` without hint texts: the field's own hints wherever they stand (a person may type beside
    one), and any other hint the tool writes where it stands alone on a line."""
    for hint in sorted(own, key=len, reverse=True):
        if hint and hint in text:
            text = text.replace(hint, " ")
    text = normalise(text)
    if not text:
        return ""
    lines = [line for line in text.split("\n") if line not in every and line not in own]
    return normalise("\n".join(lines))


def safe_parser() -> etree.XMLParser:
    """The parser for XML from returned files: no entities resolved, no DTD loaded, nothing fetched."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@dataclass
class Numbering:
    """How list paragraphs are numbered (word/numbering.xml): numId and level -> number format."""

    formats: dict[tuple[str, str], str]

    @classmethod
    @functools.lru_cache(maxsize=16)  # noqa: B019 - a round's forms share one numbering part
    def parse(cls, numbering_xml: bytes | None) -> Numbering:
        """Read numbering.xml (never trusted: a part that cannot be parsed gives bullets for all)."""
        formats: dict[tuple[str, str], str] = {}
        if not numbering_xml:
            return cls(formats)
        try:
            root = etree.fromstring(numbering_xml, safe_parser())
        except etree.XMLSyntaxError:
            return cls(formats)
        abstract: dict[str, dict[str, str]] = {}
        for node in root.iterfind("w:abstractNum", NS):
            levels = {}
            for level in node.iterfind("w:lvl", NS):
                fmt = level.find("w:numFmt", NS)
                levels[level.get(f"{{{W}}}ilvl", "0")] = (
                    fmt.get(_VAL, "bullet") if fmt is not None else "bullet"
                )
            abstract[node.get(f"{{{W}}}abstractNumId", "")] = levels
        for num in root.iterfind("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            levels = abstract.get(ref.get(_VAL, "") if ref is not None else "", {})
            for ilvl, fmt in levels.items():
                formats[(num.get(f"{{{W}}}numId", ""), ilvl)] = fmt
        return cls(formats)

    def format_of(self, num_id: str, ilvl: str) -> str:
        """`bullet`, `decimal`, `lowerLetter`, ... (bullet when unknown)."""
        return self.formats.get((num_id, ilvl), "bullet")


def _list_marker(paragraph: etree._Element, numbering: Numbering, counters: dict) -> str:
    """The marker a list paragraph shows (`• `, `1. `, `a. `), or "" when it is not in a list."""
    properties = paragraph.find(_PPR)
    num_pr = properties.find(_NUM_PR) if properties is not None else None
    if num_pr is None:
        return ""
    num_id_el, ilvl_el = num_pr.find(_NUM_ID), num_pr.find(_ILVL)
    num_id = num_id_el.get(_VAL, "") if num_id_el is not None else ""
    ilvl = ilvl_el.get(_VAL, "0") if ilvl_el is not None else "0"
    if num_id == "0":  # numbering switched off on this paragraph
        return ""
    indent = "  " * min(int(ilvl) if ilvl.isdigit() else 0, 4)
    fmt = numbering.format_of(num_id, ilvl)
    if fmt in ("bullet", "none"):
        return indent + "• "
    count = counters[(num_id, ilvl)] = counters.get((num_id, ilvl), 0) + 1
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(count - 1) % 26]
        return f"{indent}{letter.upper() if fmt == 'upperLetter' else letter}. "
    return f"{indent}{count}. "


def _read_region(region: etree._Element, bookmark: str, numbering: Numbering) -> tuple[str, str, bool]:
    """The text in a cell (or a lone control) as a person sees it, in document order, and the part of
    it that is inside a content control or the field's bookmark; whether a control is there.

    Runs, line breaks, tabs, paragraphs (as lines, list paragraphs with their marker), tracked
    insertions and field results are read; deleted text, moved-away text and field codes are not.
    (`iter` with tags, and a look at each piece's ancestors, is about twice as fast as `iterwalk`.)"""
    fast = _read_plain_cell(region)
    if fast is not None:
        return fast, fast, True
    every: list[str] = []
    inner: list[str] = []
    open_ids: set[str] = set()
    first_paragraph = True
    has_control = region.tag == _SDT
    counters: dict = {}
    for node in region.iter(_READ_TAGS):
        tag = node.tag
        if tag == _BM_START:
            if node.get(_NAME) == bookmark:
                open_ids.add(node.get(_ID, ""))
            continue
        if tag == _BM_END:
            open_ids.discard(node.get(_ID, ""))
            continue
        if tag == _SDT:
            has_control = True
            continue
        if tag == _P:
            piece = ("" if first_paragraph else "\n") + _list_marker(node, numbering, counters)
            first_paragraph = False
            if piece:
                every.append(piece)
                # a new paragraph counts as inside when the field goes on in it (Word's block-level
                # control of several paragraphs, LibreOffice's bookmark that carries on after the control)
                inner.append(piece if open_ids or _ancestry(node, region)[0] else "\n")
            continue
        if tag == _T:
            piece = node.text or ""
        elif tag in (_BR, _CR):
            piece = "\n"
        elif tag == _TAB:
            parent = node.getparent()
            piece = "\t" if parent is not None and parent.tag == _R else ""
        elif tag == _NO_BREAK_HYPHEN:
            piece = "-"
        else:  # w:del, w:moveFrom: what they hold is skipped below
            continue
        if not piece:
            continue
        in_sdt, in_del = _ancestry(node, region)
        if in_del:
            continue  # deleted or moved away
        every.append(piece)
        if in_sdt or open_ids:
            inner.append(piece)
    return "".join(every), "".join(inner), has_control


_FAST_TAGS = (_P, _SDT, _T, _BR, _CR, _TAB, _NO_BREAK_HYPHEN, _DEL, _MOVE_FROM, _NUM_PR)


def _read_plain_cell(region: etree._Element) -> str | None:
    """The text of a cell as the tool wrote it and most people leave it: one paragraph, not a list,
    holding the control, with every text run inside the control; None for any other cell.
    (Most cells are like this, and reading them in one C call each keeps `collect` fast.)"""
    nodes = list(region.iter(_FAST_TAGS))
    if len(nodes) < 2 or nodes[0].tag != _P or nodes[1].tag != _SDT:
        return None
    for node in nodes[2:]:
        if node.tag != _T:
            return None
    texts = [node.text or "" for node in nodes[1].iter(_T)]
    if len(texts) != len(nodes) - 2:
        return None
    return "".join(texts)


def _ancestry(node: etree._Element, region: etree._Element) -> tuple[bool, bool]:
    """Whether `node` is inside a content control, and inside a deletion (or moved-away text), as far
    up as `region` (itself included)."""
    in_sdt = in_del = False
    parent = node.getparent()
    while parent is not None:
        tag = parent.tag
        if tag == _SDT:
            in_sdt = True
        elif tag in (_DEL, _MOVE_FROM):
            in_del = True
        if parent is region:
            break
        parent = parent.getparent()
    return in_sdt, in_del


def _ancestor(node: etree._Element, tag: str) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return parent
        parent = parent.getparent()
    return None


def read_answers(
    document_xml: bytes,
    fields: list[Field],
    lang: str,
    numbering_xml: bytes | None = None,
) -> dict[str, Answer]:
    """Find each field's place in a form's word/document.xml and read what was typed there.

    The place is found by the control's tag (Word keeps it), else the field's bookmark (Word and
    LibreOffice keep it), else the control's title (a human label, or the key on forms of version 1),
    else the layout: the cell under the field's label, or its row and column in a table of repeating
    rows. The whole cell is read (see `_read_region`); hint texts are removed by their text.
    `document_xml` must come from a parser that refuses DTDs (`intake`)."""
    root = etree.fromstring(document_xml, safe_parser())
    numbering = Numbering.parse(numbering_xml)
    by_tag: dict[str, etree._Element] = {}
    by_alias: dict[str, etree._Element] = {}
    bookmarks: dict[str, etree._Element] = {}
    for node in root.iter(_SDT, _BM_START):
        if node.tag == _BM_START:
            name = node.get(_NAME, "")
            if name.startswith("apr_"):
                bookmarks.setdefault(name, node)
            continue
        properties = node.find(_SDT_PR)
        if properties is None:
            continue
        tag = properties.find(_TAG)
        alias = properties.find(_ALIAS)
        if tag is not None:
            by_tag.setdefault(tag.get(_VAL, ""), node)
        if alias is not None:
            by_alias.setdefault(alias.get(_VAL, "").strip().casefold(), node)
    every_hint = _every_hint(tuple(fields))
    layout = _Layout(root)
    answers: dict[str, Answer] = {}
    for field in fields:
        found_by, anchor = "tag", by_tag.get(field.key)
        if anchor is None:
            found_by, anchor = "bookmark", bookmarks.get(bookmark_name(field.key))
        if anchor is None:
            found_by, anchor = "alias", _by_title(by_alias, field)
        if anchor is None:
            found_by = "missing"
        if anchor is not None:
            region = _ancestor(anchor, _TC)
            if region is None:  # not in a table (an edited template): the control alone
                region = anchor if anchor.tag == _SDT else anchor.getparent()
        else:
            region = layout.cell(field)
            if region is not None:
                found_by = "layout"
        if region is None:
            answers[field.key] = Answer(field.key, "", "missing")
            continue
        every, inner, has_control = _read_region(region, bookmark_name(field.key), numbering)
        text = strip_hints(every, field.hints, every_hint)
        if not has_control:
            inside = ""
        elif inner == every:
            inside = text
        else:
            inside = strip_hints(inner, field.hints, every_hint)
        beside = has_control and bool(text) and text != inside
        answers[field.key] = Answer(field.key, text, found_by, control=has_control, beside=beside)
    return answers


@functools.lru_cache(maxsize=64)
def _every_hint(fields: tuple[Field, ...]) -> frozenset[str]:
    """Every hint the tool writes, with the hints of this form's fields (the same for a whole round)."""
    return PLACEHOLDERS | {hint for f in fields for hint in f.hints}


def _by_title(by_alias: dict[str, etree._Element], field: Field) -> etree._Element | None:
    """The control titled with the field's key (version 1) or its title in either language."""
    for name in (field.key, *(field.title(lang) for lang in LANGS)):
        node = by_alias.get(name.strip().casefold())
        if node is not None:
            return node
    return None


class _Layout:
    """Finding a field's cell by the form's layout, for when its control and bookmark are both gone:
    the cell under a one-cell row holding its label, or its row and column in the table of its group."""

    def __init__(self, root: etree._Element):
        self.root = root
        self._tables: list[tuple[list[etree._Element], list[list[etree._Element]]]] | None = None

    def tables(self) -> list[tuple[list[etree._Element], list[list[etree._Element]]]]:
        """Every table's rows and their cells (read once, when first needed)."""
        if self._tables is None:
            self._tables = []
            for table in self.root.iter(f"{{{W}}}tbl"):
                rows = table.findall("w:tr", NS)
                self._tables.append((rows, [row.findall("w:tc", NS) for row in rows]))
        return self._tables

    def cell(self, field: Field) -> etree._Element | None:
        """The cell where the field's answer belongs, or None."""
        if field.group:
            return self._grid_cell(field)
        labels = {normalise(field.label_nb).casefold(), normalise(field.label_en).casefold()}
        for _rows, cells in self.tables():
            for index, row in enumerate(cells[:-1]):
                if len(row) == 1 and _cell_label(row[0]) in labels:
                    below = cells[index + 1]
                    if len(below) == 1:
                        return below[0]
        return None

    def _grid_cell(self, field: Field) -> etree._Element | None:
        columns = GROUP_COLUMNS[field.group]
        for lang in LANGS:
            headers = [normalise(c.label(lang)).casefold() for c in columns]
            for _rows, cells in self.tables():
                for index, row in enumerate(cells):
                    texts = [_cell_label(c) for c in row]
                    if len(texts) >= len(headers) and texts[len(texts) - len(headers) :] == headers:
                        data = [r for r in cells[index + 1 :] if len(r) == len(row)]
                        if field.row <= len(data):
                            return data[field.row - 1][len(row) - len(headers) + field.column]
                        return None
        return None


def _cell_label(cell: etree._Element) -> str:
    every, _inner, _control = _read_region(cell, "", Numbering({}))
    return normalise(every).rstrip(":").casefold()
