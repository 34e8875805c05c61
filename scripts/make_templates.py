"""Regenerate the default document templates in pipeline/default_templates/<language>/.

Maintainer's script (`python scripts/make_templates.py`): it overwrites the bundled templates. The
templates are docxtpl (Jinja-in-Word) documents that HR may later edit in Word; the variables they use
are the ones `pipeline.documents` builds (see docs/templates.md). Every Jinja tag is written into a run
of its own, so Word and docxtpl always see it whole.

The files are written reproducibly (fixed dates, no thumbnail, no personal metadata), so running the
script again without changing it gives byte-identical templates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from pipeline.collect.approvals import APPROVAL_BOOKMARK_BASE, APPROVAL_FIELDS
from pipeline.documents.contexts import REVIEW_BOOKMARK_BASE
from pipeline.forms import fields as field_defs

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "pipeline" / "default_templates"

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
BODY_SIZE = Pt(11)
SMALL_SIZE = Pt(9)
ACCENT = RGBColor(0x1F, 0x38, 0x64)  # dark blue for letterhead and headings
MUTED = RGBColor(0x59, 0x59, 0x59)  # grey for secondary lines
PLACEHOLDER_COLOR = RGBColor(0x80, 0x80, 0x80)  # Word's own grey for placeholder text
OVERDUE_COLOR = RGBColor(0xC0, 0x00, 0x00)  # dark red, as the follow-up workbook marks what is overdue
TAG_COLOR = RGBColor(0x8C, 0x8C, 0x8C)  # grey for paragraphs that hold only a template tag
BORDER_COLOR = "BFBFBF"
HEADER_FILL = "DCE3EE"
LABEL_FILL = "F2F4F8"
MARGIN = Cm(2.5)  # left and right
MARGIN_VERTICAL = Cm(2.0)  # top and bottom: lets a typical letter fit on one page
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # core properties: reproducible, not personal
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

LANG_TAG = {"nb": "nb-NO", "en": "en-GB", "nn": "nn-NO"}

# A Jinja tag: `{{ ... }}` or `{% ... %}`. Text is split on these so that each tag is a run of its own.
JINJA_TAG = re.compile(r"({{.*?}}|{%.*?%})")

TEXT: dict[str, dict[str, object]] = {
    "nb": {
        "invitation_title": "Invitasjon – mal",
        "overview_title": "Samtaleoversikt – mal",
        "heading": "Invitasjon til medarbeidersamtale",
        "greeting": "Hei {{ employee.first_name }},",
        "purpose": (
            "Jeg vil med dette invitere deg til medarbeidersamtale. Det er en strukturert samtale mellom "
            "oss to om arbeidet ditt, resultatene fra perioden som har gått, målene framover og "
            "utviklingen din, der vi gir hverandre tilbakemeldinger og blir enige om konkrete mål og tiltak "
            "for neste periode. For at vi skal få mest mulig ut av samtalen, forbereder vi oss begge på "
            "forhånd."
        ),
        "details_heading": "Tid og sted",
        "details": [
            ("Tidspunkt", "{{ meeting.when }}"),
            ("Varighet", "{{ meeting.duration }}"),
            ("Sted", "{{ meeting.location }}"),
            (
                "Samtaleleder",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
        ],
        "note_label": "Merknad: ",
        "agenda_heading": "Agenda for samtalen",
        "preparation_heading": "Slik forbereder du deg",
        "preparation_intro": "Sett gjerne av litt tid før samtalen til å tenke gjennom dette:",
        "preparation_form": (
            "Du får også tilsendt et forberedelsesskjema som du kan bruke til notatene dine før vi møtes."
        ),
        "practical_heading": "Praktisk informasjon",
        "calendar": (
            "Vedlagt finner du en kalenderinvitasjon (.ics-fil). Åpne den for å legge samtalen inn i "
            "kalenderen din."
        ),
        "hr_named": (
            "Har du spørsmål, eller trenger du å flytte samtalen, kan du ta kontakt med "
            "{{ round.hr_contact_name }} i HR"
            "{% if round.hr_contact_email %} på {{ round.hr_contact_email }}{% endif %}."
        ),
        "hr_unnamed": (
            "Har du spørsmål, eller trenger du å flytte samtalen, kan du ta kontakt med HR"
            "{% if round.hr_contact_email %} på {{ round.hr_contact_email }}{% endif %}."
        ),
        "looking_forward": "Jeg ser fram til en god samtale med deg.",
        "closing": "Med vennlig hilsen",
        "page": ("Side ", " av "),
        "overview_heading": "Samtaleoversikt",
        "overview_meta": [
            (
                "Samtaleleder: ",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Periode: ", "{{ round.period_start }} – {{ round.period_end }}"),
            ("Antall samtaler: ", "{{ meeting_count }}"),
        ],
        "columns": ["Dato", "Tid", "Medarbeider", "Stilling og avdeling", "Sted", "Skjema innen", "Merknad"],
        "employee_id": "Ansattnr. {{ m.employee.id }}",
        "checklist_heading": "Sjekkliste for samtalelederen",
        "checklist": [
            (
                "Planlegg og informer: ",
                "Kontroller at alle har fått invitasjonen, og at rommene er reservert.",
            ),
            (
                "Forbered deg: ",
                "Les gjennom målene og tiltakene fra forrige periode og forberedelsesskjemaet for hver "
                "medarbeider. Bestem hvilke tilbakemeldinger du vil gi, og hva du vil spørre om.",
            ),
            (
                "Gjennomfør samtalen: ",
                "Sørg for et rolig rom uten forstyrrelser. Start med hensikten, lytt, gi balanserte "
                "tilbakemeldinger, bli enige om konkrete mål og tiltak, og oppsummer til slutt.",
            ),
            (
                "Skriv referat: ",
                "Fyll ut samtaleskjemaet og lever det innen fristen. Medarbeideren godkjenner referatet "
                "før det arkiveres i personalmappen.",
            ),
            (
                "Følg opp: ",
                "Støtt medarbeideren gjennom perioden, følg med på framdriften i mål og tiltak, og juster "
                "ved behov.{% if round.follow_up_date %} Neste oppfølging: {{ round.follow_up_date }}."
                "{% endif %}",
            ),
        ],
    },
    "en": {
        "invitation_title": "Invitation – template",
        "overview_title": "Schedule overview – template",
        "heading": "Invitation to your appraisal conversation",
        "greeting": "Dear {{ employee.first_name }},",
        "purpose": (
            "I would like to invite you to your appraisal conversation. It is a structured conversation "
            "between the two of us about your work, your results over the past period, your goals and "
            "your development, in which we give each other feedback and agree on concrete goals and "
            "actions for the next period. To make the most of our time, we will both prepare beforehand."
        ),
        "details_heading": "Time and place",
        "details": [
            ("Date and time", "{{ meeting.when }}"),
            ("Duration", "{{ meeting.duration }}"),
            ("Place", "{{ meeting.location }}"),
            (
                "Interviewer",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
        ],
        "note_label": "Note: ",
        "agenda_heading": "Agenda",
        "preparation_heading": "How to prepare",
        "preparation_intro": "Please set aside some time before the meeting to think about the following:",
        "preparation_form": (
            "You will also receive a preparation form that you can use for your notes before we meet."
        ),
        "practical_heading": "Practical information",
        "calendar": (
            "A calendar invitation (.ics file) is attached. Open it to add the meeting to your calendar."
        ),
        "hr_named": (
            "If you have any questions, or need to move the meeting, please contact "
            "{{ round.hr_contact_name }} in HR"
            "{% if round.hr_contact_email %} at {{ round.hr_contact_email }}{% endif %}."
        ),
        "hr_unnamed": (
            "If you have any questions, or need to move the meeting, please contact HR"
            "{% if round.hr_contact_email %} at {{ round.hr_contact_email }}{% endif %}."
        ),
        "looking_forward": "I look forward to our conversation.",
        "closing": "Kind regards",
        "page": ("Page ", " of "),
        "overview_heading": "Schedule overview",
        "overview_meta": [
            (
                "Interviewer: ",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Period: ", "{{ round.period_start }} – {{ round.period_end }}"),
            ("Number of conversations: ", "{{ meeting_count }}"),
        ],
        "columns": ["Date", "Time", "Employee", "Job title and department", "Place", "Notes due", "Note"],
        "employee_id": "ID {{ m.employee.id }}",
        "checklist_heading": "Checklist for the interviewer",
        "checklist": [
            (
                "Plan and inform: ",
                "Check that everyone has received their invitation and that the rooms are booked.",
            ),
            (
                "Prepare: ",
                "For each employee, read through the goals and actions from the last period and the "
                "preparation form. Decide what feedback you want to give and what you want to ask.",
            ),
            (
                "Hold the conversation: ",
                "Use a quiet room without interruptions. Open with the purpose, listen, give balanced "
                "feedback, agree on concrete goals and actions, and summarise at the end.",
            ),
            (
                "Write the minutes: ",
                "Fill in the meeting-notes form and return it by the deadline. The employee approves the "
                "minutes before they are filed in their personnel file.",
            ),
            (
                "Follow up: ",
                "Support the employee through the period, track progress on goals and actions, and adjust "
                "where needed.{% if round.follow_up_date %} Next follow-up: {{ round.follow_up_date }}."
                "{% endif %}",
            ),
        ],
    },
}

# Overview table column widths in cm; they add up to the landscape text width (29.7 - 2 * 2.5).
OVERVIEW_WIDTHS = (2.8, 2.2, 4.3, 4.6, 3.4, 2.6, 4.8)
DETAILS_WIDTHS = (4.5, 11.5)  # portrait text width: 21.0 - 2 * 2.5


# Texts of the three forms. The fields themselves (keys, labels, placeholders) come from pipeline.forms,
# so writer and reader share one definition; only headings, guidance and fixed facts are here.
FORM_TEXT: dict[str, dict[str, object]] = {
    "nb": {
        "titles": {
            "employee_preparation": "Forberedelsesskjema – mal",
            "manager_preparation": "Forberedelse for leder – mal",
            "meeting_notes": "Samtaleskjema – mal",
            "minutes": "Referat – mal",
        },
        "headings": {
            "employee_preparation": "Forberedelse til medarbeidersamtalen",
            "manager_preparation": "Lederens forberedelse til medarbeidersamtalen",
            "meeting_notes": "Samtaleskjema – medarbeidersamtale",
            "minutes": "Referat fra medarbeidersamtale",
        },
        "page_header": {
            "employee_preparation": "Forberedelsesskjema – {{ employee.name }}",
            "manager_preparation": "Forberedelse for leder – {{ employee.name }}",
            "meeting_notes": "Samtaleskjema – {{ employee.name }}",
            "minutes": "Referat – {{ employee.name }}",
        },
        "details": [
            ("Medarbeider", "{{ employee.name }}"),
            ("Stilling", "{{ employee.job_title }}"),
            ("Avdeling", "{{ employee.department }}"),
            (
                "Samtaleleder",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Tidspunkt", "{{ meeting.when }}{% if meeting.end %}–{{ meeting.end }}{% endif %}"),
            ("Sted", "{{ meeting.location }}"),
        ],
        "header": [
            ("Runde", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
            ("Medarbeider", "{{ employee.name }} (ansattnr. {{ employee.id }})"),
            ("Stilling", "{{ employee.job_title }}"),
            ("Avdeling", "{{ employee.department }}"),
            (
                "Samtaleleder",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Planlagt tidspunkt", "{{ meeting.when }}"),
            ("Sted", "{{ meeting.location }}"),
        ],
        "header_alias": "Samtaleinformasjon",
        "fill_in": (
            "Klikk i et felt, og skriv svaret ditt i stedet for hjelpeteksten. La feltene og tabellene "
            "stå som de er, så kan svarene leses inn igjen."
        ),
        "employee_intro": (
            "Dette skjemaet er til din egen forberedelse til medarbeidersamtalen med "
            "{{ interviewer.name }}. Tenk gjennom perioden som har gått og den som kommer, og skriv "
            "stikkord under hvert spørsmål. Ta med skjemaet til samtalen; du bestemmer selv hva du vil dele."
        ),
        "manager_intro": (
            "Dette er ditt arbeidsnotat til samtalen med {{ employee.name }}. Gå gjennom målene og "
            "tiltakene fra forrige periode, og noter hvilke tilbakemeldinger du vil gi, hva du vil spørre om, "
            "og hvilke mål og hvilken utvikling du vil foreslå. Gi konkrete eksempler, både på det som går "
            "bra og på det som kan bli bedre."
        ),
        "employee_goals_heading": "Dine mål og tiltak fra forrige periode",
        "goals_heading": "Mål og tiltak fra forrige periode",
        "goal_columns": ["Type", "Beskrivelse", "Suksesskriterium", "Frist", "Status", "Fremdrift"],
        "no_goals": "Det er ikke registrert mål eller tiltak fra tidligere samtaler.",
        "employee_questions_heading": "Spørsmål til forberedelse",
        "manager_questions_heading": "Tilbakemeldinger, spørsmål og forslag",
        "guidance_heading": "Slik gjennomfører du samtalen",
        "guidance": [
            ("Innled: ", "Fortell hva som er hensikten med samtalen, og gå kort gjennom agendaen."),
            (
                "Lytt: ",
                "La medarbeideren fortelle først om arbeidet, resultatene og ønskene sine, og noter "
                "medarbeiderens syn.",
            ),
            (
                "Gi balanserte tilbakemeldinger: ",
                "Både på det som går bra og på det som kan bli bedre, med konkrete eksempler.",
            ),
            (
                "Bli enige om mål og tiltak: ",
                "Gå gjennom målene og tiltakene fra forrige periode, og avtal nye, konkrete mål og tiltak "
                "med suksesskriterium, frist og ansvarlig.",
            ),
            (
                "Oppsummer: ",
                "Gå gjennom hovedpunktene og det som er avtalt, og sett dato for neste oppfølging.",
            ),
        ],
        "deadline": (
            "{% if minutes_due %}Lever det utfylte skjemaet innen {{ minutes_due }}. {% endif %}"
            "Referatet lages fra skjemaet og sendes til medarbeideren for godkjenning."
        ),
        "conversation_heading": "Om samtalen",
        "review_heading": "Mål og tiltak fra forrige periode",
        "review_intro": (
            "Sett ny status for hvert mål og tiltak (ikke startet, pågår, fullført eller avbrutt), og skriv "
            "en kort kommentar."
        ),
        "review_columns": ["Mål eller tiltak", "Status nå"],
        "talk_heading": "Samtalen",
        "wellbeing_heading": "Trivsel, samarbeid og karriere",
        "score_intro": (
            "Medarbeideren kan, om ønskelig, gi trivselen en karakter fra 1 til 5. Tallet brukes bare når "
            "medarbeideren svarer ja: uten navn, og bare i tall for grupper."
        ),
        "new_goals_heading": "Nye mål",
        "new_goals_intro": "Konkrete mål for neste periode: hva, hvordan det måles, og innen når.",
        "new_actions_heading": "Nye tiltak",
        "new_actions_intro": "Det som skal gjøres for å nå målene eller for medarbeiderens utvikling.",
        "summary_heading": "Oppsummering og oppfølging",
    },
    "en": {
        "titles": {
            "employee_preparation": "Preparation form – template",
            "manager_preparation": "Manager's preparation – template",
            "meeting_notes": "Meeting notes – template",
            "minutes": "Minutes – template",
        },
        "headings": {
            "employee_preparation": "Preparing for your appraisal conversation",
            "manager_preparation": "Manager's preparation for the appraisal conversation",
            "meeting_notes": "Meeting notes – appraisal conversation",
            "minutes": "Minutes of the appraisal conversation",
        },
        "page_header": {
            "employee_preparation": "Preparation form – {{ employee.name }}",
            "manager_preparation": "Manager's preparation – {{ employee.name }}",
            "meeting_notes": "Meeting notes – {{ employee.name }}",
            "minutes": "Minutes – {{ employee.name }}",
        },
        "details": [
            ("Employee", "{{ employee.name }}"),
            ("Job title", "{{ employee.job_title }}"),
            ("Department", "{{ employee.department }}"),
            (
                "Interviewer",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Date and time", "{{ meeting.when }}{% if meeting.end %}–{{ meeting.end }}{% endif %}"),
            ("Place", "{{ meeting.location }}"),
        ],
        "header": [
            ("Round", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
            ("Employee", "{{ employee.name }} (ID {{ employee.id }})"),
            ("Job title", "{{ employee.job_title }}"),
            ("Department", "{{ employee.department }}"),
            (
                "Interviewer",
                "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Planned for", "{{ meeting.when }}"),
            ("Place", "{{ meeting.location }}"),
        ],
        "header_alias": "Meeting details",
        "fill_in": (
            "Click a field and type your answer in place of the hint text. Leave the fields and tables as "
            "they are, so that the answers can be read back."
        ),
        "employee_intro": (
            "This form is for your own preparation for your appraisal conversation with "
            "{{ interviewer.name }}. Think about the period behind you and the one ahead, and note a few "
            "points under each question. Bring the form to the meeting; you decide what you want to share."
        ),
        "manager_intro": (
            "These are your working notes for the conversation with {{ employee.name }}. Go through the "
            "goals and actions from the last period, and note the feedback you want to give, what you want "
            "to ask, and which goals and development you would like to propose. Give concrete examples, of "
            "what goes well and of what could be better."
        ),
        "employee_goals_heading": "Your goals and actions from the last period",
        "goals_heading": "Goals and actions from the last period",
        "goal_columns": ["Type", "Description", "Success measure", "Due", "Status", "Progress"],
        "no_goals": "No goals or actions are recorded from earlier conversations.",
        "employee_questions_heading": "Questions to prepare",
        "manager_questions_heading": "Feedback, questions and proposals",
        "guidance_heading": "How to hold the conversation",
        "guidance": [
            ("Open: ", "Explain the purpose of the conversation and briefly go through the agenda."),
            (
                "Listen: ",
                "Let the employee speak first about their work, results and wishes, and note their view.",
            ),
            (
                "Give balanced feedback: ",
                "On what goes well and on what could be better, with concrete examples.",
            ),
            (
                "Agree goals and actions: ",
                "Review the goals and actions from the last period, and agree new, concrete goals and "
                "actions with a success measure, a due date and who is responsible.",
            ),
            (
                "Summarise: ",
                "Go through the main points and what was agreed, and set the date of the next follow-up.",
            ),
        ],
        "deadline": (
            "{% if minutes_due %}Please return the completed form by {{ minutes_due }}. {% endif %}"
            "The minutes are made from it and sent to the employee for approval."
        ),
        "conversation_heading": "The conversation",
        "review_heading": "Goals and actions from the last period",
        "review_intro": (
            "Give each goal and action its new status (not started, in progress, done or cancelled) and a "
            "short comment."
        ),
        "review_columns": ["Goal or action", "Status now"],
        "talk_heading": "Notes",
        "wellbeing_heading": "Well-being, cooperation and career",
        "score_intro": (
            "If they wish, the employee may rate their well-being from 1 to 5. The score is used only "
            "when the employee answers yes: without their name, and only in figures for groups."
        ),
        "new_goals_heading": "New goals",
        "new_goals_intro": "Concrete goals for the next period: what, how it is measured, and by when.",
        "new_actions_heading": "New actions",
        "new_actions_intro": "What will be done to reach the goals or for the employee's development.",
        "summary_heading": "Summary and follow-up",
    },
}

# Texts of the minutes (step 4). The approval fields (keys, labels, hints) come from pipeline.collect.approvals.approvals.
MINUTES_TEXT: dict[str, dict[str, object]] = {
    "nb": {
        "details": [
            ("Runde", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
            ("Medarbeider", "{{ employee.name }} (ansattnr. {{ employee.id }})"),
            ("Stilling", "{{ employee.job_title }}"),
            ("Avdeling", "{{ employee.department }}"),
            (
                "Samtaleleder",
                "{{ interviewer_name }}{% if interviewer_name == interviewer.name and "
                "interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Samtalen ble holdt", "{{ held_on }}"),
        ],
        "intro": (
            "Dette referatet er skrevet av samtalelederen etter medarbeidersamtalen, og sendes til "
            "medarbeideren for godkjenning. Når det er godkjent, arkiveres det i personalmappen."
        ),
        "talk_heading": "Samtalen",
        "sections": [
            ("employee_view", "Medarbeiderens syn"),
            ("strengths", "Styrker"),
            ("improvements", "Forbedringsområder"),
            ("development", "Utvikling og kompetansebehov"),
            ("wellbeing", "Trivsel, arbeidsmiljø og arbeidsbelastning"),
            ("cooperation", "Samarbeidet med lederen"),
            ("career", "Kompetanse- og karriereønsker"),
        ],
        "score": "Trivsel (1–5): ",
        "score_consent": " – kan brukes uten navn i tall for ledelsen",
        "not_noted": "Ikke notert.",
        "review_heading": "Mål og tiltak fra forrige periode",
        "no_reviews": "Ingen mål eller tiltak fra forrige periode ble gjennomgått.",
        "review_columns": ["Mål eller tiltak", "Status før → nå", "Kommentar"],
        "new_goals_heading": "Nye mål",
        "new_goals_columns": ["ID", "Mål", "Suksesskriterium", "Frist"],
        "no_new_goals": "Det ble ikke avtalt nye mål.",
        "new_actions_heading": "Nye tiltak",
        "new_actions_columns": ["ID", "Tiltak", "Ansvarlig", "Frist"],
        "no_new_actions": "Det ble ikke avtalt nye tiltak.",
        "summary_heading": "Oppsummering",
        "follow_up": "Neste oppfølging: ",
        "approval_heading": "Godkjenning",
        "approval": (
            "Les gjennom referatet, og godkjenn det innen {{ approval_due }}: fyll ut feltene nedenfor, "
            "lagre dokumentet (som .docx) og send det tilbake til {{ approval_return_to }}. "
            "Er det noe du ikke er enig i, skriv det under Kommentar."
        ),
    },
    "en": {
        "details": [
            ("Round", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
            ("Employee", "{{ employee.name }} (ID {{ employee.id }})"),
            ("Job title", "{{ employee.job_title }}"),
            ("Department", "{{ employee.department }}"),
            (
                "Interviewer",
                "{{ interviewer_name }}{% if interviewer_name == interviewer.name and "
                "interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
            ),
            ("Date held", "{{ held_on }}"),
        ],
        "intro": (
            "These minutes were written by the interviewer after the appraisal conversation and are sent "
            "to the employee for approval. Once approved, they are filed in the personnel file."
        ),
        "talk_heading": "The conversation",
        "sections": [
            ("employee_view", "The employee's view"),
            ("strengths", "Strengths"),
            ("improvements", "Areas to improve"),
            ("development", "Development and competence needs"),
            ("wellbeing", "Well-being, working environment and workload"),
            ("cooperation", "Cooperation with the manager"),
            ("career", "Competence and career wishes"),
        ],
        "score": "Well-being (1–5): ",
        "score_consent": " – may be used without the name in figures for leadership",
        "not_noted": "Not noted.",
        "review_heading": "Goals and actions from the last period",
        "no_reviews": "No goals or actions from the last period were reviewed.",
        "review_columns": ["Goal or action", "Status before → now", "Comment"],
        "new_goals_heading": "New goals",
        "new_goals_columns": ["ID", "Goal", "Success measure", "Due"],
        "no_new_goals": "No new goals were agreed.",
        "new_actions_heading": "New actions",
        "new_actions_columns": ["ID", "Action", "Responsible", "Due"],
        "no_new_actions": "No new actions were agreed.",
        "summary_heading": "Summary",
        "follow_up": "Next follow-up: ",
        "approval_heading": "Approval",
        "approval": (
            "Please read the minutes and approve them by {{ approval_due }}: fill in the fields below, save "
            "the document (as .docx) and send it back to {{ approval_return_to }}. If there is anything "
            "you do not agree with, write it under Comment."
        ),
    },
}

# Texts of each employee's plan (step 5): their goals and actions as they stand in the follow-up.
PLAN_TEXT: dict[str, dict[str, object]] = {
    "nb": {
        "title": "Mine mål og tiltak – mal",
        "page_header": "Mine mål og tiltak – {{ employee.name }}",
        "heading": "Mine mål og tiltak",
        "as_of": "Oppdatert {{ as_of }}",
        "intro": (
            "Her er målene og tiltakene dine fra medarbeidersamtalen, og de som fortsatt er åpne fra "
            "tidligere samtaler, slik de står i oppfølgingen nå. Er noe ikke riktig, si fra til lederen din."
        ),
        "changed": "Det som er endret siden forrige versjon, står i kolonnen Endring.",
        "columns": [
            "Mål eller tiltak",
            "Suksesskriterium / ansvarlig",
            "Frist",
            "Status",
            "Kommentar",
            "Endring",
        ],
        "none": "Du har ingen mål eller tiltak registrert.",
    },
    "nn": {
        "title": "Mine mål og tiltak – mal",
        "page_header": "Mine mål og tiltak – {{ employee.name }}",
        "heading": "Mine mål og tiltak",
        "as_of": "Oppdatert {{ as_of }}",
        "intro": (
            "Her er måla og tiltaka dine frå medarbeidarsamtalen, og dei som framleis er opne frå "
            "tidlegare samtalar, slik dei står i oppfølginga no. Er noko ikkje rett, sei frå til leiaren din."
        ),
        "changed": "Det som er endra sidan førre versjon, står i kolonnen Endring.",
        "columns": [
            "Mål eller tiltak",
            "Suksesskriterium / ansvarleg",
            "Frist",
            "Status",
            "Kommentar",
            "Endring",
        ],
        "none": "Du har ingen mål eller tiltak registrerte.",
    },
    "en": {
        "title": "My goals and actions – template",
        "page_header": "My goals and actions – {{ employee.name }}",
        "heading": "My goals and actions",
        "as_of": "Updated {{ as_of }}",
        "intro": (
            "These are your goals and actions from your appraisal conversation, and those still open from "
            "earlier conversations, as they stand in the follow-up now. If anything is not right, tell "
            "your manager."
        ),
        "changed": "What changed since the previous version is in the Change column.",
        "columns": ["Goal or action", "Success measure / responsible", "Due", "Status", "Comment", "Change"],
        "none": "You have no goals or actions on record.",
    },
}

# Nynorsk (the 2012 norm, moderate forms: medarbeidar, leiar, ikkje, kva, korleis, førebu). Every word is
# spell-checked with Debian's nynorsk dictionary by tests/test_templates.py, as the texts are.
TEXT["nn"] = {
    "invitation_title": "Invitasjon – mal",
    "overview_title": "Samtaleoversikt – mal",
    "heading": "Invitasjon til medarbeidarsamtale",
    "greeting": "Hei {{ employee.first_name }},",
    "purpose": (
        "Eg vil med dette invitere deg til medarbeidarsamtale. Det er ein strukturert samtale mellom "
        "oss to om arbeidet ditt, resultata frå perioden som har gått, måla framover og utviklinga "
        "di, der vi gir kvarandre tilbakemeldingar og blir samde om konkrete mål og tiltak for neste "
        "periode. For at vi skal få mest mogleg ut av samtalen, førebur vi oss begge på førehand."
    ),
    "details_heading": "Tid og stad",
    "details": [
        ("Tidspunkt", "{{ meeting.when }}"),
        ("Lengd", "{{ meeting.duration }}"),
        ("Stad", "{{ meeting.location }}"),
        (
            "Samtaleleiar",
            "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
        ),
    ],
    "note_label": "Merknad: ",
    "agenda_heading": "Agenda for samtalen",
    "preparation_heading": "Slik førebur du deg",
    "preparation_intro": "Set gjerne av litt tid før samtalen til å tenkje gjennom dette:",
    "preparation_form": "Du får òg eit førebuingsskjema som du kan bruke til notata dine før vi møtest.",
    "practical_heading": "Praktisk informasjon",
    "calendar": (
        "Vedlagt finn du ein kalenderinvitasjon (.ics-fil). Opne henne for å leggje samtalen inn i "
        "kalenderen din."
    ),
    "hr_named": (
        "Har du spørsmål, eller treng du å flytte samtalen, kan du ta kontakt med "
        "{{ round.hr_contact_name }} i HR"
        "{% if round.hr_contact_email %} på {{ round.hr_contact_email }}{% endif %}."
    ),
    "hr_unnamed": (
        "Har du spørsmål, eller treng du å flytte samtalen, kan du ta kontakt med HR"
        "{% if round.hr_contact_email %} på {{ round.hr_contact_email }}{% endif %}."
    ),
    "looking_forward": "Eg ser fram til ein god samtale med deg.",
    "closing": "Med venleg helsing",
    "page": ("Side ", " av "),
    "overview_heading": "Samtaleoversikt",
    "overview_meta": [
        (
            "Samtaleleiar: ",
            "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
        ),
        ("Periode: ", "{{ round.period_start }} – {{ round.period_end }}"),
        ("Tal på samtalar: ", "{{ meeting_count }}"),
    ],
    "columns": ["Dato", "Tid", "Medarbeidar", "Stilling og avdeling", "Stad", "Skjema innan", "Merknad"],
    "employee_id": "Tilsettnr. {{ m.employee.id }}",
    "checklist_heading": "Sjekkliste for samtaleleiaren",
    "checklist": [
        (
            "Planlegg og informer: ",
            "Kontroller at alle har fått invitasjonen, og at romma er reserverte.",
        ),
        (
            "Førebu deg: ",
            "Les gjennom måla og tiltaka frå førre periode og førebuingsskjemaet for kvar "
            "medarbeidar. Bestem kva tilbakemeldingar du vil gi, og kva du vil spørje om.",
        ),
        (
            "Gjennomfør samtalen: ",
            "Sørg for eit roleg rom utan forstyrringar. Start med føremålet, lytt, gi balanserte "
            "tilbakemeldingar, bli samde om konkrete mål og tiltak, og oppsummer til slutt.",
        ),
        (
            "Skriv referat: ",
            "Fyll ut samtaleskjemaet og lever det innan fristen. Medarbeidaren godkjenner referatet "
            "før det blir arkivert i personalmappa.",
        ),
        (
            "Følg opp: ",
            "Støtt medarbeidaren gjennom perioden, følg med på framdrifta i mål og tiltak, og juster "
            "ved behov.{% if round.follow_up_date %} Neste oppfølging: {{ round.follow_up_date }}."
            "{% endif %}",
        ),
    ],
}
FORM_TEXT["nn"] = {
    "titles": {
        "employee_preparation": "Førebuingsskjema – mal",
        "manager_preparation": "Førebuing for leiar – mal",
        "meeting_notes": "Samtaleskjema – mal",
        "minutes": "Referat – mal",
    },
    "headings": {
        "employee_preparation": "Førebuing til medarbeidarsamtalen",
        "manager_preparation": "Leiaren si førebuing til medarbeidarsamtalen",
        "meeting_notes": "Samtaleskjema – medarbeidarsamtale",
        "minutes": "Referat frå medarbeidarsamtale",
    },
    "page_header": {
        "employee_preparation": "Førebuingsskjema – {{ employee.name }}",
        "manager_preparation": "Førebuing for leiar – {{ employee.name }}",
        "meeting_notes": "Samtaleskjema – {{ employee.name }}",
        "minutes": "Referat – {{ employee.name }}",
    },
    "details": [
        ("Medarbeidar", "{{ employee.name }}"),
        ("Stilling", "{{ employee.job_title }}"),
        ("Avdeling", "{{ employee.department }}"),
        (
            "Samtaleleiar",
            "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
        ),
        ("Tidspunkt", "{{ meeting.when }}{% if meeting.end %}–{{ meeting.end }}{% endif %}"),
        ("Stad", "{{ meeting.location }}"),
    ],
    "header": [
        ("Runde", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
        ("Medarbeidar", "{{ employee.name }} (tilsettnr. {{ employee.id }})"),
        ("Stilling", "{{ employee.job_title }}"),
        ("Avdeling", "{{ employee.department }}"),
        (
            "Samtaleleiar",
            "{{ interviewer.name }}{% if interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
        ),
        ("Planlagt tidspunkt", "{{ meeting.when }}"),
        ("Stad", "{{ meeting.location }}"),
    ],
    "header_alias": "Samtaleinformasjon",
    "fill_in": (
        "Klikk i eit felt, og skriv svaret ditt i staden for hjelpeteksten. La felta og tabellane "
        "stå som dei er, så kan svara lesast inn att."
    ),
    "employee_intro": (
        "Dette skjemaet er til di eiga førebuing til medarbeidarsamtalen med "
        "{{ interviewer.name }}. Tenk gjennom perioden som har gått og den som kjem, og skriv "
        "stikkord under kvart spørsmål. Ta med skjemaet til samtalen; du bestemmer sjølv kva du vil dele."
    ),
    "manager_intro": (
        "Dette er arbeidsnotatet ditt til samtalen med {{ employee.name }}. Gå gjennom måla og "
        "tiltaka frå førre periode, og noter kva tilbakemeldingar du vil gi, kva du vil spørje om, "
        "og kva mål og kva utvikling du vil foreslå. Gi konkrete døme, både på det som går "
        "bra og på det som kan bli betre."
    ),
    "employee_goals_heading": "Måla og tiltaka dine frå førre periode",
    "goals_heading": "Mål og tiltak frå førre periode",
    "goal_columns": ["Type", "Skildring", "Suksesskriterium", "Frist", "Status", "Framdrift"],
    "no_goals": "Det er ikkje registrert mål eller tiltak frå tidlegare samtalar.",
    "employee_questions_heading": "Spørsmål til førebuing",
    "manager_questions_heading": "Tilbakemeldingar, spørsmål og forslag",
    "guidance_heading": "Slik gjennomfører du samtalen",
    "guidance": [
        ("Innleiing: ", "Fortel kva samtalen skal vere til, og gå kort gjennom agendaen."),
        (
            "Lytt: ",
            "La medarbeidaren fortelje først om arbeidet, resultata og ønska sine, og noter "
            "synet til medarbeidaren.",
        ),
        (
            "Gi balanserte tilbakemeldingar: ",
            "Både på det som går bra og på det som kan bli betre, med konkrete døme.",
        ),
        (
            "Bli samde om mål og tiltak: ",
            "Gå gjennom måla og tiltaka frå førre periode, og avtal nye, konkrete mål og tiltak "
            "med suksesskriterium, frist og ansvarleg.",
        ),
        (
            "Oppsummer: ",
            "Gå gjennom hovudpunkta og det som er avtalt, og set dato for neste oppfølging.",
        ),
    ],
    "deadline": (
        "{% if minutes_due %}Lever det utfylte skjemaet innan {{ minutes_due }}. {% endif %}"
        "Referatet blir laga frå skjemaet og sendt til medarbeidaren for godkjenning."
    ),
    "conversation_heading": "Om samtalen",
    "review_heading": "Mål og tiltak frå førre periode",
    "review_intro": (
        "Set ny status for kvart mål og tiltak (ikkje starta, pågår, fullført eller avbrote), og skriv "
        "ein kort kommentar."
    ),
    "review_columns": ["Mål eller tiltak", "Status no"],
    "talk_heading": "Samtalen",
    "wellbeing_heading": "Trivsel, samarbeid og karriere",
    "score_intro": (
        "Medarbeidaren kan, om han eller ho ønskjer det, gi trivselen ein karakter frå 1 til 5. Talet "
        "blir berre brukt når medarbeidaren svarer ja: utan namn, og berre i tal for grupper."
    ),
    "new_goals_heading": "Nye mål",
    "new_goals_intro": "Konkrete mål for neste periode: kva, korleis det blir målt, og innan når.",
    "new_actions_heading": "Nye tiltak",
    "new_actions_intro": "Det som skal gjerast for å nå måla eller for utviklinga til medarbeidaren.",
    "summary_heading": "Oppsummering og oppfølging",
}
MINUTES_TEXT["nn"] = {
    "details": [
        ("Runde", "{{ round.id }}{% if round.title %} – {{ round.title }}{% endif %}"),
        ("Medarbeidar", "{{ employee.name }} (tilsettnr. {{ employee.id }})"),
        ("Stilling", "{{ employee.job_title }}"),
        ("Avdeling", "{{ employee.department }}"),
        (
            "Samtaleleiar",
            "{{ interviewer_name }}{% if interviewer_name == interviewer.name and "
            "interviewer.job_title %}, {{ interviewer.job_title }}{% endif %}",
        ),
        ("Samtalen vart halden", "{{ held_on }}"),
    ],
    "intro": (
        "Dette referatet er skrive av samtaleleiaren etter medarbeidarsamtalen, og blir sendt til "
        "medarbeidaren for godkjenning. Når det er godkjent, blir det arkivert i personalmappa."
    ),
    "talk_heading": "Samtalen",
    "sections": [
        ("employee_view", "Synet til medarbeidaren"),
        ("strengths", "Styrkar"),
        ("improvements", "Forbetringsområde"),
        ("development", "Utvikling og kompetansebehov"),
        ("wellbeing", "Trivsel, arbeidsmiljø og arbeidsbelastning"),
        ("cooperation", "Samarbeidet med leiaren"),
        ("career", "Kompetanse- og karriereønske"),
    ],
    "score": "Trivsel (1–5): ",
    "score_consent": " – kan brukast utan namn i tal for leiinga",
    "not_noted": "Ikkje notert.",
    "review_heading": "Mål og tiltak frå førre periode",
    "no_reviews": "Ingen mål eller tiltak frå førre periode vart gått gjennom.",
    "review_columns": ["Mål eller tiltak", "Status før → no", "Kommentar"],
    "new_goals_heading": "Nye mål",
    "new_goals_columns": ["ID", "Mål", "Suksesskriterium", "Frist"],
    "no_new_goals": "Det vart ikkje avtalt nye mål.",
    "new_actions_heading": "Nye tiltak",
    "new_actions_columns": ["ID", "Tiltak", "Ansvarleg", "Frist"],
    "no_new_actions": "Det vart ikkje avtalt nye tiltak.",
    "summary_heading": "Oppsummering",
    "follow_up": "Neste oppfølging: ",
    "approval_heading": "Godkjenning",
    "approval": (
        "Les gjennom referatet, og godkjenn det innan {{ approval_due }}: fyll ut felta nedanfor, "
        "lagre dokumentet (som .docx) og send det tilbake til {{ approval_return_to }}. "
        "Er det noko du ikkje er samd i, skriv det under Kommentar."
    ),
}

# Column widths in cm, each adding up to the portrait text width (21.0 - 2 * 2.5 = 16.0).
GOALS_WIDTHS = (1.4, 4.5, 3.4, 2.1, 2.4, 2.2)
REVIEW_WIDTHS = (5.2, 2.4, 3.4, 5.0)
NEW_GOAL_WIDTHS = (0.7, 6.3, 5.8, 3.2)
NEW_ACTION_WIDTHS = (0.7, 7.3, 4.8, 3.2)
MINUTES_REVIEW_WIDTHS = (6.0, 3.6, 6.4)
MINUTES_GOAL_WIDTHS = (3.2, 6.0, 4.4, 2.4)
MINUTES_ACTION_WIDTHS = (3.2, 6.8, 3.6, 2.4)
PLAN_WIDTHS = (4.6, 3.0, 2.0, 2.2, 2.6, 1.6)  # goal, measure/responsible, due, status, comment, change
ANSWER_WIDTH = (16.0,)
# Minimum heights of answer cells in cm: room to write by hand on a printed form, too.
TEXT_HEIGHT = 3.0
SHORT_HEIGHT = 0.9
ROW_HEIGHT = 1.3
TABLE_SIZE = Pt(10)

# --- low-level XML helpers ------------------------------------------------------------------------


def _set_child(parent, child, order: Iterable[str]) -> None:
    """Put `child` into `parent`, replacing one of the same tag, at its schema position in `order`."""
    order = [qn(tag) for tag in order]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = order[order.index(child.tag) + 1 :]
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def _element(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


TBL_PR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
)  # fmt: skip
TC_PR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
    "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
)  # fmt: skip
TR_PR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
)  # fmt: skip
P_PR_BORDER_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def _explicit_font(rpr) -> None:
    """Replace theme fonts in a run-properties element by the house font (theme fonts win in Word)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


