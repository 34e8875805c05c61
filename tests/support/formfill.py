"""Filling a generated form's fields programmatically, as a person typing in Word would.

Used to make the demo's returned forms (`scripts/make_notes.py`) and by tests. Each answer replaces the
control's placeholder run with the typed text (line breaks as `w:br`), and the placeholder flag goes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from pipeline.forms.fields import NS, W
from pipeline.forms.intake import safe_parser


def _runs_for(text: str) -> list[etree._Element]:
    runs = []
    for index, line in enumerate(text.split("\n")):
        run = etree.Element(f"{{{W}}}r")
        if index:
            etree.SubElement(run, f"{{{W}}}br")
        t = etree.SubElement(run, f"{{{W}}}t")
        t.text = line
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        runs.append(run)
    return runs


def fill_document_xml(document_xml: bytes, answers: Mapping[str, str]) -> bytes:
    """word/document.xml with the given answers typed into the controls tagged with their keys."""
    root = etree.fromstring(document_xml, safe_parser())
    for sdt in root.iter(f"{{{W}}}sdt"):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        key = tag.get(f"{{{W}}}val") if tag is not None else None
        if key not in answers:
            continue
        properties = sdt.find("w:sdtPr", NS)
        flag = properties.find("w:showingPlcHdr", NS)
        if flag is not None:
            properties.remove(flag)
        content = sdt.find("w:sdtContent", NS)
        for child in list(content):
            content.remove(child)
        for run in _runs_for(answers[key]):
            content.append(run)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def fill_form(source: Path, destination: Path, answers: Mapping[str, str]) -> None:
    """Copy a .docx form with answers typed into its fields."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as filled:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = fill_document_xml(data, answers)
            filled.writestr(item, data)
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(buffer.getvalue())
