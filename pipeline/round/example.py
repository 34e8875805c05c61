"""The example organisation: Fjordtre AS, a small Norwegian wood-products company of 31 people.

Pure data, no I/O, no randomness and nothing that depends on today's date, so `appraisal init --example`
and `scripts/make_sample.py` always write the same round. Values are canonical (`active`, `goal`,
`in_progress`); the writer turns them into the labels of the workbook's language. Free text that a
reader sees (departments, job titles, notes, goals) comes in bokmål and English.

The round is `2027-H1`: meetings on weekdays 18-29 January 2027 between 08:00 and 16:00, in four rooms,
without any interviewer, employee or room booked twice at once. The managing director has no manager
and no meeting (the validator's "employee with no meeting" warning is expected); Marte Solberg is on
leave and Thomas Fjeld has left, so neither is scheduled. The Goals sheet holds 21 goals and actions
agreed in the previous round, `2026-H1`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

DOMAIN = "fjordtre.no"
PREVIOUS_ROUND = "2026-H1"


@dataclass(frozen=True)
class Text:
    """A text a reader sees, in bokmål and English."""

    nb: str
    en: str

    def __call__(self, lang: str) -> str:
        """The text in `lang` (nynorsk readers get bokmål)."""
        return self.en if lang == "en" else self.nb


@dataclass(frozen=True)
class SampleEmployee:
    """One row of the example Employees sheet."""

    id: str
    first_name: str
    last_name: str
    department: str  # key of DEPARTMENTS
    job_title: str  # key of JOB_TITLES
    manager_id: str
    language: str
    employment_start: dt.date
    status: str = "active"

    @property
    def email(self) -> str:
        """`fornavn.etternavn@fjordtre.no`, folded to ASCII (ø->o, æ->ae, å->a; spaces -> `-`)."""
        first = ascii_fold(self.first_name).replace(" ", "-")
        last = ascii_fold(self.last_name).replace(" ", "-")
        return f"{first}.{last}@{DOMAIN}"

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class SampleMeeting:
    """One row of the example Schedule sheet; empty fields fall back to the round's defaults."""

    employee_id: str
    date: dt.date
    start: dt.time
    duration: int | None = None
    location: str = ""
    interviewer_id: str = ""
    note: Text | None = None


@dataclass(frozen=True)
class SampleGoal:
    """One row of the example Goals sheet."""

    id: str
    employee_id: str
    type: str
    description: Text
    measure: Text
    due: dt.date
    responsible: str
    status: str
    progress: int
    comment: Text | None = None
    agreed_in_round: str = PREVIOUS_ROUND


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for an e-mail address: `Bjørn Sæther-Åsheim` -> `bjorn saether-asheim`."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))


DEPARTMENTS: dict[str, Text] = {
    "finance": Text("Økonomi og administrasjon", "Finance and administration"),
    "sales": Text("Salg og marked", "Sales and marketing"),
    "operations": Text("Drift", "Operations"),
    "it": Text("IT / utvikling", "IT / development"),
}

JOB_TITLES: dict[str, Text] = {
    "director": Text("Daglig leder", "Managing director"),
    "cfo": Text("Økonomisjef", "Chief financial officer"),
    "hr": Text("HR-rådgiver", "HR adviser"),
    "accounting": Text("Regnskapsmedarbeider", "Accounting officer"),
    "controller": Text("Controller", "Controller"),
    "payroll": Text("Lønnsansvarlig", "Payroll officer"),
    "purchaser": Text("Innkjøper", "Purchaser"),
    "head_sales": Text("Salgs- og markedssjef", "Head of sales and marketing"),
    "key_account": Text("Key account manager", "Key account manager"),
    "marketing": Text("Markedskoordinator", "Marketing coordinator"),
    "digital": Text("Digital markedsfører", "Digital marketing specialist"),
    "sales": Text("Salgskonsulent", "Sales consultant"),
    "customer_service": Text("Kundeservicemedarbeider", "Customer service officer"),
    "head_operations": Text("Driftssjef", "Head of operations"),
    "production": Text("Produksjonsleder", "Production manager"),
    "operator": Text("Maskinoperatør", "Machine operator"),
    "warehouse": Text("Lagermedarbeider", "Warehouse operative"),
    "maintenance": Text("Vedlikeholdstekniker", "Maintenance technician"),
    "transport": Text("Transportkoordinator", "Transport coordinator"),
    "head_it": Text("IT-sjef", "Head of IT"),
    "developer": Text("Systemutvikler", "Software developer"),
    "analyst": Text("Dataanalytiker", "Data analyst"),
    "support": Text("IT-konsulent, brukerstøtte", "IT support consultant"),
    "ux": Text("UX-designer", "UX designer"),
}


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def _t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