# --- document set-up ------------------------------------------------------------------------------


def new_document(lang: str, title: str, *, landscape: bool) -> Document:
    """An empty A4 document in the house style, with neutral core properties."""
    doc = Document()
    _set_styles(doc, lang)
    _set_properties(doc, lang, title)
    settings = doc.settings.element
    for junk in settings.findall(qn("w:savePreviewPicture")) + settings.findall(qn("w:rsids")):
        settings.remove(junk)

    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN_VERTICAL
    section.header_distance = Cm(1.25)
    section.footer_distance = Cm(1.25)
    # python-docx starts with one empty paragraph; drop it so the letterhead is the first line.
    body = doc.element.body
    for paragraph in body.findall(qn("w:p")):
        body.remove(paragraph)
    return doc


def _set_styles(doc: Document, lang: str) -> None:
    """One font throughout; sizes, spacing and colours for the styles the templates use."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _explicit_font(rpr)
    language = rpr.find(qn("w:lang"))
    language.set(qn("w:val"), LANG_TAG[lang])  # Word's spelling and hyphenation language

    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0

    for name, size, before, after in (
        ("Heading 1", Pt(16), Pt(0), Pt(4)),
        ("Heading 2", Pt(12), Pt(8), Pt(3)),
    ):
        style = doc.styles[name]
        _explicit_font(style.element.get_or_add_rPr())
        style.font.size = size
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = before
        style.paragraph_format.space_after = after
        style.paragraph_format.keep_with_next = True

    # The same small gap between items of both kinds of list (List Number ships with contextual spacing).
    for name in ("List Bullet", "List Number"):
        style = doc.styles[name]
        style.paragraph_format.space_after = Pt(2)
        p_pr = style.element.get_or_add_pPr()
        for contextual in p_pr.findall(qn("w:contextualSpacing")):
            p_pr.remove(contextual)

    for name in ("Header", "Footer"):
        style = doc.styles[name]
        style.font.size = SMALL_SIZE
        style.font.color.rgb = MUTED
        style.paragraph_format.space_after = Pt(0)


def _add_form_styles(doc: Document) -> None:
    """The forms' own styles: `Field Label` (bold labels, as a paragraph style because LibreOffice drops
    the run formatting inside a content control) and the grey of empty fields, under the style ID Word
    itself uses (`PlaceholderText`)."""
    label = doc.styles.add_style("Field Label", WD_STYLE_TYPE.PARAGRAPH)
    label.base_style = doc.styles["Normal"]
    label.font.bold = True
    label.paragraph_format.space_after = Pt(0)
    placeholder = doc.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.base_style = doc.styles["Default Paragraph Font"]
    placeholder.font.color.rgb = PLACEHOLDER_COLOR
    placeholder.priority = 99
    placeholder.hidden = True  # like Word's built-in style: listed once used
    placeholder.unhide_when_used = True
    del placeholder.element.attrib[qn("w:customStyle")]  # Word's own style, not a custom one


def _set_properties(doc: Document, lang: str, title: str) -> None:
    """Core properties with no personal metadata, and fixed dates so regenerating is reproducible."""
    props = doc.core_properties
    props.author = "appraisal"
    props.last_modified_by = "appraisal"
    props.title = title
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = LANG_TAG[lang]
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME


# --- content helpers ------------------------------------------------------------------------------


def write(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    size: Pt | None = None,
    color: RGBColor | None = None,
) -> Paragraph:
    """Append `text` to `paragraph`: one run per Jinja tag and per stretch of plain text."""
    for piece in JINJA_TAG.split(text):
        if not piece:
            continue
        run = paragraph.add_run(piece)
        if bold:
            run.bold = True
        if size is not None:
            run.font.size = size
        if color is not None:
            run.font.color.rgb = color
    return paragraph


def line_break(paragraph: Paragraph) -> None:
    """A line break inside a paragraph (a run of its own)."""
    paragraph.add_run().add_break()


def para(
    container,
    text: str = "",
    *,
    style: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    after: Pt | None = None,
    before: Pt | None = None,
    keep_with_next: bool = False,
    **fmt,
) -> Paragraph:
    """A new paragraph in `container` (document or cell) holding `text`."""
    paragraph = container.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if after is not None:
        paragraph.paragraph_format.space_after = after
    if before is not None:
        paragraph.paragraph_format.space_before = before
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    if text:
        write(paragraph, text, **fmt)
    return paragraph


def tag(container, jinja: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag (`{%p ... %}`); docxtpl drops it when rendering."""
    paragraph = para(container, after=Pt(0))
    paragraph.paragraph_format.keep_with_next = True
    write(paragraph, jinja, size=SMALL_SIZE, color=TAG_COLOR)
    return paragraph


