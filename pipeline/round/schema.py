"""The round workbook's layout: sheets, columns, settings and allowed values.

One definition, shared by the reader (`reader.py` and its stages), the validator and the writer of new
workbooks (`starter.py`), so that a header the writer puts in a file is always one the reader knows.
The names, headers, explanations and labels are texts of `pipeline/texts` (`workbook.*`); the reader
accepts those of every language with a complete catalogue, and the aliases kept here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

from pipeline import texts


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: the field it fills and the other headers it may have.

    Its header in each language is the text `workbook.columns.<sheet>.<field>` (`pipeline/texts`).
    """

    field: str
    required: bool = False
    kind: str = "text"  # text | id | date | time | int | email | enum
    enum: str | None = None  # name of the allowed-value set in ENUMS
    aliases: tuple[str, ...] = ()  # other headers the reader accepts, in any language
    width: int = 16
    sheet: str = ""  # the sheet's kind, filled in by its SheetSpec

    def title(self, lang: str) -> str:
        """The header's words in `lang`."""
        return texts.get(lang, f"workbook.columns.{self.sheet}.{self.field}")

    def header(self, lang: str) -> str:
        """The header as written in a new workbook, with `*` on required columns."""
        text = self.title(lang)
        return f"{text}*" if self.required else text


@dataclass(frozen=True)
class SheetSpec:
    """A data sheet: its kind (stable, English), its columns and the other names it may have.

    Its name in each language is the text `workbook.sheets.<kind>`.
    """

    kind: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()  # other names the reader accepts, in any language
    optional: bool = False  # a workbook without the sheet is complete (no `missing-sheet`)

    def __post_init__(self) -> None:
        # Each column is told its sheet, which names its headers' texts.
        object.__setattr__(self, "columns", tuple(replace(c, sheet=self.kind) for c in self.columns))

    def name(self, lang: str) -> str:
        """The sheet's name in a new workbook of that language."""
        return sheet_name(self.kind, lang)

    def column(self, field: str) -> Column:
        """The column that fills `field`."""
        for column in self.columns:
            if column.field == field:
                return column
        raise KeyError(field)


def sheet_name(kind: str, lang: str) -> str:
    """A sheet's name in `lang`: a data sheet's, or `round`, `instructions`, `issues`."""
    return texts.get(lang, f"workbook.sheets.{kind}")


# Allowed values: canonical value -> words a person may type for it (any case, nb, nn or en), besides
# the labels of every catalogue (`workbook.values`), which `enum_lookup` reads too.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "employee_status": {
        "active": ("active", "aktiv", "i arbeid"),
        "on_leave": ("on_leave", "on leave", "leave", "permisjon", "i permisjon"),
        "left": ("left", "sluttet", "slutta", "avsluttet", "avslutta", "former"),
    },
    "goal_type": {
        "goal": ("goal", "mål", "maal"),
        "action": ("action", "tiltak"),
    },
    "goal_status": {
        "not_started": ("not_started", "not started", "ikke startet", "ikke påbegynt", "ikkje starta", "ny"),
        "in_progress": ("in_progress", "in progress", "pågår", "paagaar", "påbegynt", "påbyrja", "i gang"),
        "done": ("done", "completed", "fullført", "ferdig", "utført"),
        "cancelled": ("cancelled", "canceled", "avbrutt", "avbrote", "avbroten", "kansellert", "utgår"),
    },
    # not a label table: the words read as each language code, whatever the workbook's language
    "language": {
        "nb": (
            "nb",
            "no",
            "nob",
            "bokmål",
            "bokmal",
            "norsk",
            "norsk bokmål",
            "norwegian",
            "norwegian bokmål",
        ),
        "nn": ("nn", "nno", "nynorsk", "norsk nynorsk", "norwegian nynorsk"),
        "en": ("en", "eng", "english", "engelsk"),
    },
}


def enum_labels(enum: str, lang: str) -> Mapping[str, str]:
    """How each allowed value is written in a new workbook and offered in its drop-downs, in `lang`:
    canonical value -> label, in the set's order (the texts `workbook.values.<enum>`)."""
    return texts.section(lang, f"workbook.values.{enum}")


EMPLOYEES = SheetSpec(
    "employees",
    (
        Column("id", True, "id", aliases=("ansattnummer", "id"), width=14),
        Column("first_name", True, width=16),
        Column("last_name", True, width=18),
        Column("email", True, "email", aliases=("e-mail", "epost"), width=30),
        Column("department", True, width=20),
        Column("job_title", aliases=("stillingstittel", "title"), width=24),
        Column("manager_id", kind="id", aliases=("leder",), width=16),
        Column("language", kind="enum", enum="language", width=10),
        Column("employment_start", kind="date", width=14),
        Column("status", kind="enum", enum="employee_status", width=12),
    ),
    aliases=("ansatte", "medarbeidere", "staff"),
)

SCHEDULE = SheetSpec(
    "schedule",
    (
        Column("employee_id", True, "id", aliases=("ansattnummer",), width=14),
        Column("date", True, "date", width=12),
        Column("start", True, "time", aliases=("start", "tid", "klokkeslett"), width=11),
        Column("duration", kind="int", aliases=("duration", "varighet"), width=15),
        Column("location", aliases=("room", "rom", "møterom"), width=20),
        Column(
            "interviewer_id",
            kind="id",
            aliases=("interviewer", "samtaleleder ansattnr", "samtaleleders ansattnr"),
            width=15,
        ),
        Column("note", aliases=("notes", "kommentar"), width=36),
    ),
    aliases=("plan", "samtaler", "meetings", "møteplan"),
)

