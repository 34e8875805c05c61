"""Filling generated forms the way Word (and people) save them, for the tests of `collect`.

`formfill.fill_form` types an answer as one clean run. Word does not: what it saves for one answer is
several runs (revision IDs, spell-check marks between them), line breaks as `w:br`, sometimes several
paragraphs, tracked changes, fields. These helpers edit a form's word/document.xml into those shapes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from support.helpers import CUSTOM, VT, W

NS = {"w": W}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
CHANGE = {"author": "Siri Sæther", "date": "2027-01-20T10:00:00Z"}


def w(tag: str, **attributes: str) -> etree._Element:
    """A WordprocessingML element with w:-namespaced attributes."""
    return etree.Element(f"{{{W}}}{tag}", {f"{{{W}}}{k}": v for k, v in attributes.items()})


def text_run(text: str | None = None, *, rsid: str = "00C41F2A", br: bool = False, tag: str = "t"):
    """A run as Word writes it: revision ID, language, then a break and/or text."""
    run = w("r", rsidR=rsid)
    properties = etree.SubElement(run, f"{{{W}}}rPr")
    etree.SubElement(properties, f"{{{W}}}lang", {f"{{{W}}}val": "nb-NO"})
    if br:
        run.append(w("br"))
    if text is not None:
        element = etree.SubElement(run, f"{{{W}}}{tag}")
        element.text = text
        element.set(XML_SPACE, "preserve")
    return run


def word_runs(text: str) -> list[etree._Element]:
    """One answer as Word saves it after some typing and correcting: each line cut into three runs (in
    the middle of words, with different revision IDs), spell-check marks around the middle one, a line
    break as a run holding only `w:br`."""
    elements: list[etree._Element] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            elements.append(text_run(br=True))
        third = max(1, len(line) // 3)
        pieces = [line[:third], line[third : 2 * third], line[2 * third :]]
        for index, piece in enumerate(pieces):
            if not piece:
                continue
            if index == 1:
                elements.append(w("proofErr", type="spellStart"))
            elements.append(text_run(piece, rsid=f"00{index}D7E1{number}"))
            if index == 1:
                elements.append(w("proofErr", type="spellEnd"))
    return elements


def control(root: etree._Element, key: str) -> etree._Element:
    """The content control tagged `key`."""
    for sdt in root.iter(f"{{{W}}}sdt"):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        if tag is not None and tag.get(f"{{{W}}}val") == key:
            return sdt
    raise KeyError(key)


def _start_typing(sdt: etree._Element) -> etree._Element:
    """What Word does on the first keystroke in a field: the placeholder flag and text go."""
    flag = sdt.find("w:sdtPr/w:showingPlcHdr", NS)
    if flag is not None:
        flag.getparent().remove(flag)
    content = sdt.find("w:sdtContent", NS)
    for child in list(content):
        content.remove(child)
    return content


def type_split(root: etree._Element, key: str, text: str) -> None:
    """Type `text` into the field, saved as Word splits it (see `word_runs`)."""
    _start_typing(control(root, key)).extend(word_runs(text))


def type_with_changes(
    root: etree._Element, key: str, before: str, deleted: str, inserted: str, after: str
) -> None:
    """An answer edited with Track Changes on: `deleted` struck out (`w:del`/`w:delText`), `inserted` in
    a `w:ins`. It reads `before + inserted + after`."""
    content = _start_typing(control(root, key))
    content.extend(word_runs(before))
    removal = w("del", id="901", **CHANGE)
    removal.append(text_run(deleted, tag="delText"))
    content.append(removal)
    insertion = w("ins", id="902", **CHANGE)
    insertion.extend(word_runs(inserted))
    content.append(insertion)
    content.extend(word_runs(after))


def type_with_field(
    root: etree._Element, key: str, before: str, instruction: str, result: str, after: str
) -> None:
    """An answer holding a field (a link Word made, say): `begin`, the instruction, `separate`, the
    result as shown, `end`. It reads `before + result + after`."""
    content = _start_typing(control(root, key))
    content.extend(word_runs(before))
    begin = text_run()
    begin.append(w("fldChar", fldCharType="begin"))
    instr = text_run(f" {instruction} ", tag="instrText")
    separate = text_run()
    separate.append(w("fldChar", fldCharType="separate"))
    end = text_run()
    end.append(w("fldChar", fldCharType="end"))
    content.extend([begin, instr, separate, text_run(result), end])
    content.extend(word_runs(after))


def type_simple_field(root: etree._Element, key: str, instruction: str, result: str) -> None:
    """An answer that is one simple field (`w:fldSimple`) showing `result`."""
    content = _start_typing(control(root, key))
    field = w("fldSimple", instr=f" {instruction} ")
    field.append(text_run(result))
    content.append(field)


def type_paragraphs(root: etree._Element, key: str, paragraphs: list[str]) -> None:
    """An answer of several paragraphs: the field becomes a block-level control holding one paragraph
    per item (what Word saves when Enter is pressed in a control that allows it), in the field's
    bookmark, in place of the cell's paragraph. It reads the paragraphs on lines of their own."""
    inline = control(root, key)
    paragraph = inline.getparent()
    start, end = inline.getprevious(), inline.getnext()
    block = w("sdt")
    block.append(inline.find("w:sdtPr", NS))
    flag = block.find("w:sdtPr/w:showingPlcHdr", NS)
    if flag is not None:
        flag.getparent().remove(flag)
    content = etree.SubElement(block, f"{{{W}}}sdtContent")
    for number, text in enumerate(paragraphs):
        new = etree.SubElement(content, f"{{{W}}}p")
        if number == 0:
            new.append(start)
        new.extend(word_runs(text))
        if number == len(paragraphs) - 1:
            new.append(end)
    paragraph.addprevious(block)
    paragraph.getparent().remove(paragraph)


