"""A meeting-notes form that lost what says whose it is.

A form carries its identity (round, employee, kind) in its document properties (SPEC §4). Opened in
Google Docs or Pages and saved back as .docx, or its text copied into a new document, it loses them,
and its fields' controls too; the text stays. Such a file is not collected (whose answers they are is
not guessed), but HR is told it is a form, and whose it seems to be, instead of "not a form".
"""

from __future__ import annotations

from lxml import etree

from pipeline.forms.fields import LANGS, NOTES_CONVERSATION, W
from pipeline.forms.intake import WordFile, safe_parser
from pipeline.model import Round

LABELS_NEEDED = 3  # of the conversation's labels (Strengths, Areas to improve, ...), in any language
_T = f"{{{W}}}t"


def lost_identity(word: WordFile, round_: Round) -> str | None:
    """What to tell HR about a Word file without a form's identity whose text is a meeting-notes
    form's (its labels), and whose it seems to be (one of the round's people, named in it with their
    ID as the form's header writes it); None when it does not look like one."""
    try:
        root = etree.fromstring(word.document_xml, safe_parser())
    except etree.XMLSyntaxError:
        return None
    text = "".join(node.text or "" for node in root.iter(_T))  # runs split mid-word join up
    labels = {field.label(lang) for field in NOTES_CONVERSATION for lang in LANGS}
    if sum(1 for label in labels if label in text) < LABELS_NEEDED:
        return None
    named = [e for e in round_.employees if e.id and e.name and f" {e.id})" in text and e.name in text]
    whose = f" for {named[0].name} ({named[0].id})" if len(named) == 1 else ""
    return (
        f"this looks like the meeting-notes form{whose}, but it has lost what says whose form it is (its "
        "document properties), as a form does when it is opened in Google Docs or Pages, or its text is "
        "copied into a new document; copy the answers into the form from the manager's folder, in Word "
        "or LibreOffice, and collect that"
    )
