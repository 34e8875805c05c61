"""Reading a returned form: every text typed in each answer's cell, in document order.

A field's cell is found by its control's tag (Word keeps it), else its bookmark (Word and LibreOffice
keep it), else its title, else the form's layout; the whole cell is read, paragraphs and line breaks as
lines, tracked deletions left out, hint texts removed by their text (docs/forms.md).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from lxml import etree

from pipeline.forms.fields import GROUP_COLUMNS, LANGS, NS, Field, W, bookmark_name, placeholders
from pipeline.forms.intake import Refused, safe_parser

_P, _T, _BR, _CR, _TAB, _TC, _SDT = (f"{{{W}}}{n}" for n in ("p", "t", "br", "cr", "tab", "tc", "sdt"))
_DEL, _MOVE_FROM, _R = f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}r"
_BM_START, _BM_END = f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd"
_NO_BREAK_HYPHEN = f"{{{W}}}noBreakHyphen"
_VAL, _ID, _NAME = f"{{{W}}}val", f"{{{W}}}id", f"{{{W}}}name"
_PPR, _NUM_PR, _NUM_ID, _ILVL = (f"{{{W}}}{n}" for n in ("pPr", "numPr", "numId", "ilvl"))
_SDT_PR, _TAG, _ALIAS = (f"{{{W}}}{n}" for n in ("sdtPr", "tag", "alias"))
# what an older reader shows instead of a text box or shape: the same text again (Word and LibreOffice)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# what `_read_region` looks at; lxml skips every other element (run and paragraph properties...) in C
_READ_TAGS = (_P, _T, _BR, _CR, _TAB, _SDT, _DEL, _MOVE_FROM, _BM_START, _BM_END, _NO_BREAK_HYPHEN)


@dataclass(slots=True)  # not frozen: 47 a form, made four times faster (not changed once read)
class Answer:
    """One field as read from a returned form."""

    key: str
    text: str  # normalised; hints removed; empty when nothing was typed
    found_by: str  # how the field's place was found: tag | bookmark | alias | layout | missing
    control: bool = False  # the field's content control is still there
    beside: bool = False  # some of the text was typed outside the control (beside it, after it)


def normalise(text: str) -> str:
    """Whitespace as a reader expects it: lines trimmed, runs of spaces folded, no blank lines at the ends."""
    if "\n" not in text and "\r" not in text:  # one line (most answers): `split` folds no-break spaces too
        return " ".join(text.split())
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def strip_hints(text: str, own: tuple[str, ...], every: frozenset[str]) -> str:
    """`text` without hint texts: the field's own hints wherever they stand (a person may type beside
    one), and any other hint the tool writes where it stands alone on a line. `own` longest first (a
    field's `hints`), so that a hint holding another is taken whole."""
    for hint in own:
        if hint and hint in text:
            text = text.replace(hint, " ")
    text = normalise(text)
    if not text:
        return ""
    lines = text.split("\n")
    kept = [line for line in lines if line not in every and line not in own]
    return text if len(kept) == len(lines) else normalise("\n".join(kept))


@dataclass
class Numbering:
    """How list paragraphs are numbered (word/numbering.xml): numId and level -> number format."""

    formats: dict[tuple[str, str], str]

    @classmethod
    @functools.lru_cache(maxsize=16)  # noqa: B019 - a round's forms share one numbering part
    def parse(cls, numbering_xml: bytes | None) -> Numbering:
        """Read numbering.xml (never trusted: a part that cannot be parsed gives bullets for all)."""
        formats: dict[tuple[str, str], str] = {}
        if not numbering_xml:
            return cls(formats)
        try:
            root = etree.fromstring(numbering_xml, safe_parser())
        except etree.XMLSyntaxError:
            return cls(formats)
        abstract: dict[str, dict[str, str]] = {}
        for node in root.iterfind("w:abstractNum", NS):
            levels = {}
            for level in node.iterfind("w:lvl", NS):
                fmt = level.find("w:numFmt", NS)
                levels[level.get(f"{{{W}}}ilvl", "0")] = (
                    fmt.get(_VAL, "bullet") if fmt is not None else "bullet"
                )
            abstract[node.get(f"{{{W}}}abstractNumId", "")] = levels
        for num in root.iterfind("w:num", NS):
            ref = num.find("w:abstractNumId", NS)
            levels = abstract.get(ref.get(_VAL, "") if ref is not None else "", {})
            for ilvl, fmt in levels.items():
                formats[(num.get(f"{{{W}}}numId", ""), ilvl)] = fmt
        return cls(formats)

    def format_of(self, num_id: str, ilvl: str) -> str:
        """`bullet`, `decimal`, `lowerLetter`, ... (bullet when unknown)."""
        return self.formats.get((num_id, ilvl), "bullet")


def _list_marker(paragraph: etree._Element, numbering: Numbering, counters: dict) -> str:
    """The marker a list paragraph shows (`• `, `1. `, `a. `), or "" when it is not in a list."""
    properties = paragraph.find(_PPR)
    num_pr = properties.find(_NUM_PR) if properties is not None else None
    if num_pr is None:
        return ""
    num_id_el, ilvl_el = num_pr.find(_NUM_ID), num_pr.find(_ILVL)
    num_id = num_id_el.get(_VAL, "") if num_id_el is not None else ""
    ilvl = ilvl_el.get(_VAL, "0") if ilvl_el is not None else "0"
    if num_id == "0":  # numbering switched off on this paragraph
        return ""
    indent = "  " * min(int(ilvl) if ilvl.isdigit() else 0, 4)
    fmt = numbering.format_of(num_id, ilvl)
    if fmt in ("bullet", "none"):
        return indent + "• "
    count = counters[(num_id, ilvl)] = counters.get((num_id, ilvl), 0) + 1
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(count - 1) % 26]
        return f"{indent}{letter.upper() if fmt == 'upperLetter' else letter}. "
    return f"{indent}{count}. "