def delete_control(root: etree._Element, key: str, typed: str, *, keep_text: bool) -> None:
    """The field deleted in the editor and the answer typed in its place, in the same cell.

    keep_text=False: the control went with its content, leaving its bookmark collapsed, and the answer
    was typed beside it (after the bookmark). keep_text=True: the control was removed but its text kept,
    still inside the bookmark."""
    sdt = control(root, key)
    parent = sdt.getparent()
    index = parent.index(sdt)
    parent.remove(sdt)
    if keep_text:
        parent.insert(index, text_run(typed))
    else:
        parent.append(text_run(typed))  # after the bookmark's end


def edit_document(source: Path, destination: Path, edit: Callable[[etree._Element], None]) -> Path:
    """Copy a .docx with its word/document.xml changed by `edit`."""
    return edit_part(source, destination, "word/document.xml", edit)


def set_properties(source: Path, destination: Path, **changes: str) -> Path:
    """Copy a .docx with some of its custom document properties changed."""

    def edit(root: etree._Element) -> None:
        for prop in root.iter(f"{{{CUSTOM}}}property"):
            if prop.get("name") in changes:
                value = prop.find(f"{{{VT}}}lpwstr")
                value.text = changes[prop.get("name")]

    return edit_part(source, destination, "docProps/custom.xml", edit)


def edit_part(source: Path, destination: Path, name: str, edit: Callable[[etree._Element], None]) -> Path:
    """Copy a .docx with its part `name` (an XML part) changed by `edit`."""
    with zipfile.ZipFile(source) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename == name:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            archive.writestr(info, data)
    return destination


# -- typed outside the field ------------------------------------------------------------------------


def _field_paragraph(root: etree._Element, key: str) -> etree._Element:
    return control(root, key).getparent()


def type_keeping_the_flag(root: etree._Element, key: str, text: str) -> None:
    """The hint replaced by the answer, but the placeholder flag and the hint's grey style left on, as
    LibreOffice 7.4 and some other editors leave them."""
    sdt = control(root, key)
    for t in sdt.iter(f"{{{W}}}t"):
        t.text = ""
    first = next(sdt.iter(f"{{{W}}}t"))
    first.text = text
    assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None


def type_beside(root: etree._Element, key: str, text: str) -> None:
    """Text typed on the same line after the field, the hint left inside it."""
    _field_paragraph(root, key).extend(word_runs(text))


def _cell_paragraph(cell_paragraph: etree._Element, runs: list[etree._Element], num_id: str | None = None):
    paragraph = w("p")
    if num_id is not None:
        properties = etree.SubElement(paragraph, f"{{{W}}}pPr")
        properties.append(w("pStyle", val="ListParagraph"))
        numbering = etree.SubElement(properties, f"{{{W}}}numPr")
        numbering.append(w("ilvl", val="0"))
        numbering.append(w("numId", val=num_id))
    paragraph.extend(runs)
    cell_paragraph.addnext(paragraph)
    return paragraph


def type_after(root: etree._Element, key: str, paragraphs: list[str]) -> None:
    """Enter after the field, then paragraphs typed in the same cell, outside the field."""
    last = _field_paragraph(root, key)
    for text in paragraphs:
        last = _cell_paragraph(last, word_runs(text))


def paste_list(root: etree._Element, key: str, items: list[str], num_id: str, *, into_field: bool) -> None:
    """A list pasted in the field's cell: one list paragraph per item (`num_id` from `add_numbering`).
    into_field=True: the field's hint replaced, the list starting in the field's paragraph (Word turns
    the field into a block-level control holding the list); False: after the field, in the cell."""
    if into_field:
        type_paragraphs(root, key, items)
        block = next(s for s in root.iter(f"{{{W}}}sdt") if s.find("w:sdtPr/w:tag", NS) is not None
                     and s.find("w:sdtPr/w:tag", NS).get(f"{{{W}}}val") == key)  # fmt: skip
        for paragraph in block.iter(f"{{{W}}}p"):
            properties = paragraph.find("w:pPr", NS)
            if properties is None:
                properties = etree.Element(f"{{{W}}}pPr")
                paragraph.insert(0, properties)
            numbering = etree.SubElement(properties, f"{{{W}}}numPr")
            numbering.append(w("ilvl", val="0"))
            numbering.append(w("numId", val=num_id))
        return
    last = _field_paragraph(root, key)
    for text in items:
        last = _cell_paragraph(last, word_runs(text), num_id)


def add_numbering(source: Path, destination: Path, fmt: str, num_id: str = "90") -> Path:
    """Copy a .docx with a list definition added to word/numbering.xml (`bullet` or `decimal`), as Word
    adds one for a pasted list."""

    def edit(root: etree._Element) -> None:
        abstract = w("abstractNum", abstractNumId=num_id)
        level = etree.SubElement(abstract, f"{{{W}}}lvl", {f"{{{W}}}ilvl": "0"})
        level.append(w("start", val="1"))
        level.append(w("numFmt", val=fmt))
        level.append(w("lvlText", val="•" if fmt == "bullet" else "%1."))
        nums = root.findall("w:num", NS)
        (nums[0].addprevious(abstract) if nums else root.append(abstract))
        num = w("num", numId=num_id)
        num.append(w("abstractNumId", val=num_id))
        root.append(num)

    return edit_part(source, destination, "word/numbering.xml", edit)