GOALS = SheetSpec(
    "goals",
    (
        Column("id", True, "id", aliases=("id", "maal-id", "mal id"), width=16),
        Column("employee_id", True, "id", aliases=("ansattnummer",), width=14),
        Column("type", kind="enum", enum="goal_type", width=10),
        Column("description", True, width=44),
        Column("measure", aliases=("measure", "måltall"), width=30),
        Column("due", kind="date", aliases=("due",), width=12),
        Column("responsible", width=18),
        Column("status", kind="enum", enum="goal_status", width=14),
        Column("progress", kind="int", aliases=("progress", "fremdrift"), width=13),
        Column("comment", width=30),
        Column("agreed_in_round", kind="id", aliases=("round", "runde"), width=15),
    ),
    aliases=("maal", "mål og tiltak", "goals and actions"),
)

# When interviewers are free to hold conversations (`appraisal schedule`); optional: an interviewer with
# no rows is free in working hours.
AVAILABILITY = SheetSpec(
    "availability",
    (
        Column(
            "interviewer_id",
            True,
            "id",
            aliases=("interviewer", "samtaleleder ansattnr", "ansattnummer", "employee id"),
            width=15,
        ),
        Column("date", True, "date", width=12),
        Column("start", True, "time", aliases=("from", "fra", "start"), width=9),
        Column("end", True, "time", aliases=("to", "til", "end", "slutt"), width=9),
        Column("location", aliases=("room", "rom", "møterom"), width=20),
    ),
    aliases=("tilgjengelig", "ledig tid", "free time", "availability"),
    optional=True,
)

DATA_SHEETS: tuple[SheetSpec, ...] = (EMPLOYEES, SCHEDULE, GOALS, AVAILABILITY)

ROUND_SHEET_ALIASES = ("round", "runde", "settings", "innstillinger")


@dataclass(frozen=True)
class Setting:
    """One key of the Round sheet; its explanation (the third column of a new workbook) is the text
    `workbook.settings.<key>`."""

    key: str
    kind: str  # text | round_id | date | int | language | email | hours | timezone | time
    default: object
    required: bool = False

    def explanation(self, lang: str) -> str:
        """What the setting is, in `lang`."""
        return texts.get(lang, f"workbook.settings.{self.key}")


SETTINGS: tuple[Setting, ...] = (
    Setting("round_id", "round_id", None, True),
    Setting("title", "text", ""),
    Setting("organisation", "text", ""),
    Setting("period_start", "date", None),
    Setting("period_end", "date", None),
    Setting("invitation_date", "date", None),
    Setting("notice_days", "int", 14),
    Setting("minutes_due_days", "int", 7),
    Setting("approval_due_days", "int", 14),
    Setting("follow_up_date", "date", None),
    Setting("default_duration_minutes", "int", 60),
    Setting("default_location", "text", ""),
    Setting("language", "language", "nb"),
    Setting("hr_contact_name", "text", ""),
    Setting("hr_contact_email", "email", ""),
    Setting("working_hours", "hours", "08:00-16:00"),
    Setting("timezone", "timezone", "Europe/Oslo"),
    Setting("min_group_size", "int", 5),
    Setting("previous_round", "text", ""),
    Setting("reminder_days_before", "int", 3),
    Setting("reminder_interval_days", "int", 7),
    Setting("schedule_buffer_minutes", "int", 15),
    Setting("schedule_max_per_day", "int", 6),
    Setting("schedule_preferred_time", "time", "09:00"),
)
SETTINGS_BY_KEY = {s.key: s for s in SETTINGS}


def normalise_header(text: object) -> str:
    """Fold a header or sheet name for matching: case, accents kept, spaces/punctuation/`*` dropped.

    `" E-post * "` and `"e post"` both become `"epost"`; `"Språk"` stays `"språk"`.
    """
    folded = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"[\W_]+", "", folded)


def header_index(spec: SheetSpec) -> dict[str, str]:
    """Map every accepted (normalised) header of a sheet to its field."""
    index: dict[str, str] = {}
    for column in spec.columns:
        for name in (column.field, *(column.title(lang) for lang in texts.LANGUAGES), *column.aliases):
            index.setdefault(normalise_header(name), column.field)
    return index


def sheet_names(spec_kind: str) -> tuple[str, ...]:
    """All accepted (normalised) names of a sheet kind."""
    if spec_kind == "round":
        return tuple(
            normalise_header(n) for n in (*texts.every("workbook.sheets.round"), *ROUND_SHEET_ALIASES)
        )
    spec = next(s for s in DATA_SHEETS if s.kind == spec_kind)
    names = texts.every(f"workbook.sheets.{spec.kind}")
    return tuple(normalise_header(n) for n in (*names, spec.kind, *spec.aliases))


@functools.cache
def enum_lookup(enum: str) -> dict[str, str]:
    """Map every accepted word of an allowed-value set to its canonical value.

    Keys are folded like `values.fold_word` (case, `_` as a space, spaces collapsed): fold before looking up.
    """
    lookup: dict[str, str] = {}
    for canonical, words in ENUMS[enum].items():
        for lang in texts.LANGUAGES:  # a new workbook's labels, in every language, always read back
            words = (*words, texts.catalogue(lang).get(f"workbook.values.{enum}.{canonical}") or canonical)
        for word in words:
            lookup[" ".join(word.casefold().replace("_", " ").split())] = canonical
    return lookup