def _read_region(region: etree._Element, bookmark: str, numbering: Numbering) -> tuple[str, str, bool]:
    """The text in a cell (or a lone control) as a person sees it, in document order, and the part of
    it that is inside a content control or the field's bookmark; whether a control is there.

    Runs, line breaks, tabs, paragraphs (as lines, list paragraphs with their marker), tracked
    insertions and field results are read; deleted text, moved-away text and field codes are not.
    (`iter` with tags, and a look at each piece's ancestors, is about twice as fast as `iterwalk`.)"""
    fast = _read_plain_cell(region)
    if fast is not None:
        return fast, fast, True
    every: list[str] = []
    inner: list[str] = []
    open_ids: set[str] = set()
    first_paragraph = True
    has_control = region.tag == _SDT
    counters: dict = {}
    for node in region.iter(_READ_TAGS):
        tag = node.tag
        if tag == _BM_START:
            if node.get(_NAME) == bookmark:
                open_ids.add(node.get(_ID, ""))
            continue
        if tag == _BM_END:
            open_ids.discard(node.get(_ID, ""))
            continue
        if tag == _SDT:
            has_control = True
            continue
        if tag == _P:
            piece = ("" if first_paragraph else "\n") + _list_marker(node, numbering, counters)
            first_paragraph = False
            if piece:
                every.append(piece)
                # a new paragraph counts as inside when the field goes on in it (Word's block-level
                # control of several paragraphs, LibreOffice's bookmark that carries on after the control)
                inner.append(piece if open_ids or _ancestry(node, region)[0] else "\n")
            continue
        if tag == _T:
            piece = node.text or ""
        elif tag in (_BR, _CR):
            piece = "\n"
        elif tag == _TAB:
            parent = node.getparent()
            piece = "\t" if parent is not None and parent.tag == _R else ""
        elif tag == _NO_BREAK_HYPHEN:
            piece = "-"
        else:  # w:del, w:moveFrom: what they hold is skipped below
            continue
        if not piece:
            continue
        in_sdt, in_del = _ancestry(node, region)
        if in_del:
            continue  # deleted or moved away
        every.append(piece)
        if in_sdt or open_ids:
            inner.append(piece)
    return "".join(every), "".join(inner), has_control


