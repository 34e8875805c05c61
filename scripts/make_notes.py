"""Regenerate input/notes/: filled-in meeting-notes forms for the sample round, as managers return them.

Maintainer's script (`python scripts/make_notes.py`): it replaces input/notes/. It generates the
meeting-notes forms of the sample round (input/round.xlsx) with the default templates into a temporary
folder (`prepare.render_forms`), types answers into five of them (`formfill.fill_form`) and saves them
under the names and in the folders managers use, so that `make demo` shows step 4 (`appraisal collect`):

* Øyvind Lie: complete, a goal and two actions, the well-being sections and a consented score; the
  meeting was moved (date held corrected);
* Erlend Bråten (in a manager's sub-folder): both earlier goals reviewed (`Pågår (ca. 60 %)`,
  `ferdig ✓`), three goals and three actions with due dates written in different ways (`1.3.27`,
  `Q3 2027`, `18.2`), a well-being score given without the consent to use it;
* Emily Clarke (same sub-folder): in English, statuses in English;
* Tone Bakken: not finished, the summary is empty, so it is reported as incomplete;
* Kjetil Strøm: complete, but one goal's due date is "snart", which is reported while the form is
  accepted.

Answers are written as a person would type them: Norwegian dates and statuses in several forms, line
breaks inside an answer. Running it again gives the same files.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test support package

from support.formfill import fill_form  # noqa: E402

from pipeline.documents.prepare import render_forms
from pipeline.render.templates import TemplateSet
from pipeline.round.reader import read_round
from pipeline.store import layout  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "input" / "round.xlsx"
NOTES = ROOT / "input" / "notes"

# employee ID -> (file under input/notes/, answers by field key)
FILLED: dict[str, tuple[str, dict[str, str]]] = {
    "1005": (
        "Referat Øyvind.docx",
        {
            "held_on": "21. januar 2027",
            "review.2026-H1-1005-G1.status": "Fullført",
            "review.2026-H1-1005-G1.comment": (
                "Modellen ble brukt i budsjettet for 2027. Avdelingslederne er godt fornøyd."
            ),
            "employee_view": (
                "Øyvind trives og opplever at han har fått mer ansvar det siste året. Han vil gjerne jobbe "
                "mer med analyse og mindre med manuell rapportering."
            ),
            "strengths": (
                "Grundig og strukturert: budsjettmodellen ble levert i tide og er godt dokumentert.\n"
                "Flink til å forklare tall for kolleger uten økonomibakgrunn."
            ),
            "improvements": (
                "Kan delegere mer av rutinearbeidet til regnskap, og si fra tidligere når fristene blir "
                "for stramme."
            ),
            "development": "Kurs i Power BI i vår. Være med i prosjektet for nytt økonomisystem.",
            "wellbeing": "Trives godt. Travelt rundt årsoppgjøret, ellers en grei arbeidsmengde.",
            "cooperation": "Ønsker kortere vei til beslutninger; ellers godt samarbeid.",
            "career": "Vil på sikt bli controller.",
            "wellbeing_score": "4",
            "wellbeing_consent": "ja",
            "goal.1.text": "Automatisere den månedlige resultatrapporten",
            "goal.1.measure": "Rapporten lages i Power BI uten manuelle steg",
            "goal.1.due": "30.06.2027",
            "action.1.text": "Kurs i Power BI",
            "action.1.owner": "Øyvind Lie",
            "action.1.due": "1.3.27",
            "action.2.text": "Faste avstemmingsmøter med regnskap hver måned",
            "action.2.owner": "Bjørn Kristiansen",
            "action.2.due": "15. februar 2027",
            "summary": (
                "En god samtale. Øyvind har levert godt på budsjettmodellen, og vi er enige om å satse på "
                "automatisering og analyse i 2027."
            ),
            "follow_up_date": "15.06.2027",
        },
    ),
    "1009": (
        "fra Siri/samtale_erlend_final(2).docx",
        {
            "review.2026-H1-1009-G1.status": "Pågår (ca. 60 %)",
            "review.2026-H1-1009-G1.comment": (
                "Opp 6 % så langt; to store kunder har utsatt innkjøp til våren."
            ),
            "review.2026-H1-1009-G2.status": "ferdig ✓",
            "review.2026-H1-1009-G2.comment": "Alle ti nøkkelkundene besøkt innen september.",
            "employee_view": (
                "Erlend er fornøyd med kundeporteføljen, men synes det har vært mye reising. Han ønsker mer "
                "hjelp fra markedsavdelingen med tilbudene."
            ),
            "strengths": (
                "Sterke kunderelasjoner og god oversikt over hva kundene trenger.\n"
                "Tar ansvar og følger opp det som er avtalt."
            ),
            "improvements": (
                "Kundemøter blir ofte registrert sent i CRM; det gjør det vanskelig for andre å hjelpe til."
            ),
            "development": "Forhandlingskurs. Mentor for Sindre Økland første halvår.",
            "wellbeing": "Mye reising i høst; vi ser på fordelingen av kundebesøk.",
            "cooperation": "Vil gjerne ha raskere svar på rabattsaker.",
            "career": "Interessert i å lede et lite salgsteam om et par år.",
            "wellbeing_score": "3",
            "goal.1.text": "Nå 8 % økning hos de ti største kundene",
            "goal.1.measure": "Omsetning per kunde i kvartalsrapporten",
            "goal.1.due": "31.12.2027",
            "goal.2.text": "Alle kundemøter registrert i CRM innen en uke",
            "goal.2.measure": "Stikkprøver hver måned",
            "goal.2.due": "1.3.27",
            "goal.3.text": "Vinne to nye nøkkelkunder på Vestlandet",
            "goal.3.measure": "Signerte rammeavtaler",
            "goal.3.due": "Q3 2027",
            "action.1.text": "Forhandlingskurs (to dager)",
            "action.1.owner": "Erlend Bråten",
            "action.1.due": "15. mars 2027",
            "action.2.text": "Månedlig mentormøte med Sindre",
            "action.2.owner": "Erlend",
            "action.2.due": "30.06.2027",
            "action.3.text": "Avklare hjelp fra markedsavdelingen med tilbud",
            "action.3.owner": "Siri Sæther",
            "action.3.due": "18.2",
            "summary": (
                "Erlend leverer godt og har gode relasjoner til kundene. Vi holder fast ved omsetningsmålet "
                "og legger til et mål om bedre bruk av CRM.\nNeste oppfølging i juni."
            ),
            "follow_up_date": "15. juni",
        },
    ),
    "1012": (
        "fra Siri/Emily Clarke - appraisal notes.docx",
        {
            "review.2026-H1-1012-G1.status": "in progress",
            "review.2026-H1-1012-G1.comment": (
                "Passed the A2 test in November; the B1 course starts in February."
            ),
            "review.2026-H1-1012-G2.status": "Done",
            "review.2026-H1-1012-G2.comment": "Followers up from 900 to 2,400; a post every week since August.",
            "employee_view": (
                "Emily enjoys the work and the team. She would like more say in the campaign planning and "
                "more time for Norwegian during working hours."
            ),
            "strengths": "Creative and quick. The LinkedIn work has made a visible difference.",
            "improvements": "Plan campaigns further ahead together with sales, so that they can follow up leads.",
            "development": "Norwegian to level B1. A course in marketing analytics in the autumn.",
            "goal.1.text": "Publish a series of customer cases on the website",
            "goal.1.measure": "Six cases published",
            "goal.1.due": "30/06/2027",
            "action.1.text": "Norwegian course, level B1",
            "action.1.owner": "Emily Clarke",
            "action.1.due": "31 May 2027",
            "action.2.text": "Shared content calendar with sales",
            "action.2.owner": "Siri Sæther",
            "action.2.due": "2027-03-01",
            "summary": (
                "A good conversation. Emily keeps the LinkedIn work going and starts the customer cases; "
                "Norwegian lessons continue in working hours."
            ),
            "follow_up_date": "15/06/2027",
        },
    ),
    "1004": (
        "samtaleskjema Tone - ikke ferdig.docx",
        {
            "review.2026-H1-1004-G1.status": "pågår",
            "review.2026-H1-1004-G1.comment": "Nede i 6 dager. Mangler automatisk bankavstemming.",
            "review.2026-H1-1004-G2.status": "fullført",
            "employee_view": "Tone har hatt mye å gjøre i høst, men trives med oppgavene.",
            "strengths": "Nøyaktig og pålitelig.",
            "goal.1.text": "Månedsavslutning på 5 arbeidsdager",
            "goal.1.measure": "Gjennomsnitt over tre måneder",
            "goal.1.due": "30.09.2027",
        },
    ),
    "1018": (
        "Per Arne/kjetil_strøm_medarbeidersamtale.docx",
        {
            "review.2026-H1-1018-G1.status": "Ferdig",
            "review.2026-H1-1018-G1.comment": "Bestått i mars.",
            "review.2026-H1-1018-G2.status": "ikke påbegynt",
            "review.2026-H1-1018-G2.comment": "Utsatt til den nye høvelen er på plass.",
            "employee_view": "Kjetil trives, men ønsker mer opplæring på den nye høvelen.",
            "strengths": "Sikker og effektiv på truck. Godt likt i skiftlaget.",
            "improvements": "Melde avvik i systemet, ikke bare muntlig.",
            "development": "Opplæring på ny høvel. Kanskje fagbrev som trevaretekniker på sikt.",
            "goal.1.text": "Omstillingstid på høvelen ned 20 %",
            "goal.1.measure": "Målt i produksjonssystemet",
            "goal.1.due": "31.10.2027",
            "goal.2.text": "Ta fagbrev som trevaretekniker",
            "goal.2.measure": "Bestått fagprøve",
            "goal.2.due": "snart",
            "action.1.text": "Opplæring hos leverandøren av høvelen",
            "action.1.owner": "Per Arne Løken",
            "action.1.due": "1.4.27",
            "summary": "Bra år. Kjetil tar ansvar og vil utvikle seg videre; vi planlegger fagbrev.",
            "follow_up_date": "15.06.2027",
        },
    ),
}


def main() -> int:
    """Make the filled-in forms and say which were written."""
    round_, report = read_round(WORKBOOK)
    if report.errors:
        print(f"{WORKBOOK} has errors; run `appraisal validate` first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp)
        result = render_forms(
            round_, output, TemplateSet(None, round_.settings.language), only=set(FILLED), workers=1
        )
        root = layout.round_folder(output, round_.settings.round_id)
        generated = {o.employee_id: root / o.path for o in result.outcomes if o.kind == "meeting_notes"}
        missing = sorted(set(FILLED) - set(generated))
        if missing:
            print(f"no meeting-notes form was made for {', '.join(missing)}", file=sys.stderr)
            return 1
        if NOTES.exists():
            shutil.rmtree(NOTES)
        for employee_id, (name, answers) in FILLED.items():
            target = NOTES / name
            fill_form(generated[employee_id], target, answers)
            print(f"Wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