E = SampleEmployee
EMPLOYEES: tuple[SampleEmployee, ...] = (
    # Økonomi og administrasjon; the managing director sits here and has no manager.
    E("1001", "Ingrid", "Haugland", "finance", "director", "", "nb", _d(2011, 8, 15)),
    E("1002", "Bjørn", "Kristiansen", "finance", "cfo", "1001", "nb", _d(2014, 2, 1)),
    E("1003", "Åse", "Nygård", "finance", "hr", "1002", "nb", _d(2018, 9, 3)),
    E("1004", "Tone", "Bakken", "finance", "accounting", "1002", "nb", _d(2016, 4, 18)),
    E("1005", "Øyvind", "Lie", "finance", "controller", "1002", "nb", _d(2021, 1, 4)),
    E("1006", "Marte", "Solberg", "finance", "payroll", "1002", "nb", _d(2019, 6, 10), "on_leave"),
    E("1007", "Hans Jørgen", "Dahl", "finance", "purchaser", "1002", "nb", _d(2023, 3, 1)),
    # Salg og marked
    E("1008", "Siri", "Sæther", "sales", "head_sales", "1001", "nb", _d(2015, 10, 1)),
    E("1009", "Erlend", "Bråten", "sales", "key_account", "1008", "nb", _d(2017, 5, 2)),
    E("1010", "Camilla", "Ødegård", "sales", "marketing", "1008", "nb", _d(2020, 8, 17)),
    E("1011", "Jonas", "Åsheim", "sales", "sales", "1008", "nb", _d(2022, 1, 10)),
    E("1012", "Emily", "Clarke", "sales", "digital", "1008", "en", _d(2024, 9, 2)),
    E("1013", "Thomas", "Fjeld", "sales", "sales", "1008", "nb", _d(2019, 3, 11), "left"),
    E("1014", "Nora", "Engebretsen", "sales", "customer_service", "1008", "nb", _d(2023, 11, 6)),
    E("1015", "Sindre", "Økland", "sales", "sales", "1008", "nb", _d(2026, 8, 3)),
    # Drift
    E("1016", "Per Arne", "Løken", "operations", "head_operations", "1001", "nb", _d(2009, 1, 5)),
    E("1017", "Gunnhild", "Moe", "operations", "production", "1016", "nn", _d(2013, 3, 18)),
    E("1018", "Kjetil", "Strøm", "operations", "operator", "1016", "nb", _d(2012, 6, 11)),
    E("1019", "Lars", "Håkonsen", "operations", "warehouse", "1016", "nb", _d(2020, 2, 3)),
    E("1020", "Mona", "Jensen", "operations", "operator", "1016", "nb", _d(2017, 9, 25)),
    E("1021", "Piotr", "Nowak", "operations", "operator", "1016", "en", _d(2021, 4, 12)),
    E("1022", "Trond", "Græsli", "operations", "maintenance", "1016", "nb", _d(2010, 11, 1)),
    E("1023", "Hilde", "Brekke", "operations", "transport", "1016", "nb", _d(2018, 1, 15)),
    E("1024", "Ole Kristian", "Bø", "operations", "warehouse", "1016", "nb", _d(2025, 5, 5)),
    # IT / utvikling
    E("1025", "Henrik", "Aasen", "it", "head_it", "1001", "nb", _d(2016, 8, 22)),
    E("1026", "Astrid", "Følstad", "it", "developer", "1025", "nb", _d(2019, 10, 7)),
    E("1027", "Mohammed", "Rahimi", "it", "developer", "1025", "nb", _d(2022, 6, 13)),
    E("1028", "Sarah", "Müller", "it", "analyst", "1025", "en", _d(2024, 2, 19)),
    E("1029", "Eirik", "Vågen", "it", "support", "1025", "nb", _d(2015, 5, 4)),
    E("1030", "Line", "Holm", "it", "ux", "1025", "nb", _d(2023, 8, 14)),
    E("1031", "Andreas", "Mæland", "it", "developer", "1025", "nb", _d(2026, 9, 1)),
)

LILLE = "Lille møterom"
FJORDEN = "Møterom Fjorden"  # the round's default_location: a blank Location means this room
BREEN = "Møterom Breen"
VIDDA = "Møterom Vidda"

