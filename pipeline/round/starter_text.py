"""The words of a new round workbook, in bokmål and English: headings, the Instructions sheet, messages.

Kept apart from `starter.py` so that HR's wording can be edited without reading the writer. Sheet names,
headers, setting explanations and allowed values are not here: they come from `schema.py`.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Veiledning: arbeidsbok for medarbeidersamtaler",
        "intro": "Denne arbeidsboken er grunnlaget for én runde med medarbeidersamtaler. Fyll ut arkene, "
        "lagre filen som input/round.xlsx og kjør «appraisal validate». Verktøyet sjekker hele "
        "arbeidsboken og viser alle problemer på én gang, med ark og celle (for eksempel Ansatte!E14).",
        "read_only": "Verktøyet leser bare denne filen og endrer den aldri. Alt det lager – brev, skjemaer, "
        "kalenderinvitasjoner og oppfølgingsark – havner i mappen output/.",
        "sheets": "Arkene",
        "how": "Slik fyller du ut",
        "settings": "Rundens innstillinger (arket {sheet})",
        "columns": "Arket {sheet}",
        "column": "Kolonne",
        "meaning": "Hva den inneholder",
        "key": "Nøkkel",
        "value": "Verdi",
        "explanation": "Forklaring",
        "default": "Standard: {value}.",
        "required": "Påkrevd.",
        "required_setting": "påkrevd",
        "allowed": "Tillatte verdier: {values}.",
        "next": "Neste steg",
        "bad_value": "Velg en verdi fra listen.",
        "bad_title": "Ukjent verdi",
    },
    "en": {
        "title": "Instructions: the appraisal round workbook",
        "intro": "This workbook holds one round of appraisal conversations. Fill in the sheets, save the "
        "file as input/round.xlsx and run \u201cappraisal validate\u201d. The tool checks the whole "
        "workbook and lists every problem at once, with its sheet and cell (for example Employees!E14).",
        "read_only": "The tool only reads this file and never changes it. Everything it makes – letters, "
        "forms, calendar invitations and follow-up sheets – goes into the output/ folder.",
        "sheets": "The sheets",
        "how": "How to fill it in",
        "settings": "Round settings (the {sheet} sheet)",
        "columns": "The {sheet} sheet",
        "column": "Column",
        "meaning": "What it holds",
        "key": "Key",
        "value": "Value",
        "explanation": "Explanation",
        "default": "Default: {value}.",
        "required": "Required.",
        "required_setting": "required",
        "allowed": "Allowed values: {values}.",
        "next": "Next steps",
        "bad_value": "Choose a value from the list.",
        "bad_title": "Unknown value",
    },
}

SHEET_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "instructions": "Denne siden. Den leses ikke av verktøyet.",
        "round": "Innstillinger for runden, én per rad. Nøkkelen i kolonne A skal stå nøyaktig som den er "
        "(alltid på engelsk); verdien skriver du i kolonne B. Kolonne C forklarer innstillingen.",
        "employees": "Én rad per ansatt, med avdeling, leder, språk og status.",
        "schedule": "Én rad per samtale: med hvem, når, hvor lenge, hvor og hvem som holder den.",
        "goals": "Mål og tiltak fra tidligere runder. De gjennomgås i samtalen og følges opp etterpå. "
        "Kan stå tomt første gang.",
    },
    "en": {
        "instructions": "This page. The tool does not read it.",
        "round": "Settings for the round, one per row. Leave the key in column A exactly as it is (always "
        "in English) and write the value in column B. Column C explains the setting.",
        "employees": "One row per employee, with department, manager, language and status.",
        "schedule": "One row per conversation: with whom, when, how long, where and who holds it.",
        "goals": "Goals and actions agreed in earlier rounds. They are reviewed in the conversation and "
        "followed up afterwards. May be empty the first time.",
    },
}

HOW_TO: dict[str, tuple[tuple[str, str], ...]] = {
    "nb": (
        ("Påkrevd *", "Kolonner merket med * må fylles ut på hver rad. De andre kan stå tomme."),
        ("Datoer", "Helst ekte Excel-datoer. Tekst som 2027-01-18 eller 18.01.2027 godtas også."),
        ("Klokkeslett", "Ekte Excel-klokkeslett eller tekst som 09:30 (24-timersklokke)."),
        (
            "ID-er",
            "Ansattnr og mål-ID er tekst, ikke tall: 00123 forblir 00123. Kolonnene er formatert som tekst "
            "på forhånd. To ID-er som bare skiller seg på ledende nuller (123 og 00123), regnes som samme "
            "ID og gir en feil.",
        ),
        (
            "Tillatte verdier",
            "Velg fra nedtrekkslisten i cellen. Både norske og engelske ord godtas, uansett store og små "
            "bokstaver (for eksempel «aktiv» eller «active»).",
        ),
        (
            "Overskrifter og ark",
            "Ark- og kolonnenavn kan stå på norsk eller engelsk; store og små bokstaver, mellomrom og "
            "tegnsetting spiller ingen rolle. Ekstra kolonner og ark blir ikke lest (du får beskjed om det).",
        ),
        ("Tomme rader", "En tom rad midt i et ark hoppes over, og radene etter den leses likevel."),
        (
            "Formler og flettede celler",
            "Ikke flett celler i dataarkene. Formler går an, men filen må være lagret i Excel, slik at den "
            "beregnede verdien er med.",
        ),
        (
            "Tekst",
            "Det du skriver, kommer med nøyaktig slik det står – også &, <, Æ, Ø og Å. Ingenting i cellene "
            "blir utført som formel eller kode.",
        ),
    ),
    "en": (
        ("Required *", "Columns marked * must be filled in on every row. The others may be left empty."),
        ("Dates", "Real Excel dates are best. Text such as 2027-01-18 or 18.01.2027 is accepted too."),
        ("Times", "Real Excel times or text such as 09:30 (24-hour clock)."),
        (
            "IDs",
            "Employee and goal IDs are text, not numbers: 00123 stays 00123. The columns are formatted as "
            "text already. Two IDs that differ only in leading zeros (123 and 00123) count as the same ID "
            "and are an error.",
        ),
        (
            "Allowed values",
            "Pick from the cell's drop-down list. English and Norwegian words are both accepted, in any "
            "case (for example \u201cactive\u201d or \u201caktiv\u201d).",
        ),
        (
            "Headers and sheets",
            "Sheet and column names may be in English or Norwegian; case, spaces and punctuation do not "
            "matter. Extra columns and sheets are not read (you are told so).",
        ),
        (
            "Blank rows",
            "A blank row in the middle of a sheet is skipped, and the rows after it are still read.",
        ),
        (
            "Formulas and merged cells",
            "Do not merge cells in the data sheets. Formulas are fine, but the file must have been saved in "
            "Excel so that the calculated value is stored.",
        ),
        (
            "Text",
            "What you type comes out exactly as typed – including &, <, Æ, Ø and Å. Nothing in a cell is "
            "ever run as a formula or code.",
        ),
    ),
}

NEXT_STEPS: dict[str, tuple[tuple[str, str], ...]] = {
    "nb": (
        ("1. Sjekk", "appraisal validate – viser alle feil og advarsler med ark og celle."),
        (
            "2. Inviter og forbered",
            "appraisal invite og appraisal prepare – brev, kalenderinvitasjoner og "
            "forberedelsesskjemaer i output/.",
        ),
        ("3. Samle inn", "appraisal collect MAPPE – leser utfylte samtaleskjemaer og lager referatene."),
        ("4. Følg opp", "appraisal status – oppfølgingsarbeidsbok og sammendrag for ledelsen."),
    ),
    "en": (
        ("1. Check", "appraisal validate – lists every error and warning with its sheet and cell."),
        (
            "2. Invite and prepare",
            "appraisal invite and appraisal prepare – letters, calendar invitations "
            "and preparation forms in output/.",
        ),
        (
            "3. Collect",
            "appraisal collect FOLDER – reads the filled-in meeting-notes forms and writes the minutes.",
        ),
        ("4. Follow up", "appraisal status – the follow-up workbook and the leadership summary."),
    ),
}

# What each column holds, by sheet kind and field: (bokmål, English). Allowed values are added from
# the schema, so a new enum label shows up here by itself.
COLUMN_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "employees": {
        "id": ("Unikt ansattnummer (tekst).", "Unique employee number (text)."),
        "first_name": ("Fornavn.", "First name."),
        "last_name": ("Etternavn.", "Last name."),
        "email": ("Jobb-e-post; må være unik.", "Work e-mail address; must be unique."),
        "department": ("Avdeling, slik den skal stå i oversiktene.", "Department, as shown in summaries."),
        "job_title": ("Stillingstittel, brukes i brev og skjemaer.", "Job title, used in letters and forms."),
        "manager_id": (
            "Ansattnummeret til nærmeste leder, som må være aktiv. Tom for øverste leder.",
            "Employee ID of the line manager, who must be active. Empty for the top manager.",
        ),
        "language": (
            "Språket den ansattes dokumenter skrives på. Tom: rundens språk.",
            "Language of the employee's documents. Empty: the round's language.",
        ),
        "employment_start": ("Dato den ansatte begynte.", "Date the employee started."),
        "status": (
            "Bare aktive ansatte får samtale. Tom: aktiv.",
            "Only active employees have a conversation. Empty: active.",
        ),
    },
    "schedule": {
        "employee_id": (
            "Hvem samtalen er med. Én samtale per ansatt.",
            "Who the conversation is with. One per employee.",
        ),
        "date": (
            "Innenfor rundens periode, ikke i helg eller på helligdag.",
            "Within the round's period, not at a weekend or on a public holiday.",
        ),
        "start": (
            "Samtalen må begynne og slutte innenfor arbeidstiden (working_hours).",
            "The conversation must start and end within working hours (working_hours).",
        ),
        "duration": ("Minutter. Tom: default_duration_minutes.", "Minutes. Empty: default_duration_minutes."),
        "location": (
            "Rom eller sted. Tom: default_location. Et rom kan ikke ha to samtaler samtidig.",
            "Room or place. Empty: default_location. A room cannot hold two conversations at once.",
        ),
        "interviewer_id": (
            "Ansattnummeret til den som holder samtalen. Tom: den ansattes leder.",
            "Employee ID of the person who holds the conversation. Empty: the employee's manager.",
        ),
        "note": ("Tas med i invitasjonen.", "Included in the invitation."),
    },
    "goals": {
        "id": ("Unik ID, for eksempel 2026-H1-1004-G1.", "Unique ID, for example 2026-H1-1004-G1."),
        "employee_id": ("Den ansatte målet gjelder.", "The employee the goal belongs to."),
        "type": (
            "Mål (et resultat) eller tiltak (noe som skal gjøres).",
            "Goal (a result) or action (a step).",
        ),
        "description": ("Hva som er avtalt.", "What was agreed."),
        "measure": ("Hvordan dere ser at målet er nådd.", "How you will know it is reached."),
        "due": ("Frist.", "Due date."),
        "responsible": ("Hvem som har ansvaret.", "Who is responsible."),
        "status": ("Hvor langt det har kommet.", "How far it has come."),
        "progress": ("Fremdrift i prosent, 0–100.", "Progress in per cent, 0–100."),
        "comment": ("Fritekst.", "Free text."),
        "agreed_in_round": (
            "Runden det ble avtalt i, for eksempel 2026-H1.",
            "Round it was agreed in, e.g. 2026-H1.",
        ),
    },
}