def letterhead(doc: Document) -> None:
    """The organisation's name as a letterhead, over a rule."""
    paragraph = para(doc, "{{ round.organisation }}", after=Pt(10), bold=True, size=Pt(18), color=ACCENT)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    borders.append(_element("w:bottom", val="single", sz="8", space="4", color="1F3864"))
    _set_child(p_pr, borders, P_PR_BORDER_ORDER)


def page_number_footer(doc: Document, lang: str) -> None:
    """`Side 1 av 2` / `Page 1 of 2`, right-aligned in the footer."""
    before, between = TEXT[lang]["page"]
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(before)
    _field(paragraph, "PAGE")
    paragraph.add_run(between)
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = _element("w:fldSimple", instr=f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def new_table(doc: Document, rows: int, widths: Iterable[float]) -> Table:
    """A fixed-layout table with light borders and a little padding, widths in cm."""
    widths = list(widths)
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{edge}", val="single", sz="4", space="0", color=BORDER_COLOR))
    _set_child(tbl_pr, borders, TBL_PR_ORDER)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", "45"), ("left", "108"), ("bottom", "45"), ("right", "108")):
        margins.append(_element(f"w:{edge}", w=width, type="dxa"))
    _set_child(tbl_pr, margins, TBL_PR_ORDER)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        _row_property(row, "w:cantSplit")
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table


def _row_property(row, name: str) -> None:
    _set_child(row._tr.get_or_add_trPr(), OxmlElement(name), TR_PR_ORDER)


def shade(cell: _Cell, fill: str) -> None:
    """Fill a cell's background."""
    _set_child(
        cell._tc.get_or_add_tcPr(), _element("w:shd", val="clear", color="auto", fill=fill), TC_PR_ORDER
    )


def cell_text(cell: _Cell, text: str, **fmt) -> Paragraph:
    """Write into the cell's first paragraph."""
    return write(cell.paragraphs[0], text, **fmt)


# --- the templates --------------------------------------------------------------------------------


def build_invitation(lang: str) -> Document:
    """The invitation letter an employee receives (step 1)."""
    t = TEXT[lang]
    doc = new_document(lang, str(t["invitation_title"]), landscape=False)
    letterhead(doc)
    page_number_footer(doc, lang)

    # The recipient's name on the left and the letter date against the right margin, on one line.
    first_line = para(doc, "{{ employee.name }}", after=Pt(0), bold=True)
    first_line.paragraph_format.tab_stops.add_tab_stop(A4_SHORT - 2 * MARGIN, WD_TAB_ALIGNMENT.RIGHT)
    first_line.add_run("\t")
    write(first_line, "{{ letter_date }}")
    tag(doc, "{%p if employee.job_title %}")
    para(doc, "{{ employee.job_title }}", after=Pt(0))
    tag(doc, "{%p endif %}")
    para(doc, "{{ employee.department }}", after=Pt(14))

    para(doc, str(t["heading"]), style="Heading 1", after=Pt(2))
    tag(doc, "{%p if round.title %}")
    para(doc, "{{ round.title }}", after=Pt(0), size=Pt(12), color=MUTED)
    tag(doc, "{%p endif %}")

    para(doc, str(t["greeting"]), before=Pt(12))
    para(doc, str(t["purpose"]))

    para(doc, str(t["details_heading"]), style="Heading 2")
    details = list(t["details"])
    table = new_table(doc, len(details), DETAILS_WIDTHS)
    for row, (label, value) in zip(table.rows, details, strict=True):
        label_cell, value_cell = row.cells
        shade(label_cell, LABEL_FILL)
        cell_text(label_cell, label, bold=True)
        cell_text(value_cell, value)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tag(doc, "{%p if meeting.note %}")
    note = para(doc, before=Pt(6))
    write(note, str(t["note_label"]), bold=True)
    write(note, "{{ meeting.note }}")
    tag(doc, "{%p endif %}")

    para(doc, str(t["agenda_heading"]), style="Heading 2")
    tag(doc, "{%p for item in agenda %}")
    para(doc, "{{ item }}", style="List Number")
    tag(doc, "{%p endfor %}")

    para(doc, str(t["preparation_heading"]), style="Heading 2")
    para(doc, str(t["preparation_intro"]), keep_with_next=True)
    tag(doc, "{%p for item in preparation %}")
    para(doc, "{{ item }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    para(doc, str(t["preparation_form"]), before=Pt(6))

    para(doc, str(t["practical_heading"]), style="Heading 2")
    tag(doc, "{%p if round.hr_contact_name %}")
    para(doc, f"{t['calendar']} {t['hr_named']}")
    tag(doc, "{%p else %}")
    para(doc, f"{t['calendar']} {t['hr_unnamed']}")
    tag(doc, "{%p endif %}")
    para(doc, str(t["looking_forward"]), after=Pt(6))

    para(doc, str(t["closing"]), after=Pt(20), keep_with_next=True)
    para(doc, "{{ interviewer.name }}", after=Pt(0), bold=True, keep_with_next=True)
    tag(doc, "{%p if interviewer.job_title %}")
    para(doc, "{{ interviewer.job_title }}", after=Pt(0), keep_with_next=True)
    tag(doc, "{%p endif %}")
    para(doc, "{{ round.organisation }}", after=Pt(0))
    return doc


def build_overview(lang: str) -> Document:
    """The interviewer's schedule overview: their meetings in time order, and a checklist."""
    t = TEXT[lang]
    doc = new_document(lang, str(t["overview_title"]), landscape=True)
    page_number_footer(doc, lang)

    para(doc, "{{ round.organisation }}", after=Pt(2), bold=True, size=Pt(10), color=MUTED)
    heading = para(doc, str(t["overview_heading"]) + " – ", style="Heading 1")
    write(heading, "{{ round.title or round.id }}")
    for index, (label, value) in enumerate(t["overview_meta"]):
        last = index == len(t["overview_meta"]) - 1
        line = para(doc, after=Pt(12) if last else Pt(0))
        write(line, label, bold=True)
        write(line, value)

    columns = list(t["columns"])
    table = new_table(doc, 4, OVERVIEW_WIDTHS)
    header, loop_start, data, loop_end = table.rows
    _row_property(header, "w:tblHeader")
    for cell, title in zip(header.cells, columns, strict=True):
        shade(cell, HEADER_FILL)
        cell_text(cell, title, bold=True, color=ACCENT)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM

    # docxtpl replaces a row holding a `{%tr ... %}` tag by the bare tag, so these two rows vanish;
    # merging their cells keeps them readable for whoever edits the template in Word.
    for row, jinja in ((loop_start, "{%tr for m in meetings %}"), (loop_end, "{%tr endfor %}")):
        merged = row.cells[0].merge(row.cells[-1])
        cell_text(merged, jinja, size=SMALL_SIZE, color=TAG_COLOR)

    date, time, employee, job, place, due, note = data.cells
    cell_text(date, "{{ m.date_short }}")
    line_break(date.paragraphs[0])
    cell_text(date, "{{ m.weekday }}", size=SMALL_SIZE, color=MUTED)
    cell_text(time, "{{ m.start }}–{{ m.end }}")
    cell_text(employee, "{{ m.employee.name }}", bold=True)
    line_break(employee.paragraphs[0])
    cell_text(employee, str(t["employee_id"]), size=SMALL_SIZE, color=MUTED)
    cell_text(job, "{{ m.employee.job_title }}")
    line_break(job.paragraphs[0])
    cell_text(job, "{{ m.employee.department }}", size=SMALL_SIZE, color=MUTED)
    cell_text(place, "{{ m.location }}")
    cell_text(due, "{{ m.notes_due }}")
    cell_text(note, "{{ m.note }}")

    para(doc, str(t["checklist_heading"]), style="Heading 2", before=Pt(18))
    for lead, body in t["checklist"]:
        item = para(doc, style="List Number")
        write(item, lead, bold=True)
        write(item, body)
    return doc


# --- the forms ------------------------------------------------------------------------------------
#
# The layout contract with pipeline.forms (docs/forms.md): every answer is an inline plain-text content
# control in its bookmark; a single answer sits alone in a cell of a one-column table, directly under a
# one-cell row holding exactly its label, so the reader finds it even where an editor dropped the
# control; rows of repeating items (goal reviews, new goals and actions) have one control per cell.


def insert_xml(paragraph: Paragraph, xml: str) -> None:
    """Append run-level WordprocessingML (such as a content control from pipeline.forms) to a paragraph."""
    wrapper = parse_xml(f"<w:wrapper {nsdecls('w')}>{xml}</w:wrapper>")
    for child in list(wrapper):
        paragraph._p.append(child)


def _cm_twips(cm: float) -> str:
    return str(round(cm * 567))


def min_height(row, cm: float) -> None:
    """A row at least `cm` high: room to write, on screen and on paper."""
    _set_child(
        row._tr.get_or_add_trPr(), _element("w:trHeight", val=_cm_twips(cm), hRule="atLeast"), TR_PR_ORDER
    )


def header_row(row, titles: Iterable[str]) -> None:
    """A table's header row: shaded, bold, repeated on every page."""
    _row_property(row, "w:tblHeader")
    for cell, title in zip(row.cells, titles, strict=True):
        shade(cell, HEADER_FILL)
        cell_text(cell, title, bold=True, color=ACCENT, size=TABLE_SIZE)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM


def loop_table(
    doc: Document, widths: Iterable[float], columns: Iterable[str], item: str, items: str
) -> list[_Cell]:
    """A table of a header row and one row per `item` in `items`: the cells of its repeated row."""
    table = new_table(doc, 4, widths)
    header, loop_start, data, loop_end = table.rows
    header_row(header, columns)
    loop_rows(loop_start, loop_end, item, items)
    return data.cells


def loop_rows(start_row, end_row, item: str, items: str) -> None:
    """The two rows docxtpl replaces by `{%tr for ... %}` and `{%tr endfor %}` (merged, so Word users
    see one grey line each)."""
    for row, jinja in ((start_row, f"{{%tr for {item} in {items} %}}"), (end_row, "{%tr endfor %}")):
        merged = row.cells[0].merge(row.cells[-1])
        cell_text(merged, jinja, size=SMALL_SIZE, color=TAG_COLOR)


def details_table(doc: Document, rows: list[tuple[str, str]]) -> Table:
    """Label and value side by side, like the letter's table of time and place."""
    table = new_table(doc, len(rows), DETAILS_WIDTHS)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        label_cell, value_cell = row.cells
        shade(label_cell, LABEL_FILL)
        label_cell.paragraphs[0].style = "Field Label"
        cell_text(label_cell, label)
        cell_text(value_cell, value)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


class BookmarkIds:
    """Bookmark IDs of the fixed fields: unique in the document and below the review rows' range."""

    def __init__(self) -> None:
        self.next = 1

    def take(self) -> int:
        """The next free ID."""
        taken = self.next
        self.next += 1
        assert taken < REVIEW_BOOKMARK_BASE
        return taken


def answer_table(
    doc: Document,
    fields: list[field_defs.Field],
    lang: str,
    ids: BookmarkIds,
    written: list[str],
    *,
    values: dict[str, str] | None = None,
    heights: dict[str, float] | None = None,
) -> Table:
    """One-column table: per field a shaded row with exactly its label, and under it a row of its own
    holding the field's control. `values` pre-fill fields by key (Jinja expressions allowed); `heights`
    (cm) override the room a field gets."""
    values = values or {}
    heights = heights or {}
    table = new_table(doc, 2 * len(fields), ANSWER_WIDTH)
    for index, field in enumerate(fields):
        label_row, answer_row = table.rows[2 * index], table.rows[2 * index + 1]
        label_cell, answer_cell = label_row.cells[0], answer_row.cells[0]
        shade(label_cell, LABEL_FILL)
        label_cell.paragraphs[0].style = "Field Label"
        label = cell_text(label_cell, field.label(lang), size=TABLE_SIZE)
        label.paragraph_format.keep_with_next = True  # never a label alone at the foot of a page
        min_height(answer_row, heights.get(field.key, TEXT_HEIGHT if field.kind == "text" else SHORT_HEIGHT))
        value = values.get(field.key, "")
        insert_xml(answer_cell.paragraphs[0], field_defs.static_control_xml(field, lang, ids.take(), value))
        written.append(field.key)
    return table


def row_controls(
    row, fields: list[field_defs.Field], lang: str, ids: BookmarkIds, written: list[str]
) -> None:
    """One control per cell, in the row's last cells."""
    cells = row.cells[len(row.cells) - len(fields) :]
    for cell, field in zip(cells, fields, strict=True):
        insert_xml(cell.paragraphs[0], field_defs.static_control_xml(field, lang, ids.take()))
        written.append(field.key)


def lock(table: Table, alias: str) -> None:
    """Wrap a table in a block-level content control whose content cannot be edited."""
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="{alias}"/>'
        '<w:tag w:val="appraisal.header"/><w:lock w:val="sdtContentLocked"/></w:sdtPr>'
        "<w:sdtContent/></w:sdt>"
    )
    table._tbl.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(table._tbl)


def form_document(kind: str, lang: str) -> Document:
    """An A4 form in the letter's style: page header with the form and the person, page numbers."""
    t = FORM_TEXT[lang]
    doc = new_document(lang, t["titles"][kind], landscape=False)
    _add_form_styles(doc)
    page_number_footer(doc, lang)
    write(doc.sections[0].header.paragraphs[0], t["page_header"][kind])
    para(doc, "{{ round.organisation }}", after=Pt(2), bold=True, size=Pt(10), color=MUTED)
    para(doc, t["headings"][kind], style="Heading 1", after=Pt(2))
    tag(doc, "{%p if round.title %}")
    para(doc, "{{ round.title }}", after=Pt(0), size=Pt(12), color=MUTED)
    tag(doc, "{%p endif %}")
    return doc


def goals_table(doc: Document, lang: str, heading: str) -> None:
    """The employee's goals and actions from the Goals sheet; a sentence when there are none."""
    t = FORM_TEXT[lang]
    para(doc, heading, style="Heading 2", before=Pt(14))
    tag(doc, "{%p if goals %}")
    kind, description, measure, due, status, progress = loop_table(
        doc, GOALS_WIDTHS, t["goal_columns"], "g", "goals"
    )
    cell_text(kind, "{{ g.type }}", size=TABLE_SIZE, bold=True)
    cell_text(description, "{{ g.description }}", size=TABLE_SIZE)
    write(description.paragraphs[0], "{% if g.comment %}")  # the earlier comment, when there is one
    line_break(description.paragraphs[0])
    cell_text(description, "{{ g.comment }}", size=SMALL_SIZE, color=MUTED)
    write(description.paragraphs[0], "{% endif %}")
    cell_text(measure, "{{ g.measure }}", size=TABLE_SIZE)
    cell_text(due, "{{ g.due }}", size=TABLE_SIZE)
    cell_text(status, "{{ g.status }}", size=TABLE_SIZE)
    cell_text(progress, "{{ g.progress }}", size=TABLE_SIZE)
    tag(doc, "{%p else %}")
    para(doc, t["no_goals"], color=MUTED)
    tag(doc, "{%p endif %}")


def build_preparation(kind: str, lang: str) -> Document:
    """A preparation form (employee's or manager's): the facts, the goals, then one field per question."""
    t = FORM_TEXT[lang]
    doc = form_document(kind, lang)
    para(doc, after=Pt(8))
    details_table(doc, list(t["details"]))
    intro = "employee_intro" if kind == "employee_preparation" else "manager_intro"
    para(doc, t[intro], before=Pt(10))
    goals_heading = "employee_goals_heading" if kind == "employee_preparation" else "goals_heading"
    goals_table(doc, lang, t[goals_heading])
    questions = (
        "employee_questions_heading" if kind == "employee_preparation" else "manager_questions_heading"
    )
    para(doc, t[questions], style="Heading 2", before=Pt(14))
    para(doc, t["fill_in"], keep_with_next=True, size=Pt(10), color=MUTED)
    written: list[str] = []
    answer_table(doc, field_defs.form_fields(kind), lang, BookmarkIds(), written)
    _check_keys(kind, written)
    return doc


def build_meeting_notes(lang: str) -> Document:
    """The form the interviewer fills in during or after the meeting (SPEC §5)."""
    t = FORM_TEXT[lang]
    doc = form_document("meeting_notes", lang)
    para(doc, after=Pt(8))
    lock(details_table(doc, list(t["header"])), str(t["header_alias"]))

    para(doc, t["guidance_heading"], style="Heading 2", before=Pt(14))
    for lead, body in t["guidance"]:
        item = para(doc, style="List Number")
        write(item, lead, bold=True)
        write(item, body)
    para(doc, t["fill_in"], before=Pt(6))
    para(doc, t["deadline"])

    by_key = {f.key: f for f in field_defs.form_fields("meeting_notes")}
    ids = BookmarkIds()
    written: list[str] = []

    para(doc, t["conversation_heading"], style="Heading 2", before=Pt(14))
    answer_table(
        doc,
        [by_key["held_on"], by_key["interviewer_name"]],
        lang,
        ids,
        written,
        values={"held_on": "{{ meeting.date_short }}", "interviewer_name": "{{ interviewer.name }}"},
        heights={"interviewer_name": SHORT_HEIGHT},
    )

    para(doc, t["review_heading"], style="Heading 2", before=Pt(14))
    tag(doc, "{%p if goals %}")
    para(doc, t["review_intro"], keep_with_next=True, size=Pt(10), color=MUTED)
    table = new_table(doc, 4, REVIEW_WIDTHS)
    header, loop_start, data, loop_end = table.rows
    header_row(header, [*t["review_columns"], *(c.label(lang) for c in field_defs.REVIEW_COLUMNS)])
    loop_rows(loop_start, loop_end, "g", "goals")
    min_height(data, ROW_HEIGHT)
    goal, status, new_status, comment = data.cells
    cell_text(goal, "{{ g.type }}", size=SMALL_SIZE, bold=True, color=MUTED)
    line_break(goal.paragraphs[0])
    cell_text(goal, "{{ g.description }}", size=TABLE_SIZE)
    cell_text(status, "{{ g.status }}", size=TABLE_SIZE)
    write(status.paragraphs[0], "{% if g.progress %}")
    line_break(status.paragraphs[0])
    cell_text(status, "{{ g.progress }}", size=TABLE_SIZE, color=MUTED)
    write(status.paragraphs[0], "{% endif %}")
    # The review fields' keys and bookmarks come from the row (documents.contexts.goal_table_rows). The expressions in
    # the attributes have no spaces: LibreOffice turns spaces in a bookmark name into `_` when it saves
    # a template, which would make `{{ g.x }}` the unknown variable `_g`.
    # Bookmark IDs must be numbers in the template (Word refuses anything else); the engine gives every
    # rendered bookmark a unique ID (render.engine.renumber_bookmarks).
    for offset, (cell, field) in enumerate(
        zip((new_status, comment), field_defs.REVIEW_COLUMNS, strict=True)
    ):
        insert_xml(
            cell.paragraphs[0],
            field_defs.control_xml(
                f"{{{{g.key_{field.key}}}}}",
                f"{{{{g.title_{field.key}}}}}",
                xml_escape(field.placeholder(lang)),
                f"{{{{g.bookmark_{field.key}}}}}",
                str(REVIEW_BOOKMARK_BASE + offset),
            ),
        )
    tag(doc, "{%p else %}")
    para(doc, t["no_goals"], color=MUTED)
    tag(doc, "{%p endif %}")

    para(doc, t["talk_heading"], style="Heading 2", before=Pt(14))
    answer_table(
        doc,
        [by_key[key] for key in ("employee_view", "strengths", "improvements", "development")],
        lang,
        ids,
        written,
    )
    para(doc, t["wellbeing_heading"], style="Heading 2", before=Pt(14))
    answer_table(doc, [by_key[key] for key in ("wellbeing", "cooperation", "career")], lang, ids, written)
    para(doc, t["score_intro"], before=Pt(8), keep_with_next=True, size=Pt(10), color=MUTED)
    answer_table(
        doc,
        [by_key["wellbeing_score"], by_key["wellbeing_consent"]],
        lang,
        ids,
        written,
        heights={"wellbeing_score": SHORT_HEIGHT, "wellbeing_consent": SHORT_HEIGHT},
    )

    for prefix, columns, widths in (
        ("goal", field_defs.GOAL_COLUMNS, NEW_GOAL_WIDTHS),
        ("action", field_defs.ACTION_COLUMNS, NEW_ACTION_WIDTHS),
    ):
        para(doc, t[f"new_{prefix}s_heading"], style="Heading 2", before=Pt(14))
        para(doc, t[f"new_{prefix}s_intro"], keep_with_next=True, size=Pt(10), color=MUTED)
        table = new_table(doc, 1 + field_defs.NEW_ROWS, widths)
        header_row(table.rows[0], ["", *(c.label(lang) for c in columns)])
        for n, row in enumerate(table.rows[1:], start=1):
            min_height(row, ROW_HEIGHT)
            cell_text(row.cells[0], f"{n}", size=TABLE_SIZE, color=MUTED)
            row_controls(row, [by_key[f"{prefix}.{n}.{c.key}"] for c in columns], lang, ids, written)

    para(doc, t["summary_heading"], style="Heading 2", before=Pt(14))
    answer_table(doc, [by_key["summary"], by_key["follow_up_date"]], lang, ids, written)
    _check_keys("meeting_notes", written)
    return doc


def build_minutes(lang: str) -> Document:
    """The minutes made from a collected meeting-notes form (step 4), with the approval block the employee
    fills in and returns (`collect.APPROVAL_FIELDS`, read back like a form's fields)."""
    t = MINUTES_TEXT[lang]
    doc = form_document("minutes", lang)
    para(doc, after=Pt(8))
    details_table(doc, list(t["details"]))
    para(doc, str(t["intro"]), before=Pt(10), size=Pt(10), color=MUTED)

    para(doc, str(t["talk_heading"]), style="Heading 2", before=Pt(14))
    for key, label in t["sections"]:
        para(doc, label, style="Field Label", before=Pt(6), after=Pt(2), keep_with_next=True)
        tag(doc, f"{{%p if {key} %}}")
        para(doc, f"{{{{ {key} }}}}")
        tag(doc, "{%p else %}")
        para(doc, str(t["not_noted"]), color=MUTED)
        tag(doc, "{%p endif %}")
    tag(doc, "{%p if wellbeing_score %}")
    score = para(doc, before=Pt(6))
    write(score, str(t["score"]), bold=True)
    write(score, "{{ wellbeing_score }}" + str(t["score_consent"]))
    tag(doc, "{%p endif %}")

    para(doc, str(t["review_heading"]), style="Heading 2", before=Pt(14))
    tag(doc, "{%p if not reviews %}")
    para(doc, str(t["no_reviews"]), color=MUTED)
    tag(doc, "{%p else %}")
    goal, status, comment = loop_table(doc, MINUTES_REVIEW_WIDTHS, t["review_columns"], "r", "reviews")
    cell_text(goal, "{{ r.type }}", size=SMALL_SIZE, bold=True, color=MUTED)
    line_break(goal.paragraphs[0])
    cell_text(goal, "{{ r.description }}", size=TABLE_SIZE)
    cell_text(
        status,
        "{{ r.old_status }}{% if r.old_status and r.status %} → {% endif %}{{ r.status }}",
        size=TABLE_SIZE,
    )
    cell_text(comment, "{{ r.comment }}", size=TABLE_SIZE)
    tag(doc, "{%p endif %}")

    for items, widths, third in (
        ("new_goals", MINUTES_GOAL_WIDTHS, "measure"),
        ("new_actions", MINUTES_ACTION_WIDTHS, "responsible"),
    ):
        para(doc, str(t[f"{items}_heading"]), style="Heading 2", before=Pt(14))
        tag(doc, f"{{%p if not {items} %}}")
        para(doc, str(t[f"no_{items}"]), color=MUTED)
        tag(doc, "{%p else %}")
        table = new_table(doc, 4, widths)
        header, loop_start, data, loop_end = table.rows
        header_row(header, t[f"{items}_columns"])
        loop_rows(loop_start, loop_end, "i", items)
        for cell, value, fmt in zip(
            data.cells,
            ("{{ i.id }}", "{{ i.description }}", f"{{{{ i.{third} }}}}", "{{ i.due }}"),
            (
                {"size": SMALL_SIZE, "color": MUTED},
                {"size": TABLE_SIZE},
                {"size": TABLE_SIZE},
                {"size": TABLE_SIZE},
            ),
            strict=True,
        ):
            cell_text(cell, value, **fmt)
        tag(doc, "{%p endif %}")

    para(doc, str(t["summary_heading"]), style="Heading 2", before=Pt(14))
    para(doc, "{{ summary }}")
    tag(doc, "{%p if follow_up_date or round.follow_up_date %}")
    follow_up = para(doc, before=Pt(6))
    write(follow_up, str(t["follow_up"]), bold=True)
    write(follow_up, "{{ follow_up_date or round.follow_up_date }}")
    tag(doc, "{%p endif %}")

    para(doc, str(t["approval_heading"]), style="Heading 2", before=Pt(18))
    para(doc, str(t["approval"]), keep_with_next=True)
    # The same layout as the forms' fields (label row, then the control alone in the cell under it), so
    # returned minutes are read like a form; bookmark IDs as `collect.minutes_context` lists them.
    ids = BookmarkIds()
    ids.next = APPROVAL_BOOKMARK_BASE
    written: list[str] = []
    answer_table(
        doc,
        list(APPROVAL_FIELDS),
        lang,
        ids,
        written,
        heights={"approval.approved": SHORT_HEIGHT, "approval.comment": ROW_HEIGHT * 2},
    )
    if written != [f.key for f in APPROVAL_FIELDS]:
        raise SystemExit(f"minutes: the approval fields {written} differ from pipeline.collect.approvals")
    return doc


def build_plan(lang: str) -> Document:
    """Each employee's own plan (step 5): their goals and actions as they stand in the follow-up, what
    is overdue, and what changed since the previous version."""
    t = PLAN_TEXT[lang]
    doc = new_document(lang, str(t["title"]), landscape=False)
    page_number_footer(doc, lang)
    write(doc.sections[0].header.paragraphs[0], str(t["page_header"]))
    para(doc, "{{ round.organisation }}", after=Pt(2), bold=True, size=Pt(10), color=MUTED)
    para(doc, str(t["heading"]), style="Heading 1", after=Pt(2))
    tag(doc, "{%p if round.title %}")
    para(doc, "{{ round.title }}", after=Pt(0), size=Pt(12), color=MUTED)
    tag(doc, "{%p endif %}")
    para(doc, "{{ employee.name }}", before=Pt(8), after=Pt(0), bold=True)
    para(doc, str(t["as_of"]), after=Pt(8), size=Pt(10), color=MUTED)
    para(doc, str(t["intro"]))
    tag(doc, "{%p if changed %}")
    para(doc, str(t["changed"]), size=Pt(10), color=MUTED)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if items %}")
    goal, detail, due, status, comment, change = loop_table(doc, PLAN_WIDTHS, t["columns"], "i", "items")
    cell_text(goal, "{{ i.type }}", size=SMALL_SIZE, bold=True, color=MUTED)
    line_break(goal.paragraphs[0])
    cell_text(goal, "{{ i.description }}", size=TABLE_SIZE)
    cell_text(detail, "{{ i.detail }}", size=TABLE_SIZE)
    cell_text(due, "{{ i.due }}", size=TABLE_SIZE)
    write(due.paragraphs[0], "{% if i.overdue %}")
    line_break(due.paragraphs[0])
    cell_text(due, "{{ i.overdue }}", size=TABLE_SIZE, bold=True, color=OVERDUE_COLOR)
    write(due.paragraphs[0], "{% endif %}")
    cell_text(status, "{{ i.status }}", size=TABLE_SIZE)
    cell_text(comment, "{{ i.comment }}", size=TABLE_SIZE)
    cell_text(change, "{{ i.change }}", size=TABLE_SIZE, bold=True, color=ACCENT)
    tag(doc, "{%p else %}")
    para(doc, str(t["none"]), color=MUTED)
    tag(doc, "{%p endif %}")
    return doc