NOTES: dict[str, Text] = {
    "teams": Text("Kan tas på Teams ved behov.", "Can be held on Teams if needed."),
    "english": Text("Samtalen holdes på engelsk.", "The conversation is held in English."),
    "new": Text(
        "Første medarbeidersamtale – ansatt i august 2026.",
        "First appraisal conversation – joined in August 2026.",
    ),
    "deputy": Text(
        "Gunnhild Moe holder samtalen på vegne av driftssjefen.",
        "Gunnhild Moe holds the conversation on behalf of the head of operations.",
    ),
    # Characters that must come out exactly as typed in letters and forms.
    "courses": Text(
        "Ta med oversikten over kurs & sertifiseringer (budsjett < 20 000 kr).",
        "Bring the list of courses & certifications (budget < NOK 20,000).",
    ),
}

M = SampleMeeting
MEETINGS: tuple[SampleMeeting, ...] = (
    # Monday 18 January: the managing director meets the department heads first (their manager).
    M("1002", _d(2027, 1, 18), _t(9), 90, LILLE),
    M("1008", _d(2027, 1, 18), _t(11), 90, LILLE),
    M("1016", _d(2027, 1, 18), _t(13), 90, LILLE),
    M("1025", _d(2027, 1, 19), _t(9), 90, LILLE),
    # Økonomi og administrasjon: Bjørn Kristiansen, in the default room.
    M("1003", _d(2027, 1, 19), _t(9)),
    M("1004", _d(2027, 1, 19), _t(10, 30)),
    M("1005", _d(2027, 1, 19), _t(13), 45, note=NOTES["teams"]),
    M("1007", _d(2027, 1, 20), _t(9)),
    # Salg og marked: Siri Sæther.
    M("1009", _d(2027, 1, 19), _t(9), location=BREEN),
    M("1010", _d(2027, 1, 19), _t(10, 30), location=BREEN),
    M("1011", _d(2027, 1, 20), _t(9), location=BREEN),
    M("1012", _d(2027, 1, 20), _t(13), location=BREEN, note=NOTES["english"]),
    M("1014", _d(2027, 1, 21), _t(10), location=BREEN),
    M("1015", _d(2027, 1, 21), _t(14), 90, BREEN, note=NOTES["new"]),
    # Drift: Per Arne Løken; his deputy Gunnhild Moe holds two of them.
    M("1017", _d(2027, 1, 20), _t(9), location=VIDDA),
    M("1018", _d(2027, 1, 20), _t(10, 30), location=VIDDA),
    M("1019", _d(2027, 1, 20), _t(13), location=VIDDA),
    M("1020", _d(2027, 1, 21), _t(9), location=VIDDA),
    M("1021", _d(2027, 1, 21), _t(13), location=VIDDA),
    M("1022", _d(2027, 1, 22), _t(9), location=VIDDA, interviewer_id="1017", note=NOTES["deputy"]),
    M("1023", _d(2027, 1, 22), _t(10, 30), location=VIDDA, interviewer_id="1017"),
    M("1024", _d(2027, 1, 22), _t(13), location=VIDDA),
    # Second week: IT / utvikling, Henrik Aasen, in the default room.
    M("1026", _d(2027, 1, 25), _t(9)),
    M("1027", _d(2027, 1, 25), _t(10, 30), 90, note=NOTES["courses"]),
    M("1028", _d(2027, 1, 26), _t(9)),
    M("1029", _d(2027, 1, 26), _t(13)),
    M("1030", _d(2027, 1, 27), _t(9)),
    M("1031", _d(2027, 1, 28), _t(15)),  # ends at 16:00 sharp, the end of the working day
)


def _goal(
    employee_id: str,
    number: int,
    kind: str,
    description: Text,
    measure: Text,
    due: dt.date,
    responsible: str,
    status: str,
    progress: int,
    comment: Text | None = None,
) -> SampleGoal:
    goal_id = f"{PREVIOUS_ROUND}-{employee_id}-G{number}"
    return SampleGoal(
        goal_id, employee_id, kind, description, measure, due, responsible, status, progress, comment
    )


