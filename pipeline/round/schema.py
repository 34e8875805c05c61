"""The round workbook's layout: sheets, columns, settings and allowed values, in English and Norwegian.

One definition, shared by the reader (`reader.py` and its stages), the validator and the writer of new
workbooks (`starter.py`), so that a header the writer puts in a file is always one the reader knows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: the field it fills and the headers it may have."""

    field: str
    en: str
    nb: str
    required: bool = False
    kind: str = "text"  # text | id | date | time | int | email | enum
    enum: str | None = None  # name of the allowed-value set in ENUMS
    aliases: tuple[str, ...] = ()
    width: int = 16

    def header(self, lang: str) -> str:
        """The header as written in a new workbook, with `*` on required columns."""
        text = self.nb if lang in ("nb", "nn") else self.en
        return f"{text}*" if self.required else text


@dataclass(frozen=True)
class SheetSpec:
    """A data sheet: its kind (stable, English), its names and its columns."""

    kind: str
    en: str
    nb: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        """The sheet's name in a new workbook of that language."""
        return self.nb if lang in ("nb", "nn") else self.en

    def column(self, field: str) -> Column:
        """The column that fills `field`."""
        for column in self.columns:
            if column.field == field:
                return column
        raise KeyError(field)


# Allowed values: canonical value -> words a person may type for it (any case, nb or en).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "employee_status": {
        "active": ("active", "aktiv", "i arbeid"),
        "on_leave": ("on_leave", "on leave", "leave", "permisjon", "i permisjon"),
        "left": ("left", "sluttet", "avsluttet", "former"),
    },
    "goal_type": {
        "goal": ("goal", "mål", "maal"),
        "action": ("action", "tiltak"),
    },
    "goal_status": {
        "not_started": ("not_started", "not started", "ikke startet", "ikke påbegynt", "ny"),
        "in_progress": ("in_progress", "in progress", "pågår", "paagaar", "påbegynt", "i gang"),
        "done": ("done", "completed", "fullført", "ferdig", "utført"),
        "cancelled": ("cancelled", "canceled", "avbrutt", "kansellert", "utgår"),
    },
    "language": {
        "nb": ("nb", "no", "nob", "bokmål", "bokmal", "norsk", "norsk bokmål", "norwegian"),
        "nn": ("nn", "nno", "nynorsk", "norsk nynorsk"),
        "en": ("en", "eng", "english", "engelsk"),
    },
}

# How each allowed value is shown in a drop-down of a new workbook, per language.
ENUM_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "employee_status": {
        "nb": {"active": "aktiv", "on_leave": "permisjon", "left": "sluttet"},
        "en": {"active": "active", "on_leave": "on_leave", "left": "left"},
    },
    "goal_type": {
        "nb": {"goal": "mål", "action": "tiltak"},
        "en": {"goal": "goal", "action": "action"},
    },
    "goal_status": {
        "nb": {
            "not_started": "ikke startet",
            "in_progress": "pågår",
            "done": "fullført",
            "cancelled": "avbrutt",
        },
        "en": {
            "not_started": "not_started",
            "in_progress": "in_progress",
            "done": "done",
            "cancelled": "cancelled",
        },
    },
    "language": {
        "nb": {"nb": "nb", "nn": "nn", "en": "en"},
        "en": {"nb": "nb", "nn": "nn", "en": "en"},
    },
}

EMPLOYEES = SheetSpec(
    "employees",
    "Employees",
    "Ansatte",
    (
        Column("id", "Employee ID", "Ansattnr", True, "id", aliases=("ansattnummer", "id"), width=14),
        Column("first_name", "First name", "Fornavn", True, width=16),
        Column("last_name", "Last name", "Etternavn", True, width=18),
        Column("email", "Email", "E-post", True, "email", aliases=("e-mail", "epost"), width=30),
        Column("department", "Department", "Avdeling", True, width=20),
        Column("job_title", "Job title", "Stilling", aliases=("stillingstittel", "title"), width=24),
        Column("manager_id", "Manager ID", "Leders ansattnr", kind="id", aliases=("leder",), width=16),
        Column("language", "Language", "Språk", kind="enum", enum="language", width=10),
        Column("employment_start", "Employment start", "Ansatt fra", kind="date", width=14),
        Column("status", "Status", "Status", kind="enum", enum="employee_status", width=12),
    ),
    aliases=("ansatte", "medarbeidere", "staff"),
)

SCHEDULE = SheetSpec(
    "schedule",
    "Schedule",
    "Samtaleplan",
    (
        Column("employee_id", "Employee ID", "Ansattnr", True, "id", aliases=("ansattnummer",), width=14),
        Column("date", "Date", "Dato", True, "date", width=12),
        Column(
            "start", "Start time", "Starttid", True, "time", aliases=("start", "tid", "klokkeslett"), width=11
        ),
        Column(
            "duration",
            "Duration (min)",
            "Varighet (min)",
            kind="int",
            aliases=("duration", "varighet"),
            width=15,
        ),
        Column("location", "Location", "Sted", aliases=("room", "rom", "møterom"), width=20),
        Column(
            "interviewer_id",
            "Interviewer ID",
            "Samtaleleder",
            kind="id",
            aliases=("interviewer", "samtaleleder ansattnr", "samtaleleders ansattnr"),
            width=15,
        ),
        Column("note", "Note", "Merknad", aliases=("notes", "kommentar"), width=36),
    ),
    aliases=("plan", "samtaler", "meetings", "møteplan"),
)

