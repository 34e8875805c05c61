"""The follow-up workbook's sheets, columns and rows: what each column holds, how a cell's value is
read and shown, and the warnings gathered along a run. The sheet names, headers and labels are texts
(`book.*` in `pipeline/texts`); a header is recognised in any language."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline import celltext, texts
from pipeline.model import WARNING, Problem, problem
from pipeline.round import schema
from pipeline.round.values import clean_text, fold_word, parse_date, parse_percent

RUN_PROPERTY = "AppraisalFollowUpRun"


HEADER_ROW = 2  # row 1 holds the instructions line


def sheet_name(kind: str, lang: str) -> str:
    """A follow-up sheet's name in `lang` (`overview`, `conversations`, `goals`)."""
    return texts.get(lang, f"book.sheets.{kind}")


@dataclass(frozen=True)
class BookColumn:
    """A column of a follow-up sheet: its key, what it holds, and whether people edit it. Its header is
    the text `book.columns.<key>`, the same on both sheets."""

    key: str
    kind: str  # id | text | long | date | int | status | stage | type | flag | source
    editable: bool = False

    def header(self, lang: str) -> str:
        """The header in `lang`."""
        return texts.get(lang, f"book.columns.{self.key}")


CONVERSATION_COLUMNS = (
    BookColumn("employee_id", "id"),
    BookColumn("name", "text"),
    BookColumn("department", "text"),
    BookColumn("interviewer", "text"),
    BookColumn("stage", "stage"),
    BookColumn("meeting_date", "date"),
    BookColumn("held_on", "date"),
    BookColumn("minutes_received", "date"),
    BookColumn("minutes_due", "date"),
    BookColumn("minutes_overdue", "int"),
    BookColumn("approval_due", "date"),
    BookColumn("approval_overdue", "int"),
    BookColumn("approved_on", "date", editable=True),
    BookColumn("follow_up_held", "date", editable=True),
    BookColumn("next_follow_up", "date"),
    BookColumn("remark", "text"),
    BookColumn("last_reminded", "date"),
    BookColumn("email_refused", "text"),
    BookColumn("source", "source"),
)


GOAL_SHEET_COLUMNS = (
    BookColumn("goal_id", "id"),
    BookColumn("employee_id", "id"),
    BookColumn("name", "text"),
    BookColumn("department", "text"),
    BookColumn("type", "type"),
    BookColumn("description", "long"),
    BookColumn("measure", "long"),
    BookColumn("responsible", "text"),
    BookColumn("due", "date", editable=True),
    BookColumn("status", "status", editable=True),
    BookColumn("progress", "int", editable=True),
    BookColumn("comment", "long", editable=True),
    BookColumn("agreed_in", "text"),
    BookColumn("last_updated", "date"),
    BookColumn("changed_by", "text"),
    BookColumn("overdue", "flag"),
    BookColumn("source", "source"),
)


COLUMNS = {"conversations": CONVERSATION_COLUMNS, "goals": GOAL_SHEET_COLUMNS}
EDITABLE = {kind: tuple(c for c in columns if c.editable) for kind, columns in COLUMNS.items()}


KEY_COLUMN = {"conversations": "employee_id", "goals": "goal_id"}


def stage_labels(lang: str) -> Mapping[str, str]:
    """A conversation's stage as the Stage column shows it: `planned` -> `planlagt`."""
    return texts.section(lang, "book.stages")


def source_labels(lang: str) -> Mapping[str, str]:
    """A row's source as the Source column shows it: `removed` -> `fjernet fra kilden`."""
    return texts.section(lang, "book.sources")


def flag_label(value: bool, lang: str) -> str:
    """A yes/no column's value: `ja` / `nei`."""
    return texts.get(lang, "book.flags.yes" if value else "book.flags.no")


GENERATED_SOURCES = ("workbook", "minutes")


COUNTED_GOAL_SOURCES = ("workbook", "minutes", "hand")


class Formula(str):
    """A formula someone wrote (`=...`): kept as a formula in their own columns and sheets, and as its
    text anywhere else."""


@dataclass
class Extra:
    """A cell of a column a person added: kept as it was (a formula moves with its row)."""

    value: object
    row: int  # the row it was on, to move a formula's relative references with the row


@dataclass
class Row:
    """One row of a data sheet: values by column key (canonical: dates, ints, status keys)."""

    key: str
    values: dict[str, object]
    source: str  # workbook | minutes | removed | hand | no_id | duplicate
    extras: dict[str, Extra] = field(default_factory=dict)
    generated: dict[str, object] | None = None  # the editable values the sources gave this run
    base: dict[str, object] | None = None  # ... at the last run, for a row kept after its source went
    edited_on: dt.date | None = None
    edited: set[str] = field(default_factory=set)  # editable columns a person edited in HR's workbook
    facts: dict[str, object] = field(default_factory=dict)  # not shown: interviewer ID, collected or not
    line: int = 0  # its row in the existing workbook (0: not from there)


@dataclass
class FileSheet:
    """A data sheet as found in the existing workbook."""

    title: str
    positions: dict[str, int]  # column key -> its column there (0-based)
    extra_headers: list[str]
    rows: list[Row]

    @property
    def present(self) -> set[str]:
        """The column keys found."""
        return set(self.positions)