# fmt: off
GOALS: tuple[SampleGoal, ...] = (
    _goal("1002", 1, "goal",
          Text("Innføre månedlig rapportering til ledergruppen", "Introduce monthly reporting to the management team"),
          Text("Rapport levert innen 10. virkedag hver måned", "Report delivered by the 10th working day each month"),
          _d(2026, 6, 30), "Bjørn Kristiansen", "done", 100, Text("Innført fra april.", "In place since April.")),
    _goal("1002", 2, "action",
          Text("Kurs i nytt regnskapssystem for hele avdelingen", "Training in the new accounting system for the team"),
          Text("Alle i avdelingen har fullført kurset", "Everyone in the department has completed the course"),
          _d(2026, 10, 31), "Bjørn Kristiansen", "in_progress", 60,
          Text("Tre av fem har fullført.", "Three of five have completed it.")),
    _goal("1004", 1, "goal",
          Text("Korte ned månedsavslutningen fra 8 til 5 arbeidsdager",
               "Cut the month-end close from 8 to 5 working days"),
          Text("Avslutningen er ferdig på 5. arbeidsdag", "The close is finished on the 5th working day"),
          _d(2026, 12, 31), "Tone Bakken", "in_progress", 40),
    _goal("1004", 2, "action",
          Text("Kurs i Excel for viderekomne", "Advanced Excel course"),
          Text("Kursbevis", "Course certificate"),
          _d(2026, 5, 31), "Tone Bakken", "done", 100),
    _goal("1005", 1, "goal",
          Text("Etablere en budsjettmodell per avdeling", "Build a budget model per department"),
          Text("Modellen er brukt i budsjettet for 2027", "The model is used for the 2027 budget"),
          _d(2026, 11, 30), "Øyvind Lie", "done", 100,
          Text("Brukt i budsjettprosessen høsten 2026.", "Used in the budget process in autumn 2026.")),
    _goal("1009", 1, "goal",
          Text("Øke omsetningen hos de ti største kundene med 8 %", "Grow sales to the ten largest customers by 8%"),
          Text("Omsetning 2026 mot 2025", "Sales in 2026 compared with 2025"),
          _d(2026, 12, 31), "Erlend Bråten", "in_progress", 70),
    _goal("1009", 2, "action",
          Text("Besøke alle nøkkelkundene", "Visit every key account"),
          Text("10 kundebesøk gjennomført", "10 customer visits held"),
          _d(2026, 9, 30), "Erlend Bråten", "done", 100),
    _goal("1010", 1, "goal",
          Text("Lansere et nyhetsbrev til kundene", "Launch a customer newsletter"),
          Text("Fire utsendelser i 2026", "Four issues sent in 2026"),
          _d(2026, 12, 15), "Camilla Ødegård", "in_progress", 50,
          Text("To av fire er sendt.", "Two of four have been sent.")),
    _goal("1010", 2, "action",
          Text("Kurs i Google Analytics", "Google Analytics course"),
          Text("Fullført kurs", "Course completed"),
          _d(2026, 4, 30), "Camilla Ødegård", "cancelled", 20,
          Text("Erstattet av intern opplæring.", "Replaced by in-house training.")),
    _goal("1012", 1, "action",
          Text("Norskkurs, nivå B1", "Norwegian course, level B1"),
          Text("Bestått B1-prøve", "B1 test passed"),
          _d(2026, 12, 31), "Åse Nygård", "in_progress", 60,
          Text("Kveldskurs to ganger i uka.", "Evening classes twice a week.")),
    _goal("1012", 2, "goal",
          Text("Bygge opp Fjordtres profil på LinkedIn", "Grow Fjordtre's profile on LinkedIn"),
          Text("1 000 følgere", "1,000 followers"),
          _d(2026, 10, 31), "Emily Clarke", "in_progress", 80),
    _goal("1018", 1, "action",
          Text("Truckførerbevis (T4)", "Forklift licence (T4)"),
          Text("Gyldig truckførerbevis", "Valid forklift licence"),
          _d(2026, 3, 31), "Per Arne Løken", "done", 100),
    _goal("1018", 2, "goal",
          Text("Korte ned omstillingstiden på høvelen med 20 %", "Cut changeover time on the planer by 20%"),
          Text("Gjennomsnittlig omstillingstid per uke", "Average changeover time per week"),
          _d(2026, 12, 31), "Kjetil Strøm", "not_started", 0,
          Text("Venter på den nye høvelen.", "Waiting for the new planer.")),
    _goal("1021", 1, "action",
          Text("Opplæring i HMS og verneutstyr", "Health, safety and protective equipment training"),
          Text("Gjennomført kurs", "Course completed"),
          _d(2026, 2, 28), "Gunnhild Moe", "done", 100),
    _goal("1021", 2, "action",
          Text("Norskkurs for arbeidslivet", "Norwegian for the workplace course"),
          Text("Deltatt på minst 80 % av timene", "Attended at least 80% of the classes"),
          _d(2026, 12, 31), "Åse Nygård", "in_progress", 30),
    _goal("1026", 1, "goal",
          Text("Flytte ordresystemet til skyen", "Move the order system to the cloud"),
          Text("Den gamle serveren er slått av", "The old server is switched off"),
          _d(2026, 11, 30), "Astrid Følstad", "in_progress", 75,
          Text("Testmiljøet er i drift; produksjon flyttes i februar.",
               "The test environment is live; production moves in February.")),
    _goal("1026", 2, "action",
          Text("Være mentor for nyansatt utvikler", "Mentor the newly hired developer"),
          Text("Ukentlige møter de tre første månedene", "Weekly meetings for the first three months"),
          _d(2026, 12, 31), "Astrid Følstad", "in_progress", 50),
    _goal("1027", 1, "goal",
          Text("Automatiserte tester for nettbutikken", "Automated tests for the web shop"),
          Text("80 % testdekning", "80% test coverage"),
          _d(2026, 10, 31), "Mohammed Rahimi", "in_progress", 45),
    _goal("1027", 2, "action",
          Text("AWS-sertifisering (Solutions Architect)", "AWS certification (Solutions Architect)"),
          Text("Bestått eksamen", "Exam passed"),
          _d(2026, 9, 30), "Henrik Aasen", "cancelled", 30,
          Text("Avbrutt etter bytte til Azure.", "Dropped after the move to Azure.")),
    _goal("1029", 1, "goal",
          Text("Selvbetjent passordbytte", "Self-service password reset"),
          Text("Halvparten så mange henvendelser om passord", "Half as many password requests"),
          _d(2026, 6, 30), "Eirik Vågen", "done", 100),
    _goal("1029", 2, "action",
          Text("Brukerveiledninger for de fem vanligste sakene", "User guides for the five most common requests"),
          Text("Fem veiledninger på intranettet", "Five guides on the intranet"),
          _d(2026, 8, 31), "Eirik Vågen", "not_started", 0),
)
# fmt: on