_FAST_TAGS = (_P, _SDT, _T, _BR, _CR, _TAB, _NO_BREAK_HYPHEN, _DEL, _MOVE_FROM, _NUM_PR)


def _read_plain_cell(region: etree._Element) -> str | None:
    """The text of a cell as the tool wrote it and most people leave it: one paragraph, not a list,
    holding the control, with every text run inside the control; None for any other cell.
    (Most cells are like this, and reading them in one C call each keeps `collect` fast.)"""
    nodes = list(region.iter(_FAST_TAGS))
    if len(nodes) < 2 or nodes[0].tag != _P or nodes[1].tag != _SDT:
        return None
    texts = nodes[2:]
    for node in texts:
        if node.tag != _T:
            return None
    # in document order, the texts inside the control come before any after it: all are inside when
    # the last one is (a control nested in it is not a plain cell either)
    if texts and _ancestor(texts[-1], _SDT) is not nodes[1]:
        return None
    return "".join([node.text or "" for node in texts])


def _ancestry(node: etree._Element, region: etree._Element) -> tuple[bool, bool]:
    """Whether `node` is inside a content control, and inside a deletion (or moved-away text), as far
    up as `region` (itself included)."""
    in_sdt = in_del = False
    parent = node.getparent()
    while parent is not None:
        tag = parent.tag
        if tag == _SDT:
            in_sdt = True
        elif tag in (_DEL, _MOVE_FROM):
            in_del = True
        if parent is region:
            break
        parent = parent.getparent()
    return in_sdt, in_del


def _ancestor(node: etree._Element, tag: str) -> etree._Element | None:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return parent
        parent = parent.getparent()
    return None


def read_answers(
    document_xml: bytes,
    fields: list[Field],
    lang: str,
    numbering_xml: bytes | None = None,
) -> dict[str, Answer]:
    """Find each field's place in a form's word/document.xml and read what was typed there.

    The place is found by the control's tag (Word keeps it), else the field's bookmark (Word and
    LibreOffice keep it), else the control's title (a human label, or the key on forms of version 1),
    else the layout: the cell under the field's label, or its row and column in a table of repeating
    rows. The whole cell is read (see `_read_region`); hint texts are removed by their text.
    `document_xml` must come from a parser that refuses DTDs (`intake`)."""
    try:
        root = etree.fromstring(document_xml, safe_parser())
        numbering = Numbering.parse(numbering_xml)
    except etree.XMLSyntaxError as exc:  # cut off, empty, not UTF-8, a text node beyond lxml's limit
        raise Refused(
            f"its text (word/document.xml) is damaged ({exc.msg}); open it in Word, save it again and "
            "collect again",
            "file-damaged",
        ) from None
    for fallback in list(root.iter(_FALLBACK)):  # a text box's text is read once, from its mc:Choice
        fallback.getparent().remove(fallback)
    anchors = _Anchors(root)
    every_hint = placeholders()  # a field's own hints are among them (its words are a form field's)
    layout = _Layout(root)
    answers: dict[str, Answer] = {}
    for field in fields:
        found_by, anchor = anchors.find(field)
        if anchor is not None:
            region = _ancestor(anchor, _TC)
            if region is None:  # not in a table (an edited template): the control alone
                region = anchor if anchor.tag == _SDT else anchor.getparent()
        else:
            region = layout.cell(field)
            if region is not None:
                found_by = "layout"
        if region is None:
            answers[field.key] = Answer(field.key, "", "missing")
            continue
        every, inner, has_control = _read_region(region, bookmark_name(field.key), numbering)
        text = strip_hints(every, field.hints, every_hint)
        if not has_control:
            inside = ""
        elif inner == every:
            inside = text
        else:
            inside = strip_hints(inner, field.hints, every_hint)
        beside = has_control and bool(text) and text != inside
        answers[field.key] = Answer(field.key, text, found_by, has_control, beside)
    return answers


