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

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NEW_ROWS = 5  # rows for new goals and for new actions on the meeting-notes form
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