def _check_keys(kind: str, written: list[str]) -> None:
    """Every fixed field of the form once, in the order pipeline.forms lists them (review rows aside)."""
    expected = [f.key for f in field_defs.form_fields(kind)]
    if written != expected:
        raise SystemExit(f"{kind}: the template's fields {written} differ from pipeline.forms {expected}")


def build_employee_preparation(lang: str) -> Document:
    """The employee's own preparation form (step 2)."""
    return build_preparation("employee_preparation", lang)


def build_manager_preparation(lang: str) -> Document:
    """The interviewer's preparation form for one employee (step 2)."""
    return build_preparation("manager_preparation", lang)


# --- saving ---------------------------------------------------------------------------------------

THUMBNAIL_REL = re.compile(rb"<Relationship [^>]*Target=\"docProps/thumbnail\.jpeg\"[^>]*/>")
# python-docx's default template carries a stale stylesWithEffects.xml (Word 2010's copy of the styles,
# en-US and theme fonts) that contradicts our styles.xml: Word would offer to repair the file.
EFFECTS_REL = re.compile(rb"<Relationship [^>]*Target=\"stylesWithEffects\.xml\"[^>]*/>")
EFFECTS_TYPE = re.compile(rb"<Override [^>]*PartName=\"/word/stylesWithEffects\.xml\"[^>]*/>")


def save_reproducibly(doc: Document, path: Path) -> None:
    """Save `doc` to `path` with fixed zip timestamps, without the preview thumbnail and without the
    stale stylesWithEffects.xml."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"):
                continue
            data = source.read(info.filename)
            if info.filename == "_rels/.rels":
                data = THUMBNAIL_REL.sub(b"", data)
            elif info.filename == "word/_rels/document.xml.rels":
                data = EFFECTS_REL.sub(b"", data)
            elif info.filename == "[Content_Types].xml":
                data = EFFECTS_TYPE.sub(b"", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)


BUILDERS = {
    "invitation.docx": build_invitation,
    "overview.docx": build_overview,
    "employee_preparation.docx": build_employee_preparation,
    "manager_preparation.docx": build_manager_preparation,
    "meeting_notes.docx": build_meeting_notes,
    "minutes.docx": build_minutes,
    "plan.docx": build_plan,
}


def main() -> int:
    """Write every default template in every language and list what was written."""
    for lang in TEXT:
        for name, build in BUILDERS.items():
            path = TARGET / lang / name
            save_reproducibly(build(lang), path)
            print(f"Wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