class _Anchors:
    """Where each field is: its control by tag, else its bookmark, else its control by title. A control's
    tag and title are children of its sdtPr, looked for directly, not control by control; the titles only
    when a field is found neither way (LibreOffice keeps the bookmarks where it drops the tags)."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.by_tag: dict[str, etree._Element] = {}
        self.bookmarks: dict[str, etree._Element] = {}
        self._by_alias: dict[str, etree._Element] | None = None
        for node in root.iter(_TAG, _BM_START):
            if node.tag == _BM_START:
                name = node.get(_NAME, "")
                if name.startswith("apr_"):
                    self.bookmarks.setdefault(name, node)
                continue
            control = _control_of(node)
            if control is not None:
                self.by_tag.setdefault(node.get(_VAL, ""), control)

    def find(self, field: Field) -> tuple[str, etree._Element | None]:
        """How the field was found (tag, bookmark, alias; missing) and its control or bookmark."""
        anchor = self.by_tag.get(field.key)
        if anchor is not None:
            return "tag", anchor
        anchor = self.bookmarks.get(bookmark_name(field.key))
        if anchor is not None:
            return "bookmark", anchor
        if self._by_alias is None:
            self._by_alias = {}
            for node in self.root.iter(_ALIAS):
                control = _control_of(node)
                if control is not None:
                    self._by_alias.setdefault(node.get(_VAL, "").strip().casefold(), control)
        anchor = _by_title(self._by_alias, field)
        return ("alias", anchor) if anchor is not None else ("missing", None)


def _control_of(node: etree._Element) -> etree._Element | None:
    """The content control whose properties hold `node` (a tag or a title), or None."""
    properties = node.getparent()
    control = properties.getparent() if properties is not None and properties.tag == _SDT_PR else None
    return control if control is not None and control.tag == _SDT else None


def _by_title(by_alias: dict[str, etree._Element], field: Field) -> etree._Element | None:
    """The control titled with the field's key (version 1) or its title in either language."""
    for name in (field.key, *(field.title(lang) for lang in LANGS)):
        node = by_alias.get(name.strip().casefold())
        if node is not None:
            return node
    return None


class _Layout:
    """Finding a field's cell by the form's layout, for when its control and bookmark are both gone:
    the cell under a one-cell row holding its label, or its row and column in the table of its group."""

    def __init__(self, root: etree._Element):
        self.root = root
        self._tables: list[tuple[list[etree._Element], list[list[etree._Element]]]] | None = None

    def tables(self) -> list[tuple[list[etree._Element], list[list[etree._Element]]]]:
        """Every table's rows and their cells (read once, when first needed)."""
        if self._tables is None:
            self._tables = []
            for table in self.root.iter(f"{{{W}}}tbl"):
                rows = table.findall("w:tr", NS)
                self._tables.append((rows, [row.findall("w:tc", NS) for row in rows]))
        return self._tables

    def cell(self, field: Field) -> etree._Element | None:
        """The cell where the field's answer belongs, or None."""
        if field.group:
            return self._grid_cell(field)
        labels = {normalise(field.label(lang)).casefold() for lang in LANGS}
        for _rows, cells in self.tables():
            for index, row in enumerate(cells[:-1]):
                if len(row) == 1 and _cell_label(row[0]) in labels:
                    below = cells[index + 1]
                    if len(below) == 1:
                        return below[0]
        return None

    def _grid_cell(self, field: Field) -> etree._Element | None:
        columns = GROUP_COLUMNS[field.group]
        for lang in LANGS:
            headers = [normalise(c.label(lang)).casefold() for c in columns]
            for _rows, cells in self.tables():
                for index, row in enumerate(cells):
                    texts = [_cell_label(c) for c in row]
                    if len(texts) >= len(headers) and texts[len(texts) - len(headers) :] == headers:
                        data = [r for r in cells[index + 1 :] if len(r) == len(row)]
                        if field.row <= len(data):
                            return data[field.row - 1][len(row) - len(headers) + field.column]
                        return None
        return None


def _cell_label(cell: etree._Element) -> str:
    every, _inner, _control = _read_region(cell, "", Numbering({}))
    return normalise(every).rstrip(":").casefold()
