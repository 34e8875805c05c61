"""Pruning a template's package to what its documents use, when the template is loaded.

Word and python-docx put every built-in style into `word/styles.xml` (350 KB in python-docx's default
template, 13 KB of it `w:latentStyles`), and a template HR re-saves in Word gets them all back. Every
document made from the template would carry them, and every returned form would be unpacked and read
with them. At load, therefore:

* `styles.xml` keeps its document defaults and only the styles some part refers to (`w:pStyle`,
  `w:rStyle`, `w:tblStyle`, numbering's style links, settings' default styles), each type's default
  style, and whatever those are based on, linked to or followed by (`w:basedOn`, `w:link`, `w:next`).
  The latent styles (Word's list of built-in styles it has not written out) go: Word and LibreOffice
  know their built-in styles without them, and a person who applies one in Word gets it as before.
* `numbering.xml` keeps only the lists some part uses, and Word's revision IDs (`w:rsid`) go from
  every part.

(The parts that serve nothing at all, such as webSettings.xml, the engine drops with the comments.)

A style referred to in a way pruning cannot see (a name computed by a Jinja expression) keeps every
style: pruning then leaves `styles.xml` as it is. Nothing the reader sees changes; the tests compare
LibreOffice's pictures of every template's document with and without pruning.

lxml (a dependency of python-docx) parses and writes the styles; a regular expression would not keep
a style's nesting straight.
"""

from __future__ import annotations

import re

from lxml import etree

from pipeline.forms.intake import safe_parser

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REFERENCE = re.compile(
    r"<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink|clickAndTypeStyle|defaultTableStyle)\b"
    r'[^>]*?\bw:val="([^"]*)"'
)
_STYLE_LINKS = (f"{{{W}}}basedOn", f"{{{W}}}link", f"{{{W}}}next")
_NUM_ID = re.compile(r'<w:numId\b[^>]*?\bw:val="([^"]*)"')
_RSID = re.compile(r' w:rsid\w*="[^"]*"')
_RSIDS = re.compile(r"<w:rsids>.*?</w:rsids>", re.S)


def prune_package(contents: dict[str, bytes]) -> None:
    """Prune styles.xml and numbering.xml in `contents` (name -> bytes) to what the other parts use.

    A style or list is kept when the document, a header, footer or note, or the settings refer to it,
    or a kept style or list does (a style's list, a list's paragraph style, basedOn, link, next). Each
    type's default style is kept. Nothing is pruned when a reference is computed by a Jinja expression
    or a part cannot be parsed."""
    styles_xml, numbering_xml = contents.get("word/styles.xml"), contents.get("word/numbering.xml")
    if styles_xml is None:
        return
    others = [
        data.decode("utf-8", "replace")
        for name, data in contents.items()
        if name.endswith(".xml") and name not in ("word/styles.xml", "word/numbering.xml")
    ]
    style_refs = {value for text in others for value in _REFERENCE.findall(text)}
    num_refs = {value for text in others for value in _NUM_ID.findall(text)}
    if any("{" in value or "%" in value for value in style_refs | num_refs):
        return
    try:
        styles = etree.fromstring(styles_xml, safe_parser())
        numbering = etree.fromstring(numbering_xml, safe_parser()) if numbering_xml is not None else None
    except etree.XMLSyntaxError:
        return  # the document will say what is wrong with it; pruning does not
    by_style = {style.get(f"{{{W}}}styleId"): style for style in styles.iter(f"{{{W}}}style")}
    by_style = {sid: style for sid, style in by_style.items() if sid is not None}
    lists = _lists(numbering)
    style_refs |= {sid for sid, style in by_style.items() if style.get(f"{{{W}}}default") in ("1", "true")}
    kept = _closure(
        {"style": by_style, **lists}, [("style", s) for s in style_refs] + [("num", n) for n in num_refs]
    )
    for sid, style in by_style.items():
        if ("style", sid) not in kept:
            style.getparent().remove(style)
            continue
        for rsid in style.findall(f"{{{W}}}rsid"):  # Word's revision ID of the style (strip_revision_ids)
            style.remove(rsid)
    for latent in styles.findall(f"{{{W}}}latentStyles"):
        styles.remove(latent)
    contents["word/styles.xml"] = _xml(styles)
    if numbering is not None:
        for kind in ("num", "abstract"):
            for key, element in lists[kind].items():
                if (kind, key) not in kept:
                    numbering.remove(element)
        contents["word/numbering.xml"] = _xml(numbering)


def _lists(numbering: etree._Element | None) -> dict[str, dict[str, etree._Element]]:
    """numbering.xml's lists ("num", by numId) and abstract definitions ("abstract", by abstractNumId)."""
    if numbering is None:
        return {"num": {}, "abstract": {}}
    return {
        "num": {n.get(f"{{{W}}}numId"): n for n in numbering.findall(f"{{{W}}}num")},
        "abstract": {a.get(f"{{{W}}}abstractNumId"): a for a in numbering.findall(f"{{{W}}}abstractNum")},
    }


def _closure(
    elements: dict[str, dict[str, etree._Element]], pending: list[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Every (kind, id) of style, list and abstract list reachable from `pending`: a style's basedOn,
    link and next, and any style or list an element refers to; a list's abstract definition."""
    kept: set[tuple[str, str]] = set()
    while pending:
        item = pending.pop()
        element = elements[item[0]].get(item[1])
        if item in kept or element is None:
            continue
        kept.add(item)
        if item[0] == "style":
            pending += [("style", link.get(f"{{{W}}}val")) for link in element.iterchildren(*_STYLE_LINKS)]
        text = etree.tostring(element, encoding="unicode")
        pending += [("style", value) for value in _REFERENCE.findall(text)]
        pending += [("num", value) for value in _NUM_ID.findall(text)]
        abstract = element.find(f"{{{W}}}abstractNumId")
        if abstract is not None:
            pending.append(("abstract", abstract.get(f"{{{W}}}val")))
    return kept


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def strip_revision_ids(xml: str) -> str:
    """Word's revision-save IDs (`w:rsid...` on every paragraph and run, `w:rsids` in the settings):
    they only serve Word's compare and merge of two versions of one file, and a Word-saved template
    has thousands."""
    return _RSIDS.sub("", _RSID.sub("", xml)) if "rsid" in xml else xml