GOALS = SheetSpec(
    "goals",
    "Goals",
    "Mål",
    (
        Column("id", "Goal ID", "Mål-ID", True, "id", aliases=("id", "maal-id", "mal id"), width=16),
        Column("employee_id", "Employee ID", "Ansattnr", True, "id", aliases=("ansattnummer",), width=14),
        Column("type", "Type", "Type", kind="enum", enum="goal_type", width=10),
        Column("description", "Description", "Beskrivelse", True, width=44),
        Column("measure", "Success measure", "Suksesskriterium", aliases=("measure", "måltall"), width=30),
        Column("due", "Due date", "Frist", kind="date", aliases=("due",), width=12),
        Column("responsible", "Responsible", "Ansvarlig", width=18),
        Column("status", "Status", "Status", kind="enum", enum="goal_status", width=14),
        Column(
            "progress",
            "Progress (%)",
            "Fremdrift (%)",
            kind="int",
            aliases=("progress", "fremdrift"),
            width=13,
        ),
        Column("comment", "Comment", "Kommentar", width=30),
        Column(
            "agreed_in_round",
            "Agreed in round",
            "Avtalt i runde",
            kind="id",
            aliases=("round", "runde"),
            width=15,
        ),
    ),
    aliases=("maal", "mål og tiltak", "goals and actions"),
)

DATA_SHEETS: tuple[SheetSpec, ...] = (EMPLOYEES, SCHEDULE, GOALS)

ROUND_SHEET_NAMES = {"en": "Round", "nb": "Runde"}
ROUND_SHEET_ALIASES = ("round", "runde", "settings", "innstillinger")
INSTRUCTIONS_SHEET_NAMES = {"en": "Instructions", "nb": "Veiledning"}
ISSUES_SHEET_NAMES = {"en": "Issues", "nb": "Problemer"}


@dataclass(frozen=True)
class Setting:
    """One key of the Round sheet."""

    key: str
    kind: str  # text | round_id | date | int | language | email | hours | timezone
    default: object
    en: str  # explanation written in the third column of a new workbook
    nb: str
    required: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "round_id",
        "round_id",
        None,
        "Round ID: letters, digits, . _ - (e.g. 2027-H1)",
        "Rundens ID: bokstaver, sifre, . _ - (f.eks. 2027-H1)",
        True,
    ),
    Setting("title", "text", "", "Title used in letters and reports", "Tittel i brev og rapporter"),
    Setting("organisation", "text", "", "Organisation name", "Virksomhetens navn"),
    Setting("period_start", "date", None, "First day meetings may be held", "Første dag samtaler kan holdes"),
    Setting("period_end", "date", None, "Last day meetings may be held", "Siste dag samtaler kan holdes"),
    Setting(
        "invitation_date",
        "date",
        None,
        "Date printed on letters (default: today)",
        "Dato på invitasjonsbrevene (standard: i dag)",
    ),
    Setting(
        "notice_days",
        "int",
        14,
        "Minimum days from invitation to meeting",
        "Minste antall dager fra invitasjon til samtale",
    ),
    Setting(
        "minutes_due_days",
        "int",
        7,
        "Days after the meeting the minutes are due",
        "Dager etter samtalen referatet skal være klart",
    ),
    Setting(
        "approval_due_days",
        "int",
        14,
        "Days after the minutes the approval is due",
        "Dager etter referatet det skal være godkjent",
    ),
    Setting(
        "follow_up_date",
        "date",
        None,
        "Date of the follow-up of goals and actions",
        "Dato for oppfølging av mål og tiltak",
    ),
    Setting(
        "default_duration_minutes",
        "int",
        60,
        "Meeting length when the schedule gives none",
        "Samtalens lengde når planen ikke angir den",
    ),
    Setting(
        "default_location", "text", "", "Place when the schedule gives none", "Sted når planen ikke angir det"
    ),
    Setting("language", "language", "nb", "Default language: nb, nn or en", "Standardspråk: nb, nn eller en"),
    Setting("hr_contact_name", "text", "", "HR contact named in letters", "HR-kontakt i brevene"),
    Setting("hr_contact_email", "email", "", "HR contact's e-mail", "HR-kontaktens e-post"),
    Setting(
        "working_hours",
        "hours",
        "08:00-16:00",
        "Working hours meetings must fall within",
        "Arbeidstid samtalene må ligge innenfor",
    ),
    Setting(
        "timezone", "timezone", "Europe/Oslo", "Time zone of the meeting times", "Tidssone for klokkeslettene"
    ),
    Setting(
        "min_group_size",
        "int",
        5,
        "Smallest group shown in leadership figures",
        "Minste gruppe som vises i ledelsens tall",
    ),
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
        for name in (column.field, column.en, column.nb, *column.aliases):
            index.setdefault(normalise_header(name), column.field)
    return index


def sheet_names(spec_kind: str) -> tuple[str, ...]:
    """All accepted (normalised) names of a sheet kind."""
    if spec_kind == "round":
        return tuple(normalise_header(n) for n in (*ROUND_SHEET_NAMES.values(), *ROUND_SHEET_ALIASES))
    spec = next(s for s in DATA_SHEETS if s.kind == spec_kind)
    return tuple(normalise_header(n) for n in (spec.en, spec.nb, spec.kind, *spec.aliases))


@functools.cache
def enum_lookup(enum: str) -> dict[str, str]:
    """Map every accepted word of an allowed-value set to its canonical value.

    Keys are folded like `values.fold_word` (case, `_` as a space, spaces collapsed): fold before looking up.
    """
    lookup: dict[str, str] = {}
    for canonical, words in ENUMS[enum].items():
        for word in words:
            lookup[" ".join(word.casefold().replace("_", " ").split())] = canonical
    return lookup
