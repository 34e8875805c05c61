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

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "pipeline" / "default_templates"

FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito
BODY_SIZE = Pt(11)
SMALL_SIZE = Pt(9)
ACCENT = RGBColor(0x1F, 0x38, 0x64)  # dark blue for letterhead and headings
MUTED = RGBColor(0x59, 0x59, 0x59)  # grey for secondary lines
TAG_COLOR = RGBColor(0x8C, 0x8C, 0x8C)  # grey for paragraphs that hold only a template tag
BORDER_COLOR = "BFBFBF"
HEADER_FILL = "DCE3EE"
LABEL_FILL = "F2F4F8"
MARGIN = Cm(2.5)  # left and right
MARGIN_VERTICAL = Cm(2.0)  # top and bottom: lets a typical letter fit on one page
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # core properties: reproducible, not personal
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

LANG_TAG = {"nb": "nb-NO", "en": "en-GB"}

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
        "columns": ["Dato", "Tid", "Medarbeider", "Stilling og avdeling", "Sted", "Merknad"],
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
        "columns": ["Date", "Time", "Employee", "Job title and department", "Place", "Note"],
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
OVERVIEW_WIDTHS = (3.0, 2.4, 4.6, 5.0, 3.7, 6.0)
DETAILS_WIDTHS = (4.5, 11.5)  # portrait text width: 21.0 - 2 * 2.5


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

    date, time, employee, job, place, note = data.cells
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
    cell_text(note, "{{ m.note }}")

    para(doc, str(t["checklist_heading"]), style="Heading 2", before=Pt(18))
    for lead, body in t["checklist"]:
        item = para(doc, style="List Number")
        write(item, lead, bold=True)
        write(item, body)
    return doc


# --- saving ---------------------------------------------------------------------------------------

THUMBNAIL_REL = re.compile(rb"<Relationship [^>]*Target=\"docProps/thumbnail\.jpeg\"[^>]*/>")


def save_reproducibly(doc: Document, path: Path) -> None:
    """Save `doc` to `path` with fixed zip timestamps and without the preview thumbnail."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            data = source.read(info.filename)
            if info.filename == "_rels/.rels":
                data = THUMBNAIL_REL.sub(b"", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)


BUILDERS = {"invitation.docx": build_invitation, "overview.docx": build_overview}


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