def example_settings(lang: str) -> dict[str, object]:
    """The example's Round sheet values by key; the title and language follow `lang`."""
    return {
        "round_id": "2027-H1",
        "title": Text("Medarbeidersamtaler våren 2027", "Appraisal conversations spring 2027")(lang),
        "organisation": "Fjordtre AS",
        "period_start": _d(2027, 1, 11),
        "period_end": _d(2027, 2, 26),
        "invitation_date": _d(2026, 12, 28),
        "notice_days": 14,
        "minutes_due_days": 7,
        "approval_due_days": 14,
        "follow_up_date": _d(2027, 6, 15),
        "default_duration_minutes": 60,
        "default_location": FJORDEN,
        "language": lang,
        "hr_contact_name": "Åse Nygård",
        "hr_contact_email": f"ase.nygard@{DOMAIN}",
        "working_hours": "08:00-16:00",
        "timezone": "Europe/Oslo",
        "min_group_size": 5,
    }


def example_rows(lang: str) -> dict[str, list[dict[str, object]]]:
    """The example's data sheets as rows of `{field: value}` by sheet kind, in the words of `lang`.

    Enum values stay canonical (`on_leave`, `goal`); empty values are `None`.
    """
    employees = [
        {
            "id": e.id,
            "first_name": e.first_name,
            "last_name": e.last_name,
            "email": e.email,
            "department": DEPARTMENTS[e.department](lang),
            "job_title": JOB_TITLES[e.job_title](lang),
            "manager_id": e.manager_id or None,
            "language": e.language,
            "employment_start": e.employment_start,
            "status": e.status,
        }
        for e in EMPLOYEES
    ]
    schedule = [
        {
            "employee_id": m.employee_id,
            "date": m.date,
            "start": m.start,
            "duration": m.duration,
            "location": m.location or None,
            "interviewer_id": m.interviewer_id or None,
            "note": m.note(lang) if m.note else None,
        }
        for m in MEETINGS
    ]
    goals = [
        {
            "id": g.id,
            "employee_id": g.employee_id,
            "type": g.type,
            "description": g.description(lang),
            "measure": g.measure(lang),
            "due": g.due,
            "responsible": g.responsible,
            "status": g.status,
            "progress": g.progress,
            "comment": g.comment(lang) if g.comment else None,
            "agreed_in_round": g.agreed_in_round,
        }
        for g in GOALS
    ]
    return {"employees": employees, "schedule": schedule, "goals": goals}
