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

from pipeline import texts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NEW_ROWS = 5  # rows for new goals and for new actions on the meeting-notes form
LANGS = texts.LANGUAGES  # the languages forms are written in
HINTED_KINDS = ("date", "status", "yesno")  # kinds with a hint of their own: `forms.hints.<kind>`


@dataclass(frozen=True)
class Field:
    """One answer on a form.

    Its words are texts (`pipeline/texts`) under `forms.fields.<its key>` (a repeating row's cell: under
    `forms.fields.<group>.<column key>`): a `label`, a `hint` (else the hint of its kind) and a `title`
    (else the label; a repeating row's cell is titled after its row).
    """

    key: str
    kind: str  # text | date | status | score | yesno
    group: str = ""  # review | goal | action: one cell of a table of repeating rows
    row: int = 0  # 1-based row among the group's rows
    column: int = 0  # 0-based column among the group's fields
    words: str = ""  # the key its words are under, when it is not `key`

    def __post_init__(self) -> None:
        # hashed once: a field keys the caches of its hints and titles, looked up for every form read
        object.__setattr__(
            self, "_hash", hash((self.key, self.kind, self.group, self.row, self.column, self.words))
        )

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __reduce__(self) -> tuple[type[Field], tuple[str, str, str, int, int, str]]:
        # made anew when unpickled: a string's hash differs from one process to the next
        return Field, (self.key, self.kind, self.group, self.row, self.column, self.words)

    def _text(self, lang: str, part: str) -> str | None:
        return texts.catalogue(lang).get(f"forms.fields.{self.words or self.key}.{part}")

    def label(self, lang: str) -> str:
        """The label shown above the answer (or the column's header)."""
        return texts.get(lang, f"forms.fields.{self.words or self.key}.label")

    def placeholder(self, lang: str) -> str:
        """The guidance shown in the empty answer."""
        hint = self._text(lang, "hint")
        if hint is None and self.kind in HINTED_KINDS:
            return texts.get(lang, f"forms.hints.{self.kind}")
        if hint is None:
            raise KeyError(f"no hint for the field {self.key!r} in the catalogue of {lang!r}")
        return hint

    def title(self, lang: str) -> str:
        """The field's title as Word shows it on the control: a label unique in the form."""
        return _title(self, lang)

    def _make_title(self, lang: str) -> str:
        if self.group:
            # A row's name and number, and past a goal's or action's first column the column's label:
            # "Mål 2", "Mål 2 – frist", "Tidligere mål/tiltak 1 – ny status".
            title = f"{texts.get(lang, f'forms.rows.{self.group}')} {self.row}"
            if self.column or self.group == "review":
                title += f" – {self.label(lang).lower()}"
            return title
        return self._text(lang, "title") or self.label(lang)

    @property
    def hints(self) -> tuple[str, ...]:
        """The field's hint in every language the forms are written in, the longest first."""
        return _hints(self)


@functools.cache  # read for every field of every form collected: looked up once per field
def _hints(field: Field) -> tuple[str, ...]:
    return tuple(sorted((field.placeholder(lang) for lang in LANGS), key=len, reverse=True))


@functools.lru_cache(maxsize=32768)  # read for every field of every form collected
def _title(field: Field, lang: str) -> str:
    return field._make_title(lang)


EMPLOYEE_PREPARATION = tuple(
    Field(f"prep.{name}", "text")
    for name in ("tasks", "went_well", "less_well", "development", "wellbeing", "collaboration", "topics")
)
MANAGER_PREPARATION = tuple(
    Field(f"mprep.{name}", "text")
    for name in ("strengths", "improvements", "questions", "goal_proposals", "development_proposals")
)

# The meeting-notes form, in the order of the conversation (SPEC §5).
NOTES_OPENING = (Field("held_on", "date"), Field("interviewer_name", "text"))
NOTES_CONVERSATION = tuple(
    Field(key, "text")
    for key in (
        "employee_view",
        "strengths",
        "improvements",
        "development",
        "wellbeing",
        "cooperation",
        "career",
    )
)
NOTES_SCORE = (Field("wellbeing_score", "score"), Field("wellbeing_consent", "yesno"))
NOTES_CLOSING = (Field("summary", "text"), Field("follow_up_date", "date"))
NOTES_FIELDS = (*NOTES_OPENING, *NOTES_CONVERSATION, *NOTES_SCORE, *NOTES_CLOSING)

# The columns of the repeating rows; their words are under `forms.fields.<group>.<key>`.
REVIEW_COLUMNS = (
    Field("status", "status", words="review.status"),
    Field("comment", "text", words="review.comment"),
)
GOAL_COLUMNS = (
    Field("text", "text", words="goal.text"),
    Field("measure", "text", words="goal.measure"),
    Field("due", "date", words="goal.due"),
)
ACTION_COLUMNS = (
    Field("text", "text", words="action.text"),
    Field("owner", "text", words="action.owner"),
    Field("due", "date", words="action.due"),
)
GROUP_COLUMNS = {"review": REVIEW_COLUMNS, "goal": GOAL_COLUMNS, "action": ACTION_COLUMNS}


def review_key(goal_id: str, column: str) -> str:
    """`review.<goal id>.status` / `.comment`."""
    return f"review.{goal_id}.{column}"


@functools.lru_cache(maxsize=16384)
def row_field(group: str, row: int, column: Field, key: str) -> Field:
    """One cell of a table of repeating rows, titled after its row ("Mål 2 – frist")."""
    index = GROUP_COLUMNS[group].index(column)
    return Field(key, column.kind, group=group, row=row, column=index, words=column.words)


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


@functools.cache
def placeholders() -> frozenset[str]:
    """Every hint text the forms' fields show, in every language (made when first asked: it reads every
    language's catalogue, which a command with nothing to read need not load)."""
    return frozenset(
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


def xml_escape(text: str, entities: dict[str, str] | None = None) -> str:
    """`xml.sax.saxutils.escape`, whose module loads urllib and http.client (17 ms) on import: a command
    that writes no form need not (issue 16)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for character, entity in (entities or {}).items():
        text = text.replace(character, entity)
    return text


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