@dataclass
class ExistingFile:
    """What the existing follow-up workbook holds that a new run must keep."""

    token: str | None
    sheets: dict[str, FileSheet]
    other_sheets: list[tuple[str, list[list[object]]]]  # sheets people added: title, rows of values
    properties: dict[str, str] = field(default_factory=dict)  # the custom document properties


class Notes:
    """Warnings and counts gathered along the run."""

    def __init__(self, lang: str):
        self.lang = lang
        self.problems: list[Problem] = []
        self.changes: list[dict] = []  # changes people and the sources made, for the history
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "conversations",
                "goals",
                "new_rows",
                "edits_kept",
                "conflicts",
                "restored_rows",
                "removed_rows",
                "hand_rows",
                "unmatched_rows",
                "extra_columns",
                "extra_sheets",
                "texts_cut",
                "copies_merged",
                "copy_edits",
                "copy_new_rows",
            ),
            0,
        )

    def warn(self, code: str, message: str, file: object = None) -> None:
        """Add a warning for the user (`code`: one of `model.PROBLEM_CODES`)."""
        self.problems.append(problem(WARNING, code, message, file=file))

    @property
    def warnings(self) -> list[str]:
        """The warnings' sentences, as the human output prints them."""
        return [p.message for p in self.problems]

    def fit(self, text: str, where: str) -> str:
        """Text as a cell may hold it; a cut is counted and reported."""
        fitted, cut = celltext.fit_text(text, self.lang)
        if cut:
            self.counts["texts_cut"] += 1
            self.warn(
                "text-cut",
                f"{where}: the text has {len(text):,} characters, more than a cell holds; it was cut to "
                f"{celltext.EXCEL_TEXT_LIMIT:,} and ends with “{celltext.cut_marker(self.lang)}”.",
            )
        return fitted


def cell_text(value: object) -> str:
    """Any cell value as trimmed text (numbers without `.0`, dates as ISO), cleaned for a cell."""
    if isinstance(value, str):
        return celltext.cell_safe_text(value).strip()
    return celltext.cell_safe_text(clean_text(value))


def typed_cell_value(column: BookColumn, raw: object) -> tuple[object, str | None]:
    """A value as typed in an editable column, made canonical; the text as typed when it is not
    understood, with a problem to report. Empty is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    text = cell_text(raw)
    if column.kind == "status":
        canonical = schema.enum_lookup("goal_status").get(fold_word(text))
        if canonical is None:
            allowed = ", ".join(schema.enum_labels("goal_status", "nb").values())
            return text, f"“{text}” is not a status ({allowed}); kept as typed, counted as not done"
        return canonical, None
    if column.kind == "int":
        try:
            number = parse_percent(raw)
        except ValueError:
            return text, f"“{text}” is not a whole number; kept as typed"
        if not 0 <= number <= 100:
            return number, f"{number} is outside 0–100; kept as typed"
        return number, None
    if column.kind == "date":
        try:
            return parse_date(raw), None
        except ValueError:
            return text, f"“{text}” is not a date; kept as typed"
    return text or None, None


def to_json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def from_json(column: BookColumn, value: object) -> object:
    if column.kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def iso_date(text: object) -> dt.date | None:
    if isinstance(text, str) and text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


# The three look-ups below read every language's catalogue: made when first asked, so that a command
# that reads no workbook (an unchanged `appraisal run`) does not load the catalogues (issue 16).


@functools.cache
def header_index() -> dict[str, dict[str, str]]:
    """Per data sheet: every accepted (normalised) header, in either language, -> column key."""
    index: dict[str, dict[str, str]] = {}
    for kind, columns in COLUMNS.items():
        index[kind] = {}
        for column in columns:
            for name in (*(column.header(lang) for lang in texts.LANGUAGES), column.key):
                index[kind].setdefault(schema.normalise_header(name), column.key)
    return index


@functools.cache
def source_lookup() -> dict[str, str]:
    """A source's label in any language, folded -> its key."""
    return {fold_word(label): key for lang in texts.LANGUAGES for key, label in source_labels(lang).items()}


@functools.cache
def made_anew() -> frozenset[str]:
    """The sheets made anew on every run (normalised titles), never carried over as sheets people added."""
    return frozenset(
        schema.normalise_header(name)
        for key in ("overview", "conflicts")
        for name in texts.every(f"book.sheets.{key}")
    )


def record_values(editable: list[BookColumn], record: dict | None, part: str) -> dict[str, object]:
    """A row's editable values from a run record: "g" what the sources gave, "w" what was written."""
    if record is None:
        return {}
    generated = {c.key: from_json(c, (record.get("g") or {}).get(c.key)) for c in editable}
    if part == "g":
        return generated
    written = record.get("w") or {}
    return {c.key: from_json(c, written[c.key]) if c.key in written else generated[c.key] for c in editable}


def show_value(column: BookColumn, value: object, lang: str) -> str:
    if value is None:
        return ""
    if column.kind == "status":
        return schema.enum_labels("goal_status", lang).get(str(value), str(value))
    if isinstance(value, dt.date):
        return value.isoformat() if lang == "en" else value.strftime("%d.%m.%Y")
    return str(value)
